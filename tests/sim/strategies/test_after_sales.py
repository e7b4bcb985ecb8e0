import numpy as np
import pytest

from sim.levers import Levers
from sim.strategies.after_sales import AfterSales

POPULATION = {"size": 4000, "initial_active_share": 0.3}


def resolved_share(recorder):
    complaints = sum(o.complaints.size for o in recorder.outcomes)
    return sum(o.resolved.size for o in recorder.outcomes) / complaints


def test_after_sales_resolves_more_complaints_and_raises_satisfaction(run_recorded):
    base_model, base = run_recorded({"population": POPULATION}, rng=51, days=90)
    service = {"kind": "after_sales", "resolution_add": 0.4, "recovery_mult": 1.5}
    model, treated = run_recorded({"population": POPULATION, "strategies": [service]}, 51, 90)
    assert resolved_share(base) == pytest.approx(0.5, abs=0.05)
    assert resolved_share(treated) == pytest.approx(0.9, abs=0.04)
    base_satisfaction = base_model.daily_metrics()["satisfaction"].iloc[-30:].mean()
    assert model.daily_metrics()["satisfaction"].iloc[-30:].mean() > base_satisfaction + 0.01


def test_after_sales_levers_reach_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([False, True, True, False, False, False])
    AfterSales(resolution_add=0.2, recovery_mult=2.0).pull(levers, tiny, 0, mask)
    assert levers.resolution_add.tolist() == [0.0, 0.2, 0.2, 0.0, 0.0, 0.0]
    assert levers.recovery_mult.tolist() == [1.0, 2.0, 2.0, 1.0, 1.0, 1.0]


def test_after_sales_cost_is_complaint_handling_plus_returns(tiny, day, paid):
    service = AfterSales(cost_per_complaint=5.0, return_cost_share=0.2)
    today = day(complaints=[0, 3, 4], resolved=[3, 4])  # order values 10, 40, 50
    assert service.settle(today, tiny, None).total == pytest.approx(5.0 * 3 + 0.2 * (40.0 + 50.0))
    mask = np.array([True, False, False, True, False, False])
    assert service.settle(today, tiny, mask).total == pytest.approx(5.0 * 2 + 0.2 * 40.0)
    # each complaint and return is paid for the shopper who made it
    assert paid(service.settle(today, tiny, None)) == pytest.approx(
        {0: 5.0, 3: 5.0 + 0.2 * 40.0, 4: 5.0 + 0.2 * 50.0}
    )
