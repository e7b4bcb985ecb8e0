"""Gini and top-share against closed forms for known distributions; bootstrap weights exact."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.orders.concentration import (
    _weighted_stats,
    customer_spend,
    gini,
    lorenz_curve,
    spend_concentration,
)
from survey.orders.frame import as_order_frame


def _orders(spend):
    n = len(spend)
    return as_order_frame(
        pd.DataFrame(
            {"customer_id": [f"c{i}" for i in range(n)], "date": "2024-01-01", "amount": spend}
        )
    )


def test_gini_of_equal_values_is_zero_and_of_one_holder_is_n_minus_1_over_n():
    assert gini(np.full(10, 3.0)) == 0.0
    assert gini([0, 0, 0, 0, 7.0]) == pytest.approx(4 / 5, abs=1e-15)


def test_gini_by_hand():
    # sum (2i - n - 1) x_(i) / (n sum x) with x = 1, 2, 3, 4: (-3 - 2 + 3 + 12) / 40
    assert gini([4, 1, 3, 2]) == 0.25


@pytest.mark.parametrize(
    ("draw", "expected"),
    [
        # closed forms: exponential 1/2; uniform(0, 1) 1/3; Pareto(shape 3) 1/(2*3 - 1);
        # lognormal(sigma 1) 2 Phi(1/sqrt 2) - 1 (e.g. Cowell, Measuring Inequality, 2011)
        (lambda rng, n: rng.exponential(size=n), 0.5),
        (lambda rng, n: rng.uniform(size=n), 1 / 3),
        (lambda rng, n: rng.pareto(3, size=n) + 1, 1 / 5),
        (lambda rng, n: rng.lognormal(sigma=1.0, size=n), 2 * stats.norm.cdf(1 / np.sqrt(2)) - 1),
    ],
)
def test_gini_matches_the_population_value_of_known_distributions(draw, expected):
    values = draw(np.random.default_rng(7), 400_000)
    assert gini(values) == pytest.approx(expected, abs=0.004)


def test_top_share_of_pareto_matches_its_closed_form():
    # Pareto(shape a): the top p share of the total is p ** (1 - 1/a); a = 3, p = 0.2: 0.342
    spend = np.random.default_rng(3).pareto(3, size=200_000) + 1
    table = spend_concentration(_orders(spend), n_boot=0).set_index("statistic")
    assert table.loc["top_share", "value"] == pytest.approx(0.2 ** (2 / 3), abs=0.01)


def test_weighted_statistics_equal_those_of_the_expanded_sample():
    rng = np.random.default_rng(1)
    spend = np.sort(rng.exponential(size=50))
    weights = rng.integers(0, 4, size=50).astype(float)
    expanded = np.repeat(spend, weights.astype(int))
    k = int(round(0.2 * expanded.size))
    top = np.sort(expanded)[::-1][:k].sum() / expanded.sum()
    top_share, gini_value = _weighted_stats(spend, weights, 0.2)
    assert gini_value == pytest.approx(gini(expanded), abs=1e-12)
    assert top_share == pytest.approx(top, abs=1e-12)


def test_bootstrap_se_is_seeded_and_near_the_sampling_sd():
    rng = np.random.default_rng(11)
    first = spend_concentration(_orders(rng.exponential(size=2000)), n_boot=100, seed=5)
    again = spend_concentration(
        _orders(np.random.default_rng(11).exponential(size=2000)), n_boot=100, seed=5
    )
    pd.testing.assert_frame_equal(first, again)
    # the Gini's SD over fresh samples of 2000 exponential spends (simulated here)
    fresh = [gini(np.random.default_rng(100 + s).exponential(size=2000)) for s in range(200)]
    se = first.set_index("statistic").loc["gini", "se"]
    assert se == pytest.approx(np.std(fresh, ddof=1), rel=0.3)


def test_customer_spend_sums_orders_per_customer():
    orders = as_order_frame(
        pd.DataFrame(
            {"customer_id": ["a", "b", "a"], "date": "2024-01-01", "amount": [1.0, 5.0, 2.0]}
        )
    )
    assert customer_spend(orders).tolist() == [3.0, 5.0]


def test_lorenz_curve_runs_from_zero_to_one_and_is_thinned():
    curve = lorenz_curve(_orders(np.arange(1, 5001, dtype=float)))
    assert len(curve) == 1001
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
    assert curve["revenue_share"].is_monotonic_increasing
