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
from pathlib import Path

from tqdm import tqdm

from experiments.config import ExperimentConfig
from experiments.design import plan_runs
from experiments.executors import Executor, make_executor
from experiments.manifest import check_resumable, new_manifest, now
from experiments.results import ExperimentResults
from experiments.store import RunStore
from experiments.worker import execute_run


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
) -> ExperimentResults:
    """Run every (arm, scenario, replication) of ``config`` and write its results.

    Each finished run is written at once under ``out/runs/``; with ``resume`` runs
    already there are skipped (the config must be the same, by hash), otherwise they
    are deleted first. The merged tables, ``comparison.csv``, ``ranking.csv``,
    ``segments.csv`` (with segments), ``sensitivity.csv`` (with a Sobol or Morris
    sweep), the manifest and the plots are written at the end.

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

    Returns
    -------
    ExperimentResults

    Raises
    ------
    ConfigError
        If an arm's parameters are invalid.
    RunError
        If the folder holds results of another config (with ``resume``) or the
        backend cannot start.
    """
    runs = plan_runs(config)
    store = RunStore(default_out(config) if out is None else out)
    manifest = new_manifest(config, len(runs))
    if resume:
        earlier = store.read_manifest()
        check_resumable(earlier, config, str(store.root))
        if earlier is not None:
            manifest["started"] = earlier["started"]
            manifest["resumed"] = [*earlier.get("resumed", []), now()]
    else:
        store.clear_runs()
    store.write_manifest(manifest)
    finished = store.finished_keys()
    todo = [run for run in runs if run.key not in finished]
    if todo:  # (a finished experiment resumed starts no workers)
        owned = (
            make_executor(config.execution)
            if executor is None
            else contextlib.nullcontext(executor)
        )
        bar = tqdm(
            total=len(runs),
            initial=len(runs) - len(todo),
            unit="run",
            desc=config.name,
            file=sys.stderr,
            disable=not progress,
        )
        with owned as pool, bar:
            for output in pool.map_unordered(execute_run, todo):
                store.write_run(output)
                bar.update()
    tables = store.merge_runs([run.key for run in runs])
    store.write_tables(tables, csv=config.outputs.csv)
    results = ExperimentResults(**tables, manifest=manifest)
    results.compare().to_csv(store.root / "comparison.csv", index=False)
    results.rank().to_csv(store.root / "ranking.csv", index=False)
    for name, table in (("segments", results.segments()), ("sensitivity", results.sensitivity())):
        if not table.empty:
            table.to_csv(store.root / f"{name}.csv", index=False)
    if config.outputs.plots:
        results.save_plots(store.plots)
    manifest["finished"] = now()
    store.write_manifest(manifest)
    return results
