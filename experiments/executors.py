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
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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


class LocalExecutor(Executor):
    """Local worker processes (``concurrent.futures``); one worker runs in-process.

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
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in the order they finish.

        The worker processes start on the first call and serve every later call
        until the executor is closed (calibration maps one batch at a time).

        Examples
        --------
        >>> with LocalExecutor(2) as executor:
        ...     sorted(executor.map_unordered(abs, [-3, 2, -1]))
        [1, 2, 3]
        """
        if self.workers == 1:
            yield from map(fn, items)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_process_context())
        pending: set[Future[R]] = {self._pool.submit(fn, item) for item in items}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


class DaskExecutor(Executor):
    """A Dask distributed cluster: an existing one, or a local cluster for the run.

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
