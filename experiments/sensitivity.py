"""Sensitivity indices of a Sobol or Morris sweep, per strategy arm and metric (SALib).

Each sweep point is a scenario; its outcome is the metric's mean over replications
(so the index describes the model's expected response, not its noise). Sobol gives
first-order and total indices (``S1``, ``ST``); Morris gives ``mu``, ``mu_star`` and
``sigma``. Grid and Latin-hypercube sweeps have no indices: read them from
``summary.parquet`` directly.

Examples
--------
>>> import pandas as pd
>>> from experiments.config import Sweep
>>> from experiments.sweeps import sweep_scenarios
>>> sweep = Sweep(method="morris", samples=4, parameters={"a.x": (0, 1), "a.y": (0, 1)})
>>> points = sweep_scenarios(sweep, 0, {"a": {"x": 0.5, "y": 0.5}})
>>> summary = pd.DataFrame([{"strategy": "baseline", "scenario": name, "replication": 0,
...                          "profit": 2 * p["a.x"] + p["a.y"]} for name, p in points.items()])
>>> table = sweep_sensitivity(summary, sweep, seed=0, metrics=["profit"])
>>> table.query("index == 'mu_star'")["value"].round(3).tolist()
[2.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from experiments.config import Sweep
from experiments.sweeps import salib_problem, sample_points

#: Metrics analysed by default.
SENSITIVITY_METRICS = ("profit", "active_end", "retention_90", "clv_mean")

#: Index -> column of its confidence half-width in SALib's result.
_CONFIDENCE = {
    "S1": "S1_conf",
    "ST": "ST_conf",
    "mu_star": "mu_star_conf",
    "mu": None,
    "sigma": None,
}


def _indices(sweep: Sweep, seed: int, design: np.ndarray, outcome: np.ndarray) -> pd.DataFrame:
    problem = salib_problem(sweep)
    if sweep.method == "sobol":
        result = sobol.analyze(problem, outcome, calc_second_order=False, seed=seed)
    else:
        result = morris.analyze(problem, design, outcome, num_levels=sweep.levels, seed=seed)
    rows = [
        (name, index, float(result[index][i]), float(result[conf][i]) if conf else np.nan)
        for index, conf in _CONFIDENCE.items()
        if index in result
        for i, name in enumerate(problem["names"])
    ]
    return pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])


def sweep_sensitivity(
    summary: pd.DataFrame,
    sweep: Sweep | None,
    seed: int,
    metrics: Sequence[str] = SENSITIVITY_METRICS,
) -> pd.DataFrame:
    """Sensitivity indices of each metric to each swept parameter, per strategy arm.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run, with the sweep's scenarios ``sweep_0000``, ...
    sweep : Sweep or None
        The sweep (``method`` ``"sobol"`` or ``"morris"``; otherwise no indices).
    seed : int
        The experiment's master seed (the sweep's design and bootstrap seed).
    metrics : sequence of str
        Metrics to analyse; those missing or with NaN at some point are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``metric``, ``parameter``, ``index`` (S1, ST; or mu,
        mu_star, sigma), ``value``, ``conf`` (95% half-width, where SALib gives one).
        Empty without a Sobol or Morris sweep.
    """
    columns = ["strategy", "metric", "parameter", "index", "value", "conf"]
    if sweep is None or sweep.method not in ("sobol", "morris"):
        return pd.DataFrame(columns=columns)
    design = sample_points(sweep, seed)
    names = [f"sweep_{i:04d}" for i in range(len(design))]
    points = summary[summary["scenario"].isin(names)]
    tables = []
    for strategy, rows in points.groupby("strategy", sort=False):
        means = rows.groupby("scenario").mean(numeric_only=True).reindex(names)
        for metric in (m for m in metrics if m in means and means[m].notna().all()):
            table = _indices(sweep, seed, design, means[metric].to_numpy())
            tables.append(table.assign(strategy=strategy, metric=metric))
    if not tables:
        return pd.DataFrame(columns=columns)
    return pd.concat(tables, ignore_index=True)[columns]
