"""Throughput of the experiment runner: runs per second by backend and worker count.

Run from the project root::

    python -m benchmarks.experiments --set model.population.size=5000 --json

runs one config (default: the quickstart) once per executor (in-process, local
processes, a local Dask cluster, and with ``--cluster`` a Dask scheduler and workers
started as separate processes on loopback, as on a real cluster) and prints one JSON
line each: backend, workers, runs, wall seconds, runs per second, CPU seconds (this
process and its children), and whether the summary equals the first executor's (it
must: seeds do not depend on the executor). Threads of numerical libraries are
pinned to one per process.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from contextlib import ExitStack  # noqa: E402
from importlib.resources import files  # noqa: E402

from benchmarks.dask_cluster import loopback_cluster  # noqa: E402
from experiments.config import load_config  # noqa: E402
from experiments.executors import DaskExecutor, Executor, LocalExecutor  # noqa: E402
from experiments.runner import run_experiment  # noqa: E402


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def main(argv: list[str] | None = None) -> list[dict[str, object]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config", default=str(files("experiments") / "configs" / "quickstart.yaml")
    )
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel runs")
    parser.add_argument("--json", action="store_true", help="print one JSON line per executor")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="also run on a separately started dask scheduler and workers (loopback)",
    )
    parser.add_argument(
        "--only", nargs="+", metavar="BACKEND", help="run only these backends, in this order"
    )
    args = parser.parse_args(argv)
    config = load_config(args.config, [*args.overrides, "outputs.plots=false"])
    executors: dict[str, Callable[[ExitStack], Executor]] = {
        "in-process": lambda _: LocalExecutor(1),
        "local": lambda _: LocalExecutor(args.workers),
        "dask": lambda _: DaskExecutor(args.workers),
    }
    if args.cluster:
        executors["dask-cluster"] = lambda stack: DaskExecutor(
            scheduler=stack.enter_context(loopback_cluster(args.workers))
        )
    rows, reference = [], None
    for backend in args.only or list(executors):
        with ExitStack() as stack, tempfile.TemporaryDirectory() as out:
            executor = stack.enter_context(executors[backend](stack))
            workers = 1 if backend == "in-process" else args.workers
            cpu, start = cpu_seconds(), time.perf_counter()
            results = run_experiment(config, out, progress=False, executor=executor)
            wall = time.perf_counter() - start
            reference = results.summary if reference is None else reference
            rows.append(
                {
                    "backend": backend,
                    "workers": workers,
                    "runs": len(results.summary),
                    "wall_seconds": round(wall, 2),
                    "runs_per_s": round(len(results.summary) / wall, 3),
                    "cpu_seconds": round(cpu_seconds() - cpu, 2),
                    "same_summary": bool(results.summary.equals(reference)),
                }
            )
        print(json.dumps(rows[-1]) if args.json else rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    main()
