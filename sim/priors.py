"""Priors: distributions of uncertain parameters, as data.

An experiment can declare any model or strategy parameter uncertain
(``uncertain: {path: prior}``), and strategies declare default priors for their
effect sizes (:meth:`sim.strategies.base.Strategy.priors`). A prior is one of four
families, each with the source of its numbers ("assumed" when there is none), and
turns a uniform number ``u`` in (0, 1) into a value by its quantile function, so the
same prior serves Monte Carlo draws and Sobol designs alike.

Examples
--------
>>> from pydantic import TypeAdapter
>>> prior = TypeAdapter(Prior).validate_python({"dist": "uniform", "low": 1, "high": 3})
>>> float(prior.ppf(0.25)), prior.describe()
(1.5, 'uniform(low 1, high 3)')
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from numpy.typing import ArrayLike
from pydantic import Field, model_validator
from scipy import stats

from sim.schema import Strict

#: The source of a prior whose numbers nobody published.
ASSUMED = "assumed"


class _Prior(Strict):
    """Base of the prior families: a quantile function and a source."""

    dist: str
    source: str = Field(ASSUMED, min_length=1, description="Where the numbers come from.")

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantile function: the value below which a share ``u`` of the prior lies."""
        raise NotImplementedError

    def _numbers(self) -> dict[str, float]:
        return {k: v for k, v in self.model_dump(exclude={"dist", "source"}).items()}

    def describe(self) -> str:
        """The family and its numbers, e.g. ``triangular(low 1, mode 1.1, high 1.2)``."""
        numbers = ", ".join(
            f"{name} {value:g}" for name, value in self._numbers().items() if math.isfinite(value)
        )
        return f"{self.dist}({numbers})"


class Uniform(_Prior):
    """Every value in [low, high] equally likely.

    Examples
    --------
    >>> Uniform(low=0, high=2).ppf([0.0, 0.5, 1.0]).tolist()
    [0.0, 1.0, 2.0]
    """

    dist: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if math.isnan(self.low) or math.isnan(self.high):
            raise ValueError(f"low and high must be numbers, got [{self.low}, {self.high}]")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        return self

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantile function."""
        return self.low + np.asarray(u, dtype=float) * (self.high - self.low)


class Triangular(_Prior):
    """A triangle from ``low`` to ``high`` with its peak at ``mode``.

    Examples
    --------
    >>> round(float(Triangular(low=0, mode=1, high=2).ppf(0.5)), 12)
    1.0
    """

    dist: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantile function."""
        width = self.high - self.low
        shape = (self.mode - self.low) / width
        return stats.triang.ppf(np.asarray(u, dtype=float), shape, loc=self.low, scale=width)


class Normal(_Prior):
    """A normal distribution, truncated to [low, high] (unbounded by default).

    Examples
    --------
    >>> round(float(Normal(mean=1, sd=0.1).ppf(0.5)), 12)
    1.0
    >>> bool(Normal(mean=0, sd=1, low=0).ppf(0.01) >= 0)
    True
    """

    dist: Literal["normal"] = "normal"
    mean: float
    sd: float = Field(..., gt=0)
    low: float = Field(-math.inf, allow_inf_nan=True, description="Truncation (-inf: none).")
    high: float = Field(math.inf, allow_inf_nan=True, description="Truncation (inf: none).")

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if math.isnan(self.low) or math.isnan(self.high):
            raise ValueError(f"low and high must be numbers, got [{self.low}, {self.high}]")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        return self

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantile function of the truncated normal."""
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm.ppf(np.asarray(u, dtype=float), a, b, loc=self.mean, scale=self.sd)


class LogNormal(_Prior):
    """``median * exp(sigma * Z)`` with Z standard normal: positive, skewed to the right.

    Examples
    --------
    >>> round(float(LogNormal(median=2, sigma=0.5).ppf(0.5)), 12)
    2.0
    """

    dist: Literal["lognormal"] = "lognormal"
    median: float = Field(..., gt=0)
    sigma: float = Field(..., gt=0)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """Quantile function."""
        return self.median * np.exp(self.sigma * stats.norm.ppf(np.asarray(u, dtype=float)))


#: A prior in a config: ``{dist: uniform|triangular|normal|lognormal, ..., source: ...}``.
Prior = Annotated[
    Union[Uniform, Triangular, Normal, LogNormal],  # noqa: UP007
    Field(discriminator="dist"),
]


def effect_prior(default: float, *, neutral: float, low: float, high: float) -> Triangular:
    """The default prior of a strategy's effect size: from none to twice the default effect.

    A triangle from the value with no effect (``neutral``) to twice the default's
    distance from it, peaking at the default, and clipped to the parameter's
    allowed range [``low``, ``high``]. Its source is "assumed": the defaults
    themselves are mostly "to be calibrated", and this says only that the effect
    is as likely to be half as one and a half times the default.

    Parameters
    ----------
    default : float
        The parameter's default value (the mode).
    neutral : float
        The value at which the strategy has no effect (0 for a reduction, 1 for a
        multiplier).
    low, high : float
        The parameter's allowed range.

    Returns
    -------
    Triangular

    Examples
    --------
    >>> effect_prior(1.1, neutral=1.0, low=0, high=math.inf).describe()
    'triangular(low 1, mode 1.1, high 1.2)'
    >>> effect_prior(0.6, neutral=0.0, low=0, high=1).describe()
    'triangular(low 0, mode 0.6, high 1)'
    """
    far = neutral + 2.0 * (default - neutral)
    ends = sorted((neutral, far))
    return Triangular(
        low=max(ends[0], low),
        mode=default,
        high=min(ends[1], high),
        source=f"{ASSUMED}: from no effect ({neutral:g}) to twice the default effect, "
        "mode at the default",
    )
