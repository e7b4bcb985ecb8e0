"""BG/NBD against Fader, Hardie & Lee (2005) on CDNOW, closed forms, numerical
integration and data simulated from the model itself."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from survey.errors import DataError
from survey.orders.bgnbd import (
    BGNBDFit,
    bgnbd_log_likelihood,
    expected_purchases,
    expected_purchases_if_alive,
    expected_repeat,
    fit_bgnbd,
    p_alive,
)
from survey.orders.cdnow import load_cdnow
from survey.orders.rfm import customer_summary

PUBLISHED = BGNBDFit(0.243, 4.414, 0.793, 2.426, {}, np.eye(4), -9582.4, 2357, True)


@pytest.fixture(scope="module")
def cdnow_fit() -> BGNBDFit:
    return fit_bgnbd(customer_summary(load_cdnow("sample"), calibration_end="1997-09-30"))


def simulate_bgnbd(params, n, T, seed):  # noqa: N803
    """Draw histories from the BG/NBD process (dropout only after repeat purchases)."""
    r, alpha, a, b = params
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    clock, frequency, recency = np.zeros(n), np.zeros(n, int), np.zeros(n)
    alive = np.ones(n, bool)
    while alive.any():
        clock[alive] += rng.exponential(1 / rate[alive])
        alive &= clock <= T
        frequency[alive] += 1
        recency[alive] = clock[alive]
        alive &= rng.random(n) >= drop
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": np.full(n, T)})


def test_cdnow_sample_reproduces_the_published_estimates(cdnow_fit):
    # Fader, Hardie & Lee (2005), Marketing Science 24(2), sec. 5: r = 0.243,
    # alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4 (CDNOW sample, weeks 1-39)
    assert round(cdnow_fit.r, 3) == 0.243
    assert round(cdnow_fit.alpha, 3) == 4.414
    assert round(cdnow_fit.a, 3) == 0.793
    assert round(cdnow_fit.b, 3) == 2.426
    assert round(cdnow_fit.loglik, 1) == -9582.4
    assert cdnow_fit.n == 2357 and cdnow_fit.converged


def test_standard_errors_are_positive_and_symmetric(cdnow_fit):
    se = np.array([cdnow_fit.se[name] for name in ("r", "alpha", "a", "b")])
    assert np.all(np.isfinite(se)) and np.all(se > 0)
    np.testing.assert_allclose(cdnow_fit.covariance, cdnow_fit.covariance.T)
    # r is well determined (2,357 customers), a and b much less (few dropouts observed)
    assert se[0] / cdnow_fit.r < 0.1 < se[2] / cdnow_fit.a


def test_standard_errors_match_lifetimes_on_cdnow(cdnow_fit):
    # lifetimes 0.11 docs/Quickstart.md, BetaGeoFitter.summary on the CDNOW summary:
    # se(coef) r 0.012557, alpha 0.378221, a 0.185719, b 0.705345
    published = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}
    for name, se in published.items():
        assert cdnow_fit.se[name] == pytest.approx(se, rel=1e-3), name


def test_one_week_prediction_of_the_best_customer_matches_lifetimes(cdnow_fit):
    # lifetimes 0.11 docs/Quickstart.md: customer 1516 (x = 26, t_x = 30.86, T = 31.00)
    # expects 0.710623 purchases in the next week
    assert expected_purchases(cdnow_fit, 1, 26, 30.86, 31.0) == pytest.approx(0.710623, rel=1e-4)


def test_to_frame_lists_estimates_then_loglik_and_n(cdnow_fit):
    table = cdnow_fit.to_frame()
    assert table["parameter"].tolist() == ["r", "alpha", "a", "b", "loglik", "n"]
    assert table.set_index("parameter").loc["n", "estimate"] == 2357
    assert np.isnan(table.set_index("parameter").loc["loglik", "se"])


def test_expected_purchases_of_the_papers_customer():
    # FHL (2005) sec. 5: x = 2, t_x = 30.43, T = 38.86 -> 1.226 transactions in 39 weeks
    assert expected_purchases(PUBLISHED, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 5.0, 30.0)])
def test_likelihood_equals_numerical_integration_over_rates_and_dropouts(x, t_x, T):  # noqa: N803
    # L = E_p[(1-p)^x] E_lambda[lambda^x e^(-lambda T)]
    #     + [x > 0] E_p[p (1-p)^(x-1)] E_lambda[lambda^x e^(-lambda t_x)]  (FHL 2005, eq. 3)
    r, alpha, a, b = PUBLISHED.params
    rate = stats.gamma(r, scale=1 / alpha)
    drop = stats.beta(a, b)

    def over_rate(t):
        return integrate.quad(lambda lam: lam**x * np.exp(-lam * t) * rate.pdf(lam), 0, np.inf)[0]

    alive = integrate.quad(lambda p: (1 - p) ** x * drop.pdf(p), 0, 1)[0] * over_rate(T)
    dropped = 0.0
    if x > 0:
        dropped = integrate.quad(lambda p: p * (1 - p) ** (x - 1) * drop.pdf(p), 0, 1)[0]
        dropped *= over_rate(t_x)
    closed = bgnbd_log_likelihood([x], [t_x], [T], r=r, alpha=alpha, a=a, b=b)[0]
    assert closed == pytest.approx(np.log(alive + dropped), abs=1e-6)


def test_p_alive_is_one_without_repeats_and_grows_with_recency():
    assert np.all(p_alive(PUBLISHED, [0, 0], [0.0, 0.0], [1.0, 50.0]) == 1.0)
    recency = np.linspace(0, 38.86, 20)
    alive = p_alive(PUBLISHED, np.full(20, 3), recency, 38.86)
    assert np.all(np.diff(alive) > 0) and alive.max() < 1
    # bought just now (t_x = T): dropout chance is a/(a+b+x-1) -> P(alive) = (b+x-1)/(a+b+x-1)
    r, alpha, a, b = PUBLISHED.params
    assert alive[-1] == pytest.approx((b + 2) / (a + b + 2))


def test_expected_repeat_starts_at_the_mean_rate():
    # near t = 0 everyone is alive: E[X(t)] ~ (r / alpha) t
    h = 1e-4
    assert expected_repeat(PUBLISHED, h) / h == pytest.approx(0.243 / 4.414, rel=1e-3)
    assert expected_repeat(PUBLISHED, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(expected_repeat(PUBLISHED, np.linspace(0, 100, 50))) > 0)


def test_a_new_customer_conditional_expectation_is_the_unconditional_one():
    t = np.array([1.0, 10.0, 39.0, 78.0])
    np.testing.assert_allclose(
        expected_purchases(PUBLISHED, t, 0, 0.0, 0.0), expected_repeat(PUBLISHED, t)
    )


def test_conditional_expectation_is_p_alive_times_expectation_if_alive():
    x, t_x, big_t = np.array([0, 1, 4]), np.array([0.0, 3.0, 20.0]), np.array([10.0, 30.0, 30.0])
    np.testing.assert_allclose(
        expected_purchases(PUBLISHED, 13.0, x, t_x, big_t),
        expected_purchases_if_alive(PUBLISHED, 13.0, x, big_t) * p_alive(PUBLISHED, x, t_x, big_t),
    )


def test_expected_repeat_matches_simulated_counts():
    params = (0.5, 5.0, 1.5, 4.0)
    simulated = simulate_bgnbd(params, 20_000, 30.0, seed=1)
    fit = BGNBDFit(*params, {}, np.eye(4), 0.0, 0, True)
    mean = simulated["frequency"].mean()
    se = simulated["frequency"].std() / np.sqrt(len(simulated))
    assert abs(mean - expected_repeat(fit, 30.0)) < 4 * se


def test_fit_recovers_simulated_parameters_within_their_standard_errors():
    params = (0.5, 5.0, 1.5, 4.0)
    fit = fit_bgnbd(simulate_bgnbd(params, 5_000, 40.0, seed=2))
    for name, truth in zip(("r", "alpha", "a", "b"), params, strict=True):
        assert abs(getattr(fit, name) - truth) < 3.5 * fit.se[name], name


def test_no_repeat_purchases_is_refused_as_not_identified():
    summary = pd.DataFrame({"frequency": 0, "recency": 0.0, "T": np.linspace(1, 40, 200)})
    with pytest.raises(DataError, match="BG/NBD .*(not identified|did not converge)"):
        fit_bgnbd(summary)


def test_summary_with_recency_beyond_t_is_refused():
    summary = pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [3.0]})
    with pytest.raises(DataError, match="'recency' exceeds 'T'"):
        fit_bgnbd(summary)


def test_summary_without_frequency_is_refused():
    with pytest.raises(DataError, match=r"column\(s\) \['frequency'\] not in data"):
        fit_bgnbd(pd.DataFrame({"recency": [1.0], "T": [3.0]}))
