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

import numpy as np
import pandas as pd
import pingouin
from scipy import stats

from experiments.config import BASELINE

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
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(data.mean())
    if data.size < 2:
        return (mean, np.nan, np.nan)
    half = stats.t.ppf((1 + confidence) / 2, data.size - 1) * data.std(ddof=1) / np.sqrt(data.size)
    return (mean, float(mean - half), float(mean + half))


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
    data = np.asarray(differences, dtype=float)
    data = data[~np.isnan(data)]
    if data.size and np.all(data == 0):
        return 1.0
    if data.size < 2:
        return np.nan
    if np.all(data == data[0]):
        return 0.0
    return float(stats.ttest_1samp(data, 0.0).pvalue)


def paired_diff_ci(
    differences: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float]:
    """Mean paired difference and its t-based CI; ``[0, 0]`` when every difference is 0.

    Parameters
    ----------
    differences : sequence of float
        Arm minus baseline, one per replication (NaN dropped).
    confidence : float
        Coverage of the interval.

    Returns
    -------
    tuple
        ``(diff, low, high)`` as :func:`mean_ci`, except that an arm identical to the
        baseline has the point interval ``[0, 0]`` (not NaN from a zero SD over one
        replication).

    Examples
    --------
    >>> paired_diff_ci([0.0])
    (0.0, 0.0, 0.0)
    >>> [round(v, 3) for v in paired_diff_ci([1.0, 2.0, 3.0])]
    [2.0, -0.484, 4.484]
    """
    data = np.asarray(differences, dtype=float)
    diff, low, high = mean_ci(data, confidence)
    if data.size and np.all(data[~np.isnan(data)] == 0):
        low = high = 0.0
    return diff, low, high


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
    keyed = summary.set_index(["strategy", "scenario", "replication"])
    rows = []
    for metric in (m for m in metrics if m in summary.columns):
        values = keyed[metric].astype(float)
        reference = values.xs(baseline, level="strategy")
        for (strategy, scenario), arm in values.groupby(level=[0, 1], sort=False):
            arm = arm.droplevel("strategy")
            differences = (arm - reference.reindex(arm.index)).to_numpy()
            diff, diff_low, diff_high = paired_diff_ci(differences, confidence)
            p_value = np.nan if strategy == baseline else paired_test(differences)
            rows.append(
                (strategy, scenario, metric, int(arm.notna().sum()), *mean_ci(arm, confidence))
                + (diff, diff_low, diff_high, p_value)
            )
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS[:-1]))
    table["p_holm"] = np.nan
    for _, index in table.groupby("metric", sort=False).groups.items():
        table.loc[index, "p_holm"] = pingouin.multicomp(
            table.loc[index, "p_value"].to_numpy(dtype=float), method="holm"
        )[1]
    return table


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
