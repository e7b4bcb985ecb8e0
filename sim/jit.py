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
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

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


#: How many shoppers ahead a kernel asks for their data (see :func:`prefetch`):
#: enough for the loads to arrive in time, few enough for them to stay cached.
AHEAD = 16


def _prefetch_intrinsic(typingctx: Any, array: types.Array, index: types.Integer) -> Any:
    """``prefetch(array, i)`` in a kernel: start loading row ``i`` of ``array`` into the cache.

    A hint to the CPU (LLVM's ``llvm.prefetch``, for reading and writing, kept
    in all cache levels), with no effect on any value: a kernel whose scattered
    reads each wait for memory asks for the data of a later step first, so that
    the waits overlap instead of adding up. An index out of range is harmless
    (a prefetch never faults) but pointless; callers keep it in range.
    """
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        array_type, index_type = signature.args
        data = context.make_array(array_type)(context, builder, args[0])
        row = context.cast(builder, args[1], index_type, types.intp)
        zero = context.get_constant(types.intp, 0)
        pointer = cgutils.get_item_pointer2(
            context,
            builder,
            data=data.data,
            shape=cgutils.unpack_tuple(builder, data.shape),
            strides=cgutils.unpack_tuple(builder, data.strides),
            layout=array_type.layout,
            inds=[row] + [zero] * (array_type.ndim - 1),
            wraparound=False,
            boundscheck=False,
        )
        byte_pointer = ir.IntType(8).as_pointer()
        int32 = ir.IntType(32)
        function = cgutils.get_or_insert_function(
            builder.module,
            ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]),
            "llvm.prefetch.p0i8",
        )
        # (address, 1: for writing, 3: keep in every cache level, 1: data cache)
        flags = [ir.Constant(int32, flag) for flag in (1, 3, 1)]
        builder.call(function, [builder.bitcast(pointer, byte_pointer), *flags])
        return context.get_dummy_value()

    return types.void(array, index), codegen


def _prefetch_python(array: np.ndarray, index: int) -> None:
    """:func:`prefetch` when kernels run as plain Python (``NUMBA_DISABLE_JIT=1``): nothing."""


#: ``prefetch(array, i)`` in a kernel (see ``_prefetch_intrinsic``); a no-op in plain Python.
prefetch: Any = _prefetch_python if numba.config.DISABLE_JIT else intrinsic(_prefetch_intrinsic)
