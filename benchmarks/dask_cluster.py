"""A Dask cluster started the way a real one is: separate processes on loopback.

:func:`loopback_cluster` starts ``dask scheduler`` and ``dask worker`` commands (one
single-threaded worker process each) bound to 127.0.0.1, waits until every worker has
joined, yields the scheduler's address, and stops them all. The cluster benchmark and
the cluster test use it; a study on a real cluster connects the same way, with
``execution.scheduler`` (see docs/scaling.md).

Examples
--------
>>> with loopback_cluster(workers=1) as address:  # doctest: +SKIP
...     address.startswith("tcp://127.0.0.1:")
True
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The ``dask`` command of the running interpreter's environment.
DASK = Path(sys.executable).with_name("dask")
#: Seconds the scheduler and the workers get to start on a loaded machine.
START_TIMEOUT = 90.0


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with log.open("wb") as sink:
        return subprocess.Popen(
            [str(DASK), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: stopping it stops its children
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def loopback_cluster(workers: int = 2) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` separate ``dask worker`` processes.

    Parameters
    ----------
    workers : int
        Worker processes, one thread each.

    Yields
    ------
    str
        The scheduler's address, e.g. ``"tcp://127.0.0.1:40123"``.

    Raises
    ------
    RuntimeError
        When the ``dask`` command is missing, or a process exits or does not join
        within :data:`START_TIMEOUT` seconds (the message holds its log).
    """
    if not DASK.exists():
        raise RuntimeError(f"no dask command beside {sys.executable}")
    with tempfile.TemporaryDirectory(prefix="shoplab-dask-") as tmp:
        folder = Path(tmp)
        scheduler_file = folder / "scheduler.json"
        args = ["--host", "127.0.0.1", "--no-dashboard"]
        processes = [
            _start(
                ["scheduler", *args, "--port", "0", "--scheduler-file", str(scheduler_file)],
                folder / "scheduler.log",
            )
        ]
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not scheduler_file.exists():
                if processes[0].poll() is not None or time.monotonic() > deadline:
                    log = (folder / "scheduler.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the dask scheduler did not start:\n{log}")
                time.sleep(0.2)
            for k in range(workers):
                worker_args = ["--nthreads", "1", "--name", f"w{k}"]
                worker_args += ["--local-directory", str(folder / f"w{k}")]
                processes.append(
                    _start(
                        ["worker", str(_address(scheduler_file)), *args, *worker_args],
                        folder / f"w{k}.log",
                    )
                )
            address = _address(scheduler_file)
            from distributed import Client

            with Client(address, timeout="30s") as client:
                client.wait_for_workers(workers, timeout=START_TIMEOUT)
            yield address
        finally:
            for process in reversed(processes):
                _stop(process)


def _address(scheduler_file: Path) -> str:
    # the scheduler writes the file in one go, but a reader may catch it half-written
    for _ in range(50):
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (json.JSONDecodeError, KeyError):
            time.sleep(0.1)
    raise RuntimeError(f"unreadable scheduler file {scheduler_file}")
