"""The satisfaction → loyalty curve: mean loyalty per satisfaction level, and a fit."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from survey._validate import check_items
from survey.errors import DataError

_LOGISTIC_PARAMETERS = ["lower", "upper", "slope", "midpoint"]


def loyalty_by_satisfaction(data: pd.DataFrame, x: str, y: str, ci: float = 0.95) -> pd.DataFrame:
    r"""Mean of ``y`` at each level of ``x`` (rounded to whole scale points), with CI.

    Parameters
    ----------
    data : DataFrame
        Numeric columns, e.g. satisfaction and loyalty scores.
    x : str
        The level column (e.g. satisfaction); rounded half-to-even to integers.
    y : str
        The outcome (e.g. loyalty).
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per level with columns ``level``, ``n``, ``mean``, ``sd``,
        ``ci_low`` and ``ci_high`` (Student t interval; NaN when n < 2).

    Notes
    -----
    :math:`\bar y_l \pm t_{n_l-1,\,1-\alpha/2}\, s_l/\sqrt{n_l}`.

    References
    ----------
    Anderson, E. W., & Mittal, V. (2000). Strengthening the satisfaction-profit
    chain. *Journal of Service Research*, 3(2), 107–120.

    Examples
    --------
    >>> df = pd.DataFrame({"sat": [1, 1, 2, 2.2], "loy": [2, 4, 5, 7.0]})
    >>> loyalty_by_satisfaction(df, "sat", "loy")[["level", "n", "mean"]]
       level  n  mean
    0    1.0  2   3.0
    1    2.0  2   6.0
    """
    check_items(data, [x, y])
    pairs = data[[x, y]].dropna()
    if pairs.empty:
        raise DataError(f"columns {x!r} and {y!r} have no complete pairs")
    grouped = pairs[y].groupby(np.round(pairs[x]).rename("level"))
    table = grouped.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    half = stats.t.ppf(0.5 + ci / 2, table["n"] - 1) * table["sd"] / np.sqrt(table["n"])
    table["ci_low"], table["ci_high"] = table["mean"] - half, table["mean"] + half
    return table.reset_index()


def _logistic(
    x: np.ndarray, lower: float, upper: float, slope: float, midpoint: float
) -> np.ndarray:
    return lower + (upper - lower) / (1 + np.exp(-slope * (x - midpoint)))


def fit_logistic_curve(data: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    r"""Fit a four-parameter logistic curve of ``y`` on ``x`` by least squares.

    Parameters
    ----------
    data : DataFrame
        Numeric columns, e.g. satisfaction and loyalty scores (respondent level).
    x, y : str
        Predictor and outcome.

    Returns
    -------
    DataFrame
        One row per parameter (``lower``, ``upper``, ``slope``, ``midpoint``) with
        columns ``parameter``, ``estimate``, ``se`` and ``n``; a fifth row ``rmse``
        gives the root mean squared residual.

    Notes
    -----
    :math:`\hat y = L + \frac{U - L}{1 + e^{-k (x - x_0)}}`, fitted with
    ``scipy.optimize.curve_fit`` from a start at the observed range of y, slope 1
    and the median of x; standard errors from the estimated covariance. A curve
    steeper at high satisfaction than a straight line shows the "zone of
    affection" of Jones & Sasser.

    References
    ----------
    Jones, T. O., & Sasser, W. E. (1995). Why satisfied customers defect. *Harvard
    Business Review*, 73(6), 88–99.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> fit_logistic_curve(df, "CUSA1", "CUSL1")["parameter"].tolist()
    ['lower', 'upper', 'slope', 'midpoint', 'rmse']
    """
    check_items(data, [x, y])
    pairs = data[[x, y]].dropna()
    if len(pairs) < 5 or pairs[x].nunique() < 3:
        raise DataError(f"column {x!r} needs at least 5 answers on 3 or more levels to fit")
    xs, ys = pairs[x].to_numpy(float), pairs[y].to_numpy(float)
    start = [ys.min(), ys.max(), 1.0, float(np.median(xs))]
    try:
        with warnings.catch_warnings():
            # a flat curve leaves the covariance undefined: reported as NaN standard errors
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            # a far-away midpoint overflows exp() on the way: judged by check_logistic
            with np.errstate(over="ignore", invalid="ignore"):
                estimate, covariance = optimize.curve_fit(_logistic, xs, ys, p0=start, maxfev=20000)
    except RuntimeError as err:
        raise DataError(f"the logistic curve of {y!r} on {x!r} did not converge: {err}") from None
    variances = np.diag(covariance)
    se = np.where(np.isfinite(variances) & (variances >= 0), np.sqrt(np.abs(variances)), np.nan)
    with np.errstate(over="ignore"):
        rmse = float(np.sqrt(np.mean((ys - _logistic(xs, *estimate)) ** 2)))
    return pd.DataFrame(
        {
            "parameter": [*_LOGISTIC_PARAMETERS, "rmse"],
            "estimate": [*estimate, rmse],
            "se": [*se, np.nan],
            "n": len(pairs),
        }
    )


def predict_logistic_curve(parameters: pd.DataFrame, x: np.ndarray) -> np.ndarray:
    """Evaluate a curve fitted by :func:`fit_logistic_curve`.

    Parameters
    ----------
    parameters : DataFrame
        The table returned by :func:`fit_logistic_curve`.
    x : array
        Where to evaluate it.

    Returns
    -------
    ndarray
        Predicted values.

    Examples
    --------
    >>> table = pd.DataFrame({"parameter": ["lower", "upper", "slope", "midpoint"],
    ...                       "estimate": [0, 10, 1, 5]})
    >>> predict_logistic_curve(table, np.array([5.0]))
    array([5.])
    """
    values = parameters.set_index("parameter")["estimate"]
    return _logistic(np.asarray(x, float), *[values[name] for name in _LOGISTIC_PARAMETERS])


#: How far beyond the outcome's scale an asymptote may lie, as a share of its range.
ASYMPTOTE_MARGIN = 0.1
#: Largest standard error of an asymptote or the midpoint, as a share of the scale range.
MAX_RELATIVE_SE = 0.5


@dataclass(frozen=True)
class LogisticCheck:
    """Whether a logistic fit is identified well enough to report.

    Attributes
    ----------
    identified : bool
        True when every condition of :func:`check_logistic` holds.
    reasons : tuple of str
        The conditions that failed, in words (empty when identified).
    aic_linear, aic_logistic : float
        Gaussian AIC of the straight line (2 parameters + variance) and of the
        logistic (4 parameters + variance) on the same pairs.
    n : int
        Complete pairs used.
    """

    identified: bool
    reasons: tuple[str, ...]
    aic_linear: float
    aic_logistic: float
    n: int

    @property
    def summary(self) -> str:
        """One sentence for the report and the console.

        Examples
        --------
        >>> check = LogisticCheck(False, ("midpoint -40 outside the x range",), 1.0, 2.0, 9)
        >>> check.summary.split(";")[0]
        'logistic not identified (midpoint -40 outside the x range)'
        """
        if self.identified:
            return (
                f"logistic identified and better than linear by AIC "
                f"({self.aic_logistic:.1f} vs {self.aic_linear:.1f})"
            )
        return (
            f"logistic not identified ({'; '.join(self.reasons)}); mean loyalty per level "
            "and the linear fit shown"
        )

    def table(self) -> pd.DataFrame:
        """The comparison as a table: one row per model.

        Returns
        -------
        DataFrame
            Columns ``model`` (``linear``, ``logistic``), ``parameters``, ``aic``,
            ``n``, ``reported`` and ``note``.

        Examples
        --------
        >>> LogisticCheck(True, (), 10.0, 5.0, 50).table()["reported"].tolist()
        [True, True]
        """
        return pd.DataFrame(
            {
                "model": ["linear", "logistic"],
                "parameters": [2, 4],
                "aic": [self.aic_linear, self.aic_logistic],
                "n": self.n,
                "reported": [True, self.identified],
                "note": ["", self.summary],
            }
        )


def _aic(residuals: np.ndarray, k: int) -> float:
    n = len(residuals)
    rss = float(np.sum(residuals**2))
    with np.errstate(divide="ignore"):
        return float(n * np.log(rss / n) + 2 * (k + 1)) if n else float("nan")


def check_logistic(
    fit: pd.DataFrame,
    data: pd.DataFrame,
    x: str,
    y: str,
    scale: Sequence[float] | None = None,
) -> LogisticCheck:
    r"""Decide whether a logistic fit is identified and worth reporting.

    Parameters
    ----------
    fit : DataFrame
        From :func:`fit_logistic_curve` on the same data.
    data : DataFrame
        The data the curve was fitted to.
    x, y : str
        Predictor (satisfaction) and outcome (loyalty).
    scale : (float, float), optional
        Minimum and maximum of the outcome's answer scale; default the observed
        range of ``y``.

    Returns
    -------
    LogisticCheck
        ``identified`` is True only when all of these hold:

        * both asymptotes lie within the scale, or at most
          :data:`ASYMPTOTE_MARGIN` of its range beyond it;
        * the midpoint lies within the observed range of ``x``;
        * every standard error is finite, those of the asymptotes and the midpoint
          at most :data:`MAX_RELATIVE_SE` of the scale range, that of the slope at
          most the slope's absolute value;
        * the logistic has a lower AIC than the straight line.

    Notes
    -----
    :math:`AIC = n \ln(RSS/n) + 2(p + 1)` with *p* = 2 (line) or 4 (logistic).
    A logistic whose asymptotes run off the scale and whose midpoint lies outside
    the data is a straight line in disguise: its parameters are not results.

    Examples
    --------
    >>> x = np.repeat(np.linspace(1, 10, 19), 3)
    >>> y = 2 + 7 / (1 + np.exp(-1.5 * (x - 6))) + np.tile([-0.3, 0.0, 0.3], 19)
    >>> df = pd.DataFrame({"s": x, "l": y})
    >>> check_logistic(fit_logistic_curve(df, "s", "l"), df, "s", "l", (1, 10)).identified
    True
    """
    pairs = data[[x, y]].dropna()
    xs, ys = pairs[x].to_numpy(float), pairs[y].to_numpy(float)
    low, high = (float(ys.min()), float(ys.max())) if scale is None else map(float, scale)
    span = max(high - low, np.finfo(float).eps)
    table = fit.set_index("parameter")
    est, se = table["estimate"], table["se"]
    reasons = []
    margin = ASYMPTOTE_MARGIN * span
    for name in ("lower", "upper"):
        if not low - margin <= est[name] <= high + margin:
            reasons.append(f"{name} asymptote {est[name]:.3g} outside the scale {low:g}-{high:g}")
    if not xs.min() <= est["midpoint"] <= xs.max():
        reasons.append(
            f"midpoint {est['midpoint']:.3g} outside the observed {x} range "
            f"{xs.min():.3g}-{xs.max():.3g}"
        )
    names = list(_LOGISTIC_PARAMETERS)
    if not np.all(np.isfinite(se[names].to_numpy(float))):
        reasons.append("standard errors undefined")
    else:
        wide = [n for n in ("lower", "upper", "midpoint") if se[n] > MAX_RELATIVE_SE * span]
        if se["slope"] > abs(est["slope"]):
            wide.append("slope")
        if wide:
            reasons.append(
                "standard errors too large for "
                + ", ".join(f"{n} ({est[n]:.3g} ± {se[n]:.3g})" for n in wide)
            )
    slope, intercept = np.polyfit(xs, ys, 1)
    aic_linear = _aic(ys - (intercept + slope * xs), 2)
    with np.errstate(over="ignore"):
        aic_logistic = _aic(ys - _logistic(xs, *[est[n] for n in names]), 4)
    if not aic_logistic < aic_linear:
        reasons.append(f"AIC {aic_logistic:.1f} not below the linear fit's {aic_linear:.1f}")
    return LogisticCheck(not reasons, tuple(reasons), aic_linear, aic_logistic, len(pairs))
