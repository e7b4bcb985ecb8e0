import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.strategies.coupons import Coupons

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_coupons_bring_more_focal_orders_than_the_baseline_on_the_same_seed():
    base = simulate({"population": POPULATION}, rng=11, days=60).daily
    coupons = {"population": POPULATION, "strategies": [{"kind": "coupons", "discount": 0.2}]}
    treated = simulate(coupons, rng=11, days=60).daily
    assert treated["orders"].sum() > 1.15 * base["orders"].sum()


def test_coupon_cost_is_the_discount_on_the_reached_focal_orders(tiny, day, paid):
    coupons = Coupons(discount=0.1)
    mask = np.array([True, True, False, False, True, False])
    levers = Levers.neutral(tiny.size)
    coupons.pull(levers, tiny, 1, mask)
    assert levers.price_discount.tolist() == [0.1, 0.1, 0.0, 0.0, 0.1, 0.0]
    today = day(focal_shoppers=[0, 2, 4], focal_values=[10.0, 30.0, 50.0])
    assert coupons.settle(today, tiny, mask).total == pytest.approx(0.1 * (10.0 + 50.0))
    assert coupons.settle(today, tiny, None).total == pytest.approx(0.1 * 90.0)
    assert paid(coupons.settle(today, tiny, mask)) == pytest.approx({0: 1.0, 4: 5.0})


def test_model_books_the_coupon_on_every_focal_order_when_everyone_is_reached(run_recorded):
    params = {"population": POPULATION, "strategies": [{"kind": "coupons", "discount": 0.08}]}
    model, recorder = run_recorded(params, rng=2, days=20)
    expected = [0.08 * o.focal_values.sum() for o in recorder.outcomes]
    assert model.daily_metrics()["strategy_cost"].to_numpy() == pytest.approx(expected)
