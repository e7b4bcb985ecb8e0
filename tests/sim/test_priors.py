import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from sim.priors import LogNormal, Normal, Prior, Triangular, Uniform, effect_prior
from sim.strategies import REGISTRY

U = np.linspace(0.01, 0.99, 25)


def test_uniform_quantiles_are_linear():
    assert np.allclose(Uniform(low=2, high=6).ppf(U), 2 + 4 * U)


def test_triangular_quantiles_match_the_closed_form():
    # F^-1(u) = a + sqrt(u (b - a)(c - a)) below F(c) = (c - a) / (b - a), else
    # b - sqrt((1 - u)(b - a)(b - c)) (the triangular distribution's inverse CDF)
    a, c, b = 1.0, 1.5, 3.0
    expected = np.where(
        U < (c - a) / (b - a),
        a + np.sqrt(U * (b - a) * (c - a)),
        b - np.sqrt((1 - U) * (b - a) * (b - c)),
    )
    assert np.allclose(Triangular(low=a, mode=c, high=b).ppf(U), expected)


def test_truncated_normal_stays_within_its_bounds_and_keeps_its_shape():
    prior = Normal(mean=0.0, sd=1.0, low=-0.5, high=2.0)
    values = prior.ppf(U)
    assert values.min() >= -0.5 and values.max() <= 2.0
    # the CDF of the truncated normal: (Phi(x) - Phi(lo)) / (Phi(hi) - Phi(lo))
    cdf = (stats.norm.cdf(values) - stats.norm.cdf(-0.5)) / (
        stats.norm.cdf(2.0) - stats.norm.cdf(-0.5)
    )
    assert np.allclose(cdf, U)


def test_lognormal_median_and_log_scale_spread():
    prior = LogNormal(median=3.0, sigma=0.4)
    assert math.isclose(float(prior.ppf(0.5)), 3.0)
    assert math.isclose(float(prior.ppf(stats.norm.cdf(1.0))), 3.0 * math.exp(0.4))


def test_a_prior_is_read_from_config_data_by_its_family():
    prior = TypeAdapter(Prior).validate_python(
        {"dist": "triangular", "low": 0, "mode": 1, "high": 2, "source": "Smith 2020"}
    )
    assert isinstance(prior, Triangular) and prior.source == "Smith 2020"
    assert TypeAdapter(Prior).validate_python({"dist": "uniform", "low": 0, "high": 1}).source == (
        "assumed"
    )


@pytest.mark.parametrize(
    "data",
    [
        {"dist": "uniform", "low": 1, "high": 1},
        {"dist": "triangular", "low": 0, "mode": 3, "high": 2},
        {"dist": "normal", "mean": 0, "sd": 0},
        {"dist": "lognormal", "median": -1, "sigma": 1},
        {"dist": "beta", "a": 1, "b": 1},
        {"dist": "uniform", "low": 0, "high": 1, "mean": 3},
    ],
)
def test_invalid_priors_are_refused(data):
    with pytest.raises(ValidationError):
        TypeAdapter(Prior).validate_python(data)


def test_effect_prior_runs_from_no_effect_to_twice_the_default_within_bounds():
    assert effect_prior(1.5, neutral=1.0, low=0, high=math.inf).model_dump(exclude={"source"}) == {
        "dist": "triangular",
        "low": 1.0,
        "mode": 1.5,
        "high": 2.0,
    }
    clipped = effect_prior(0.7, neutral=0.0, low=0, high=1)
    assert (clipped.low, clipped.mode, clipped.high) == (0.0, 0.7, 1.0)
    assert clipped.source.startswith("assumed")


def test_every_declared_effect_is_a_numeric_field_and_its_prior_contains_the_default():
    for cls in REGISTRY.values():
        for name, prior in cls.priors().items():
            default = cls.model_fields[name].default
            assert prior.low <= default <= prior.high, (cls.kind, name)
            assert prior.low < prior.high
            cls(**{name: float(prior.low)})  # the whole support is allowed
            cls(**{name: float(prior.high)})


def test_strategies_with_effect_sizes_declare_priors():
    with_priors = {kind for kind, cls in REGISTRY.items() if cls.priors()}
    assert with_priors == set(REGISTRY) - {"baseline", "coupons"}


def test_normal_takes_explicit_infinite_bounds_but_no_nan() -> None:
    # Parameter blocks refuse .inf (issue 15); a truncation bound of -inf/inf means none.
    unbounded = Normal(mean=1.0, sd=0.1, low=-math.inf, high=math.inf)
    assert float(unbounded.ppf(0.5)) == pytest.approx(1.0)
    with pytest.raises(ValidationError, match="must be numbers"):
        Normal(mean=1.0, sd=0.1, low=math.nan)
    with pytest.raises(ValidationError, match="finite number"):
        Normal(mean=math.inf, sd=0.1)
