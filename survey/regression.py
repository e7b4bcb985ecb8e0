"""Regression of loyalty on satisfaction and its drivers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey import _pingouin
from survey._validate import check_items
from survey.errors import DataError


def _vif(predictors: pd.DataFrame) -> np.ndarray:
    if predictors.shape[1] == 1:
        return np.ones(1)
    return np.diag(np.linalg.inv(np.corrcoef(predictors.to_numpy(), rowvar=False)))


def driver_regression(
    data: pd.DataFrame, y: str, x: Sequence[str], ci: float = 0.95
) -> pd.DataFrame:
    r"""OLS regression with standardised betas and variance inflation factors.

    Parameters
    ----------
    data : DataFrame
        Numeric columns, e.g. construct scores.
    y : str
        The outcome (e.g. loyalty).
    x : sequence of str
        The predictors (e.g. satisfaction and its drivers).
    ci : float, default 0.95
        Confidence level of the coefficient intervals.

    Returns
    -------
    DataFrame
        One row per term (``Intercept`` first) with columns ``term``, ``b``
        (unstandardised), ``se``, ``t``, ``p_val``, ``ci_low``, ``ci_high``,
        ``beta`` (standardised coefficient; NaN for the intercept), ``vif``
        (NaN for the intercept), ``r2``, ``adj_r2`` and ``n``.

    Notes
    -----
    Fitted with ``pingouin.linear_regression`` on complete cases.
    :math:`\beta_j = b_j s_{x_j} / s_y`, and :math:`VIF_j = 1/(1-R^2_j)`, the
    diagonal of the inverse predictor correlation matrix; VIF above 5 signals
    collinearity.

    References
    ----------
    Fox, J. (2016). *Applied Regression Analysis and Generalized Linear Models*,
    3rd ed. Sage.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> driver_regression(df, "CUSL1", ["CUSA1", "IMAG1"])[["term", "beta"]].round(3)
            term   beta
    0  Intercept    NaN
    1      CUSA1  0.297
    2      IMAG1  0.102
    """
    check_items(data, [y, *x])
    if y in x:
        raise DataError(f"the outcome {y!r} is also a predictor; predictors: {list(x)}")
    complete = data[[y, *x]].dropna()
    if len(complete) <= len(x) + 1:
        raise DataError(f"need more than {len(x) + 1} complete respondents, got {len(complete)}")
    centred = complete[list(x)] - complete[list(x)].mean()
    if np.linalg.matrix_rank(centred.to_numpy(float)) < len(x):
        raise DataError(
            f"predictors {list(x)} are perfectly collinear (or one is constant); drop one"
        )
    table = _pingouin.linear_regression(complete[list(x)], complete[y], ci)
    sd = complete.std()
    table["beta"] = [
        np.nan,
        *[table.loc[k + 1, "coef"] * sd[name] / sd[y] for k, name in enumerate(x)],
    ]
    table["vif"] = [np.nan, *_vif(complete[list(x)])]
    table["n"] = len(complete)
    table = table.rename(columns={"names": "term", "coef": "b", "T": "t"})
    return table[
        ["term", "b", "se", "t", "p_val", "ci_low", "ci_high", "beta", "vif", "r2", "adj_r2", "n"]
    ]
