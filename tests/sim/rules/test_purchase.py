import math

import numpy as np
import pytest

from sim.rules import purchase


def test_order_probability_is_poisson_at_least_one():
    got = purchase.order_probability(np.array([0.05, 0.5]), np.array([1.0, 2.0]))
    assert got.tolist() == pytest.approx([1 - math.exp(-0.05), 1 - math.exp(-1.0)])


def test_orderers_are_the_shoppers_drawing_below_their_probability():
    # x = rate * multiplier across the bounded range [0, 4] and beyond it; each shopper
    # drawn once just below and once just above 1 - exp(-x) (1e-9 off, far above rounding)
    x = np.array([0.0, 1e-6, 0.05, 0.3, 0.99, 1.5, 3.9, 4.0, 6.0, 40.0])
    p = np.array([-math.expm1(-v) for v in x])
    active = np.arange(2 * x.size)
    rate = np.concatenate([x, x]) / 2.0
    uniforms = np.concatenate([np.maximum(p - 1e-9, 0.0), p + 1e-9])
    got = purchase.orderers(active, uniforms, rate, 2.0)
    # everyone drawing just below orders except at x = 0 (probability 0)
    assert got.tolist() == list(range(1, x.size))


def test_orderers_read_each_shoppers_multiplier_and_keep_the_active_order():
    rate = np.array([0.2, 0.2, 0.2, 0.2, 0.2])
    multiplier = np.array([1.0, 0.0, 5.0, 1.0, 25.0])  # x = 0.2, 0, 1, 0.2, 5
    active = np.array([4, 0, 2, 1])
    uniforms = np.array([0.99, 0.18, 0.6, 0.01])
    # P: 1-e^-5 = 0.9933, 1-e^-0.2 = 0.1813, 1-e^-1 = 0.6321, 0
    got = purchase.orderers(active, uniforms, rate, multiplier)
    assert got.tolist() == [4, 0, 2]


def test_orderers_are_exactly_those_below_the_order_probability_for_random_rates():
    # the bounds settle most shoppers; the result must be the plain definition, bit for bit
    rng = np.random.default_rng(3)
    n = 50_000
    rate = rng.gamma(0.5, 1.0, size=2 * n)  # many rates above the bounded range too
    active = np.sort(rng.choice(2 * n, size=n, replace=False))
    uniforms = rng.random(n)
    scratch = purchase.OrderScratch.empty(2 * n)
    for multiplier in (1.0, rng.uniform(0.5, 2.0, size=2 * n)):
        mult = multiplier[active] if isinstance(multiplier, np.ndarray) else multiplier
        expected = active[uniforms < purchase.order_probability(rate[active], mult)]
        got = purchase.orderers(active, uniforms, rate, multiplier, scratch=scratch)
        np.testing.assert_array_equal(got, expected)


def test_settle_keeps_the_sure_and_the_unsure_that_order_in_order():
    active = np.array([10, 11, 12, 13, 14])
    near = np.array([0, 2, 3, 4])  # positions into active
    sure = np.array([True, False, True, False])
    got = purchase._settle(active, near, sure, np.array([False, True]))  # 12 no, 14 yes
    assert got.dtype == np.int64
    assert got.tolist() == [10, 13, 14]
