"""Identifier-like segment columns: the kind of personal data, or the share of own levels."""

import pandas as pd
import pytest

from survey.identifiers import MAX_OWN_LEVEL_SHARE, identifier_reason


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("13812345678", "phone numbers"),
        ("mail li.wei@example.cn", "e-mail addresses"),
        ("192.168.1.20", "IP addresses"),
        ("11010519491231002X", "ID numbers"),
    ],
)
def test_personal_data_among_the_levels_is_named_by_kind_and_count(value, kind):
    levels = pd.Series(["north"] * 20 + [value] * 3 + [None])
    assert identifier_reason(levels) == f"3 value(s) look like {kind}"


def test_more_than_half_the_respondents_with_a_level_of_their_own_is_an_identifier():
    # 11 of 20 respondents have their own level (the other 9 share "north")
    levels = pd.Series(["north"] * 9 + [f"user{i}" for i in range(11)])
    assert identifier_reason(levels) == (
        "11 of 20 respondents have a level nobody else has (more than 50%)"
    )
    assert MAX_OWN_LEVEL_SHARE == 0.5


def test_exactly_half_and_small_grouping_segments_are_not_identifiers():
    assert identifier_reason(pd.Series(["north"] * 10 + [f"u{i}" for i in range(10)])) is None
    levels = pd.Series(["north"] * 10 + ["south"] * 7 + ["west"] * 3 + [None] * 5)
    assert identifier_reason(levels) is None
    assert identifier_reason(pd.Series([None, None], dtype=object)) is None


def test_with_owners_a_level_counts_as_own_when_only_one_person_has_it():
    # 4 customers, 2 orders each; every customer's orders carry the customer's own name
    customers = pd.Series([1, 1, 2, 2, 3, 3, 4, 4])
    names = customers.map({1: "ann", 2: "bob", 3: "cy", 4: "dee"})
    assert identifier_reason(names, customers, people="customers") == (
        "4 of 4 customers have a level nobody else has (more than 50%)"
    )
    # by tier, one order untagged: silver and bronze are each one customer's (2 of 4, not more)
    tiers = customers.map({1: "gold", 2: "gold", 3: "silver", 4: "bronze"}).where(
        pd.Series([True] * 4 + [False, True, True, True])
    )
    assert identifier_reason(tiers, customers, people="customers") is None
