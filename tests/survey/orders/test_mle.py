"""The maximum-likelihood machinery: derivatives of known functions, a fit with a known
answer, and refusals."""

import numpy as np
import pytest
from scipy import stats

from survey.errors import DataError
from survey.orders.mle import maximum_likelihood, numerical_derivatives


def test_derivatives_of_a_quadratic_are_exact():
    matrix = np.array([[2.0, 0.5], [0.5, 1.0]])
    point = np.array([1.0, -2.0])
    gradient, hessian = numerical_derivatives(lambda p: 0.5 * p @ matrix @ p, point)
    np.testing.assert_allclose(gradient, matrix @ point, atol=1e-6)
    np.testing.assert_allclose(hessian, matrix, atol=1e-6)


def test_gamma_fit_matches_scipy_and_its_fisher_information():
    # maximum likelihood of a gamma shape/rate pair; SE of the rate at known shape is
    # rate/sqrt(n k) in the limit, and the estimates equal scipy.stats.gamma.fit's
    data = np.random.default_rng(0).gamma(3.0, 1 / 2.0, 4000)

    def negative_loglik(params):
        shape, rate = params
        return -stats.gamma.logpdf(data, shape, scale=1 / rate).sum()

    fit = maximum_likelihood(negative_loglik, np.array([1.0, 1.0]), ("shape", "rate"), "gamma")
    shape, _, scale = stats.gamma.fit(data, floc=0)
    assert fit.params == pytest.approx([shape, 1 / scale], rel=1e-4)
    assert fit.loglik == pytest.approx(-negative_loglik([shape, 1 / scale]), abs=1e-6)
    fields = fit.fields(("shape", "rate"))
    assert set(fields) == {"shape", "rate", "se", "covariance", "loglik"}
    assert 0 < fields["se"]["shape"] < 0.1 and 0 < fields["se"]["rate"] < 0.1


def test_a_flat_direction_is_refused_as_not_identified():
    # only the sum of the two parameters matters: the Hessian is singular
    with pytest.raises(DataError, match="toy is not identified on these data"):
        maximum_likelihood(
            lambda p: (p[0] + p[1] - 3.0) ** 2, np.array([1.0, 1.0]), ("u", "v"), "toy"
        )
