"""Executors: where runs execute, and that the results do not depend on it."""

import contextlib
import math
import operator
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from experiments.config import Execution, load_config
from experiments.errors import RunError
from experiments.executors import DaskExecutor, Executor, LocalExecutor, make_executor
from experiments.runner import run_experiment


def test_one_worker_runs_in_this_process_lazily_and_in_order():
    calls = []

    def record(item):
        calls.append(item)
        return os.getpid(), item * 10

    with LocalExecutor(1) as executor:
        results = executor.map_unordered(record, [3, 1, 2])
        assert calls == []  # nothing runs before the first result is asked for
        assert next(results) == (os.getpid(), 30)
        assert calls == [3]
        assert list(results) == [(os.getpid(), 10), (os.getpid(), 20)]


def test_worker_processes_serve_every_call_and_stop_with_the_executor():
    with LocalExecutor(2) as executor:
        first = list(executor.map_unordered(operator.call, [os.getpid] * 6))
        second = list(executor.map_unordered(operator.call, [os.getpid] * 6))
        assert sorted(executor.map_unordered(abs, [-3, 2, -1])) == [1, 2, 3]
    workers = set(first) | set(second)
    # two worker processes, other than this one, started once for both calls
    assert os.getpid() not in workers and len(workers) <= 2
    for pid in workers:  # shut down (and reaped) when the block ends
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_a_run_reaches_the_caller(workers):
    with LocalExecutor(workers) as executor, pytest.raises(ValueError, match="math domain"):
        list(executor.map_unordered(math.sqrt, [4.0, -1.0, 9.0]))


def test_make_executor_follows_the_execution_block():
    local = make_executor(Execution(workers=3))
    assert isinstance(local, LocalExecutor) and local.workers == 3
    dask = make_executor(Execution(backend="dask", workers=2, scheduler="tcp://10.0.0.5:8786"))
    assert isinstance(dask, DaskExecutor)
    assert (dask.workers, dask.scheduler) == (2, "tcp://10.0.0.5:8786")


def test_dask_executor_needs_its_with_block():
    with pytest.raises(RunError, match="outside its 'with' block"):
        list(DaskExecutor(1).map_unordered(abs, [-1]))


def test_dask_local_cluster_maps_like_the_local_executor():
    items = [-4, 3, -2, 1]
    with DaskExecutor(workers=1) as executor:
        on_dask = sorted(executor.map_unordered(abs, items))
    with LocalExecutor(1) as executor:
        assert on_dask == sorted(executor.map_unordered(abs, items)) == [1, 2, 3, 4]


def _descendants_after_kill(code: str, expected: int) -> tuple[list, list]:
    """Start ``code`` in a real subprocess, wait for ``expected`` descendants, kill -9 it.

    Returns the descendants and those still running 5 s later (then killed, so a
    failing test leaves no orphans behind).
    """
    psutil = pytest.importorskip("psutil")
    main = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert main.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while len(children := psutil.Process(main.pid).children(recursive=True)) < expected:
        assert time.monotonic() < deadline, "the worker processes did not start"
        time.sleep(0.2)
    main.kill()
    main.wait()
    deadline = time.monotonic() + 5
    while (alive := [child for child in children if _running(child)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    for child in alive:
        child.kill()
    return children, alive


def _running(process) -> bool:
    psutil = pytest.importorskip("psutil")
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_no_process_outlives_a_main_process_killed_with_sigkill():
    # the issue: 60 s after kill -9 of the main process, the fork server, the resource
    # tracker and both workers were still alive (their pipes held open by each other)
    code = (
        "import time\n"
        "from experiments.executors import LocalExecutor\n"
        "with LocalExecutor(2) as executor:\n"
        "    print('ready', flush=True)\n"
        "    list(executor.map_unordered(time.sleep, [60] * 4))\n"
    )
    children, alive = _descendants_after_kill(code, expected=4)
    assert len(children) == 4  # fork server, resource tracker, two workers
    assert alive == []


def test_a_killed_worker_is_replaced_and_its_runs_retried_once(tmp_path, capfd):
    marker = tmp_path / "killed"
    # os.system runs sh, whose parent is the worker: the second item kills its worker
    # with SIGKILL the first time only, the others exit with their own status
    items = ["exit 3", f"test -e {marker} || {{ touch {marker}; kill -9 $PPID; }}", "exit 5"]
    with LocalExecutor(2) as executor:
        statuses = sorted(
            os.waitstatus_to_exitcode(s) for s in executor.map_unordered(os.system, items)
        )
    assert marker.exists() and statuses == [0, 3, 5]
    message = capfd.readouterr().err.strip().splitlines()
    assert len(message) == 1 and "a worker process died" in message[0]
    assert "run again on fresh workers" in message[0]


def test_workers_killed_twice_give_one_line_naming_the_runs():
    items = ["exit 0", "kill -9 $PPID"]
    with LocalExecutor(2) as executor, pytest.raises(RunError) as caught:
        list(executor.map_unordered(os.system, items))
    message = str(caught.value)
    assert "\n" not in message and "died twice" in message
    assert "kill -9 $PPID" in message and "--resume" in message


#: A study in its own process, on local processes or an in-process Dask cluster,
#: slowed down after each finished run (in the main process only) so that a kill -9
#: lands in the middle of it. Arguments: config, output folder, backend, workers.
STUDY = """
import sys, time
from experiments.config import load_config
from experiments.executors import DaskExecutor, Executor, LocalExecutor
from experiments.runner import run_experiment

class Slow(Executor):
    def __init__(self, inner):
        self.inner = inner
    def map_unordered(self, fn, items):
        for result in self.inner.map_unordered(fn, items):
            yield result
            time.sleep(1.0)

config, out, backend, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if backend == "dask":
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False,
                           dashboard_address=None)
    inner = DaskExecutor(scheduler=cluster.scheduler_address)
else:
    inner = LocalExecutor(workers)
with inner:
    print("ready", flush=True)
    run_experiment(load_config(config), out, progress=False, executor=Slow(inner))
"""


def _executor(backend: str, workers: int, stack: contextlib.ExitStack) -> Executor:
    """A local executor, or a Dask executor on an in-process local cluster."""
    if backend == "processes":
        return stack.enter_context(LocalExecutor(workers))
    from distributed import LocalCluster

    cluster = stack.enter_context(
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=None
        )
    )
    return stack.enter_context(DaskExecutor(scheduler=cluster.scheduler_address))


def _killed_then_resumed(config_path, out, backend: str, workers: int) -> bytes:
    """Run the study in a real subprocess, kill -9 it after 2 runs, resume it here."""
    study = subprocess.Popen(
        [sys.executable, "-c", STUDY, str(config_path), str(out), backend, str(workers)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert study.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 120
        while len(list((out / "runs" / "summary").glob("*.parquet"))) < 2:
            assert time.monotonic() < deadline and study.poll() is None
            time.sleep(0.1)
    finally:
        study.kill()
        study.wait()
    finished = len(list((out / "runs" / "summary").glob("*.parquet")))
    assert 2 <= finished < 8 and not (out / "summary.parquet").exists()  # killed mid-study
    config = load_config(config_path)
    with contextlib.ExitStack() as stack:
        run_experiment(
            config, out, resume=True, progress=False, executor=_executor(backend, workers, stack)
        )
    return (out / "summary.parquet").read_bytes()


def _fresh(config_path, out, backend: str, workers: int) -> bytes:
    with contextlib.ExitStack() as stack:
        executor = _executor(backend, workers, stack)
        run_experiment(load_config(config_path), out, progress=False, executor=executor)
    return (out / "summary.parquet").read_bytes()


def _matrix_config(tmp_path, tiny: dict):
    """The tiny config (tests/experiments/conftest.py) cut to 8 runs of 300 shoppers x 30 days."""
    tiny.update(name="matrix", horizon=30, replications=2)
    tiny["model"]["population"]["size"] = 300
    path = tmp_path / "matrix.yaml"
    path.write_text(yaml.safe_dump(tiny, sort_keys=False))
    return path


def test_summary_is_byte_identical_over_workers_backends_and_a_kill_9_resume(tmp_path, tiny):
    # the determinism matrix: {1, 2 workers} x {processes, Dask} x {fresh,
    # resumed after kill -9 of the main process}; all 4 fresh cells and the resumed
    # cell with 2 local worker processes here, the other resumed cells in the slow test.
    # Byte equality of summary.parquet (same rows, values, order, schema and metadata).
    config_path = _matrix_config(tmp_path, tiny)
    reference = _fresh(config_path, tmp_path / "reference", "processes", 1)
    for backend, workers in [("processes", 2), ("dask", 1), ("dask", 2)]:
        out = tmp_path / f"{backend}-{workers}"
        assert _fresh(config_path, out, backend, workers) == reference, (backend, workers)
    resumed = _killed_then_resumed(config_path, tmp_path / "killed", "processes", 2)
    assert resumed == reference


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "workers"), [("processes", 1), ("processes", 2), ("dask", 1), ("dask", 2)]
)
def test_every_backend_resumes_a_kill_9_to_the_same_bytes(tmp_path, tiny, backend, workers):
    config_path = _matrix_config(tmp_path, tiny)
    reference = _fresh(config_path, tmp_path / "reference", "processes", 1)
    resumed = _killed_then_resumed(config_path, tmp_path / "killed", backend, workers)
    assert resumed == reference


class _KillsAWorker(Executor):
    """Two local workers; one of them is killed with SIGKILL after the first result."""

    def __init__(self, inner: LocalExecutor) -> None:
        self.inner = inner

    def map_unordered(self, fn, items):
        for done, result in enumerate(self.inner.map_unordered(fn, items)):
            if done == 0:
                os.kill(next(iter(self.inner._pool._processes)), signal.SIGKILL)
            yield result


def test_a_study_whose_worker_is_killed_finishes_with_the_same_bytes(tmp_path, tiny, capfd):
    # the issue: kill -9 of one worker gave a BrokenProcessPool traceback and exit 1
    config_path = _matrix_config(tmp_path, tiny)
    reference = _fresh(config_path, tmp_path / "reference", "processes", 1)
    with LocalExecutor(2) as inner:
        run_experiment(
            load_config(config_path),
            tmp_path / "killed",
            progress=False,
            executor=_KillsAWorker(inner),
        )
    assert (tmp_path / "killed" / "summary.parquet").read_bytes() == reference
    assert "a worker process died" in capfd.readouterr().err
