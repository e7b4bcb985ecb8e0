"""glibc's allocator settings in worker processes, restored for numpy-heavy runs.

A Dask nanny starts its worker with ``MALLOC_TRIM_THRESHOLD_=65536`` (the default of
``distributed.nanny.pre-spawn-environ``), so that freed memory goes back to the
operating system at once. Setting any of glibc's thresholds turns off its *dynamic*
mmap threshold (``mallopt(3)``), and every array over 128 KiB is then mapped fresh
from the kernel and unmapped when freed. The model allocates many such temporaries a
day: measured here on 20,000 shoppers (3 runs of the quickstart), a worker with that
variable took 1,088,337 minor page faults and 2.4 s of system time against 9,913 and
0.0 s without it, which is why Dask ran 40% slower than local processes. This
module puts back what the dynamic threshold settles at for such a process: mmap for
blocks of 32 MiB and more (glibc's ``DEFAULT_MMAP_THRESHOLD_MAX`` on 64-bit), and
trimming past twice that, as glibc does when it raises the threshold.

Examples
--------
>>> restore_dynamic_thresholds()  # Linux with glibc, as here
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any

from distributed import WorkerPlugin

#: ``mallopt`` parameter numbers from glibc's ``malloc.h``.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Where glibc's dynamic mmap threshold stops rising on 64-bit: 4 MiB x sizeof(long).
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024


def restore_dynamic_thresholds() -> bool:
    """Set glibc's mmap and trim thresholds to where its dynamic rule ends.

    Returns
    -------
    bool
        True when glibc accepted both settings; False on another C library or
        platform, where nothing is changed.

    Examples
    --------
    >>> restore_dynamic_thresholds()  # Linux with glibc, as here
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)
    trim = mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_MAX)
    return bool(mmap and trim)


class MallocThresholds(WorkerPlugin):
    """A Dask worker plugin: every worker, present and future, gets the thresholds back.

    Registered by :class:`experiments.executors.DaskExecutor` on the cluster it uses,
    so workers of any cluster, however they were started, run at local-process speed.

    Examples
    --------
    >>> MallocThresholds().setup(worker=None)
    """

    def setup(self, worker: Any) -> None:
        """Restore glibc's thresholds in the worker's process."""
        restore_dynamic_thresholds()
