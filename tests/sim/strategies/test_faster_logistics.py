import numpy as np
import pytest

from sim.levers import Levers
from sim.strategies.faster_logistics import FasterLogistics

POPULATION = {"size": 4000, "initial_active_share": 0.3}


def complaints_per_order(recorder):
    complaints = sum(o.complaints.size for o in recorder.outcomes)
    return complaints / sum(o.focal_shoppers.size for o in recorder.outcomes)


def test_faster_logistics_means_fewer_complaints_and_more_satisfied_shoppers(run_recorded):
    # half a year: cumulative satisfaction moves slowly (learning rate 0.1)
    base_model, base = run_recorded({"population": POPULATION}, rng=41, days=180)
    logistics = {"kind": "faster_logistics", "late_reduction": 1.0}
    model, treated = run_recorded({"population": POPULATION, "strategies": [logistics]}, 41, 180)
    # complaints come from defects (0.06 x 0.7) and late deliveries (0.12 x 0.3)
    assert complaints_per_order(base) == pytest.approx(0.077, abs=0.01)
    assert complaints_per_order(treated) == pytest.approx(0.042, abs=0.008)
    base_satisfaction = base_model.daily_metrics()["satisfaction"].iloc[-30:].mean()
    assert model.daily_metrics()["satisfaction"].iloc[-30:].mean() > base_satisfaction + 0.01


def test_faster_logistics_cuts_the_late_rate_of_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([True, False, True, False, False, False])
    FasterLogistics(late_reduction=0.75).pull(levers, tiny, 0, mask)
    assert levers.late_mult.tolist() == [0.25, 1.0, 0.25, 1.0, 1.0, 1.0]


def test_logistics_cost_is_paid_per_reached_focal_order(tiny, day, paid):
    logistics = FasterLogistics(cost_per_order=1.5)
    today = day(focal_shoppers=[1, 2, 4], focal_values=[20.0, 30.0, 50.0])
    assert logistics.settle(today, tiny, None).total == pytest.approx(4.5)
    assert paid(logistics.settle(today, tiny, None)) == pytest.approx({1: 1.5, 2: 1.5, 4: 1.5})
    assert logistics.settle(today, tiny, np.array([0, 0, 1, 0, 1, 0], bool)).total == pytest.approx(
        3.0
    )
