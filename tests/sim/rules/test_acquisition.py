import math

import numpy as np
import pytest

from sim.rules import acquisition


def test_adoption_probability_uses_midday_exposure():
    p, q, s = 0.01, 0.2, 0.5
    midday = s + 0.5 * (p + q * s) * (1 - s)  # = 0.5275
    expected = 1 - math.exp(-(p + q * midday))
    got = acquisition.adoption_probability(
        np.array([s]), 0.0, innovation_per_day=p, imitation_per_day=q, negative_weight=0.0
    )
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_detractors_suppress_referral_but_not_ads():
    rates = {"innovation_per_day": 0.01, "imitation_per_day": 0.2, "negative_weight": 2.0}
    base = acquisition.adoption_probability(np.array([0.5]), 0.0, **rates)
    heard_bad = acquisition.adoption_probability(np.array([0.5]), 1.0, **rates)
    ads_only = acquisition.adoption_probability(np.array([0.0]), 1.0, **rates)
    assert heard_bad[0] < base[0]
    # with no referring friends only ads act (plus the ads' own mid-day adopters, q * p / 2)
    assert ads_only[0] == pytest.approx(1 - math.exp(-(0.01 + 0.2 * 0.005 * math.exp(-2.0))))


def test_adopters_split_by_channel_share_of_hazard():
    ads, ref = acquisition.split_adopters(
        np.arange(4), np.array([0.05, 0.15, 0.35, 0.5]), np.full(4, 0.4), 0.25
    )
    # adopt if u < 0.4; ads if u < 0.4 * 0.25 = 0.1
    assert ads.tolist() == [0] and ref.tolist() == [1, 2]


@pytest.mark.parametrize(("p", "q"), [(0.03 / 365, 0.38 / 365), (0.2, 0.9), (0.0, 3.0), (1.5, 0.0)])
def test_no_prospect_adopts_with_a_probability_above_the_bound(p, q):
    # every share up to the largest and every detractor share, including rates high
    # enough that the midday correction is not monotone in the share
    rng = np.random.default_rng(0)
    share = np.concatenate([rng.random(100_000) * 2.0, [0.0, 1.0, 2.0]])
    detractor = rng.random(share.size) * rng.integers(0, 2, share.size)
    prob = acquisition.adoption_probability(
        share, detractor, innovation_per_day=p, imitation_per_day=q, negative_weight=2.0
    )
    bound = acquisition.adoption_bound(2.0, innovation_per_day=p, imitation_per_day=q)
    assert prob.max() <= bound <= 1.0
