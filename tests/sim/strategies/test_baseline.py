import numpy as np
import pandas as pd

from sim import simulate
from sim.levers import Levers
from sim.strategies.baseline import Baseline

PARAMS = {"population": {"size": 2000, "initial_active_share": 0.3}}


def test_baseline_pulls_no_lever_and_costs_nothing(tiny, day):
    levers = Levers.neutral(tiny.size)
    Baseline().pull(levers, tiny, 0, None)
    assert levers == Levers.neutral(tiny.size)
    today = day(focal_shoppers=[0, 1], focal_values=[10.0, 20.0], churned=[2])
    cost = Baseline().settle(today, tiny, np.ones(tiny.size, bool))
    assert (cost.total, cost.shoppers.size, cost.unallocated) == (0.0, 0, 0.0)


def test_a_run_with_the_baseline_equals_a_run_without_strategies():
    plain = simulate(PARAMS, rng=3, days=40).daily
    with_baseline = simulate({**PARAMS, "strategies": [{"kind": "baseline"}]}, rng=3, days=40)
    pd.testing.assert_frame_equal(with_baseline.daily, plain, check_exact=True, check_dtype=False)
