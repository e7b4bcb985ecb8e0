"""Gamma-Gamma spend model against Fader & Hardie (2013) on CDNOW, its density, simulated
data, and the CLV sum in closed form."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit, expected_purchases
from survey.orders.cdnow import load_cdnow
from survey.orders.gammagamma import (
    GammaGammaFit,
    clv,
    expected_spend,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from survey.orders.rfm import customer_summary

BGNBD = BGNBDFit(0.243, 4.414, 0.793, 2.426, {}, np.eye(4), 0.0, 0, True)
PUBLISHED = GammaGammaFit(6.25, 3.74, 15.44, {}, np.eye(3), 0.0, 946, 0.0, True)


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    return customer_summary(load_cdnow("sample"), calibration_end="1997-09-30")


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_summary) -> GammaGammaFit:
    return fit_gamma_gamma(cdnow_summary)


def test_cdnow_sample_reproduces_the_published_estimates(cdnow_fit):
    # Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", note 025:
    # p = 6.25, q = 3.74, gamma = 15.44 on the 946 CDNOW sample customers with repeats
    assert round(cdnow_fit.p, 2) == 6.25
    assert round(cdnow_fit.q, 2) == 3.74
    assert round(cdnow_fit.gamma, 2) == 15.44
    assert cdnow_fit.n == 946 and cdnow_fit.converged


def test_frequency_spend_correlation_is_reported(cdnow_fit):
    # lifetimes documentation on the same data: corr(frequency, monetary_value) = 0.1139
    assert cdnow_fit.correlation == pytest.approx(0.1139, abs=1e-4)
    table = cdnow_fit.to_frame().set_index("parameter")
    assert table.loc["correlation", "estimate"] == pytest.approx(cdnow_fit.correlation)
    assert list(table.index) == ["p", "q", "gamma", "loglik", "n", "correlation"]
    assert (table.loc[["p", "q", "gamma"], "se"] > 0).all()


def test_expected_spend_matches_lifetimes_on_cdnow(cdnow_fit):
    # lifetimes 0.11 docs/Quickstart.md, conditional_expected_average_profit: customer 1
    # (x = 2, m = 22.35) 24.658619; customer 6 (x = 7, m = 73.74) 71.462843; no repeats
    # 35.170981
    spend = expected_spend(cdnow_fit, [2, 7, 0], [22.35, 73.74, np.nan])
    np.testing.assert_allclose(spend, [24.658619, 71.462843, 35.170981], rtol=2e-4)


def test_correlated_frequency_and_spend_is_warned_about():
    # heterogeneous spenders (nu ~ Gamma) whose spend also grows with their frequency
    x = np.repeat([1, 2, 3, 4, 5, 6], 50)
    rng = np.random.default_rng(3)
    # (the total of the x transactions reported as their mean: spend rises with x)
    spend = rng.gamma(4.0 * x, 1 / rng.gamma(3.0, 1 / 20.0, len(x)))
    summary = pd.DataFrame({"frequency": x, "monetary_value": spend})
    with pytest.warns(UserWarning, match=r"correlated \(r = 0\.\d\d, n = 300\)"):
        fit = fit_gamma_gamma(summary)
    assert fit.correlation > 0.3


@pytest.mark.parametrize("x", [1, 4])
def test_density_of_mean_spend_integrates_to_one(x):
    def density(m):
        return np.exp(gamma_gamma_log_likelihood([x], [m], p=6.25, q=3.74, gamma=15.44)[0])

    total = integrate.quad(density, 0, np.inf, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-6)


def test_fit_recovers_simulated_parameters_within_their_standard_errors():
    # the model's own process: nu ~ Gamma(q, rate gamma); z_j ~ Gamma(p, rate nu)
    p, q, gamma = 4.0, 3.0, 20.0
    rng = np.random.default_rng(5)
    x = rng.integers(1, 8, 3000)
    nu = rng.gamma(q, 1 / gamma, len(x))
    mean_spend = rng.gamma(p * x, 1 / nu) / x  # sum of x Gamma(p, nu) values, over x
    fit = fit_gamma_gamma(pd.DataFrame({"frequency": x, "monetary_value": mean_spend}))
    for name, truth in (("p", p), ("q", q), ("gamma", gamma)):
        assert abs(getattr(fit, name) - truth) < 3.5 * fit.se[name], name


def test_expected_spend_shrinks_the_own_mean_to_the_population_mean():
    population = 6.25 * 15.44 / (3.74 - 1)
    spend = expected_spend(PUBLISHED, [0, 1, 1000], [np.nan, 50.0, 50.0])
    assert spend[0] == pytest.approx(population)
    assert population < spend[1] < 50.0
    assert spend[2] == pytest.approx(50.0, rel=2e-3)


def test_expected_spend_needs_q_above_one():
    fit = GammaGammaFit(2.0, 0.9, 10.0, {}, np.eye(3), 0.0, 10, 0.0, True)
    with pytest.raises(DataError, match="q = 0.9 <= 1"):
        expected_spend(fit, [1], [10.0])


def test_undiscounted_clv_is_expected_purchases_times_spend_times_margin(cdnow_summary):
    # with d = 0 the per-period increments telescope to E[Y(H) | x, t_x, T]
    head = cdnow_summary.head(50)
    value = clv(
        BGNBD, PUBLISHED, head, horizon_periods=26, discount_rate_per_period=0.0, margin=0.4
    )
    purchases = expected_purchases(BGNBD, 26, head["frequency"], head["recency"], head["T"])
    spend = expected_spend(PUBLISHED, head["frequency"], head["monetary_value"])
    np.testing.assert_allclose(value, 0.4 * purchases * spend, rtol=1e-10)


def test_discounting_lowers_clv_and_only_by_the_discount_factors(cdnow_summary):
    head = cdnow_summary.head(20)
    kwargs = {"horizon_periods": 10, "margin": 1.0}
    plain = clv(BGNBD, PUBLISHED, head, discount_rate_per_period=0.0, **kwargs)
    discounted = clv(BGNBD, PUBLISHED, head, discount_rate_per_period=0.01, **kwargs)
    assert np.all(discounted < plain)
    assert np.all(discounted > plain / 1.01**10)


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("horizon_periods", 0, "horizon_periods 0 is not allowed"),
        ("discount_rate_per_period", -0.1, "discount_rate_per_period -0.1 is not allowed"),
        ("margin", 1.5, "margin 1.5 is not allowed"),
    ],
)
def test_clv_arguments_out_of_range_are_named(cdnow_summary, keyword, value, message):
    kwargs = {"horizon_periods": 4, "discount_rate_per_period": 0.0, "margin": 1.0}
    kwargs[keyword] = value
    with pytest.raises(DataError, match=message):
        clv(BGNBD, PUBLISHED, cdnow_summary.head(3), **kwargs)


def test_too_few_repeat_buyers_is_refused():
    summary = pd.DataFrame({"frequency": [0, 1, 2], "monetary_value": [np.nan, 5.0, 6.0]})
    with pytest.raises(DataError, match="at least 3 customers with repeat transactions, got 2"):
        fit_gamma_gamma(summary)


def test_repeat_buyers_who_spent_nothing_are_left_out_with_a_warning(cdnow_fit):
    # CDNOW master file: one such customer; here added to the sample's summary
    summary = customer_summary(load_cdnow("sample"), calibration_end="1997-09-30")
    free = pd.DataFrame({"frequency": [3], "recency": [10.0], "T": [30.0], "monetary_value": [0.0]})
    with pytest.warns(UserWarning, match="1 customer.* all worth 0 left out"):
        fit = fit_gamma_gamma(pd.concat([summary, free], ignore_index=True))
    assert fit.n == 946 and fit.p == pytest.approx(cdnow_fit.p)


def test_missing_mean_spend_of_a_repeat_buyer_is_refused():
    summary = pd.DataFrame({"frequency": [1, 2, 3, 1], "monetary_value": [np.nan, 5.0, 6.0, 2.0]})
    with pytest.raises(DataError, match="'monetary_value' is missing for 1 customer"):
        fit_gamma_gamma(summary)


def test_identical_spend_is_not_identified():
    summary = pd.DataFrame({"frequency": np.repeat([1, 2, 3], 30), "monetary_value": 10.0})
    with pytest.raises(DataError, match="Gamma-Gamma .*(not identified|did not converge)"):
        fit_gamma_gamma(summary)
