"""Correlations between construct scores, with confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Literal

import pandas as pd

from survey import _pingouin
from survey._validate import check_items
from survey.errors import DataError
from survey.regression import driver_regression

_METHODS = ("pearson", "spearman")


def correlations(
    data: pd.DataFrame,
    columns: Sequence[str],
    method: Literal["pearson", "spearman"] = "pearson",
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""Pairwise correlations with confidence intervals (``pingouin.corr``).

    Parameters
    ----------
    data : DataFrame
        Numeric columns, e.g. construct scores.
    columns : sequence of str
        Columns to correlate (at least two).
    method : {'pearson', 'spearman'}, default 'pearson'
        Correlation coefficient.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row per pair with columns ``x``, ``y``, ``n`` (pairwise complete
        respondents), ``r``, ``ci_low``, ``ci_high`` and ``p_val`` (two-sided).

    Notes
    -----
    The interval uses Fisher's transform:
    :math:`\tanh(\operatorname{artanh} r \pm z_{1-\alpha/2} / \sqrt{n-3})`.

    References
    ----------
    Fisher, R. A. (1921). On the probable error of a coefficient of correlation
    deduced from a small sample. *Metron*, 1, 3–32.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> correlations(df, ["CUSA1", "CUSL1"]).round(3)
           x      y    n      r  ci_low  ci_high  p_val
    0  CUSA1  CUSL1  250  0.343   0.229    0.448    0.0
    """
    check_items(data, columns, min_items=2)
    if method not in _METHODS:
        raise DataError(f"method {method!r} is not supported; allowed: {list(_METHODS)}")
    if not 0 < ci < 1:
        raise DataError(f"ci must be between 0 and 1, got {ci}")
    rows = []
    for x, y in combinations(columns, 2):
        pair = data[[x, y]].dropna()
        if len(pair) < 4:
            raise DataError(f"columns {x!r} and {y!r}: need 4 or more complete pairs")
        rows.append(_pingouin.correlation(pair[x], pair[y], method, ci).assign(x=x, y=y))
    table = pd.concat(rows, ignore_index=True)
    return table[["x", "y", "n", "r", "ci_low", "ci_high", "p_val"]]


def satisfaction_loyalty_link(scores: pd.DataFrame, sat: str, loyalty: str) -> pd.DataFrame:
    """Pearson correlation of loyalty with satisfaction (with CI) and the OLS line.

    Parameters
    ----------
    scores : DataFrame
        Construct scores.
    sat, loyalty : str
        The satisfaction and loyalty constructs.

    Returns
    -------
    DataFrame
        One row: the columns of :func:`correlations` with ``x``, ``y`` renamed
        ``satisfaction``, ``loyalty``, plus ``slope`` and ``intercept`` of
        loyalty = intercept + slope · satisfaction (OLS,
        :func:`survey.regression.driver_regression`).

    Examples
    --------
    >>> from survey.datasets import load_example
    >>> from survey.cleaning import clean_survey
    >>> scores = clean_survey(*load_example("ecsi")).scores
    >>> round(float(satisfaction_loyalty_link(scores, "Satisfaction", "Loyalty")["r"][0]), 4)
    0.5581
    """
    link = correlations(scores, [sat, loyalty]).rename(
        columns={"x": "satisfaction", "y": "loyalty"}
    )
    simple = driver_regression(scores, loyalty, [sat])["b"]
    return link.assign(slope=simple.iloc[1], intercept=simple.iloc[0])
