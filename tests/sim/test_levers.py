import dataclasses

import numpy as np
import pytest

from sim.levers import LEVER_NAMES, Levers, at, check_lever_name
from sim.strategies import REGISTRY


def test_lever_names_are_exactly_the_levers_fields():
    fields = [f.name for f in dataclasses.fields(Levers) if f.name != "size"]
    assert list(LEVER_NAMES) == fields


def test_neutral_levers_multiply_by_one_and_add_zero():
    levers = Levers.neutral(5)
    for name in LEVER_NAMES:
        value = getattr(levers, name)
        expected = 1.0 if name.endswith("_mult") else 0.0
        assert value == expected, name


@pytest.mark.parametrize("method", ["add", "multiply"])
def test_a_misspelt_lever_is_refused_at_once_with_the_allowed_names(method):
    levers = Levers.neutral(3)
    with pytest.raises(ValueError, match=r"unknown lever 'price_discont' \(did you mean") as err:
        getattr(levers, method)("price_discont", 0.1)
    assert "allowed: ad_rate_mult, referral_mult" in str(err.value)
    assert "winback_add" in str(err.value)
    assert not hasattr(levers, "price_discont")  # nothing was set on the way


def test_a_name_that_resembles_no_lever_gets_no_suggestion():
    with pytest.raises(ValueError) as err:
        check_lever_name("size")
    assert "did you mean" not in str(err.value) and "allowed:" in str(err.value)


def test_an_unmasked_scalar_change_keeps_the_lever_a_scalar():
    levers = Levers.neutral(4)
    levers.add("quality_bonus", 0.05)
    levers.multiply("churn_mult", 0.5)
    levers.multiply("churn_mult", 0.5)
    assert levers.quality_bonus == 0.05 and isinstance(levers.quality_bonus, float)
    assert levers.churn_mult == 0.25


def test_a_masked_change_reaches_the_masked_shoppers_only():
    levers = Levers.neutral(4)
    mask = np.array([True, False, True, False])
    levers.add("price_discount", 0.1, mask)
    levers.add("price_discount", 0.05)  # everyone, on top
    levers.multiply("late_mult", np.array([0.5, 0.5, 0.2, 0.2]), mask)
    assert levers.price_discount.tolist() == pytest.approx([0.15, 0.05, 0.15, 0.05])
    assert levers.late_mult.tolist() == [0.5, 1.0, 0.2, 1.0]


def test_changes_compose_in_order_and_do_not_alias_the_callers_array():
    levers = Levers.neutral(3)
    amounts = np.array([0.1, 0.2, 0.3])
    levers.add("switching_cost_add", amounts)
    levers.multiply("switching_cost_add", 2.0, np.array([False, True, False]))
    amounts[:] = 9.0
    assert levers.switching_cost_add.tolist() == pytest.approx([0.1, 0.4, 0.3])


def test_at_reads_a_scalar_or_a_per_shopper_lever_for_a_subset():
    assert at(0.5, np.array([0, 2])) == 0.5
    assert at(np.array([1.0, 2.0, 3.0]), np.array([True, False, True])).tolist() == [1.0, 3.0]


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_strategy_pulls_only_known_levers(kind, tiny):
    tiny.points[:] = 1000.0  # loyalty points can act
    tiny.tier[:] = 2  # tiering can act
    levers = Levers.neutral(tiny.size)
    for day in (0, 1):
        REGISTRY[kind]().pull(levers, tiny, day, None)  # raises on an unknown lever
    assert set(vars(levers)) == {"size", *LEVER_NAMES}
