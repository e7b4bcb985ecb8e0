"""Missing answers: shares per item and per construct, and Little's MCAR test.

Missing answers are handled per statistic (the report states the ``n`` of each
table): reliability uses each construct's complete cases, HTMT and correlations
pairwise-complete respondents, item descriptives the valid answers of each item.
This module describes how much is missing and whether it looks completely at
random.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from survey._validate import check_items
from survey.errors import DataError


def missing_by_item(data: pd.DataFrame, constructs: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Missing answers per item.

    Parameters
    ----------
    data : DataFrame
        Answers, one column per item (one row per respondent).
    constructs : mapping
        Construct name → its items.

    Returns
    -------
    DataFrame
        One row per item with columns ``construct``, ``item``, ``n`` (valid
        answers), ``n_missing`` and ``share_missing`` (of all respondents).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, None, 3, 4.0], "b": [1, 2, 3, 4.0]})
    >>> missing_by_item(df, {"A": ["a", "b"]})
      construct item  n  n_missing  share_missing
    0         A    a  3          1           0.25
    1         A    b  4          0           0.00
    """
    rows = []
    for name, items in constructs.items():
        check_items(data, items, min_items=1)
        for item in items:
            n = int(data[item].notna().sum())
            rows.append((name, item, n, len(data) - n, 1 - n / len(data) if len(data) else np.nan))
    return pd.DataFrame(rows, columns=["construct", "item", "n", "n_missing", "share_missing"])


def missing_by_construct(
    data: pd.DataFrame, constructs: Mapping[str, Sequence[str]]
) -> pd.DataFrame:
    """Missing answers per construct.

    Parameters
    ----------
    data : DataFrame
        Answers, one column per item.
    constructs : mapping
        Construct name → its items.

    Returns
    -------
    DataFrame
        One row per construct with columns ``construct``, ``k`` (items),
        ``n_complete`` (respondents answering every item: the ``n`` of its
        reliability statistics), ``share_incomplete`` (respondents missing at least
        one item), ``n_scored`` (respondents answering at least one item: the ``n``
        of its score) and ``share_cells_missing`` (missing answers among all its
        item × respondent cells).

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, None, 3, 4.0], "b": [1, 2, 3, None]})
    >>> missing_by_construct(df, {"A": ["a", "b"]})
      construct  k  n_complete  share_incomplete  n_scored  share_cells_missing
    0         A  2           2               0.5         4                 0.25
    """
    rows = []
    for name, items in constructs.items():
        check_items(data, items, min_items=1)
        answered = data[list(items)].notna()
        complete = int(answered.all(axis=1).sum())
        rows.append(
            (
                name,
                len(items),
                complete,
                1 - complete / len(data) if len(data) else np.nan,
                int(answered.any(axis=1).sum()),
                float(1 - answered.to_numpy().mean()) if len(data) else np.nan,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "construct",
            "k",
            "n_complete",
            "share_incomplete",
            "n_scored",
            "share_cells_missing",
        ],
    )


def _em_normal(
    x: np.ndarray, patterns: list[tuple[np.ndarray, np.ndarray]], tol: float, max_iter: int
) -> tuple[np.ndarray, np.ndarray]:
    """ML mean and covariance of a multivariate normal with missing values (EM)."""
    n, p = x.shape
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    for _ in range(max_iter):
        sum_x = np.zeros(p)
        sum_xx = np.zeros((p, p))
        for observed, rows in patterns:
            block = x[np.ix_(rows, observed)]
            filled = np.tile(mu, (len(rows), 1))
            filled[:, observed] = block
            extra = np.zeros((p, p))
            missing = ~observed
            if missing.any():
                s_oo = sigma[np.ix_(observed, observed)]
                s_mo = sigma[np.ix_(missing, observed)]
                coef = np.linalg.solve(s_oo, s_mo.T).T if observed.any() else s_mo
                if observed.any():
                    filled[:, missing] = mu[missing] + (block - mu[observed]) @ coef.T
                    conditional = sigma[np.ix_(missing, missing)] - coef @ s_mo.T
                else:
                    conditional = sigma[np.ix_(missing, missing)]
                extra[np.ix_(missing, missing)] = conditional * len(rows)
            sum_x += filled.sum(axis=0)
            sum_xx += filled.T @ filled + extra
        new_mu = sum_x / n
        new_sigma = sum_xx / n - np.outer(new_mu, new_mu)
        change = max(np.max(np.abs(new_mu - mu)), np.max(np.abs(new_sigma - sigma)))
        mu, sigma = new_mu, new_sigma
        if change < tol:
            break
    return mu, sigma


def little_mcar_test(
    data: pd.DataFrame,
    columns: Sequence[str] | None = None,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> pd.DataFrame:
    r"""Little's (1988) test that answers are missing completely at random (MCAR).

    Parameters
    ----------
    data : DataFrame
        Numeric answers.
    columns : sequence of str, optional
        Columns to test (default: all).
    tol : float, default 1e-10
        Convergence tolerance of the EM estimates.
    max_iter : int, default 10000
        Most EM iterations.

    Returns
    -------
    DataFrame
        One row with ``n`` (respondents with at least one answer), ``statistic``
        (:math:`d^2`), ``df``, ``p_val`` and ``missing_patterns``.

    Notes
    -----
    With :math:`\hat\mu, \hat\Sigma` the maximum-likelihood estimates of a
    multivariate normal model fitted by EM to all respondents, and for each missing
    pattern *j* its :math:`n_j` respondents, the mean :math:`\bar y_j` of their
    observed variables and :math:`\hat\mu_j, \hat\Sigma_j` the matching parts,

    .. math:: d^2 = \sum_j n_j (\bar y_j - \hat\mu_j)^\top \hat\Sigma_j^{-1}
              (\bar y_j - \hat\mu_j),

    asymptotically :math:`\chi^2` with :math:`\sum_j p_j - p` degrees of freedom
    under MCAR (:math:`p_j` observed variables of pattern *j*). A small p-value
    says missingness depends on the answers (not MCAR): complete-case statistics
    may be biased. A large one does not prove MCAR. Respondents with no answer
    are left out. Equals ``naniar::mcar_test`` (R) on ``airquality`` (tested).

    References
    ----------
    Little, R. J. A. (1988). A test of missing completely at random for
    multivariate data with missing values. *J. American Statistical Association*,
    83(404), 1198–1202.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    >>> df.loc[rng.random(200) < 0.2, "a"] = np.nan
    >>> little_mcar_test(df)[["n", "df", "missing_patterns"]]
         n  df  missing_patterns
    0  200   2                 2
    """
    columns = list(data.columns) if columns is None else list(columns)
    check_items(data, columns, min_items=1)
    frame = data[columns].apply(pd.to_numeric, errors="coerce")
    frame = frame[frame.notna().any(axis=1)]
    if len(frame) < 2:
        raise DataError("Little's MCAR test needs at least 2 respondents with answers")
    x = frame.to_numpy(float)
    answered = ~np.isnan(x)
    keys, inverse = np.unique(answered, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    patterns = [(keys[j], np.flatnonzero(inverse == j)) for j in range(len(keys))]
    mu, sigma = _em_normal(x, patterns, tol, max_iter)
    d2, df = 0.0, -x.shape[1]
    for observed, rows in patterns:
        diff = x[np.ix_(rows, observed)].mean(axis=0) - mu[observed]
        d2 += len(rows) * float(diff @ np.linalg.solve(sigma[np.ix_(observed, observed)], diff))
        df += int(observed.sum())
    p_val = float(stats.chi2.sf(d2, df)) if df > 0 else np.nan
    return pd.DataFrame(
        {
            "n": [len(frame)],
            "statistic": [d2],
            "df": [df],
            "p_val": [p_val],
            "missing_patterns": [len(patterns)],
        }
    )
