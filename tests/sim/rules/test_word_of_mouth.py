import numpy as np
import pytest

from sim.rules import word_of_mouth


def test_nps_is_percent_promoters_minus_percent_detractors():
    ltr = np.array([10, 9, 9, 8, 7, 6, 0, 3, 10, 5])
    # promoters (>= 9): 4 of 10; detractors (<= 6): 4 of 10 -> 40 - 40
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == 0.0
    ltr = np.array([10, 10, 10, 7, 2])
    assert word_of_mouth.net_promoter_score(ltr, 9, 6) == pytest.approx(60.0 - 20.0)


def test_signals_weigh_promoters_and_the_referral_multiplier_and_flag_detractors():
    signals = word_of_mouth.word_of_mouth_signals(
        np.array([True, True, True, False]),
        np.array([10, 8, 3, 10]),
        promoter_threshold=9,
        detractor_threshold=6,
        promoter_boost=0.5,
        referral_mult=np.array([2.0, 1.0, 1.0, 2.0]),
    )
    # promoter: (1 + 0.5) * 2; passive: 1; detractor: 1 and flagged; not active: silent
    assert signals[:, 0].tolist() == [3.0, 1.0, 1.0, 0.0]
    assert signals[:, 1].tolist() == [0.0, 0.0, 1.0, 0.0]


@pytest.mark.parametrize("per_shopper", [False, True])
@pytest.mark.parametrize("boost", [0.0, 0.37, 1.0, 3.3])
def test_signals_are_the_documented_formula_to_the_last_bit(boost, per_shopper):
    # active·(1 + boost·promoter)·mult in float64, then float32, as the docstring says
    rng = np.random.default_rng(4)
    active = rng.random(5000) < 0.5
    ltr = rng.integers(0, 11, 5000).astype(np.int8)
    mult = rng.random(5000) * 2 if per_shopper else 1.3
    signals = word_of_mouth.word_of_mouth_signals(
        active,
        ltr,
        promoter_threshold=9,
        detractor_threshold=6,
        promoter_boost=boost,
        referral_mult=mult,
    )
    expected = (active * (1.0 + boost * (ltr >= 9)) * mult).astype(np.float32)
    np.testing.assert_array_equal(signals[:, 0].view(np.uint32), expected.view(np.uint32))
    np.testing.assert_array_equal(signals[:, 1], active & (ltr <= 6))
