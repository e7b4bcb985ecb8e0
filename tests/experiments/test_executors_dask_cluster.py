"""The Dask path against a real cluster: a ``dask scheduler`` and two ``dask worker``
processes started separately on loopback, as on a cluster, not an in-process
``LocalCluster``."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main
from experiments.config import ExperimentConfig
from experiments.executors import LocalExecutor
from experiments.runner import run_experiment

#: The ``dask`` command of the interpreter running the tests (the project's venv).
DASK = Path(sys.executable).with_name("dask")
#: Seconds the scheduler and the workers get to start on a loaded machine.
START_TIMEOUT = 90.0


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.Popen(
        [str(DASK), *args],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its own process group: teardown kills workers' children
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, all on 127.0.0.1."""
    if not DASK.exists():
        pytest.skip(f"no dask command beside {sys.executable}")
    folder = tmp_path_factory.mktemp("dask-cluster")
    scheduler_file = folder / "scheduler.json"
    processes = [
        _start(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            folder / "scheduler.log",
        )
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists():
            assert processes[0].poll() is None, (folder / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the dask scheduler did not start"
            time.sleep(0.2)
        for name in ("w1", "w2"):
            processes.append(
                _start(
                    [
                        "worker",
                        "--scheduler-file",
                        str(scheduler_file),
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        name,
                        "--local-directory",
                        str(folder / name),
                    ],
                    folder / f"{name}.log",
                )
            )
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_separately_started_cluster_gives_the_local_processes_summary(
    cluster, tiny, tiny_config, tmp_path
):
    run_experiment(
        ExperimentConfig.model_validate(tiny),
        tmp_path / "local",
        progress=False,
        executor=LocalExecutor(2),
    )
    out = tmp_path / "cluster"
    args = ["run", str(tiny_config), "--out", str(out), "--no-progress", "--scheduler", cluster]
    assert main(args) == 0
    local = pd.read_parquet(tmp_path / "local" / "summary.parquet")
    remote = pd.read_parquet(out / "summary.parquet")
    pd.testing.assert_frame_equal(local, remote)
    assert (tmp_path / "local" / "summary.parquet").read_bytes() == (
        out / "summary.parquet"
    ).read_bytes()


def test_both_cluster_workers_take_runs_with_the_allocator_plugin(cluster, tiny, tmp_path):
    from distributed import Client

    from experiments.executors import DaskExecutor

    with DaskExecutor(scheduler=cluster) as executor:
        run_experiment(
            ExperimentConfig.model_validate(tiny), tmp_path, progress=False, executor=executor
        )
        with Client(cluster) as client:
            # a lambda travels by value (the test module is not importable on workers)
            reports = client.run(
                lambda dask_worker: (
                    dask_worker.state.transition_counter,
                    "shoplab-malloc" in dask_worker.plugins,
                )
            )
    assert len(reports) == 2
    assert all(transitions > 0 and plugin for transitions, plugin in reports.values())
