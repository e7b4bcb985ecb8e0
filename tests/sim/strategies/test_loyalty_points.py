import copy

import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.strategies.loyalty_points import LoyaltyPoints

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_generous_points_keep_more_shoppers_ordering_on_the_focal_platform():
    base = simulate({"population": POPULATION}, rng=111, days=90).daily
    points = {"kind": "loyalty_points", "point_value": 0.05, "redeem_threshold": 100.0}
    treated = simulate({"population": POPULATION, "strategies": [points]}, rng=111, days=90).daily
    assert treated["orders"].sum() > 1.1 * base["orders"].sum()
    assert treated["strategy_cost"].sum() > 0


def test_points_pay_a_capped_share_of_the_order_and_act_only_on_the_target(tiny):
    tiny.points[:] = [0.0, 600.0, 600.0, 5000.0, 5000.0, 100.0]
    mask = np.array([True, True, False, True, True, True])
    levers = Levers.neutral(tiny.size)
    LoyaltyPoints().pull(levers, tiny, 0, mask)
    # 600 points = 6 CNY on a 20 CNY order: 0.3 (the cap); 5000 points: capped at 0.3
    assert levers.price_discount.tolist() == pytest.approx([0.0, 0.3, 0.0, 0.3, 0.3, 0.0])
    assert levers.switching_cost_add[2] == 0.0


def test_points_cost_is_the_value_redeemed(tiny, day, paid):
    tiny.points[:] = [0.0, 600.0, 0.0, 1000.0, 0.0, 0.0]
    points = LoyaltyPoints(earn_rate=1.0, point_value=0.01, redeem_threshold=500.0)
    today = day(
        focal_shoppers=[1, 3, 5],
        focal_values=[20.0, 40.0, 60.0],
        focal_discounts=[0.3, 0.25, 0.0],
    )
    # shopper 1 redeems min(6 CNY / 20, 0.3) x 20 = 6 CNY; shopper 3 min(10/40, 0.3) x 40 = 10
    tiny_again = copy.deepcopy(tiny)
    assert points.settle(today, tiny, None).total == pytest.approx(16.0)
    assert paid(points.settle(today, tiny_again, None)) == pytest.approx({1: 6.0, 3: 10.0, 5: 0.0})
    assert tiny.points[[1, 3, 5]].tolist() == pytest.approx([0.0 + 14.0, 0.0 + 30.0, 60.0])
