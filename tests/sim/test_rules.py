"""Each behaviour rule alone, on small arrays with hand-computed expectations."""

import math

import numpy as np
import pytest

from sim.params import Choice, Experience, Platform
from sim.rules import (
    accounting,
    acquisition,
    choice,
    experience,
    group_buy,
    loyalty_churn,
    purchase,
    satisfaction,
    word_of_mouth,
)


def test_adoption_probability_uses_midday_exposure():
    p, q, s = 0.01, 0.2, 0.5
    midday = s + 0.5 * (p + q * s) * (1 - s)  # = 0.5275
    expected = 1 - math.exp(-(p + q * midday))
    got = acquisition.adoption_probability(p, q, np.array([s]), 0.0, 0.0)
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_detractors_suppress_referral_but_not_ads():
    base = acquisition.adoption_probability(0.01, 0.2, np.array([0.5]), 0.0, 2.0)
    heard_bad = acquisition.adoption_probability(0.01, 0.2, np.array([0.5]), 1.0, 2.0)
    ads_only = acquisition.adoption_probability(0.01, 0.2, np.array([0.0]), 1.0, 2.0)
    assert heard_bad[0] < base[0]
    # with no referring friends only ads act (plus the ads' own mid-day adopters, q * p / 2)
    assert ads_only[0] == pytest.approx(1 - math.exp(-(0.01 + 0.2 * 0.005 * math.exp(-2.0))))


def test_adopters_split_by_channel_share_of_hazard():
    ads, ref = acquisition.split_adopters(
        np.arange(4), np.array([0.05, 0.15, 0.35, 0.5]), np.full(4, 0.4), 0.25
    )
    # adopt if u < 0.4; ads if u < 0.4 * 0.25 = 0.1
    assert ads.tolist() == [0] and ref.tolist() == [1, 2]


def test_order_probability_is_poisson_at_least_one():
    got = purchase.order_probability(np.array([0.05, 0.5]), np.array([1.0, 2.0]))
    assert got.tolist() == pytest.approx([1 - math.exp(-0.05), 1 - math.exp(-1.0)])


def _two_platforms() -> list[Platform]:
    kw = dict(defect_rate=0.0, late_rate=0.0, resolution_rate=1.0, assortment=0.5)
    return [
        Platform(name="focal", price_index=0.5, quality=0.5, **kw),
        Platform(name="rival", price_index=1.0, quality=0.5, **kw),
    ]


def test_logit_utilities_and_probabilities_by_hand():
    w = Choice(
        price_weight=2.0,
        quality_weight=0,
        service_weight=0,
        assortment_weight=0,
        loyalty_weight=1.0,
        switching_cost_weight=0.0,
    )
    v = choice.utilities(np.array([1.0]), np.array([0.5]), 0.0, 0.0, 0.5, 1.0, _two_platforms(), w)
    # focal: -2*1*ln(0.5) + 1*0.5 = 1.386294 + 0.5 ; rival: -2*ln(1) = 0
    assert v[0].tolist() == pytest.approx([2 * math.log(2) + 0.5, 0.0])
    prob = choice.choice_probabilities(v)
    assert prob[0, 0] == pytest.approx(1 / (1 + math.exp(-(2 * math.log(2) + 0.5))))


def test_more_price_sensitive_shoppers_choose_the_cheap_platform_more():
    w = Choice()
    v = choice.utilities(np.array([0.2, 0.9]), np.zeros(2), 0.0, 0.0, 0.5, 1.0, _two_platforms(), w)
    prob = choice.choice_probabilities(v)
    assert prob[1, 0] > prob[0, 0]


def test_choose_inverts_cumulative_probabilities():
    probs = np.array([[0.2, 0.3, 0.5]] * 4)
    assert choice.choose(probs, np.array([0.0, 0.19, 0.2, 0.99])).tolist() == [0, 0, 1, 2]


def test_incidents_by_hand():
    u = np.array([[0.01, 0.01, 0.5, 0.1], [0.5, 0.01, 0.25, 0.9], [0.5, 0.5, 0.0, 0.0]])
    inc = experience.draw_incidents(u, 0.05, 0.1, 0.7, 0.3, 0.5)
    assert inc.defect.tolist() == [True, False, False]
    assert inc.late.tolist() == [True, True, False]
    # P(complaint) row0 = 1-(0.3)(0.7)=0.79 > 0.5; row1 = 0.3 > 0.25; row2 = 0 (no incident)
    assert inc.complaint.tolist() == [True, True, False]
    assert inc.resolved.tolist() == [True, False, False]


def test_service_recovery_can_outweigh_the_incident():
    e = Experience(defect_penalty=0.3, recovery_bonus=0.4, performance_noise=0.0)
    inc = experience.Incidents(
        np.array([True]), np.array([False]), np.array([True]), np.array([True])
    )
    assert experience.perceived_performance(0.5, inc, np.zeros(1), e)[0] == pytest.approx(0.6)


def test_disconfirmation_moves_satisfaction_and_expectations_adapt():
    s, e = satisfaction.update_satisfaction(
        np.array([0.6, 0.6]), np.array([0.5, 0.8]), np.array([0.7, 0.6]), 1.0, 0.5, 0.2
    )
    # order 1: 0.7 + (0.7-0.5) = 0.9 -> S = 0.75; E = 0.8*0.5 + 0.2*0.7 = 0.54
    # order 2: 0.6 + (0.6-0.8) = 0.4 -> S = 0.5;  E = 0.8*0.8 + 0.2*0.6 = 0.76
    assert s.tolist() == pytest.approx([0.75, 0.5])
    assert e.tolist() == pytest.approx([0.54, 0.76])


def test_only_highly_satisfied_shoppers_are_loyal():
    target = loyalty_churn.target_loyalty(np.array([0.6, 0.7, 0.8, 0.9]), 0.75, 12)
    assert target[1] - target[0] < target[3] - target[2] + 0.2  # convex below midpoint
    assert target[0] < 0.15 and target[3] > 0.85


def test_churn_hazard_falls_with_loyalty_and_rises_with_price_gap():
    h = loyalty_churn.churn_hazard(
        np.array([0.0, 1.0, 0.0]),
        np.array([0.0, 0.0, 0.0]),
        np.array([1.0, 1.0, 1.0]),
        np.array([0.0, 0.0, 0.1]),
        0.01,
        2.0,
        1.0,
        5.0,
    )
    assert h.tolist() == pytest.approx([0.01, 0.01 * math.exp(-2), 0.01 * math.exp(0.5)])


def test_price_gap_and_risk():
    assert loyalty_churn.price_gap(np.array([0.85, 1.1]), 1.0).tolist() == pytest.approx([0.0, 0.1])
    assert loyalty_churn.churn_risk(np.array([0.01]), 30)[0] == pytest.approx(1 - math.exp(-0.3))


def test_nps_is_percent_promoters_minus_percent_detractors():
    ltr = np.array([10, 9, 9, 8, 7, 6, 0, 3, 10, 5])
    # promoters (>= 9): 4 of 10; detractors (<= 6): 4 of 10 -> 40 - 40
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == 0.0
    ltr = np.array([10, 10, 10, 7, 2])
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == pytest.approx(60.0 - 20.0)


def test_first_invitation_fills_groups_in_order_and_each_shopper_joins_once():
    g, j = group_buy.first_invitation(
        np.array([0, 1, 1, 1, 2]), np.array([7, 7, 8, 9, 10]), np.array([1, 1, 0])
    )
    # shopper 7 joins group 0 (first invitation); group 1 has one slot -> 8; group 2 full
    assert g.tolist() == [0, 1] and j.tolist() == [7, 8]


def test_group_book_closes_formed_groups_with_all_members():
    book = group_buy.GroupBook.empty()
    book.open(np.array([1, 2]), day=0)
    book.join(np.array([0, 0]), np.array([5, 6]))
    members = book.close(book.members >= 3)
    assert sorted(members.tolist()) == [1, 5, 6]
    assert book.initiator.tolist() == [2] and book.joiner.size == 0


def test_discount_factor_compounds_to_the_annual_rate():
    assert accounting.daily_discount_factor(0.1) ** 365 == pytest.approx(1 / 1.1)


def test_lifetime_value_conventions():
    # Gupta & Lehmann (2003): m r / (1 + i - r) and m (1 + i) / (1 + i - r)
    assert accounting.lifetime_value_closed_form(10, 0.8, 0.1, False) == pytest.approx(8 / 0.3)
    assert accounting.lifetime_value_closed_form(10, 0.8, 0.1, True) == pytest.approx(11 / 0.3)


def test_value_tiers():
    tiers = accounting.value_tier(np.array([0, 299.9, 300, 999, 1000, 5e4]), [300, 1000])
    assert tiers.tolist() == [0, 0, 1, 1, 2, 2]
