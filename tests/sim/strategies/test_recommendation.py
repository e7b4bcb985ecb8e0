import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.states import CHURNED
from sim.strategies.recommendation import Recommendation

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_recommendation_brings_more_orders_and_more_satisfaction():
    base = simulate({"population": POPULATION}, rng=61, days=60).daily
    rec = {"kind": "recommendation", "quality_bonus": 0.1, "purchase_rate_mult": 1.5}
    treated = simulate({"population": POPULATION, "strategies": [rec]}, rng=61, days=60).daily
    assert treated["orders"].sum() > 1.3 * base["orders"].sum()
    assert treated["satisfaction"].iloc[-20:].mean() > base["satisfaction"].iloc[-20:].mean() + 0.03


def test_recommendation_levers_reach_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([False, False, False, True, True, True])
    Recommendation(quality_bonus=0.05, purchase_rate_mult=1.2).pull(levers, tiny, 0, mask)
    assert levers.quality_bonus.tolist() == [0.0, 0.0, 0.0, 0.05, 0.05, 0.05]
    assert levers.purchase_rate_mult.tolist() == [1.0, 1.0, 1.0, 1.2, 1.2, 1.2]


def test_recommendation_costs_each_reached_active_shopper_a_day(tiny, day, paid):
    tiny.state[[1, 4]] = CHURNED
    rec = Recommendation(cost_per_active_per_day=0.02)
    assert rec.settle(day(), tiny, None).total == pytest.approx(0.02 * 4)
    assert rec.settle(day(), tiny, np.array([1, 1, 1, 0, 0, 0], bool)).total == pytest.approx(
        0.02 * 2
    )
    assert paid(rec.settle(day(), tiny, None)) == pytest.approx(
        {0: 0.02, 2: 0.02, 3: 0.02, 5: 0.02}
    )
