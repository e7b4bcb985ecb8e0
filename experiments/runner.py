"""Run an experiment: plan its runs, execute them, store each as it finishes, analyse.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> config = ExperimentConfig(name="demo", horizon=20, replications=2,
...                           model={"population": {"size": 300}},
...                           outputs={"plots": False})
>>> import tempfile
>>> results = run_experiment(config, tempfile.mkdtemp(), progress=False)
>>> len(results.summary)
2
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.config import ExperimentConfig
from experiments.design import RunSpec, plan_runs
from experiments.errors import RunError
from experiments.executors import Executor, make_executor
from experiments.manifest import check_resumable, new_manifest, now
from experiments.results import ExperimentResults
from experiments.store import RunStore
from experiments.worker import execute_run
from survey.progress import progress_bar


def default_out(config: ExperimentConfig) -> Path:
    """The default output folder, ``results/<name>``.

    Examples
    --------
    >>> default_out(ExperimentConfig(name="quickstart")).as_posix()
    'results/quickstart'
    """
    return Path("results") / config.name


def run_experiment(
    config: ExperimentConfig,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    executor: Executor | None = None,
    overwrite: bool = False,
) -> ExperimentResults:
    """Run every (arm, scenario, replication) of ``config`` and write its results.

    Each finished run is written at once under ``out/runs/``; with ``resume`` runs
    already there are skipped (the config must be the same, by hash; a run with a
    broken file runs again), with ``overwrite`` they are deleted first, and with
    neither a folder holding finished runs is refused. The merged tables (with the
    config's hash), ``comparison.csv``, ``ranking.csv``, ``segments.csv`` (with
    segments), ``sensitivity.csv`` (with a Sobol or Morris sweep), the manifest and
    the plots are written at the end.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment.
    out : str or Path, optional
        Output folder (default ``results/<name>``).
    resume : bool
        Keep and skip runs already on disk.
    progress : bool
        Show a progress bar on standard error.
    executor : Executor, optional
        Where to run (default: from ``config.execution``; the caller closes it).
    overwrite : bool
        Delete the runs of an earlier experiment in the folder.

    Returns
    -------
    ExperimentResults

    Raises
    ------
    ConfigError
        If an arm's parameters are invalid.
    RunError
        If the folder holds results of another config (with ``resume``), holds
        finished runs (without ``resume`` or ``overwrite``), or the backend cannot start.
    """
    runs = plan_runs(config)
    out = default_out(config) if out is None else out
    store = open_store(out, config, resume, overwrite=overwrite)
    manifest = start_manifest(store, new_manifest(config, len(runs)), config, resume)
    tables = execute_runs(runs, store, config, progress=progress, executor=executor)
    store.write_tables(tables, csv=config.outputs.csv, config_sha256=manifest["config_sha256"])
    results = ExperimentResults(**tables, manifest=manifest)
    store.write_csv("comparison", results.compare())
    store.write_csv("ranking", results.rank())
    for name, table in (("segments", results.segments()), ("sensitivity", results.sensitivity())):
        if not table.empty:
            store.write_csv(name, table)
    if config.outputs.plots:
        results.save_plots(store.plots)
    manifest["finished"] = now()
    store.write_manifest(manifest)
    return results


def open_store(
    out: str | Path, config: ExperimentConfig, resume: bool, overwrite: bool = False
) -> RunStore:
    """The store of an experiment folder, ready to take runs.

    With ``resume`` the runs on disk must come from the same config (by hash); a
    run with a missing, truncated or incomplete file is deleted to run again, and
    how many is said on standard error. With ``overwrite`` the per-run files of an
    earlier experiment there are deleted. With neither, a folder holding finished
    runs is refused, so that they are never deleted by mistake.

    Parameters
    ----------
    out : str or Path
        Output folder.
    config : ExperimentConfig
        The config about to run.
    resume : bool
        Keep the runs already on disk.
    overwrite : bool
        Delete the runs already on disk.

    Returns
    -------
    RunStore

    Raises
    ------
    RunError
        If ``resume`` and the folder holds results of another config; if neither
        ``resume`` nor ``overwrite`` and it holds finished runs; if both are asked.

    Examples
    --------
    >>> import tempfile
    >>> open_store(tempfile.mkdtemp(), ExperimentConfig(name="x"), resume=True).finished_keys()
    set()
    """
    if resume and overwrite:
        raise RunError("--resume keeps the finished runs and --overwrite deletes them: give one")
    store = RunStore(out)
    if resume:
        check_resumable(store.read_manifest(), config, str(store.root))
        broken = store.broken_keys({"summary": 1, "timeseries": config.horizon})
        if broken:
            store.drop_runs(broken)
            print(
                f"shoplab: {len(broken)} run(s) in {store.runs} had a truncated or "
                f"incomplete file and will run again (e.g. {broken[0]})",
                file=sys.stderr,
            )
    elif overwrite:
        store.clear_runs()
    else:
        finished = store.finished_keys()
        if finished:
            name = (store.read_manifest() or {}).get("name", config.name)
            raise RunError(
                f"{store.root} holds {len(finished)} finished runs of {name}: "
                "--resume to continue them, --overwrite to start over"
            )
    return store


def start_manifest(
    store: RunStore, manifest: dict[str, Any], config: ExperimentConfig, resume: bool
) -> dict[str, Any]:
    """Write the manifest of a starting (or resumed) experiment and return it.

    A resumed experiment keeps its first start time and adds this one to ``resumed``.

    Parameters
    ----------
    store : RunStore
        From :func:`open_store`.
    manifest : dict
        From :func:`experiments.manifest.new_manifest` (changed in place).
    config : ExperimentConfig
        The config.
    resume : bool
        Whether the experiment is resumed.

    Returns
    -------
    dict
        ``manifest``.
    """
    earlier = store.read_manifest() if resume else None
    if earlier is not None:
        manifest["started"] = earlier["started"]
        manifest["resumed"] = [*earlier.get("resumed", []), now()]
    store.write_manifest(manifest)
    return manifest


def execute_runs(
    runs: Sequence[RunSpec],
    store: RunStore,
    config: ExperimentConfig,
    progress: bool = True,
    executor: Executor | None = None,
) -> dict[str, pd.DataFrame]:
    """Execute the runs not yet in the store, write each as it finishes, merge them all.

    Parameters
    ----------
    runs : sequence of RunSpec
        Every run of the experiment (those whose key is already in the store are
        skipped, so an interrupted experiment resumes where it stopped).
    store : RunStore
        Where runs are written.
    config : ExperimentConfig
        The experiment (its ``execution`` block and name for the progress bar).
    progress : bool
        Show a progress bar on standard error.
    executor : Executor, optional
        Where to run (default: from ``config.execution``; the caller closes it).

    Returns
    -------
    dict
        Table name -> the merged table of ``runs``, in their order.

    Examples
    --------
    >>> import tempfile
    >>> config = ExperimentConfig(name="demo", horizon=3, replications=1,
    ...                           model={"population": {"size": 200}})
    >>> store = open_store(tempfile.mkdtemp(), config, resume=False)
    >>> len(execute_runs(plan_runs(config), store, config, progress=False)["timeseries"])
    3
    """
    finished = store.finished_keys()
    todo = [run for run in runs if run.key not in finished]
    if todo:  # (a finished experiment resumed starts no workers)
        owned = (
            make_executor(config.execution)
            if executor is None
            else contextlib.nullcontext(executor)
        )
        bar = progress_bar(
            total=len(runs),
            initial=len(runs) - len(todo),
            unit="run",
            desc=config.name,
            enabled=progress,
        )
        with owned as pool, bar:
            for output in pool.map_unordered(execute_run, todo):
                store.write_run(output)
                bar.update()
    return store.merge_runs([run.key for run in runs])
