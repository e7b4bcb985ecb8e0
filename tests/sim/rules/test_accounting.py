import dataclasses

import numpy as np
import pytest

from sim.rules import accounting
from sim.states import NEVER


def test_discount_factor_compounds_to_the_annual_rate():
    assert accounting.daily_discount_factor(0.1) ** 365 == pytest.approx(1 / 1.1)


def test_lifetime_value_conventions():
    # Gupta & Lehmann (2003): m r / (1 + i - r) and m (1 + i) / (1 + i - r)
    at_period_end = accounting.lifetime_value_closed_form(
        10, 0.8, 0.1, first_margin_at_acquisition=False
    )
    assert at_period_end == pytest.approx(8 / 0.3)
    assert accounting.lifetime_value_closed_form(10, 0.8, 0.1) == pytest.approx(11 / 0.3)


def test_value_tiers():
    tiers = accounting.value_tier(np.array([0, 299.9, 300, 999, 1000, 5e4]), [300, 1000])
    assert tiers.tolist() == [0, 0, 1, 1, 2, 2]


def test_recent_spend_decays_with_a_90_day_memory():
    recent = np.array([100.0])
    for _ in range(90):
        accounting.decay_recent_spend(recent)
    assert recent[0] == pytest.approx(100.0 / np.e)


def test_a_plain_number_cost_is_all_unallocated():
    cost = accounting.as_strategy_cost(12.5)
    assert (cost.total, cost.unallocated, cost.shoppers.size) == (12.5, 12.5, 0)


def test_ledger_books_repeated_shoppers_and_keeps_fixed_costs_apart():
    ledger = accounting.Ledger.empty(4)
    ledger.book_strategy_cost(
        accounting.StrategyCost.per_shopper(np.array([3, 1, 3]), np.array([1.0, 2.0, 4.0]))
    )
    ledger.book_strategy_cost(accounting.StrategyCost.per_shopper(np.array([0]), 1.0, fixed=7.0))
    assert ledger.strategy_cost.tolist() == [1.0, 2.0, 0.0, 5.0]
    assert ledger.strategy_cost_unallocated == 7.0


def test_ledger_profit_by_segment_is_revenue_less_costs_of_its_shoppers():
    ledger = accounting.Ledger(
        revenue=np.array([10.0, 20.0, 30.0]),
        acquisition_cost=np.array([0.0, 5.0, 0.0]),
        strategy_cost=np.array([1.0, 1.0, 2.0]),
        strategy_cost_unallocated=100.0,
    )
    sums = ledger.by_group(np.array([1, 0, 1]), 3)
    assert sums["revenue"].tolist() == [20.0, 40.0, 0.0]
    assert sums["profit"].tolist() == [20 - 5 - 1, 40 - 0 - 3, 0.0]  # the 100 is in none


def test_a_cost_whose_parts_do_not_make_its_total_is_refused():
    with pytest.raises(ValueError, match="do not make its total 5.0"):
        accounting.StrategyCost.per_shopper(np.array([0, 1]), 2.0, total=5.0)
    cost = accounting.StrategyCost.per_shopper(np.array([0, 1]), 2.0, fixed=1.0, total=5.0)
    assert (cost.total, cost.unallocated) == (5.0, 1.0)


def test_discount_factors_are_the_powers_of_the_daily_factor():
    assert accounting.discount_factors(3, 0.5).tolist() == [1.0, 0.5, 0.25, 0.125]
    assert accounting.discount_factors(0, 0.9).tolist() == [1.0]


def _orders_of_day(shoppers, day, focal, values, counts, take_rate=0.25, factor=0.5):
    order_days, revenue = np.zeros(shoppers.size, np.int32), np.zeros(shoppers.size)
    accounting.book_focal_orders(
        shoppers,
        order_days,
        revenue,
        day=day,
        focal=np.array(focal),
        values=np.array(values),
        counts=np.array(counts),
        take_rate=take_rate,
        discount_factor=factor,
    )
    return order_days, revenue


@pytest.fixture(params=["records", "arrays"])
def booked(request, tiny):
    """``tiny``'s booking columns as fields of its booking records, or as arrays of their own."""
    if request.param == "records":
        assert tiny.orders.base is tiny.booking  # the layout create_shoppers makes
        return tiny
    columns = ("inter_purchase_days", "orders", "spend", "clv")
    return dataclasses.replace(tiny, **{name: getattr(tiny, name).copy() for name in columns})


def test_focal_orders_are_booked_in_every_column_of_the_shoppers_who_placed_them(booked):
    tiny = booked
    # shopper 1: acquired on day 2, first order today (day 6); shopper 4: acquired on
    # day 0, ordered on days 1 and 3 before (2 days between), 3 orders today
    tiny.acquired_day[[1, 4]] = [2, 0]
    tiny.first_order_day[4], tiny.last_order_day[4] = 1, 3
    tiny.orders[4], tiny.inter_purchase_days[4] = 2, 2
    tiny.spend[4], tiny.recent_spend[4], tiny.clv[4] = 40.0, 30.0, 5.0
    order_days, revenue = _orders_of_day(tiny, 6, [1, 4], [16.0, 64.0], [1, 3])
    # revenue 25% of the value; its present value at acquisition 0.5 ** (days since)
    assert revenue.tolist() == [0.0, 4.0, 0.0, 0.0, 16.0, 0.0]
    assert tiny.clv.tolist() == [0.0, 4.0 * 0.5**4, 0.0, 0.0, 5.0 + 16.0 * 0.5**6, 0.0]
    assert tiny.first_order_day.tolist() == [NEVER, 6, NEVER, NEVER, 1, NEVER]
    assert tiny.last_order_day.tolist() == [NEVER, 6, NEVER, NEVER, 6, NEVER]
    assert tiny.inter_purchase_days.tolist() == [0, 0, 0, 0, 2 + 3, 0]  # days 3 -> 6
    assert tiny.orders.tolist() == [0, 1, 0, 0, 2 + 3, 0]
    assert order_days.tolist() == [0, 1, 0, 0, 1, 0]
    assert tiny.spend.tolist() == [0.0, 16.0, 0.0, 0.0, 40.0 + 64.0, 0.0]
    assert tiny.recent_spend.tolist() == [0.0, 16.0, 0.0, 0.0, 30.0 + 64.0, 0.0]


def test_lifetime_value_is_the_revenue_discounted_to_acquisition(tiny):
    # the closed form r * f ** d, for every delay d up to a year (numpy's power of an
    # array, as the model always computed it: Python's scalar pow may differ in the last bit)
    factor = accounting.daily_discount_factor(0.1)
    day, values = 365, np.array([13.7, 1.0, 250.3, 99.9, 0.1, 42.0])
    for delay in range(day + 1):
        tiny.clv[:] = 0.0
        tiny.acquired_day[:] = day - delay
        _orders_of_day(tiny, day, np.arange(6), values, np.ones(6), 0.03, factor)
        assert np.array_equal(tiny.clv, 0.03 * values * factor ** np.full(6, float(delay)))


def test_an_order_of_a_shopper_never_acquired_or_of_no_shopper_is_refused(tiny):
    tiny.acquired_day[:] = NEVER
    with pytest.raises(ValueError, match="not acquired"):
        _orders_of_day(tiny, 3, [2], [10.0], [1])
    tiny.acquired_day[:] = 0
    for nobody in (-1, tiny.size):
        with pytest.raises(ValueError, match="not a shopper's"):
            _orders_of_day(tiny, 3, [nobody], [10.0], [1])


def test_spend_percentiles_interpolate_between_the_order_statistics():
    # 0..10 in a shuffled order: the q-th percentile of n = 11 values is q / 10
    values = np.array([7.0, 3.0, 10.0, 0.0, 5.0, 1.0, 9.0, 2.0, 8.0, 4.0, 6.0])
    assert accounting.spend_percentiles(values, [0.0, 25.0, 50.0, 95.0, 100.0]) == [
        0.0,
        2.5,
        5.0,
        9.5,
        10.0,
    ]


def test_spend_percentiles_find_values_far_apart_and_in_crowded_bins():
    # many ties at zero, values spanning many powers of two and one above the rest
    values = np.concatenate([np.zeros(500), 2.0 ** np.arange(-20, 30), [1e12]])
    values = np.random.default_rng(0).permutation(values)
    ranked = np.sort(values)
    n = values.size
    for q in (10.0, 90.0, 99.5, 100.0):
        virtual = (n - 1) * q / 100
        low, high = ranked[int(virtual)], ranked[min(int(virtual) + 1, n - 1)]
        (got,) = accounting.spend_percentiles(values, [q])
        assert low <= got <= high
        assert got == pytest.approx(low + (high - low) * (virtual - int(virtual)))


def test_spend_percentiles_of_negative_values_order_them_as_numbers():
    values = np.array([-3.0, 2.0, -1.5, 0.0])
    assert accounting.spend_percentiles(values, [0.0, 100.0]) == [-3.0, 2.0]
    assert accounting.spend_percentiles(values, [50.0]) == [-0.75]


def test_a_ledger_of_records_books_into_their_fields():
    records = np.zeros(
        3,
        dtype=[
            ("revenue", float),
            ("acquisition_cost", float),
            ("strategy_cost", float),
            ("other", np.int32),
        ],
    )
    ledger = accounting.Ledger.of_records(records)
    ledger.book_strategy_cost(accounting.StrategyCost.per_shopper(np.array([2, 2]), 1.5))
    ledger.acquisition_cost[0] += 4.0
    assert records["strategy_cost"].tolist() == [0.0, 0.0, 3.0]
    assert records["acquisition_cost"].tolist() == [4.0, 0.0, 0.0]
    assert ledger.by_group(np.array([0, 1, 1]), 2)["profit"].tolist() == [-4.0, -3.0]
