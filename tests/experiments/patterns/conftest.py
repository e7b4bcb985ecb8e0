"""Fakes for the pattern tests: a summary that meets every pattern, and a fake model."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from experiments.patterns import runs
from sim import ModelParams
from sim.states import ACTIVE, CHURNED, NEVER, WON_BACK

#: Default segments and their mean price sensitivity (low_income 0.85 ... young 0.45).
SEGMENTS = [(s.name, s.price_sensitivity.mean) for s in ModelParams().population.segments]
DEFAULT_HAZARD = ModelParams().loyalty.base_churn_hazard


def good_summary() -> dict[str, float]:
    """A summary inside every range (churn rates rise with price sensitivity)."""
    summary = {
        "days": 365.0,
        "satisfied_defector_share": 0.75,
        "defections": 100.0,
        "hazard_tenure_early": 0.004,
        "hazard_tenure_late": 0.002,
        "top20_spend_share": 0.70,
        "orders_per_buyer": 40.0,
        "aov": 50.0,
        "spend_per_buyer": 1700.0,
        "gmv": 1_700_000.0,
        "revenue": 51_000.0,  # take rate 3% of GMV: 51 CNY per buyer a year
        "take_rate": 0.03,
        "annual_buyers": 1000.0,
        "mau_ratio": 0.75,
        "group_order_share": 0.30,
        "group_gmv_share": 0.25,
        "group_fill_rate": 0.6,
        "top_tier_share": 0.05,
        "profit": 1000.0,
        "retention_365": math.nan,
        "active_end": 500.0,
        "customers": 1000.0,
    }
    for name, sensitivity in SEGMENTS:
        summary[f"churn_rate_{name}"] = sensitivity  # per customer-year
    return summary


def counterpart_summary() -> dict[str, float]:
    """The paired lower-churn run: profit +15%, active_end/customers +2 points."""
    return {**good_summary(), "profit": 1150.0, "active_end": 520.0}


class FakeModel:
    """Stands in for ShopperModel: 600 customers at LTR 4, 8 and 10 (200 each).

    The first ``run`` call leaves them all active; the second keeps 20%, 40% and 80%
    of the three groups (detractors, passives, promoters: a zone-gain ratio of 2; one
    kept detractor churned and came back, so 39 are retained). Everything else of the
    population (another 100 shoppers) is a prospect. ``calls`` records every (seed spawn
    key, days) of ``run``, ``params_seen`` the parameters of every model built.
    """

    calls: list[tuple[tuple[int, ...], int]] = []
    params_seen: list[dict] = []
    summary_override: dict[str, float] = {}

    def __init__(self, params, rng=None):
        self.params = params
        FakeModel.params_seen.append(params)
        self.seed = rng
        self.ltr = np.repeat(np.array([4, 8, 10, 0], dtype=np.int8), [200, 200, 200, 100])
        state = np.full(700, ACTIVE, dtype=np.int8)
        state[600:] = 0
        churned_day = np.full(700, NEVER, dtype=np.int32)
        orders = np.ones(700, dtype=np.int32)
        orders[600:] = 0
        self.shoppers = SimpleNamespace(
            state=state,
            churned_day=churned_day,
            orders=orders,
            active_mask=lambda: np.isin(self.shoppers.state, (ACTIVE, WON_BACK)),
        )
        self.runs = 0

    def run(self, days: int) -> None:
        FakeModel.calls.append((tuple(self.seed.spawn_key), days))
        self.runs += 1
        if self.runs == 2:
            state = self.shoppers.state
            kept = np.zeros(600, dtype=bool)
            kept[:40] = kept[200:280] = kept[400:560] = True
            state[:600] = np.where(kept, ACTIVE, CHURNED)
            self.shoppers.churned_day[:600][~kept] = days
            state[0] = WON_BACK  # churned and won back: not retained
            self.shoppers.churned_day[0] = days
            self.ltr = np.zeros_like(self.ltr)  # the end LTR must not be used

    def summary(self) -> dict[str, float]:
        hazard = self.params["loyalty"]["base_churn_hazard"]
        base = counterpart_summary() if hazard < DEFAULT_HAZARD else good_summary()
        return {**base, **FakeModel.summary_override}


@pytest.fixture
def summary() -> dict[str, float]:
    """A fresh summary inside every range."""
    return good_summary()


@pytest.fixture
def counterpart() -> dict[str, float]:
    """A fresh summary of the paired lower-churn run."""
    return counterpart_summary()


@pytest.fixture
def segments() -> list[tuple[str, float]]:
    """The default segments with their mean price sensitivity."""
    return list(SEGMENTS)


@pytest.fixture
def fake_model(monkeypatch):
    """Replace the model the pattern runs build with :class:`FakeModel`."""
    FakeModel.calls = []
    FakeModel.params_seen = []
    FakeModel.summary_override = {}
    monkeypatch.setattr(runs, "ShopperModel", FakeModel)
    return FakeModel
