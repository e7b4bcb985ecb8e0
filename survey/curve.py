"""The satisfaction → loyalty curve: mean loyalty per satisfaction level, and a fit."""

from __future__ import annotations

import warnings

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
            estimate, covariance = optimize.curve_fit(_logistic, xs, ys, p0=start, maxfev=20000)
    except RuntimeError as err:
        raise DataError(f"the logistic curve of {y!r} on {x!r} did not converge: {err}") from None
    variances = np.diag(covariance)
    se = np.where(np.isfinite(variances) & (variances >= 0), np.sqrt(np.abs(variances)), np.nan)
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
