"""Compare strategy arms with the baseline: means, CIs and paired differences.

Every statistic is across replications (one number per run), never across days.
Differences are paired: replication r of an arm and of the baseline share their
random numbers, so the difference of the two runs isolates the strategy.

Examples
--------
>>> import pandas as pd
>>> summary = pd.DataFrame({
...     "strategy": ["baseline"] * 3 + ["points"] * 3, "scenario": "base",
...     "replication": [0, 1, 2] * 2, "profit": [10.0, 12, 11, 12, 13, 14]})
>>> table = compare_arms(summary, metrics=["profit"])
>>> table.loc[1, "strategy"], float(table.loc[1, "diff"])
('points', 2.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from experiments.config import BASELINE

if TYPE_CHECKING:
    from pandas.core.groupby import SeriesGroupBy

#: Summary metrics compared by default.
METRICS = (
    "retention_90",
    "retention_180",
    "retention_365",
    "active_end",
    "clv_mean",
    "revenue",
    "profit",
    "roi",
)

#: Columns of :func:`compare_arms`.
COMPARISON_COLUMNS = (
    "strategy",
    "scenario",
    "metric",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "p_value",
    "p_holm",
)


def mean_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-based confidence interval; NaN values are dropped.

    Parameters
    ----------
    values : sequence of float
        One value per replication.
    confidence : float
        Coverage of the interval.

    Returns
    -------
    tuple
        ``(mean, low, high)``; the interval is NaN with fewer than two values, and
        ``[mean, mean]`` when all values are equal.

    Examples
    --------
    >>> [round(v, 3) for v in mean_ci([1.0, 2.0, 3.0])]  # 2 +- t(0.975, 2) * 1 / sqrt(3)
    [2.0, -0.484, 4.484]
    """
    row = t_intervals(_one_group(values), confidence).iloc[0]
    return (float(row["mean"]), float(row["low"]), float(row["high"]))


def paired_test(differences: Sequence[float]) -> float:
    """Two-sided p-value of a paired t-test from the per-replication differences.

    Parameters
    ----------
    differences : sequence of float
        Arm minus baseline, one per replication (NaN dropped).

    Returns
    -------
    float
        1 if every difference is 0 (the arm is the baseline), 0 if the differences
        are all equal and non-zero, NaN with fewer than two differences.

    Examples
    --------
    >>> paired_test([0.0, 0.0, 0.0])
    1.0
    """
    return float(t_test_p(t_intervals(_one_group(differences))).iloc[0])


def _one_group(values: Sequence[float]) -> SeriesGroupBy:
    """``values`` as one group, for the vectorised interval and test functions."""
    data = pd.Series(np.asarray(values, dtype=float))
    group = pd.Categorical(np.zeros(len(data), dtype=int), categories=[0])
    return data.groupby(group, observed=False)  # one group even when empty


def compare_arms(
    summary: pd.DataFrame,
    metrics: Sequence[str] = METRICS,
    baseline: str = BASELINE,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean and CI of each metric per arm and scenario, and the paired difference vs baseline.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run: ``strategy``, ``scenario``, ``replication`` and the metrics.
    metrics : sequence of str
        Metrics to compare (those absent from ``summary`` are skipped).
    baseline : str
        The arm the others are compared with.
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per strategy x scenario x metric, columns ``strategy``, ``scenario``,
        ``metric``, ``n`` (replications), ``mean``, ``ci_low``, ``ci_high``, ``diff``
        (mean of arm minus baseline, paired by replication), ``diff_ci_low``,
        ``diff_ci_high``, ``p_value`` (paired t-test) and ``p_holm`` (Holm-corrected
        within each metric over every arm and scenario). The baseline's rows have
        difference 0 and no p-value.

    Notes
    -----
    The CI of a mean is ``mean +- t(1 - alpha/2, n - 1) * sd / sqrt(n)`` with ``sd``
    across replications; the difference's CI is the same formula on the paired
    differences. A difference that is identically 0 has CI [0, 0] and p = 1.
    """
    keys = ["strategy", "scenario", "replication"]
    present = [m for m in metrics if m in summary.columns]
    keyed = summary.set_index(keys)[present].astype(float)
    reference = keyed.xs(baseline, level="strategy")
    runs = keyed.index.droplevel("strategy")
    differences = keyed - reference.reindex(runs).to_numpy()
    long = pd.concat(
        {"value": keyed.stack(future_stack=True), "diff": differences.stack(future_stack=True)},
        axis=1,
    ).rename_axis([*keys, "metric"])
    order = pd.MultiIndex.from_frame(
        summary[["strategy", "scenario"]].drop_duplicates(), names=["strategy", "scenario"]
    )
    groups = long.groupby(level=["metric", "strategy", "scenario"], sort=False)
    levels = t_intervals(groups["value"], confidence)
    paired = paired_intervals(groups["diff"], confidence)
    table = pd.DataFrame(
        {
            "n": levels["n"].astype(int),
            "mean": levels["mean"],
            "ci_low": levels["low"],
            "ci_high": levels["high"],
            "diff": paired["mean"],
            "diff_ci_low": paired["low"],
            "diff_ci_high": paired["high"],
            "p_value": t_test_p(paired),
        }
    )
    table.loc[table.index.get_level_values("strategy") == baseline, "p_value"] = np.nan
    rank = {key: i for i, key in enumerate(order)}
    table = (
        table.reset_index()
        .assign(
            _m=lambda t: t["metric"].map({m: i for i, m in enumerate(present)}),
            _o=lambda t: [rank[k] for k in zip(t["strategy"], t["scenario"], strict=True)],
        )
        .sort_values(["_m", "_o"], kind="stable")
        .reset_index(drop=True)
    )
    table = table[list(COMPARISON_COLUMNS[:-1])]
    table["p_holm"] = holm_within_metric(table)
    return table


def holm_within_metric(table: pd.DataFrame) -> pd.Series:
    """Holm-corrected p-values, the correction run within each ``metric`` over its rows.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``metric`` and ``p_value`` (NaN p-values stay NaN).

    Returns
    -------
    pandas.Series
        ``p_holm``, on ``table``'s index.

    Examples
    --------
    >>> table = pd.DataFrame({"metric": ["profit", "profit", "active_end"],
    ...                       "p_value": [0.01, 0.04, 0.04]})
    >>> holm_within_metric(table).round(3).tolist()  # profit: 2 x 0.01, max(0.02, 1 x 0.04)
    [0.02, 0.04, 0.04]
    """
    p_holm = pd.Series(np.nan, index=table.index)
    for _, index in table.groupby("metric", sort=False).groups.items():
        p_holm.loc[index] = pingouin.multicomp(
            table.loc[index, "p_value"].to_numpy(dtype=float), method="holm"
        )[1]
    return p_holm


def t_intervals(grouped: SeriesGroupBy, confidence: float = 0.95) -> pd.DataFrame:
    """:func:`mean_ci` of every group at once (NaN dropped), with n, SD, min and max.

    Parameters
    ----------
    grouped : pandas.core.groupby.SeriesGroupBy
        Values grouped (one value per replication).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n``, ``mean``, ``sd``, ``min``, ``max``, ``low``, ``high``;
        the interval is NaN with fewer than two values and ``[mean, mean]`` when all
        values are equal.

    Examples
    --------
    >>> values = pd.Series([1.0, 2.0, 3.0, 5.0, 5.0], index=["a", "a", "a", "b", "b"])
    >>> table = t_intervals(values.groupby(level=0))
    >>> [round(float(v), 3) for v in table.loc["a", ["mean", "low", "high"]]]
    [2.0, -0.484, 4.484]
    >>> float(table.loc["b", "low"]), float(table.loc["b", "high"])
    (5.0, 5.0)
    """
    table = grouped.agg(["count", "mean", "std", "min", "max"]).rename(
        columns={"count": "n", "std": "sd"}
    )
    n = table["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        quantile = stats.t.ppf((1 + confidence) / 2, np.where(n > 1, n - 1, np.nan))
        half = quantile * table["sd"].to_numpy() / np.sqrt(n)
    half = np.where(table["min"].to_numpy() == table["max"].to_numpy(), 0.0, half)
    half = np.where(n > 1, half, np.nan)
    table["low"] = table["mean"] - half
    table["high"] = table["mean"] + half
    return table


def paired_intervals(grouped: SeriesGroupBy, confidence: float = 0.95) -> pd.DataFrame:
    """Intervals of paired differences, every group at once.

    As :func:`t_intervals`, except that a group whose differences are all 0 (an arm
    identical to the baseline) has the interval ``[0, 0]``, even with one replication.

    Examples
    --------
    >>> differences = pd.Series([0.0, 1.0, 3.0], index=["same", "arm", "arm"])
    >>> paired_intervals(differences.groupby(level=0)).loc["same", ["low", "high"]].tolist()
    [0.0, 0.0]
    """
    table = t_intervals(grouped, confidence)
    zero = table["n"].gt(0) & table["min"].eq(0) & table["max"].eq(0)
    table.loc[zero, ["low", "high"]] = 0.0
    return table


def t_test_p(table: pd.DataFrame) -> pd.Series:
    """:func:`paired_test` of every row of a :func:`t_intervals` table of differences.

    Examples
    --------
    >>> differences = pd.Series([0.0, 0.0, 2.0, 2.0, 1.0, 2.0, 4.0],
    ...                         index=list("aabbccc"))
    >>> t_test_p(t_intervals(differences.groupby(level=0))).round(4).tolist()  # c: as scipy's
    [1.0, 0.0, 0.1181]
    """
    n, mean, sd = (table[c].to_numpy(dtype=float) for c in ("n", "mean", "sd"))
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = mean / (sd / np.sqrt(n))
        p = 2 * stats.t.sf(np.abs(statistic), n - 1)
    constant = table["min"].to_numpy() == table["max"].to_numpy()
    p = np.where(constant, 0.0, p)
    p = np.where(n < 2, np.nan, p)
    p = np.where((n > 0) & constant & (table["max"].to_numpy() == 0), 1.0, p)
    return pd.Series(p, index=table.index)


def ranked_table(comparison: pd.DataFrame, metric: str = "profit") -> pd.DataFrame:
    """Arms ranked by their uplift in ``metric`` over the baseline, per scenario.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`compare_arms`.
    metric : str
        Ranking metric.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, ``rank``, ``strategy``, ``mean``, ``uplift``,
        ``uplift_ci_low``, ``uplift_ci_high``, ``p_holm``; the baseline is ranked too
        (uplift 0).

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({
    ...     "strategy": ["baseline"] * 2 + ["points"] * 2, "scenario": "base",
    ...     "replication": [0, 1] * 2, "profit": [10.0, 12, 13, 14]})
    >>> ranked_table(compare_arms(summary, ["profit"]))["strategy"].tolist()
    ['points', 'baseline']
    """
    rows = comparison[comparison["metric"] == metric]
    order = {scenario: i for i, scenario in enumerate(dict.fromkeys(rows["scenario"]))}
    ranked = (
        rows.assign(order=rows["scenario"].map(order))
        .sort_values(["order", "diff"], ascending=[True, False], kind="stable")
        .rename(
            columns={
                "diff": "uplift",
                "diff_ci_low": "uplift_ci_low",
                "diff_ci_high": "uplift_ci_high",
            }
        )
    )
    ranked["rank"] = ranked.groupby("scenario", sort=False).cumcount() + 1
    columns = ["scenario", "rank", "strategy", "mean", "uplift", "uplift_ci_low", "uplift_ci_high"]
    return ranked[[*columns, "p_holm"]].reset_index(drop=True)


def paired_daily_uplift(
    timeseries: pd.DataFrame, scenario: str, metric: str = "active"
) -> pd.DataFrame:
    """Each arm's daily difference from the baseline in the same replication.

    Parameters
    ----------
    timeseries : pandas.DataFrame
        ``strategy``, ``scenario``, ``replication``, ``day`` and ``metric``.
    scenario : str
        Scenario.
    metric : str
        Daily metric.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``replication``, ``day``, ``uplift`` (baseline excluded).

    Examples
    --------
    >>> frame = pd.DataFrame({"strategy": ["baseline", "points"], "scenario": "base",
    ...                       "replication": 0, "day": 0, "active": [10, 12]})
    >>> paired_daily_uplift(frame, "base")["uplift"].tolist()
    [2]
    """
    rows = timeseries[timeseries["scenario"] == scenario]
    keys = ["replication", "day"]
    reference = rows[rows["strategy"] == BASELINE].set_index(keys)[metric]
    arms = rows[rows["strategy"] != BASELINE].set_index(keys)
    uplift = arms[metric] - reference.reindex(arms.index).to_numpy()
    return arms[["strategy"]].assign(uplift=uplift).reset_index()
