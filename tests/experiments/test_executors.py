"""Executors: where runs execute, and that the results do not depend on it."""

import math
import operator
import os

import pytest

from experiments.config import Execution
from experiments.errors import RunError
from experiments.executors import DaskExecutor, LocalExecutor, make_executor


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
