import math

import numpy as np
import pytest

from sim.params import Loyalty
from sim.rules import loyalty_churn


def test_only_highly_satisfied_shoppers_are_loyal():
    target = loyalty_churn.target_loyalty(np.array([0.6, 0.7, 0.8, 0.9]), 0.75, 12)
    assert target[1] - target[0] < target[3] - target[2] + 0.2  # convex below midpoint
    assert target[0] < 0.15 and target[3] > 0.85


def test_loyalty_grows_and_decays_at_their_own_rates_and_strategies_slow_the_decay():
    rates = Loyalty(growth_rate=0.5, decay_rate=0.2)
    loyalty, target = np.array([0.2, 0.8]), np.array([0.6, 0.4])
    assert loyalty_churn.update_loyalty(loyalty, target, rates).tolist() == pytest.approx(
        [0.4, 0.72]
    )
    slowed = loyalty_churn.update_loyalty(loyalty, target, rates, decay_mult=0.5)
    assert slowed.tolist() == pytest.approx([0.4, 0.76])  # growth untouched


def test_churn_hazard_falls_with_loyalty_and_rises_with_price_gap():
    lp = Loyalty(
        base_churn_hazard=0.01, loyalty_effect=2.0, switching_cost_effect=1.0, price_gap_effect=5.0
    )
    h = loyalty_churn.churn_hazard(
        np.array([0.0, 1.0, 0.0]),
        np.array([0.0, 0.0, 0.0]),
        np.array([1.0, 1.0, 1.0]),
        np.array([0.0, 0.0, 0.1]),
        params=lp,
    )
    assert h.tolist() == pytest.approx([0.01, 0.01 * math.exp(-2), 0.01 * math.exp(0.5)])


def test_churn_hazard_falls_with_switching_cost_and_scales_with_the_multiplier():
    lp = Loyalty(base_churn_hazard=0.02, switching_cost_effect=1.5)
    h = loyalty_churn.churn_hazard(
        np.zeros(2), np.array([0.0, 1.0]), np.ones(2), 0.0, params=lp, multiplier=np.array([1, 3])
    )
    assert h.tolist() == pytest.approx([0.02, 3 * 0.02 * math.exp(-1.5)])


def test_price_gap_and_risk():
    assert loyalty_churn.price_gap(np.array([0.85, 1.1]), 1.0).tolist() == pytest.approx([0.0, 0.1])
    assert loyalty_churn.churn_risk(np.array([0.01]), 30)[0] == pytest.approx(1 - math.exp(-0.3))
    assert loyalty_churn.event_probability(0.01) == pytest.approx(1 - math.exp(-0.01))


def test_no_shopper_churns_with_a_hazard_above_the_bound():
    rng = np.random.default_rng(0)
    n = 100_000
    lp = Loyalty(base_churn_hazard=0.02, loyalty_effect=3.0, price_gap_effect=8.0)
    frailty = rng.gamma(0.5, 2.0, n).astype(np.float32)
    mult = np.float32(1.3) * frailty  # a float32 multiplier, rounded as the model's is
    gap = rng.random(n) * 0.3
    hazard = loyalty_churn.churn_hazard(
        rng.random(n), rng.random(n), rng.random(n), gap, params=lp, multiplier=mult
    )
    bound = loyalty_churn.hazard_bound(0.3, params=lp, multiplier=frailty * 1.3)
    assert np.all(loyalty_churn.event_probability(hazard) <= hazard)
    assert np.all(hazard <= bound)
    # with no loyalty, switching cost or price sensitivity below 1 the bound is tight
    top = loyalty_churn.churn_hazard(0.0, 0.0, 1.0, 0.3, params=lp, multiplier=1.0)
    assert loyalty_churn.hazard_bound(0.3, params=lp) == pytest.approx(top, rel=1e-5)


def _shoppers(n):
    from sim.params import ModelParams
    from sim.shoppers import create_shoppers

    return create_shoppers(ModelParams(population={"size": n}), np.random.default_rng(0))


def test_target_loyalty_is_the_logistic_curve():
    got = loyalty_churn.target_loyalty(np.array([[0.5, 0.75], [1.0, 0.0]]), 0.5, 4.0)
    expected = [[0.5, 1 / (1 + math.exp(-1))], [1 / (1 + math.exp(-2)), 1 / (1 + math.exp(2))]]
    assert got.shape == (2, 2)
    assert got.tolist() == [pytest.approx(row) for row in expected]


def test_screen_churn_moves_loyalty_and_keeps_draws_below_the_frail_bound():
    sh = _shoppers(4)
    sh.loyalty[:] = [0.2, 0.8, 0.5, 0.5]
    sh.satisfaction[:] = [0.75, 1.0, 0.9, 0.5]  # targets 1/2, 1/(1 + e^-1), -, 1/(1 + e)
    sh.churn_frailty[:] = [1.0, 2.0, 1.0, 0.5]
    lp = Loyalty(
        growth_rate=0.5,
        decay_rate=0.25,
        base_churn_hazard=0.01,
        price_gap_effect=5.0,
        curve_midpoint=0.75,
        curve_steepness=4.0,
    )
    decay_mult = np.array([1.0, 0.5, 1.0, 1.0])
    # bound h0·e^(a_p·gap)·(1 + 1e-6)·frailty·churn_mult: 0.01·e^0.5·1.5 ≈ 0.0247 at frailty 1
    near = loyalty_churn.screen_churn(
        np.array([0, 1, 3]),
        np.array([0.024, 0.04, 0.013]),
        sh,
        lp,
        gap=0.1,
        decay_mult=decay_mult,
        churn_mult=1.5,
        out=np.empty(4, dtype=np.int64),
        curve=np.empty(4),
    )
    assert near.tolist() == [0, 1]  # 0.04 < 0.049 at frailty 2; 0.013 > 0.0124 at 0.5
    # up at the growth rate 0.5; down at the decay rate 0.25 (x 0.5 for shopper 1)
    up = 1 / (1 + math.exp(-1))
    down = 1 / (1 + math.exp(1))
    expected = [0.2 + 0.5 * (0.5 - 0.2), 0.8 + 0.125 * (up - 0.8), 0.5, 0.5 + 0.25 * (down - 0.5)]
    assert sh.loyalty.tolist() == pytest.approx(expected)


def test_screen_churn_without_draws_only_moves_loyalty():
    sh = _shoppers(2)
    sh.loyalty[:] = [0.2, 0.8]
    sh.satisfaction[:] = 0.75  # the curve's midpoint: target 1/2
    lp = Loyalty(growth_rate=0.5, decay_rate=0.25, curve_midpoint=0.75)
    near = loyalty_churn.screen_churn(
        np.arange(2), None, sh, lp, gap=0.0, out=np.empty(2, dtype=np.int64), curve=np.empty(2)
    )
    assert near.size == 0
    assert sh.loyalty.tolist() == pytest.approx([0.35, 0.725])


def test_screen_churn_applies_the_held_satisfaction_changes_before_the_curve():
    from sim.rules.satisfaction import HeldChanges

    sh = _shoppers(3)
    sh.loyalty[:] = 0.5
    sh.satisfaction[:] = [0.8, 0.75, 0.6]
    lp = Loyalty(growth_rate=0.5, decay_rate=0.5, curve_midpoint=0.75, curve_steepness=4.0)
    active = np.array([0, 1])
    held = HeldChanges(3)
    held.hear(active, np.array([1.0, 0.0, 1.0]), np.array([2, 1, 1]), effect=0.1)
    held.add_bonus(np.array([1, 2]), 0.25)
    loyalty_churn.screen_churn(
        active, None, sh, lp, gap=0.0, out=np.empty(3, dtype=np.int64), curve=np.empty(3), held=held
    )
    # 0: 0.8 − 0.1·1/2 = 0.75, the midpoint: target 1/2; 1: 0.75 + 0.25 = 1, target
    # 1/(1 + e^-1); 2 is not active: its bonus is added all the same, its loyalty stays
    assert sh.satisfaction.tolist() == pytest.approx([0.75, 1.0, 0.85])
    up = 1 / (1 + math.exp(-1))
    assert sh.loyalty.tolist() == pytest.approx([0.5, 0.5 + 0.5 * (up - 0.5), 0.5])
    assert not held.rows.any() and held.customers is None


def test_a_lever_of_one_value_is_everyones_and_a_per_shopper_lever_each_ones():
    rates = Loyalty(growth_rate=0.5, decay_rate=0.25)
    loyalty, target = np.array([0.8, 0.8]), np.array([0.4, 0.4])
    # down at 0.25 x 2 = 0.5 of the gap: 0.8 − 0.5·0.4 = 0.6; at 0.25: 0.8 − 0.1 = 0.7
    everyone = loyalty_churn.update_loyalty(loyalty, target, rates, decay_mult=np.array([2.0]))
    each = loyalty_churn.update_loyalty(loyalty, target, rates, decay_mult=np.array([2.0, 1.0]))
    assert everyone.tolist() == pytest.approx([0.6, 0.6])
    assert each.tolist() == pytest.approx([0.6, 0.7])
