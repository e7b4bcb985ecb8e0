"""The model against closed forms nobody here wrote: Bass diffusion and lifetime value."""

import math

import numpy as np
import pytest

from sim import ShopperModel
from sim.rules.accounting import daily_discount_factor, lifetime_value_closed_form


def bass_curve(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass (1969): F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


#: The model reduced to Bass (1969): a closed market (no entrants) in which nobody has
#: adopted on day 0, fully mixed, no churn, no group buying, no word of mouth beyond
#: imitation. p and q are stated per year, 0.73 and 10.95 (0.002 and 0.03 a day), so
#: that the whole curve is traced within the test's 400 days.
BASS_SETTING = {
    "population": {"size": 20_000, "initial_active_share": 0.0},
    "market": {"growth_per_year": 0.0},
    "network": {"kind": "fully_mixed"},
    "churn_enabled": False,
    "group_buy": {"enabled": False},
    "satisfaction": {"negative_wom_effect": 0.0},
    "acquisition": {
        "innovation_per_year": 0.002 * 365,
        "imitation_per_year": 0.03 * 365,
        "negative_wom_weight": 0.0,
        "promoter_referral_boost": 0.0,
    },
}


def test_adoption_follows_the_bass_curve_on_a_fully_mixed_population():
    p, q, days, reps = 0.002, 0.03, 400, 8  # per day
    adopted = []
    for rep in range(reps):
        model = ShopperModel(BASS_SETTING, rng=rep)
        assert model.shoppers.size == 20_000
        model.run(days)
        daily = model.daily_metrics()
        adopted.append(1 - daily["prospects"].to_numpy() / 20_000)
    mean = np.mean(adopted, axis=0)
    # day d ends at time t = d + 1
    expected = bass_curve(np.arange(1, days + 1), p, q)
    assert np.abs(mean - expected).max() < 0.01
    assert mean[-1] > 0.95  # the whole curve was traversed


#: The platform's revenue per CNY of GMV (Pinduoduo 2019).
TAKE_RATE = 0.03


def _constant_retention_params(hazard: float, size: int) -> dict:
    segment = {
        "name": "all",
        "share": 1.0,
        "price_sensitivity": {"mean": 0.9, "sd": 0},
        "purchase_rate": {"mean": 40.0, "sd": 0},  # orders every day: P = 1 - e^-40
        "order_value": {"mean": 50.0, "sd": 0},
        "quality_expectation": {"mean": 0.7, "sd": 0},
        "connectedness": 1.0,
    }
    rival = {
        "name": "rival",
        "price_index": 1e9,
        "quality": 0.5,
        "defect_rate": 0.0,
        "late_rate": 0.0,
        "resolution_rate": 1.0,
        "assortment": 0.5,
    }
    focal = {**rival, "name": "focal", "price_index": 1.0}
    # everyone a customer on day 0 in a closed market (no entrants, no acquisition); no
    # group buying (every order at the list value) and no rival deal days; the churn
    # frailty's variance 1/k = 1e-12 makes every shopper's hazard the same to 1e-6
    return {
        "population": {
            "size": size,
            "segments": [segment],
            "initial_active_share": 1.0,
            "purchase_rate_scale": 1.0,
            "order_value_scale": 1.0,
        },
        "market": {"growth_per_year": 0.0},
        "network": {"kind": "fully_mixed"},
        "platforms": [focal, rival],
        "acquisition": {"innovation_per_year": 0.0, "imitation_per_year": 0.0},
        "group_buy": {"enabled": False},
        "loyalty": {
            "base_churn_hazard": hazard,
            "churn_frailty_shape": 1e12,
            "loyalty_effect": 0.0,
            "switching_cost_effect": 0.0,
            "price_gap_effect": 0.0,
            "winback_rate": 0.0,
        },
        "accounting": {"take_rate": TAKE_RATE, "annual_discount_rate": 0.10},
    }


def test_lifetime_value_without_churn_is_the_discounted_revenue_stream():
    days = 50
    model = ShopperModel(_constant_retention_params(0.0, 100), rng=0)
    assert model.shoppers.size == 100
    model.run(days)
    delta = daily_discount_factor(0.10)
    expected = TAKE_RATE * 50 * sum(delta**t for t in range(days))
    np.testing.assert_allclose(model.shoppers.clv, expected, rtol=1e-12)


def test_mean_lifetime_value_matches_the_closed_form_at_constant_retention():
    hazard, size, days = 0.02, 40_000, 700
    retention = math.exp(-hazard)
    model = ShopperModel(_constant_retention_params(hazard, size), rng=11)
    model.run(days)
    clv = model.shoppers.clv
    i_daily = 1 / daily_discount_factor(0.10) - 1
    m = TAKE_RATE * 50.0  # the platform's revenue per day of a customer
    # this model's timing: a new customer orders on the day of acquisition, so the
    # first margin comes at acquisition: m (1 + i) / (1 + i - r) (Gupta & Lehmann 2003);
    # the horizon truncates (r / (1 + i))^700 < 1e-6 of the sum
    expected = lifetime_value_closed_form(m, retention, i_daily, first_margin_at_acquisition=True)
    other = lifetime_value_closed_form(m, retention, i_daily, first_margin_at_acquisition=False)
    se = clv.std(ddof=1) / math.sqrt(size)
    assert abs(clv.mean() - expected) < 4 * se
    assert abs(clv.mean() - expected) < 0.01 * expected
    assert abs(clv.mean() - other) > abs(clv.mean() - expected)


def test_retention_rate_is_the_constant_daily_retention():
    hazard = 0.01
    model = ShopperModel(_constant_retention_params(hazard, 20_000), rng=3)
    model.run(91)
    expected = math.exp(-hazard) ** 91  # survives days 0..90
    assert model.summary()["retention_90"] == pytest.approx(expected, abs=0.01)
