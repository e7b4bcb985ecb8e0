"""For whom: paired comparisons of each arm with the baseline within each shopper segment.

The per-segment metrics of a run (``retention_90_<segment>``, ``active_end_<segment>``,
``profit_<segment>``) are compared exactly as the totals are
(:func:`experiments.analysis.compare_arms`): paired by replication, with a t-based CI
and a paired t-test, here Holm-corrected over every arm, scenario and segment of a
metric. A segment's uplift whose CI spans 0 is not distinguishable from noise.

Examples
--------
>>> import pandas as pd
>>> summary = pd.DataFrame({
...     "strategy": ["baseline"] * 3 + ["points"] * 3, "scenario": "base",
...     "replication": [0, 1, 2] * 2, "active_end_young": [10, 12, 11, 13, 15, 14]})
>>> table = compare_segments(summary)
>>> print(table[["strategy", "segment", "metric", "diff", "n"]].to_string(index=False))
strategy segment     metric  diff  n
  points   young active_end   3.0  3
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from experiments.analysis import compare_arms, holm_within_metric
from experiments.config import BASELINE

#: Per-segment metrics compared by default: ``<metric>_<segment>`` columns.
SEGMENT_METRICS = ("retention_90", "active_end", "profit")

#: Columns of :func:`compare_segments`.
SEGMENT_COLUMNS = (
    "scenario",
    "strategy",
    "segment",
    "metric",
    "n",
    "mean",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "p_value",
    "p_holm",
)


def segments_in(summary: pd.DataFrame, metric: str = "active_end") -> list[str]:
    """The segments of a summary: the suffixes of its ``<metric>_<segment>`` columns.

    Examples
    --------
    >>> segments_in(pd.DataFrame(columns=["active_end", "active_end_rural", "profit"]))
    ['rural']
    """
    return [c.removeprefix(f"{metric}_") for c in summary.columns if c.startswith(f"{metric}_")]


def compare_segments(
    summary: pd.DataFrame,
    metrics: Sequence[str] = SEGMENT_METRICS,
    baseline: str = BASELINE,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired uplift of every arm over the baseline in each segment, with CI and p-value.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run with ``<metric>_<segment>`` columns.
    metrics : sequence of str
        Per-segment metrics (those without columns are skipped).
    baseline, confidence
        As for :func:`experiments.analysis.compare_arms` (the baseline's own rows
        are left out).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, arm, segment and metric: ``n`` (replications with
        both numbers), ``mean`` (the arm's mean), ``diff`` (mean paired uplift over
        the baseline), ``diff_ci_low``/``diff_ci_high``, ``p_value`` (paired t-test)
        and ``p_holm`` (Holm over every arm, scenario and segment of the metric).
        Rows without any value (90-day retention in a shorter run) are left out.
    """
    segments = dict.fromkeys(s for metric in metrics for s in segments_in(summary, metric))
    columns = {
        f"{metric}_{segment}": (metric, segment)
        for metric in metrics
        for segment in segments
        if f"{metric}_{segment}" in summary.columns
    }
    if not columns:
        return pd.DataFrame(columns=list(SEGMENT_COLUMNS))
    table = compare_arms(summary, list(columns), baseline, confidence)
    measured = (table["strategy"] != baseline) & (table["n"] > 0)
    table = table[measured].reset_index(drop=True)
    named = pd.DataFrame(table["metric"].map(columns).tolist(), columns=["metric", "segment"])
    table[["metric", "segment"]] = named
    table["p_holm"] = holm_within_metric(table)
    return table[list(SEGMENT_COLUMNS)]


def spans_zero(table: pd.DataFrame) -> pd.Series:
    """Whether each row's CI includes 0 (or is missing): the uplift is not told from noise.

    Examples
    --------
    >>> nan = float("nan")
    >>> spans_zero(pd.DataFrame({"diff_ci_low": [-1.0, 0.5, nan],
    ...                          "diff_ci_high": [1.0, 2.0, nan]})).tolist()
    [True, False, True]
    """
    low, high = table["diff_ci_low"], table["diff_ci_high"]
    return ~((low > 0) | (high < 0))


def segment_uplift_cells(
    summary: pd.DataFrame, scenario: str, prefix: str = "active_end"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each arm's mean paired uplift per segment, and whether its 95% CI spans 0.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run with ``<prefix>_<segment>`` columns.
    scenario : str
        Scenario.
    prefix : str
        ``active_end``, ``retention_90`` or ``profit``.

    Returns
    -------
    tuple of pandas.DataFrame
        Uplifts and booleans (True: the CI includes 0 or is missing), arms as rows
        and segments as columns, in the summary's order.

    Examples
    --------
    >>> summary = pd.DataFrame({"strategy": ["baseline"] * 3 + ["points"] * 3,
    ...     "scenario": "base", "replication": [0, 1, 2] * 2,
    ...     "active_end_young": [10, 12, 11, 20, 21, 22]})
    >>> uplift, unsure = segment_uplift_cells(summary, "base")
    >>> float(uplift.loc["points", "young"]), bool(unsure.loc["points", "young"])
    (10.0, False)
    """
    rows = summary[summary["scenario"] == scenario]
    table = compare_segments(rows, [prefix])
    arms = [a for a in dict.fromkeys(rows["strategy"]) if a != BASELINE]
    segments = list(dict.fromkeys(table["segment"]))
    shape = {"index": arms, "columns": segments}
    uplift = table.pivot(index="strategy", columns="segment", values="diff").reindex(**shape)
    unsure = (
        table.assign(unsure=spans_zero(table))
        .pivot(index="strategy", columns="segment", values="unsure")
        .reindex(**shape)
        .fillna(True)
        .astype(bool)
    )
    return uplift, unsure
