import numpy as np
import pytest

from sim.levers import Levers
from sim.states import CHURNED
from sim.strategies.tiering import CustomerTiering

PARAMS = {
    "population": {"size": 5000, "initial_active_share": 0.5},
    "accounting": {"tier_thresholds": [60.0, 120.0]},
}


def vip_resolution_rate(recorder, min_tier):
    complaints = resolved = 0
    for outcome, tier in zip(recorder.outcomes, recorder.tiers, strict=True):
        complaints += int((tier[outcome.complaints] >= min_tier).sum())
        resolved += int((tier[outcome.resolved] >= min_tier).sum())
    return resolved / complaints, complaints


def test_vips_get_their_complaints_resolved_more_often(run_recorded):
    _, base = run_recorded(PARAMS, rng=21, days=120)
    tiering = {"kind": "tiering", "resolution_add": 0.4}
    _, treated = run_recorded({**PARAMS, "strategies": [tiering]}, rng=21, days=120)
    base_rate, base_n = vip_resolution_rate(base, 2)
    vip_rate, vip_n = vip_resolution_rate(treated, 2)
    assert min(base_n, vip_n) > 250
    assert base_rate == pytest.approx(0.5, abs=0.06)
    assert vip_rate == pytest.approx(0.9, abs=0.04)


def test_vip_service_reaches_only_the_top_tiers_of_the_target(tiny):
    tiny.tier[:] = [0, 1, 2, 2, 3, 2]
    young_or_more = np.array([False, True, True, False, True, True])
    levers = Levers.neutral(tiny.size)
    CustomerTiering(late_reduction=0.5, switching_cost=0.3).pull(levers, tiny, 0, young_or_more)
    assert levers.late_mult.tolist() == [1.0, 1.0, 0.5, 1.0, 0.5, 0.5]
    assert levers.switching_cost_add.tolist() == [0.0, 0.0, 0.3, 0.0, 0.3, 0.3]
    assert levers.resolution_add.tolist() == [0.0, 0.0, 0.3, 0.0, 0.3, 0.3]


def test_tiering_costs_each_active_vip_one_day_of_service(tiny, day, paid):
    tiny.tier[:] = [0, 1, 2, 2, 3, 2]
    tiny.state[5] = CHURNED
    tiering = CustomerTiering(vip_min_tier=2, cost_per_vip_per_day=0.5)
    assert tiering.settle(day(), tiny, None).total == pytest.approx(0.5 * 3)  # shoppers 2, 3, 4
    mask = np.array([True, True, True, False, False, True])
    assert tiering.settle(day(), tiny, mask).total == pytest.approx(0.5 * 1)  # shopper 2
    assert paid(tiering.settle(day(), tiny, None)) == {2: 0.5, 3: 0.5, 4: 0.5}
