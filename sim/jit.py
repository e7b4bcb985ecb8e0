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
import numpy as np

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


def one_or_each(
    value: np.ndarray | float, n: int | None = None, *, name: str = "value", each: str = "element"
) -> np.ndarray:
    """A scalar or per-element argument as the float64 array a kernel indexes.

    Kernels take such arguments (a strategy lever, a rate that may differ by order)
    as an array of one value per element, read at ``i``, or of one value for all,
    read at 0.

    Parameters
    ----------
    value : float or numpy.ndarray
        One value for all elements, or one per element.
    n : int, optional
        The number of elements; given, any other length is refused.
    name, each : str
        The argument's name and what it has one value per (``"order"``), for the
        error message.

    Returns
    -------
    numpy.ndarray
        Float64, one-dimensional: one element, or as many as ``value`` has.

    Raises
    ------
    ValueError
        If ``n`` is given and ``value`` has neither one element nor ``n``.

    Examples
    --------
    >>> one_or_each(0.5, 3).tolist()
    [0.5]
    >>> one_or_each(np.array([0.1, 0.2]), 2).tolist()
    [0.1, 0.2]
    >>> one_or_each(np.array([0.1, 0.2]), 3, name="rate")
    Traceback (most recent call last):
    ValueError: rate needs one value or one per element (3), got shape (2,)
    """
    values = np.atleast_1d(np.asarray(value, dtype=float))
    if n is not None and values.shape not in ((1,), (n,)):
        raise ValueError(
            f"{name} needs one value or one per {each} ({n}), got shape {values.shape}"
        )
    return values
