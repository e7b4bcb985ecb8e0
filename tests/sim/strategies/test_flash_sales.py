import numpy as np
import pytest
from pydantic import ValidationError

from sim import simulate
from sim.levers import Levers
from sim.strategies.flash_sales import FlashSales

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_sale_days_bring_more_orders_and_other_days_do_not_change_the_rule():
    base = simulate({"population": POPULATION}, rng=81, days=42).daily
    sale = {"kind": "flash_sales", "period_days": 7, "duration_days": 1, "discount": 0.3}
    treated = simulate({"population": POPULATION, "strategies": [sale]}, rng=81, days=42).daily
    sale_days = base["day"] % 7 == 0
    assert treated["orders"][sale_days].sum() > 1.8 * base["orders"][sale_days].sum()
    assert (treated["strategy_cost"][~sale_days] == 0).all()
    assert (treated["strategy_cost"][sale_days] > 0).all()


def test_sale_levers_act_on_sale_days_and_on_the_target_only(tiny):
    sale = FlashSales(period_days=5, duration_days=2, start_day=3, discount=0.2)
    mask = np.array([True, False, True, False, False, False])
    assert [d for d in range(15) if sale.is_sale_day(d)] == [3, 4, 8, 9, 13, 14]
    quiet = Levers.neutral(tiny.size)
    sale.pull(quiet, tiny, 5, mask)
    assert (quiet.price_discount, quiet.purchase_rate_mult) == (0.0, 1.0)
    levers = Levers.neutral(tiny.size)
    sale.pull(levers, tiny, 9, mask)
    assert levers.price_discount.tolist() == [0.2, 0.0, 0.2, 0.0, 0.0, 0.0]
    assert levers.purchase_rate_mult.tolist() == [2.0, 1.0, 2.0, 1.0, 1.0, 1.0]


def test_sale_cost_is_the_discount_given_on_sale_days(tiny, day, paid):
    sale = FlashSales(period_days=7, duration_days=1, discount=0.25)
    orders = {"focal_shoppers": [0, 3], "focal_values": [10.0, 40.0]}
    assert sale.settle(day(day=14, **orders), tiny, None).total == pytest.approx(0.25 * 50.0)
    assert sale.settle(day(day=15, **orders), tiny, None).total == 0.0
    assert paid(sale.settle(day(day=14, **orders), tiny, None)) == pytest.approx({0: 2.5, 3: 10.0})
    assert paid(sale.settle(day(day=15, **orders), tiny, None)) == {}
    assert (
        sale.settle(day(day=14, **orders), tiny, np.array([0, 0, 0, 1, 0, 0], bool)).total == 10.0
    )


def test_a_sale_cannot_last_longer_than_its_period():
    with pytest.raises(ValidationError, match="must not exceed period_days"):
        FlashSales(period_days=3, duration_days=4)
