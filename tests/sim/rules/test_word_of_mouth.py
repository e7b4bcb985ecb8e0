import numpy as np
import pytest

from sim.network import NeighbourExposure, build_network, from_edges
from sim.params import ModelParams
from sim.rules import word_of_mouth


def test_nps_is_percent_promoters_minus_percent_detractors():
    ltr = np.array([10, 9, 9, 8, 7, 6, 0, 3, 10, 5])
    # promoters (>= 9): 4 of 10; detractors (<= 6): 4 of 10 -> 40 - 40
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == 0.0
    ltr = np.array([10, 10, 10, 7, 2])
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == pytest.approx(60.0 - 20.0)


def test_nps_of_counts_is_percent_promoters_minus_percent_detractors():
    # 3 promoters and 1 detractor of 8 asked: 37.5% - 12.5%
    assert word_of_mouth.score_of_counts(3, 1, 8) == 25.0
    assert word_of_mouth.score_of_counts(0, 4, 4) == -100.0
    assert np.isnan(word_of_mouth.score_of_counts(0, 0, 0))


def _signals(customers, ltr, boost, mult):
    # satisfaction ltr / 10 answers exactly ltr: rint(10 * ltr / 10 + 1e-9) == ltr
    satisfaction = np.asarray(ltr) / 10.0
    return word_of_mouth.customer_signals(
        customers,
        satisfaction,
        np.zeros(satisfaction.size, dtype=np.int8),
        ltr_shift=0.0,
        ltr_scale=10.0,
        promoter_threshold=9,
        detractor_threshold=6,
        promoter_boost=boost,
        referral_mult=mult,
    )


def test_signals_weigh_promoters_and_the_referral_multiplier_and_flag_detractors():
    signals = _signals(np.array([0, 1, 2]), [10, 8, 3, 10], 0.5, np.array([2.0, 1.0, 1.0, 2.0]))
    # promoter: (1 + 0.5) * 2; passive: 1; detractor: 1 and flagged (shopper 3 is silent)
    assert signals[:, 0].tolist() == [3.0, 1.0, 1.0]
    assert signals[:, 1].tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("per_shopper", [False, True])
@pytest.mark.parametrize("boost", [0.0, 0.37, 1.0, 3.3])
def test_signals_are_the_documented_formula_to_the_last_bit(boost, per_shopper):
    # (1 + boost·promoter)·mult in float64, then float32, as the docstring says
    rng = np.random.default_rng(4)
    customers = np.flatnonzero(rng.random(5000) < 0.5)
    ltr = rng.integers(0, 11, 5000).astype(np.int8)
    mult = rng.random(5000) * 2 if per_shopper else 1.3
    signals = _signals(customers, ltr, boost, mult)
    promoter = ltr[customers] >= 9
    expected = ((1.0 + boost * promoter) * (mult[customers] if per_shopper else mult)).astype(
        np.float32
    )
    np.testing.assert_array_equal(signals[:, 0].view(np.uint32), expected.view(np.uint32))
    np.testing.assert_array_equal(signals[:, 1], ltr[customers] <= 6)


def test_customer_signals_refresh_only_the_customers_likelihood_to_recommend():
    ltr = np.full(4, 5, dtype=np.int8)
    out = np.full((4, 2), -1.0, dtype=np.float32)
    signals = word_of_mouth.customer_signals(
        np.array([1, 3]),
        np.array([0.0, 0.94, 1.0, 0.15]),
        ltr,
        ltr_shift=0.5,
        ltr_scale=10.0,
        promoter_threshold=9,
        detractor_threshold=6,
        promoter_boost=1.0,
        out=out,
    )
    # rint(0.5 + 9.4) = 10 (promoter: weight 2); rint(0.5 + 1.5) = 2 (detractor)
    assert ltr.tolist() == [5, 10, 5, 2]
    assert signals.tolist() == [[2.0, 0.0], [1.0, 1.0]]
    assert np.shares_memory(signals, out)


def test_likelihood_to_recommend_rounds_half_up_and_clips_to_the_scale():
    # shift + scale·S = 7.5 rounds to 8 (the 1e-9 nudge); -3 and 13 clip to 0 and 10
    got = word_of_mouth.likelihood_to_recommend(
        np.array([0.65, 0.0, 1.0, 0.25]), shift=1.0, scale=10.0
    )
    assert got.tolist() == [8, 1, 10, 4]
    assert word_of_mouth.likelihood_to_recommend(
        np.array([0.0, 1.0]), shift=-3.0, scale=16.0
    ).tolist() == [0, 10]
    assert got.dtype == np.int8


#: the rule's settings in the publishing tests: LTR = rint(10·S), NPS thresholds 9 and 6
RULE = {
    "ltr_shift": 0.0,
    "ltr_scale": 10.0,
    "promoter_threshold": 9,
    "detractor_threshold": 6,
    "promoter_boost": 1.0,
}


def _path_exposure():
    # the path 0 - 1 - 2 - 3
    return NeighbourExposure(from_edges(4, np.array([0, 1, 2]), np.array([1, 2, 3])), width=2)


def _publish(exposure, customers, satisfaction, ltr, mult=1.0):
    return word_of_mouth.publish_customer_signals(
        exposure, customers, satisfaction, ltr, referral_mult=mult, **RULE
    )


def test_publishing_counts_the_customers_promoters_and_detractors():
    exposure, ltr = _path_exposure(), np.zeros(4, dtype=np.int8)
    # answers 9 (promoter), 6 (detractor), 7 (passive), 0 (detractor, not a customer)
    satisfaction = np.array([0.9, 0.6, 0.7, 0.0])
    assert _publish(exposure, np.array([0, 1, 2]), satisfaction, ltr) == (1, 1)
    # unchanged signals are counted too; shopper 3 (answer 0) joins
    assert _publish(exposure, np.array([0, 1, 2, 3]), satisfaction, ltr) == (1, 2)


def test_publishing_customer_signals_refreshes_ltr_and_tells_friends():
    exposure, ltr = _path_exposure(), np.zeros(4, dtype=np.int8)
    satisfaction = np.array([0.95, 0.5, 0.3, 0.8])
    _publish(exposure, np.array([0, 2, 3]), satisfaction, ltr)
    # LTR 10 (promoter: weight 2), 3 (detractor: weight 1, flag 1), 8 (weight 1); 1 silent
    assert ltr.tolist() == [10, 0, 3, 8]
    assert exposure.signal.tolist() == [[2, 0], [0, 0], [1, 1], [1, 0]]
    # shopper 1 hears 0 and 2: (2 + 1) / 2 and (0 + 1) / 2; shopper 2 hears 1 and 3
    assert exposure.share(np.arange(4)).tolist() == [[0, 0], [1.5, 0.5], [0.5, 0], [1, 1]]
    # shopper 0 leaves, 2 is satisfied now, 1 joins with a referral reward of 1.5
    satisfaction[2] = 0.9
    _publish(exposure, np.array([1, 2, 3]), satisfaction, ltr, np.full(4, 1.5))
    assert ltr.tolist() == [10, 5, 9, 8]
    assert exposure.signal.tolist() == [[0, 0], [1.5, 1], [3, 0], [1.5, 0]]
    assert exposure.share(np.arange(4)).tolist() == [
        [1.5, 1],
        [1.5, 0],
        [1.5, 0.5],
        [3, 0],
    ]


def test_publishing_customer_signals_rejects_customers_out_of_order():
    exposure, ltr = _path_exposure(), np.zeros(4, dtype=np.int8)
    with pytest.raises(ValueError, match="ascending"):
        _publish(exposure, np.array([2, 0]), np.full(4, 0.5), ltr)


@pytest.mark.parametrize("kind", ["small_world", "fully_mixed"])
def test_publishing_customer_signals_stores_what_customer_signals_says(kind):
    rng = np.random.default_rng(5)
    params = ModelParams(population={"size": 600}, network={"kind": kind})
    net = build_network(params, np.zeros(600, dtype=np.int8), rng)
    exposure, ltr = NeighbourExposure(net, width=2), np.zeros(600, dtype=np.int8)
    satisfaction = rng.random(600)
    for _ in range(4):
        customers = np.flatnonzero(rng.random(600) < 0.5)
        mult = rng.random(600) * 2
        _publish(exposure, customers, satisfaction, ltr, mult)
        expected = np.zeros((600, 2), dtype=np.float32)
        expected[customers] = word_of_mouth.customer_signals(
            customers, satisfaction, ltr.copy(), referral_mult=mult, **RULE
        )
        np.testing.assert_array_equal(exposure.signal, expected)
        satisfaction[rng.random(600) < 0.2] = rng.random()
