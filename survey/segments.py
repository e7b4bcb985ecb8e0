"""Differences between customer segments: omnibus tests, post-hoc tests, effect sizes."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from survey import _pingouin
from survey._validate import check_columns, check_items
from survey.errors import DataError
from survey.redact import preview, preview_list

_METHODS = ("welch", "kruskal")


def _groups(data: pd.DataFrame, dv: str, between: str, method: str) -> pd.DataFrame:
    if method not in _METHODS:
        raise ValueError(f"method {method!r} is not supported; allowed: {list(_METHODS)}")
    check_items(data, [dv])
    check_columns(data, [between])
    complete = data[[dv, between]].dropna()
    counts = complete[between].value_counts()
    if len(counts) < 2:
        raise DataError(
            f"column {preview(between)} needs at least 2 segments with answers, found "
            f"{preview_list(counts.index)}"
        )
    small = list(counts[counts < 2].index)
    if small:
        raise DataError(
            f"column {preview(between)}: segment(s) {preview_list(small)} have fewer than 2 "
            "respondents"
        )
    spread = complete.groupby(between)[dv].std()
    flat = list(spread[spread == 0].index)
    if method == "welch" and flat:
        raise DataError(
            f"{preview(dv)} does not vary within segment(s) {preview_list(flat)} of "
            f"{preview(between)}: Welch's test is "
            "undefined; use method='kruskal'"
        )
    return complete


def compare_segments(
    data: pd.DataFrame,
    dv: str,
    between: str,
    method: Literal["welch", "kruskal"] = "welch",
) -> pd.DataFrame:
    r"""Omnibus test of a difference in ``dv`` between segments, with effect size.

    Parameters
    ----------
    data : DataFrame
        A numeric outcome and a grouping column.
    dv : str
        The outcome, e.g. a satisfaction score.
    between : str
        The segment column.
    method : {'welch', 'kruskal'}, default 'welch'
        Welch's ANOVA (unequal variances) or the Kruskal–Wallis rank test.

    Returns
    -------
    DataFrame
        One row with columns ``dv``, ``between``, ``method``, ``n``, ``k`` (number
        of segments), ``statistic`` (F or H), ``ddof1``, ``ddof2`` (NaN for
        Kruskal–Wallis), ``p_val``, ``effect_size`` and ``effect_name``
        (partial η² for Welch, ε² for Kruskal–Wallis).

    Notes
    -----
    Both tests come from pingouin (``welch_anova``, ``kruskal``). For Kruskal–Wallis
    :math:`\varepsilon^2 = (H - k + 1)/(n - k)`.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values. *Biometrika*,
    38, 330–336. Kruskal, W. H., & Wallis, W. A. (1952). *JASA*, 47, 583–621.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("bank").data)
    >>> compare_segments(df, "sat1", "gender")[["method", "n", "k"]]
      method    n  k
    0  welch  250  2
    """
    complete = _groups(data, dv, between, method)
    n, k = len(complete), complete[between].nunique()
    if method == "welch":
        test = _pingouin.welch_anova(complete, dv, between).iloc[0]
        values = (test["F"], test["ddof1"], test["ddof2"], test["p_unc"], test["np2"], "np2")
    else:
        test = _pingouin.kruskal(complete, dv, between).iloc[0]
        epsilon2 = (test["H"] - k + 1) / (n - k)
        values = (test["H"], test["ddof1"], float("nan"), test["p_unc"], epsilon2, "epsilon2")
    columns = ["statistic", "ddof1", "ddof2", "p_val", "effect_size", "effect_name"]
    row = {"dv": dv, "between": between, "method": method, "n": n, "k": k}
    return pd.DataFrame([{**row, **dict(zip(columns, values, strict=True))}])


def posthoc_segments(
    data: pd.DataFrame,
    dv: str,
    between: str,
    method: Literal["welch", "kruskal"] = "welch",
    padjust: str = "holm",
) -> pd.DataFrame:
    r"""Pairwise comparisons of segments after an omnibus test.

    Parameters
    ----------
    data : DataFrame
        A numeric outcome and a grouping column.
    dv : str
        The outcome.
    between : str
        The segment column.
    method : {'welch', 'kruskal'}, default 'welch'
        ``welch``: Games–Howell tests (unequal variances, family-wise error
        controlled by the studentised range). ``kruskal``: pairwise Mann–Whitney U
        tests with ``padjust`` correction.
    padjust : str, default 'holm'
        p-value correction for ``kruskal`` (any ``pingouin.multicomp`` method).

    Returns
    -------
    DataFrame
        One row per pair with columns ``dv``, ``A``, ``B``, ``statistic`` (T or U),
        ``p_val`` (corrected), ``hedges`` (Hedges' g, A minus B) and ``method``.

    Notes
    -----
    Hedges' :math:`g = \frac{\bar x_A - \bar x_B}{s_p}\left(1 - \frac{3}{4(n_A +
    n_B) - 9}\right)` with pooled SD :math:`s_p`.

    References
    ----------
    Games, P. A., & Howell, J. F. (1976). Pairwise multiple comparison procedures
    with unequal n's and/or variances. *J. Educational Statistics*, 1(2), 113–125.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("bank").data)
    >>> posthoc_segments(df, "sat1", "gender")[["A", "B"]]
            A     B
    0  female  male
    """
    complete = _groups(data, dv, between, method)
    if method == "welch":
        table = _pingouin.games_howell(complete, dv, between).rename(columns={"T": "statistic"})
    else:
        table = _pingouin.mann_whitney_pairs(complete, dv, between, padjust)
        table = table.drop(columns="p_val", errors="ignore").rename(
            columns={"U_val": "statistic", "p_corr": "p_val"}
        )
    table = table.assign(dv=dv, method=method)
    return table[["dv", "A", "B", "statistic", "p_val", "hedges", "method"]]
