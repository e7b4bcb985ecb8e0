import numpy as np
import pytest

from sim.rules import accounting


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
