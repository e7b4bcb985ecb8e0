"""Compiled kernels: the one place the model's Numba settings live.

A rule whose stage numpy cannot fuse (several passes over the same shoppers, or a
scatter into a few cells of a large array) is written as a loop and compiled with
:func:`kernel`. Compiled code is cached on disk beside its module (``cache=True``),
so a process compiles a kernel once per machine and later processes load it.

Kernels use plain IEEE arithmetic (no ``fastmath``) in the order numpy would, so
a kernel gives the same bits as the numpy expression it replaces. Setting the
environment variable ``NUMBA_DISABLE_JIT=1`` runs every kernel as plain Python
(for debugging; slow).

Examples
--------
>>> import numpy as np
>>> @kernel
... def double(x):
...     out = np.empty_like(x)
...     for i in range(x.size):
...         out[i] = 2.0 * x[i]
...     return out
>>> double(np.arange(3.0)).tolist()
[0.0, 2.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])


def kernel(function: F) -> F:
    """Compile ``function`` with the model's settings (nopython, cached, no fastmath).

    Caching needs the function's source file; a function defined interactively (a
    doctest, the REPL) is compiled without a cache.

    Parameters
    ----------
    function : callable
        A function of numbers and numpy arrays.

    Returns
    -------
    callable
        Its compiled dispatcher (compiled at the first call, per argument types).
    """
    cacheable = not function.__code__.co_filename.startswith("<")
    return numba.njit(cache=cacheable, nogil=True)(function)
