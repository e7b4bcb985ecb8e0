import math

import numpy as np
import pytest

from sim.params import Choice, Platform
from sim.rules import choice


def _two_platforms() -> list[Platform]:
    kw = dict(defect_rate=0.0, late_rate=0.0, resolution_rate=1.0, assortment=0.5)
    return [
        Platform(name="focal", price_index=0.5, quality=0.5, **kw),
        Platform(name="rival", price_index=1.0, quality=0.5, **kw),
    ]


FOCAL = {"focal_discount": 0.0, "focal_quality": 0.5, "focal_service": 1.0}


def test_logit_utilities_and_probabilities_by_hand():
    w = Choice(
        price_weight=2.0,
        quality_weight=0,
        service_weight=0,
        assortment_weight=0,
        loyalty_weight=1.0,
        switching_cost_weight=0.0,
    )
    v = choice.utilities(
        np.array([1.0]), np.array([0.5]), 0.0, w, platforms=_two_platforms(), **FOCAL
    )
    # focal: -2*1*ln(0.5) + 1*0.5 = 1.386294 + 0.5 ; rival: -2*ln(1) = 0
    assert v[0].tolist() == pytest.approx([2 * math.log(2) + 0.5, 0.0])
    prob = choice.choice_probabilities(v)
    assert prob[0, 0] == pytest.approx(1 / (1 + math.exp(-(2 * math.log(2) + 0.5))))


def test_more_price_sensitive_shoppers_choose_the_cheap_platform_more():
    v = choice.utilities(
        np.array([0.2, 0.9]), np.zeros(2), 0.0, Choice(), platforms=_two_platforms(), **FOCAL
    )
    prob = choice.choice_probabilities(v)
    assert prob[1, 0] > prob[0, 0]


def test_a_focal_discount_and_a_switching_cost_raise_only_the_focal_utility():
    w = Choice()
    plain = choice.utilities(
        np.array([0.8]), np.zeros(1), 0.0, w, platforms=_two_platforms(), **FOCAL
    )
    kept = choice.utilities(
        np.array([0.8]),
        np.zeros(1),
        0.5,
        w,
        platforms=_two_platforms(),
        **{**FOCAL, "focal_discount": 0.2},
    )
    # price term: -w_p * s * ln(1 - 0.2); switching cost: w_c * 0.5
    gain = -w.price_weight * 0.8 * math.log(0.8) + w.switching_cost_weight * 0.5
    assert kept[0, 0] - plain[0, 0] == pytest.approx(gain)
    assert kept[0, 1] == plain[0, 1]


def test_utilities_take_one_focal_term_per_order_or_one_for_all():
    w = Choice(
        price_weight=2.0,
        quality_weight=1.0,
        service_weight=0.5,
        assortment_weight=0.0,
        loyalty_weight=1.0,
        switching_cost_weight=3.0,
    )
    v = choice.utilities(
        np.array([1.0, 0.5]),
        np.array([0.5, 0.0]),
        np.array([0.0, 0.1]),
        w,
        platforms=_two_platforms(),
        focal_discount=np.array([0.0, 0.5]),
        focal_quality=0.5,
        focal_service=np.array([1.0, 0.8]),
        prices=np.array([0.5, 2.0]),
    )
    # focal: -2·s·ln(0.5·(1 − discount)) + quality + 0.5·service + loyalty + 3·cost
    first = -2 * math.log(0.5) + 0.5 + 0.5 + 0.5
    second = -2 * 0.5 * math.log(0.25) + 0.5 + 0.4 + 0.0 + 0.3
    assert v[:, 0].tolist() == pytest.approx([first, second])
    # rival: 1·0.5 + 0.5·1 (quality and service), minus 2·s·ln 2
    assert v[:, 1].tolist() == pytest.approx([1.0 - 2 * math.log(2), 1.0 - math.log(2)])


def test_choose_inverts_cumulative_probabilities():
    probs = np.array([[0.2, 0.3, 0.5]] * 4)
    assert choice.choose(probs, np.array([0.0, 0.19, 0.2, 0.99])).tolist() == [0, 0, 1, 2]


def test_probabilities_and_draws_match_the_row_wise_formulas_bit_for_bit():
    # the column-by-column code against exp(v - max) / sum and the cumulative inversion
    rng = np.random.default_rng(6)
    v = rng.normal(size=(20_000, 4)) * 3
    e = np.exp(v - v.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    probabilities = choice.choice_probabilities(v)
    np.testing.assert_array_equal(probabilities, expected)
    u = rng.random(20_000)
    drawn = np.minimum((u[:, None] >= np.cumsum(expected, axis=1)).sum(axis=1), 3)
    np.testing.assert_array_equal(choice.choose(probabilities, u), drawn)


def test_choose_by_logit_matches_the_row_wise_formulas_bit_for_bit():
    # the row-wise logit and cumulative inversion, with draws exactly at (and one
    # unit in the last place around) the cumulative probabilities, where only the
    # exact path decides, and rows with a NaN utility or a single sure platform
    rng = np.random.default_rng(7)
    v = rng.normal(size=(30_000, 4)) * 3
    v[:50, 1] = np.nan
    v[50:60] = [0.0, -800.0, -800.0, -800.0]
    e = np.exp(v - v.max(axis=1, keepdims=True))
    cumulative = np.cumsum(e / e.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(v.shape[0])
    at_edge = cumulative[1000:4000, 1]
    toward = np.concatenate([np.full(1000, -1.0), at_edge[1000:2000], np.full(1000, 2.0)])
    u[1000:4000] = np.nextafter(at_edge, toward)  # one below, at, one above
    expected = np.minimum((u[:, None] >= cumulative).sum(axis=1), 3)
    np.testing.assert_array_equal(choice.choose_by_logit(v, u), expected)


def test_choose_by_logit_on_a_hand_computed_case():
    # probabilities (0.5, 0.5) and (0.881, 0.119): the draw 0.5 is the first
    # cumulative probability itself, so it picks the second platform
    v = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
    u = np.array([0.49, 0.88, 0.89, 0.5])
    assert choice.choose_by_logit(v, u).tolist() == [0, 0, 1, 1]


def test_place_orders_books_rival_orders_and_counts_switches_to_a_cheaper_rival():
    platform = np.full(6, -1, dtype=np.int8)
    elsewhere = np.array([0, 2, 0, 0, 0, 0], dtype=np.int32)
    orderers = np.array([5, 1, 3, 0])
    chosen = np.array([0, 1, 2, 1], dtype=np.int8)
    # rival prices 0.9 and 1.2 today; the focal price each meets, after discounts
    placed = choice.place_orders(
        orderers,
        chosen,
        prices=np.array([1.0, 0.9, 1.2]),
        focal_price=np.array([1.0, 1.0, 1.0, 0.8]),
        platform=platform,
        orders_elsewhere=elsewhere,
    )
    assert placed.focal.tolist() == [5]
    assert placed.elsewhere.tolist() == [1, 3, 0] and placed.rival.tolist() == [1, 2, 1]
    # a rival (0.9) undercuts the first three; only shopper 1 went to a cheaper rival
    # (shopper 3 chose the dearer one, shopper 0 met 0.8, below every rival)
    assert (placed.cheaper_rival_occasions, placed.switched_to_cheaper) == (3, 1)
    assert platform.tolist() == [1, 1, -1, 2, -1, 0]
    assert elsewhere.tolist() == [1, 3, 0, 1, 0, 0]


def test_place_orders_refuses_focal_prices_of_another_length():
    with pytest.raises(ValueError, match="one value or one per order"):
        choice.place_orders(
            np.array([0, 1]),
            np.zeros(2, dtype=np.int8),
            prices=np.array([1.0, 0.9]),
            focal_price=np.ones(3),
            platform=np.zeros(2, dtype=np.int8),
            orders_elsewhere=np.zeros(2, dtype=np.int32),
        )


def test_utilities_read_per_shopper_columns_at_the_orderers():
    w = Choice(
        price_weight=2.0,
        quality_weight=0,
        service_weight=0,
        assortment_weight=0,
        loyalty_weight=1.0,
        switching_cost_weight=0.0,
    )
    v = choice.utilities(
        np.array([9.0, 1.0, 9.0, 0.5]),  # per shopper: shoppers 3 and 1 order
        np.array([9.0, 0.5, 9.0, 0.0]),
        0.0,
        w,
        platforms=_two_platforms(),
        who=np.array([3, 1]),
        **FOCAL,
    )
    # focal: -2·s·ln(0.5) + loyalty; rival: -2·s·ln(1) = 0
    assert v.tolist() == [[math.log(2), 0.0], [2 * math.log(2) + 0.5, 0.0]]
