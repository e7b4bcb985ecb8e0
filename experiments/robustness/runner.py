"""Run a robustness experiment: plan the Sobol design, execute its runs, analyse, write.

The runs go through the experiment runner's store, executor and resume machinery
(:func:`experiments.runner.execute_runs`); each finished run is written at once, so
``--resume`` skips what is done. Written to the output folder:

* ``manifest.json``: the resolved config and its hash, seeds, versions, times, and
  a ``robustness`` block (base size, design points, each parameter's prior);
* ``summary.parquet``: one row per run, with ``design_point`` and the design's
  values as columns (named by path); ``design.csv``: the design, one row per point;
* ``sensitivity.csv``: :func:`experiments.robustness.analysis.sobol_indices`;
* ``scenarios.csv``: :func:`experiments.robustness.scenarios.scenario_boxes`;
* ``plots/``: Sobol bars and PRIM boxes (unless ``outputs.plots`` is false).

Examples
--------
>>> import tempfile
>>> from experiments.config import ExperimentConfig
>>> config = ExperimentConfig(name="demo", horizon=5, replications=1, strategy_priors=True,
...     robustness={"samples": 2}, model={"population": {"size": 200}},
...     strategies={"reco": [{"kind": "recommendation"}]}, outputs={"plots": False})
>>> results = run_robustness(config, tempfile.mkdtemp(), progress=False)
>>> len(results.summary), sorted(set(results.sensitivity["outcome"]))
(16, ['active_end_uplift', 'is_best', 'profit_uplift'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.config import ExperimentConfig
from experiments.executors import Executor
from experiments.manifest import new_manifest, now
from experiments.robustness.analysis import point_outcomes, sobol_indices
from experiments.robustness.design import plan_robustness, robust_parameters
from experiments.robustness.plots import save_plots
from experiments.robustness.scenarios import scenario_boxes
from experiments.runner import default_out, execute_runs, open_store, start_manifest


@dataclass
class RobustnessResults:
    """The tables of a finished robustness experiment.

    Attributes
    ----------
    design : pandas.DataFrame
        One row per design point, one column per uncertain parameter.
    summary : pandas.DataFrame
        One row per run.
    outcomes : pandas.DataFrame
        Each arm's outcomes per scenario and point
        (:func:`~experiments.robustness.analysis.point_outcomes`).
    sensitivity : pandas.DataFrame
        ``sensitivity.csv``.
    scenarios : pandas.DataFrame
        ``scenarios.csv``.
    manifest : dict
    """

    design: pd.DataFrame
    summary: pd.DataFrame
    outcomes: pd.DataFrame
    sensitivity: pd.DataFrame
    scenarios: pd.DataFrame
    manifest: dict[str, Any]


def default_robustness_out(config: ExperimentConfig) -> Path:
    """The default output folder, ``results/<name>-robustness``.

    Examples
    --------
    >>> default_robustness_out(ExperimentConfig(name="quickstart")).as_posix()
    'results/quickstart-robustness'
    """
    return default_out(config).with_name(f"{config.name}-robustness")


def _record(config: ExperimentConfig, design: pd.DataFrame) -> dict[str, Any]:
    parameters = robust_parameters(config)
    return {
        "samples": config.robustness.samples,
        "design_points": len(design),
        "parameters": {
            path: {"prior": p.prior.describe(), "source": p.prior.source}
            for path, p in parameters.items()
        },
    }


def run_robustness(
    config: ExperimentConfig,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    executor: Executor | None = None,
    overwrite: bool = False,
) -> RobustnessResults:
    """Run every arm in every scenario at every design point, and analyse the results.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment, with uncertain parameters (``robustness.samples`` sets the
        Sobol base size N: ``N x (D + 2)`` points; ``replications`` runs per point,
        1 is typical).
    out : str or Path, optional
        Output folder (default ``results/<name>-robustness``).
    resume : bool
        Keep and skip runs already on disk (the config must be the same, by hash).
    progress : bool
        Show a progress bar on standard error.
    executor : Executor, optional
        Where to run (default: from ``config.execution``; the caller closes it).
    overwrite : bool
        Delete the runs of an earlier experiment in the folder (without it or
        ``resume``, a folder holding finished runs is refused).

    Returns
    -------
    RobustnessResults

    Raises
    ------
    ConfigError
        If the config has no uncertain parameter, has a sweep, or an arm's
        parameters are invalid at some design point.
    RunError
        If the folder holds results of another config (with ``resume``) or the
        backend cannot start.
    """
    design, runs = plan_robustness(config)
    out = default_robustness_out(config) if out is None else out
    store = open_store(out, config, resume, overwrite=overwrite)
    manifest = new_manifest(config, len(runs))
    manifest["robustness"] = _record(config, design)
    start_manifest(store, manifest, config, resume)
    summary = execute_runs(runs, store, config, progress=progress, executor=executor)["summary"]
    store.write_tables({"summary": summary}, csv=config.outputs.csv)
    design.to_csv(store.root / "design.csv")
    outcomes = point_outcomes(summary)
    sensitivity = sobol_indices(
        outcomes, list(design.columns), seed=config.seed, note=design.attrs.get("note", "")
    )
    scenarios = scenario_boxes(outcomes, design)
    sensitivity.to_csv(store.root / "sensitivity.csv", index=False)
    scenarios.to_csv(store.root / "scenarios.csv", index=False)
    if config.outputs.plots:
        save_plots(sensitivity, scenarios, store.plots)
    manifest["finished"] = now()
    store.write_manifest(manifest)
    return RobustnessResults(design, summary, outcomes, sensitivity, scenarios, manifest)
