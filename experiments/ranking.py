"""Decision outputs: expected uplift, P(best) and expected regret of each arm.

Every number is over replications, paired by replication: replication r of every arm
in a scenario shares its random numbers (and, with uncertain parameters, its draw of
the assumptions), so the arms' profits in replication r are one possible world in
which the arms can be compared. The *90% interval* of the uplift is where the uplift
lands across those worlds (5th-95th percentile of the per-replication uplift); the
*CI* is the t-interval of its mean (as in ``comparison.csv``). P(best) is the share of
replications in which an arm has the highest profit of all arms, the baseline
included (ties split evenly), and the expected regret is the mean of what the arm
loses against the best arm of each replication.

Examples
--------
>>> import pandas as pd
>>> summary = pd.DataFrame({
...     "strategy": ["baseline"] * 4 + ["points"] * 4, "scenario": "base",
...     "replication": [0, 1, 2, 3] * 2, "profit": [10.0, 12, 11, 13, 12, 11, 14, 15],
...     "active_end": [5, 5, 5, 5, 6, 6, 6, 6]})
>>> table = rank_arms(summary)
>>> print(table[["strategy", "profit_uplift", "p_best", "expected_regret"]].to_string(index=False))
strategy  profit_uplift  p_best  expected_regret
  points            1.5    0.75             0.25
baseline            0.0    0.25             1.75
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.analysis import paired_intervals
from experiments.config import BASELINE
from experiments.segments import segments_in

#: Label of the rows over all shoppers (the other rows name a segment).
ALL = "all"

#: Columns of :func:`rank_arms`.
RANKING_COLUMNS = (
    "scenario",
    "segment",
    "rank",
    "strategy",
    "n",
    "profit_uplift",
    "profit_uplift_p05",
    "profit_uplift_p95",
    "profit_uplift_ci_low",
    "profit_uplift_ci_high",
    "retained_uplift",
    "retained_uplift_p05",
    "retained_uplift_p95",
    "retained_uplift_ci_low",
    "retained_uplift_ci_high",
    "p_beats_baseline",
    "p_best",
    "p_best_retained",
    "expected_regret",
    "note",
)

#: Note of a row whose intervals cannot be computed, by number of replications.
NO_CI = {
    0: "no replication with every arm: nothing to compare",
    1: "one replication: no CI or 90% interval (they need at least 2)",
}


def best_shares(values: pd.DataFrame) -> pd.DataFrame:
    """Each arm's share of being best in each replication: 1, or 1/k in a k-way tie, or 0.

    The mean over replications is P(best).

    Parameters
    ----------
    values : pandas.DataFrame
        One row per replication, one column per arm, no NaN.

    Returns
    -------
    pandas.DataFrame
        Same shape; each row sums to 1.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 3.0]})
    >>> best_shares(frame).mean().tolist()  # P(best)
    [0.25, 0.75]
    """
    best = values.eq(values.max(axis=1), axis=0)
    return best.div(best.sum(axis=1), axis=0)


def regrets(values: pd.DataFrame) -> pd.DataFrame:
    """What each arm loses against the best arm of each replication (>= 0).

    The mean over replications is the expected regret. ``values`` as for
    :func:`best_shares`; the result has its shape.

    Examples
    --------
    >>> regrets(pd.DataFrame({"a": [1.0, 3.0], "b": [2.0, 2.0]})).mean().tolist()
    [0.5, 0.5]
    """
    return -values.sub(values.max(axis=1), axis=0)


def _uplift_columns(
    uplift: pd.DataFrame, name: str, confidence: float, interval: float
) -> pd.DataFrame:
    """Mean, percentile interval and mean's CI of paired uplifts, per scenario and arm.

    ``uplift``: one row per (scenario, replication), one column per arm.
    """
    grouped = uplift.stack(future_stack=True).groupby(level=["scenario", "strategy"], sort=False)
    table = paired_intervals(grouped, confidence)
    tail = (1 - interval) / 2
    spread = grouped.quantile([tail, 1 - tail]).unstack()  # linear, as numpy.percentile
    spread[table["n"] < 2] = np.nan
    return pd.DataFrame(
        {
            f"{name}_uplift": table["mean"],
            f"{name}_uplift_p05": spread.iloc[:, 0],
            f"{name}_uplift_p95": spread.iloc[:, 1],
            f"{name}_uplift_ci_low": table["low"],
            f"{name}_uplift_ci_high": table["high"],
        }
    )


def _per_scenario(values: pd.DataFrame) -> pd.Series:
    """Mean per scenario and arm of a (scenario, replication) x arm frame."""
    stacked = values.stack(future_stack=True)
    return stacked.groupby(level=["scenario", "strategy"], sort=False).mean()


def _rank_one(
    summary: pd.DataFrame,
    profit: str,
    retained: str,
    baseline: str,
    confidence: float,
    interval: float,
) -> pd.DataFrame:
    """The ranking rows of every scenario for one pair of (profit, retained) columns."""
    keys = ["scenario", "replication", "strategy"]
    wide = summary.set_index(keys)[[profit, retained]].astype(float).unstack("strategy")
    wide = wide.dropna()  # replications in which every arm has both numbers
    arms = list(dict.fromkeys(summary["strategy"]))
    money = wide[profit].reindex(columns=arms).rename_axis(columns="strategy")
    kept = wide[retained].reindex(columns=arms).rename_axis(columns="strategy")
    uplift = money.sub(money[baseline], axis=0)
    table = pd.concat(
        [
            _uplift_columns(uplift, "profit", confidence, interval),
            _uplift_columns(kept.sub(kept[baseline], axis=0), "retained", confidence, interval),
        ],
        axis=1,
    )
    table["p_beats_baseline"] = _per_scenario(uplift.gt(0).astype(float))
    table["p_best"] = _per_scenario(best_shares(money))
    table["p_best_retained"] = _per_scenario(best_shares(kept))
    table["expected_regret"] = _per_scenario(regrets(money))
    runs = summary[["scenario", "strategy"]].drop_duplicates()
    table = table.reindex(pd.MultiIndex.from_frame(runs)).reset_index()
    complete = wide.groupby(level="scenario").size()
    table["n"] = table["scenario"].map(complete).fillna(0).astype(int)
    table["note"] = table["n"].map(NO_CI).fillna("")
    return table


def rank_arms(
    summary: pd.DataFrame,
    *,
    baseline: str = BASELINE,
    confidence: float = 0.95,
    interval: float = 0.90,
    segments: bool = True,
) -> pd.DataFrame:
    """Rank the arms of each scenario by expected profit uplift, with P(best) and regret.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run: ``strategy``, ``scenario``, ``replication``, ``profit``,
        ``active_end`` and, for the per-segment view, ``profit_<segment>`` and
        ``active_end_<segment>``.
    baseline : str
        The arm uplifts are measured against.
    confidence : float
        Coverage of the CI of the mean uplift (0.95: equal to ``comparison.csv``).
    interval : float
        Coverage of the percentile interval of the per-replication uplift.
    segments : bool
        Add the per-segment view (rows with ``segment`` = the segment's name).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, segment (``"all"`` for every shopper, then each segment)
        and arm, best first, columns:

        * ``rank``: by ``profit_uplift`` within scenario and segment (1 = best);
        * ``n``: replications used (those in which every arm has the numbers);
        * ``profit_uplift``: mean paired uplift in profit over the baseline (CNY);
          ``profit_uplift_p05``/``_p95``: 5th and 95th percentiles of the
          per-replication uplift (for the default 90% ``interval``);
          ``profit_uplift_ci_low``/``_ci_high``: CI of the mean;
        * ``retained_uplift`` and its interval and CI: the same for customers
          active at the end (``active_end``);
        * ``p_beats_baseline``: share of replications with a profit uplift > 0;
        * ``p_best``: share of replications in which the arm has the highest profit
          (ties split evenly; sums to 1 over the arms of a scenario and segment);
        * ``p_best_retained``: the same for customers active at the end;
        * ``expected_regret``: mean over replications of the best arm's profit
          minus the arm's (CNY, >= 0);
        * ``note``: why intervals are missing (one replication), else empty.

    Raises
    ------
    ValueError
        If the summary has no ``baseline`` arm or lacks ``profit``/``active_end``.
    """
    missing = [c for c in ("profit", "active_end") if c not in summary.columns]
    if missing:
        raise ValueError(f"the summary has no column {missing[0]!r}, needed for the ranking")
    if baseline not in set(summary["strategy"]):
        raise ValueError(f"no {baseline!r} arm in the summary: uplifts need one")
    pairs = [(ALL, "profit", "active_end")]
    if segments:
        found = [s for s in segments_in(summary) if f"profit_{s}" in summary.columns]
        pairs += [(s, f"profit_{s}", f"active_end_{s}") for s in found]
    tables = []
    for segment, profit, retained in pairs:
        table = _rank_one(summary, profit, retained, baseline, confidence, interval)
        tables.append(table.assign(segment=segment))
    order = {scenario: i for i, scenario in enumerate(dict.fromkeys(summary["scenario"]))}
    table = pd.concat(tables, ignore_index=True)
    table = table.assign(
        _scenario=table["scenario"].map(order),
        _segment=table["segment"].map({segment: i for i, (segment, *_) in enumerate(pairs)}),
    ).sort_values(
        ["_scenario", "_segment", "profit_uplift"], ascending=[True, True, False], kind="stable"
    )
    table["rank"] = table.groupby(["scenario", "segment"], sort=False).cumcount() + 1
    return table[list(RANKING_COLUMNS)].reset_index(drop=True)
