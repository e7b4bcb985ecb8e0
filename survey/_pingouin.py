"""The one place that calls pingouin and knows its output column names.

pingouin renamed columns between releases (0.6 → 0.7: ``p-val`` → ``p_val``,
``CI95%`` → ``CI95``); every function here returns the project's own names:
``p_val``, ``p_unc``, ``p_corr``, ``ci_low``, ``ci_high``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

_RENAMES = {
    "p-val": "p_val",
    "p-unc": "p_unc",
    "p-corr": "p_corr",
    "p-adjust": "p_adjust",
    "pval": "p_val",
}


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename p-value columns and turn CI columns into ``ci_low`` and ``ci_high``."""
    frame = frame.rename(columns=_RENAMES)
    ci_columns = [column for column in frame.columns if str(column).startswith("CI")]
    if len(ci_columns) == 1:
        bounds = np.vstack(frame[ci_columns[0]].to_numpy())
        frame["ci_low"], frame["ci_high"] = bounds[:, 0], bounds[:, 1]
    elif len(ci_columns) == 2:
        frame["ci_low"], frame["ci_high"] = frame[ci_columns[0]], frame[ci_columns[1]]
    return frame.drop(columns=ci_columns).reset_index(drop=True)


def cronbach_alpha(items: pd.DataFrame, ci: float) -> tuple[float, float, float]:
    """Raw Cronbach's α with its CI (listwise deletion): ``(alpha, ci_low, ci_high)``."""
    alpha, bounds = pg.cronbach_alpha(data=items, nan_policy="listwise", ci=ci)
    return float(alpha), float(bounds[0]), float(bounds[1])


def correlation(x: pd.Series, y: pd.Series, method: str, ci: float) -> pd.DataFrame:
    """One-row table ``n, r, ci_low, ci_high, p_val`` from ``pingouin.corr``.

    ``pingouin.corr`` rounds its 95% CI to two decimals, so the CI is recomputed at
    full precision and at level ``ci`` with ``pingouin.compute_esci`` (Fisher z).
    """
    table = _tidy(pg.corr(x, y, method=method))
    n, r = int(table.loc[0, "n"]), float(table.loc[0, "r"])
    low, high = pg.compute_esci(stat=r, nx=n, ny=n, eftype="r", confidence=ci, decimals=15)
    table["ci_low"], table["ci_high"] = low, high
    return table[["n", "r", "ci_low", "ci_high", "p_val"]]


def linear_regression(x: pd.DataFrame, y: pd.Series, ci: float) -> pd.DataFrame:
    """OLS table ``names, coef, se, T, p_val, r2, adj_r2, ci_low, ci_high``."""
    return _tidy(pg.linear_regression(x, y, alpha=1 - ci))


def mediation(
    data: pd.DataFrame, x: str, m: str, y: str, n_boot: int, seed: int, ci: float
) -> pd.DataFrame:
    """Mediation table ``path, coef, se, p_val, ci_low, ci_high, sig`` (bootstrap CI)."""
    table = pg.mediation_analysis(data=data, x=x, m=m, y=y, n_boot=n_boot, seed=seed, alpha=1 - ci)
    return _tidy(table)[["path", "coef", "se", "p_val", "ci_low", "ci_high", "sig"]]


def welch_anova(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Welch ANOVA table ``ddof1, ddof2, F, p_unc, np2``."""
    return _tidy(pg.welch_anova(data=data, dv=dv, between=between))[
        ["ddof1", "ddof2", "F", "p_unc", "np2"]
    ]


def kruskal(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Kruskal–Wallis table ``ddof1, H, p_unc``."""
    return _tidy(pg.kruskal(data=data, dv=dv, between=between))[["ddof1", "H", "p_unc"]]


def games_howell(data: pd.DataFrame, dv: str, between: str) -> pd.DataFrame:
    """Games–Howell table ``A, B, mean_A, mean_B, diff, se, T, df, p_val, hedges``."""
    table = _tidy(pg.pairwise_gameshowell(data=data, dv=dv, between=between))
    return table[["A", "B", "mean_A", "mean_B", "diff", "se", "T", "df", "p_val", "hedges"]]


def mann_whitney_pairs(data: pd.DataFrame, dv: str, between: str, padjust: str) -> pd.DataFrame:
    """Pairwise Mann–Whitney table ``A, B, U_val, p_unc, p_corr, hedges``.

    ``pingouin.pairwise_tests(parametric=False)`` computes a common-language effect
    size from an n_A × n_B matrix (gigabytes for 100 000 respondents), so U and its
    p-value come from ``scipy.stats.mannwhitneyu`` (what pingouin calls, with the same
    defaults); the p-value correction and Hedges' g remain pingouin's.
    """
    groups = {level: group[dv].to_numpy(float) for level, group in data.groupby(between)}
    rows = []
    for a, b in combinations(groups, 2):
        u_value, p_value = stats.mannwhitneyu(groups[a], groups[b], alternative="two-sided")
        hedges = pg.compute_effsize(groups[a], groups[b], eftype="hedges")
        rows.append((a, b, float(u_value), float(p_value), float(hedges)))
    table = pd.DataFrame(rows, columns=["A", "B", "U_val", "p_unc", "hedges"])
    table["p_corr"] = pg.multicomp(table["p_unc"].to_numpy(), method=padjust)[1]
    return table[["A", "B", "U_val", "p_unc", "p_corr", "hedges"]]
