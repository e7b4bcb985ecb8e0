"""Helpers for the model tests: a tiny hand-made population and hand-made days."""

from __future__ import annotations

import numpy as np
import pytest

from sim.outcome import DayOutcome
from sim.params import ModelParams
from sim.shoppers import create_shoppers
from sim.states import ACTIVE


@pytest.fixture
def tiny():
    """Six shoppers, all active, order values 10, 20, ..., 60 CNY, segments by index."""
    params = ModelParams(population={"size": 6})
    shoppers = create_shoppers(params, np.random.default_rng(0))
    shoppers.state[:] = ACTIVE
    shoppers.order_value[:] = np.arange(1, 7) * 10.0
    shoppers.segment[:] = [0, 0, 1, 1, 2, 2]
    return shoppers


AMOUNTS = ("focal_values", "focal_discounts", "group_values")


def outcome(day: int = 1, **events: list) -> DayOutcome:
    """A hand-built day: event arrays (or counts) by DayOutcome field name (nothing else)."""
    arrays = {
        name: v if isinstance(v, int) else np.asarray(v, float if name in AMOUNTS else np.int64)
        for name, v in events.items()
    }
    return DayOutcome(day=day, **arrays)


@pytest.fixture
def day():
    """Build a hand-made DayOutcome: ``day(focal_shoppers=[...], focal_values=[...], ...)``."""
    return outcome
