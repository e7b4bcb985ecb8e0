"""Helpers for the strategy tests: a strategy that records each day (see also ../conftest.py)."""

from __future__ import annotations

from typing import ClassVar, Literal

import pytest

from sim import ShopperModel
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
def paid():
    """What a settled strategy cost paid for each shopper: {shopper id: CNY} (ids summed)."""

    def by_shopper(cost) -> dict[int, float]:
        totals: dict[int, float] = {}
        for shopper, amount in zip(cost.shoppers.tolist(), cost.amounts.tolist(), strict=True):
            totals[shopper] = totals.get(shopper, 0.0) + amount
        return totals

    return by_shopper


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
