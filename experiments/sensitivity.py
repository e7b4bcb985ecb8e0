"""Sensitivity indices of a Sobol or Morris sweep, per strategy arm and metric (SALib).

Each sweep point is a scenario; its outcome is the metric's mean over replications
(so the index describes the model's expected response, not its noise). Each arm's
level is analysed (``profit``, ...), and so is its *uplift over the baseline*
(``profit_uplift``, ...: the arm minus the baseline, paired by replication at each
point), which is what decides whether the arm pays. Sobol gives first-order and
total indices (``S1``, ``ST``); Morris gives ``mu``, ``mu_star`` and ``sigma``. Grid
and Latin-hypercube sweeps have no indices: read them from ``summary.parquet`` or
``comparison.csv`` (one column per swept parameter) directly.

An outcome that is the same at every point has no variance to apportion: it gets one
row saying "no variation" instead of indices of 0. Warnings SALib raises while
sampling or analysing are caught and put into words in the ``note`` column.

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

import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris, sobol

from experiments.config import BASELINE, Sweep
from experiments.sweeps import salib_problem, sample_points

#: Metrics analysed by default.
SENSITIVITY_METRICS = ("profit", "active_end", "retention_90", "clv_mean")

#: Columns of :func:`sweep_sensitivity`.
SENSITIVITY_COLUMNS = ("strategy", "metric", "parameter", "index", "value", "conf", "note")

#: Index -> column of its confidence half-width in SALib's result.
_CONFIDENCE = {
    "S1": "S1_conf",
    "ST": "ST_conf",
    "mu_star": "mu_star_conf",
    "mu": None,
    "sigma": None,
}

#: SALib's warnings (start of the message) -> what they mean here.
_WARNINGS = {
    "Constant values encountered": "the outcome is constant over parts of the design "
    "(it varies at few points), so the indices and their CIs are unreliable: "
    "sweep more samples or a wider range",
    "The balance properties of Sobol' points require n to be a power of 2": "the Sobol "
    "sample size is not a power of 2, so the design loses its balance and the indices "
    "converge more slowly: use samples = 2^k",
    "invalid value encountered": "an index divided by a zero variance and is undefined",
    "divide by zero": "an index divided by a zero variance and is undefined",
}

#: Note of an outcome equal at every sweep point.
NO_VARIATION = "no variation: {value:.6g} at every sweep point, nothing to apportion"


def describe_warnings(caught: Sequence[warnings.WarningMessage]) -> str:
    """SALib's warnings in words, each once, joined by ``"; "`` (empty if none).

    Parameters
    ----------
    caught : sequence of warnings.WarningMessage
        From :func:`warnings.catch_warnings` with ``record=True``.

    Returns
    -------
    str

    Examples
    --------
    >>> message = warnings.WarningMessage(
    ...     UserWarning("Constant values encountered, indicating ..."), UserWarning, "f", 1)
    >>> describe_warnings([message, message]).split(",")[0]
    'the outcome is constant over parts of the design (it varies at few points)'
    """
    notes = []
    for caught_warning in caught:
        text = str(caught_warning.message)
        known = [words for start, words in _WARNINGS.items() if text.startswith(start)]
        notes.append(known[0] if known else f"SALib warned: {text}")
    return "; ".join(dict.fromkeys(notes))


def _indices(sweep: Sweep, seed: int, design: np.ndarray, outcome: np.ndarray) -> pd.DataFrame:
    problem = salib_problem(sweep)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
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
    table = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    return table.assign(note=describe_warnings(caught))


def _outcomes(
    points: pd.DataFrame, names: list[str], metrics: Sequence[str], baseline: str
) -> Iterator[tuple[str, str, pd.Series]]:
    """(arm, metric, mean at each point): levels of every arm, uplifts of the others."""
    keyed = points.set_index(["strategy", "scenario", "replication"]).select_dtypes("number")
    has_baseline = baseline in set(points["strategy"])
    reference = keyed.xs(baseline, level="strategy") if has_baseline else None
    for strategy, rows in keyed.groupby(level="strategy", sort=False):
        rows = rows.droplevel("strategy")
        means = rows.groupby(level="scenario").mean().reindex(names)
        uplift = None
        if reference is not None and strategy != baseline:
            paired = rows - reference.reindex(rows.index)
            uplift = paired.groupby(level="scenario").mean().reindex(names)
        for metric in (m for m in metrics if m in means):
            yield strategy, metric, means[metric]
            if uplift is not None:
                yield strategy, f"{metric}_uplift", uplift[metric]


def sweep_sensitivity(
    summary: pd.DataFrame,
    sweep: Sweep | None,
    seed: int,
    metrics: Sequence[str] = SENSITIVITY_METRICS,
    baseline: str = BASELINE,
) -> pd.DataFrame:
    """Sensitivity indices of each metric and uplift to each swept parameter, per arm.

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
    baseline : str
        The arm uplifts are measured against.

    Returns
    -------
    pandas.DataFrame
        Columns ``strategy``, ``metric`` (a metric, or ``<metric>_uplift``: the arm's
        mean paired uplift over the baseline), ``parameter``, ``index`` (S1, ST; or
        mu, mu_star, sigma), ``value``, ``conf`` (95% half-width, where SALib gives
        one), ``note`` (SALib's warnings in words; an outcome equal at every point
        has a single row with no parameter, index or value and the note "no
        variation: ..."). Empty without a Sobol or Morris sweep.
    """
    columns = list(SENSITIVITY_COLUMNS)
    if sweep is None or sweep.method not in ("sobol", "morris"):
        return pd.DataFrame(columns=columns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = sample_points(sweep, seed)
    sampling = describe_warnings(caught)
    names = [f"sweep_{i:04d}" for i in range(len(design))]
    points = summary[summary["scenario"].isin(names)]
    tables = []
    for strategy, metric, outcome in _outcomes(points, names, metrics, baseline):
        if outcome.isna().any():
            continue
        values = outcome.to_numpy(dtype=float)
        if np.ptp(values) == 0:
            note = NO_VARIATION.format(value=values[0])
            table = pd.DataFrame([(np.nan, np.nan, np.nan, np.nan, note)], columns=columns[2:])
        else:
            table = _indices(sweep, seed, design, values)
            notes = (sampling, *dict.fromkeys(table["note"]))
            table["note"] = "; ".join(note for note in notes if note)
        tables.append(table.assign(strategy=strategy, metric=metric))
    if not tables:
        return pd.DataFrame(columns=columns)
    return pd.concat(tables, ignore_index=True)[columns]


def varied(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The rows with indices (those of outcomes that vary over the sweep).

    Examples
    --------
    >>> table = pd.DataFrame({"index": ["ST", None], "note": ["", NO_VARIATION]})
    >>> len(varied(table))
    1
    """
    return sensitivity[sensitivity["index"].notna()]
