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
