"""Where runs execute: local processes or a Dask cluster, behind one interface.

An executor is a context manager whose :meth:`~Executor.map_unordered` calls a
function on every item and yields the results as they finish. Results never depend
on the executor: every run carries its own seed.

Examples
--------
>>> with LocalExecutor(workers=1) as executor:
...     sorted(executor.map_unordered(abs, [-2, 1]))
[1, 2]
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import os
import select
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from experiments.config import Execution
from experiments.errors import RunError

T = TypeVar("T")
R = TypeVar("R")


class Executor(ABC):
    """Base of the executors: a context manager that maps a function over items."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the workers (nothing to release by default)."""
        return None

    @abstractmethod
    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in the order they finish."""


def _process_context() -> multiprocessing.context.BaseContext:
    """Start method of the worker processes: a fork server where the platform has one.

    The fork server imports the model once and forks each worker from it, so workers
    start at once and inherit no threads (Mesa sets the global default to spawn,
    which makes every worker import the model again).
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["experiments.worker"])
    return context


def exit_with(pid: int, poll: float = 0.5) -> None:
    """End this process (at once, exit status 1) when the process ``pid`` ends.

    The initializer of every local worker, given the main process's id. A worker
    blocked on its task queue would otherwise outlive a main process killed with
    SIGKILL: the queue's write end, the fork server's liveness pipe and the resource
    tracker's pipe are all held open by the workers themselves, so none of them ever
    sees end-of-file. ``prctl(PR_SET_PDEATHSIG)`` does not help either: a worker's
    parent is the fork server, which lives on. So a daemon thread waits for ``pid``
    to end: on Linux on a process file descriptor (woken by the kernel the moment
    the process dies), elsewhere by checking every ``poll`` seconds. Once the
    workers are gone, the fork server and the resource tracker see end-of-file on
    their pipes and exit too.

    Parameters
    ----------
    pid : int
        The process to outlive by no more than ``poll`` seconds (at once on Linux).
    poll : float
        Seconds between checks where there is no process file descriptor.

    Examples
    --------
    >>> exit_with(os.getpid())  # this process is alive: the watch thread just waits
    >>> any(thread.name == "shoplab-exit-with" for thread in threading.enumerate())
    True
    """
    descriptor = None
    if hasattr(os, "pidfd_open"):
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:  # the main process died before this worker started
            os._exit(1)
        except OSError:  # a kernel before 5.3: fall back to polling
            descriptor = None
    threading.Thread(
        target=_wait_then_exit, args=(pid, descriptor, poll), name="shoplab-exit-with", daemon=True
    ).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _wait_then_exit(pid: int, descriptor: int | None, poll: float) -> None:
    if descriptor is not None:
        select.select([descriptor], [], [])  # readable once the process has ended
    else:
        while _alive(pid):
            time.sleep(poll)
    os._exit(1)


def _describe_items(items: Sequence[Any]) -> str:
    """Name lost items by their run key where they have one: ``3 run(s): a, b, c``."""
    names = [str(getattr(item, "key", item)) for item in items]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{len(names)} run(s): {shown}"


class LocalExecutor(Executor):
    """Local worker processes (``concurrent.futures``); one worker runs in-process.

    Workers end with the process that started them, even when it is killed with
    SIGKILL (:func:`exit_with`). A worker that dies (killed, out of memory) breaks
    the pool: every unfinished item runs once more on fresh workers (every run
    carries its seed, so the retry gives the same result); if workers die again, a
    :class:`~experiments.errors.RunError` names the runs.

    Parameters
    ----------
    workers : int
        Number of processes.
    """

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __exit__(self, *exc: object) -> None:
        """Shut the worker processes down."""
        self._close_pool()

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in the order they finish.

        The worker processes start on the first call and serve every later call
        until the executor is closed (calibration maps one batch at a time).

        Raises
        ------
        RunError
            If worker processes die twice while running the same items.

        Examples
        --------
        >>> with LocalExecutor(2) as executor:
        ...     sorted(executor.map_unordered(abs, [-3, 2, -1]))
        [1, 2, 3]
        """
        if self.workers == 1:
            yield from map(fn, items)
            return
        todo = list(items)
        lost = yield from self._map_on_pool(fn, todo)
        if not lost:
            return
        self._close_pool()
        print(
            f"shoplab: a worker process died (killed, or out of memory?); the unfinished "
            f"{_describe_items(lost)} run again on fresh workers",
            file=sys.stderr,
        )
        lost = yield from self._map_on_pool(fn, lost)
        if lost:
            self._close_pool()
            raise RunError(
                f"worker processes died twice while running {_describe_items(lost)} (killed, "
                "or out of memory?); the finished runs are kept: run the same command "
                "with --resume to continue"
            )

    def _map_on_pool(self, fn: Callable[[T], R], todo: list[T]) -> Iterator[R]:
        """Yield the results of ``todo`` on the pool; return the items a dead worker lost."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=_process_context(),
                initializer=exit_with,
                initargs=(os.getpid(),),
            )
        futures: dict[Future[R], T] = {}
        lost: list[T] = []
        for index, item in enumerate(todo):
            try:
                futures[self._pool.submit(fn, item)] = item
            except BrokenProcessPool:
                lost.extend(todo[index:])
                break
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    if isinstance(future.exception(), BrokenProcessPool):
                        lost.append(futures[future])
                    else:
                        yield future.result()
        finally:
            for future in pending:
                future.cancel()
        return lost


class DaskExecutor(Executor):
    """A Dask distributed cluster: an existing one, or a local cluster for the run.

    Each worker's glibc allocator is set back to its dynamic thresholds
    (:class:`experiments.malloc.MallocThresholds`) and its stack sampler is stopped
    (:class:`experiments.dask_profiler.StopStackSampling`), so a run costs about the
    same CPU as in a local process.

    Parameters
    ----------
    workers : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    """

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        from experiments.dask_profiler import StopStackSampling
        from experiments.malloc import MallocThresholds

        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout="10s")
            self._client.register_plugin(MallocThresholds(), name="shoplab-malloc")
            self._client.register_plugin(StopStackSampling(), name="shoplab-no-sampling")
        except OSError as err:
            self.__exit__()
            raise RunError(f"cannot reach the Dask scheduler {self.scheduler}: {err}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the client and the local cluster, if any."""
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in the order they finish."""
        from distributed import as_completed

        if self._client is None:
            raise RunError("DaskExecutor used outside its 'with' block")
        futures = self._client.map(fn, list(items), pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            self._client.cancel(futures)


def make_executor(execution: Execution) -> Executor:
    """The executor an ``execution`` block asks for.

    Parameters
    ----------
    execution : Execution

    Returns
    -------
    Executor

    Examples
    --------
    >>> type(make_executor(Execution(workers=2))).__name__
    'LocalExecutor'
    """
    if execution.backend == "dask":
        return DaskExecutor(execution.workers, execution.scheduler)
    return LocalExecutor(execution.workers)
