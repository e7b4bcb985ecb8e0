"""Helpers for the strategy tests: a recording strategy and tiny hand-made populations."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import pytest

from sim import ShopperModel
from sim.outcome import DayOutcome
from sim.params import ModelParams
from sim.shoppers import create_shoppers
from sim.states import ACTIVE
from sim.strategies.base import Strategy


class Recorder(Strategy):
    """Pulls nothing, costs nothing; keeps each day's outcome and the tiers it was settled with."""

    kind: Literal["recorder"] = "recorder"
    summary: ClassVar[str] = "test helper"
    outcomes: list = []
    tiers: list = []

    def settle(self, outcome, shoppers, mask):
        self.outcomes.append(outcome)
        self.tiers.append(shoppers.tier.copy())
        return 0.0


@pytest.fixture
def run_recorded():
    """Run a model for ``days`` with a Recorder appended; return the model and the recorder."""

    def run(params: dict, rng: int, days: int) -> tuple[ShopperModel, Recorder]:
        model = ShopperModel(params, rng=rng)
        recorder = Recorder(outcomes=[], tiers=[])
        model.params.strategies.append(recorder)
        model.run(days)
        return model, recorder

    return run


@pytest.fixture
def tiny():
    """Six shoppers, all active, order values 10, 20, ..., 60 CNY, segments by index."""
    params = ModelParams(population={"size": 6})
    shoppers = create_shoppers(params, np.random.default_rng(0))
    shoppers.state[:] = ACTIVE
    shoppers.order_value[:] = np.arange(1, 7) * 10.0
    shoppers.segment[:] = [0, 0, 1, 1, 2, 2]
    return shoppers


AMOUNTS = ("focal_values", "focal_discounts")


def outcome(day: int = 1, **events: list) -> DayOutcome:
    """A hand-built day: event arrays by DayOutcome field name (nothing else happened)."""
    arrays = {
        name: np.asarray(v, dtype=float if name in AMOUNTS else np.int64)
        for name, v in events.items()
    }
    return DayOutcome(day=day, **arrays)


@pytest.fixture
def day():
    """Build a hand-made DayOutcome: ``day(focal_shoppers=[...], focal_values=[...], ...)``."""
    return outcome
