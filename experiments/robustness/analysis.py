"""Outcomes at each design point, and their Sobol indices (SALib).

At each design point and scenario an arm's outcome is its mean over replications
(1 is typical: the design's spread, not replications, carries the information; the
replications share their seeds at every point). The outcomes analysed are

* ``profit_uplift`` and ``active_end_uplift``: the arm minus the baseline, paired by
  replication (what decides whether the arm pays, and how many customers it keeps);
* ``is_best``: 1 where the arm has the highest mean profit of all arms (the
  baseline included; ties go to the arm listed first), else 0. Each arm's indicator
  is analysed, and the identity of the best arm as a whole gets the
  variance-weighted mean of the arms' indices (the aggregated index of a vector
  output, Gamboa, Janon, Klein & Lagnoux 2014, *Electron. J. Statist.* 8:575-603),
  under the strategy name :data:`BEST_ARM`.

Examples
--------
>>> import pandas as pd
>>> summary = pd.DataFrame({"strategy": ["baseline", "a"] * 2, "scenario": "base",
...     "replication": 0, "design_point": [0, 0, 1, 1], "profit": [10.0, 12, 10, 7],
...     "active_end": [5.0, 6, 5, 5]})
>>> point_outcomes(summary).query("strategy == 'a'")[["profit_uplift", "is_best"]].values.tolist()
[[2.0, 1.0], [-3.0, 0.0]]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import sobol

from experiments.config import BASELINE
from experiments.robustness.design import DESIGN_POINT
from experiments.sensitivity import describe_warnings

#: Metrics whose uplift over the baseline is analysed.
UPLIFT_METRICS = ("profit", "active_end")

#: Outcome: 1 where the arm is the best by mean profit.
IS_BEST = "is_best"

#: Strategy name of the aggregated index of the best arm's identity.
BEST_ARM = "(best arm)"

#: Columns of :func:`sobol_indices`.
SENSITIVITY_COLUMNS = (
    "scenario",
    "strategy",
    "outcome",
    "parameter",
    "S1",
    "S1_ci_low",
    "S1_ci_high",
    "ST",
    "ST_ci_low",
    "ST_ci_high",
    "n",
    "note",
)

#: Note of an outcome equal at every design point.
NO_VARIATION = "no variation: {value:.6g} at every design point, nothing to apportion"

#: Note of the aggregated rows.
AGGREGATED = (
    "identity of the best arm: variance-weighted mean of the arms' is_best indices "
    "(Gamboa et al. 2014); no CI"
)


def point_outcomes(summary: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """Each arm's outcomes at each design point and scenario.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run, with ``strategy``, ``scenario``, ``replication``,
        ``design_point`` and the metrics in :data:`UPLIFT_METRICS`.
    baseline : str
        The arm uplifts are measured against.

    Returns
    -------
    pandas.DataFrame
        One row per scenario, strategy (in the summary's order) and design point:
        ``profit``, ``active_end`` (means over replications), ``profit_uplift``,
        ``active_end_uplift`` (mean paired differences from the baseline; 0 for the
        baseline), ``is_best`` (1.0 or 0.0), ``replications``.
    """
    metrics = list(UPLIFT_METRICS)
    frame = summary.set_index(["scenario", DESIGN_POINT, "replication"])
    base = frame.loc[frame["strategy"] == baseline, metrics]
    paired = frame[metrics] - base.reindex(frame.index).to_numpy()
    paired.columns = [f"{metric}_uplift" for metric in metrics]
    rows = pd.concat([frame[["strategy", *metrics]], paired], axis=1).reset_index()
    order = list(dict.fromkeys(summary["strategy"]))
    rows["strategy"] = pd.Categorical(rows["strategy"], categories=order)
    keys = ["scenario", "strategy", DESIGN_POINT]
    grouped = rows.groupby(keys, observed=True, sort=True)
    outcomes = grouped[[*metrics, *paired.columns]].mean()
    outcomes["replications"] = grouped.size()
    profit = outcomes["profit"].unstack("strategy")  # (scenario, point) x arm, arm order kept
    best = profit.columns[np.argmax(profit.to_numpy(), axis=1)]
    winners = pd.Series(best, index=profit.index, name="winner")
    outcomes = outcomes.reset_index()
    winner = winners.reindex(pd.MultiIndex.from_frame(outcomes[["scenario", DESIGN_POINT]]))
    outcomes[IS_BEST] = (outcomes["strategy"].astype(str) == winner.to_numpy()).astype(float)
    outcomes["strategy"] = outcomes["strategy"].astype(str)
    return outcomes


def _indices(values: np.ndarray, names: list[str], seed: int) -> pd.DataFrame:
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sobol.analyze(problem, values, calc_second_order=False, seed=seed)
    table = pd.DataFrame({"parameter": names})
    for index in ("S1", "ST"):
        value, conf = np.asarray(result[index]), np.asarray(result[f"{index}_conf"])
        table[index] = value
        table[f"{index}_ci_low"] = value - conf
        table[f"{index}_ci_high"] = value + conf
    return table.assign(note=describe_warnings(caught))


def _aggregate(rows: pd.DataFrame, variances: dict[str, float], names: list[str]) -> pd.DataFrame:
    """Variance-weighted mean of the arms' ``is_best`` indices (one scenario)."""
    weights = pd.Series(variances)
    total = weights.sum()
    table = pd.DataFrame({"parameter": names})
    for index in ("S1", "ST"):
        wide = rows.pivot(index="parameter", columns="strategy", values=index)
        table[index] = (wide[weights.index] * weights).sum(axis=1).reindex(names).to_numpy() / total
    return table


def sobol_indices(
    outcomes: pd.DataFrame, parameters: Sequence[str], seed: int, note: str = ""
) -> pd.DataFrame:
    """First-order and total Sobol indices of every arm's outcomes, per parameter.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        From :func:`point_outcomes`, with every design point of the Saltelli design
        (``N x (D + 2)`` for ``D`` parameters, in design order).
    parameters : sequence of str
        The design's parameters, in its column order.
    seed : int
        Seed of SALib's bootstrap of the CIs.
    note : str
        A note on the design (its sampling warnings in words), put in front of each
        row's note.

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, ``strategy``, ``outcome`` (``profit_uplift``,
        ``active_end_uplift``, ``is_best``), ``parameter``, ``S1``, ``S1_ci_low``,
        ``S1_ci_high``, ``ST``, ``ST_ci_low``, ``ST_ci_high`` (95% bootstrap CIs,
        SALib's), ``n`` (design points), ``note`` (SALib's warnings in words). An
        outcome equal at every point has one row with no parameter or index and the
        note "no variation: ..."; the baseline's uplift (0 by definition) is left
        out. Rows with strategy :data:`BEST_ARM` aggregate the arms' ``is_best``.

    Examples
    --------
    >>> from experiments.robustness.design import sobol_design
    >>> from experiments.uncertainty import UncertainParameter
    >>> from sim.priors import Uniform
    >>> parameters = {p: UncertainParameter(p, Uniform(low=0, high=1)) for p in "xy"}
    >>> design = sobol_design(parameters, samples=64, seed=0)
    >>> outcomes = pd.DataFrame({"scenario": "base", "strategy": "a",
    ...     "design_point": range(len(design)),
    ...     "profit_uplift": (5 * design["x"] + design["y"]).to_numpy()})
    >>> table = sobol_indices(outcomes, ["x", "y"], seed=0)
    >>> table.set_index("parameter")["ST"].round(1).to_dict()  # 25/26 and 1/26
    {'x': 1.0, 'y': 0.0}
    """
    names = list(parameters)
    n = int(outcomes[DESIGN_POINT].nunique())
    measured = [*(f"{metric}_uplift" for metric in UPLIFT_METRICS), IS_BEST]
    tables = []
    for (scenario, strategy), rows in outcomes.groupby(["scenario", "strategy"], sort=False):
        rows = rows.sort_values(DESIGN_POINT)
        for outcome in (name for name in measured if name in rows):
            if strategy == BASELINE and outcome != IS_BEST:
                continue
            values = rows[outcome].to_numpy(dtype=float)
            if np.ptp(values) == 0:
                flat = NO_VARIATION.format(value=values[0])
                table = pd.DataFrame({"note": [flat]})
            else:
                table = _indices(values, names, seed)
                table["note"] = "; ".join(text for text in (note, *table["note"][:1]) if text)
            tables.append(table.assign(scenario=scenario, strategy=strategy, outcome=outcome))
    sensitivity = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    sensitivity = sensitivity.reindex(columns=list(SENSITIVITY_COLUMNS))
    best = sensitivity[(sensitivity["outcome"] == IS_BEST) & sensitivity["parameter"].notna()]
    for scenario, rows in best.groupby("scenario", sort=False):
        variances = {
            strategy: float(np.var(group[IS_BEST]))
            for strategy, group in outcomes[outcomes["scenario"] == scenario].groupby("strategy")
            if strategy in set(rows["strategy"])
        }
        aggregated = _aggregate(rows, variances, names)
        aggregated = aggregated.assign(
            scenario=scenario, strategy=BEST_ARM, outcome=IS_BEST, note=AGGREGATED
        )
        sensitivity = pd.concat([sensitivity, aggregated], ignore_index=True)
    sensitivity["n"] = n
    return sensitivity.reindex(columns=list(SENSITIVITY_COLUMNS))
