"""Progress bars of long commands: done / total and time left, on a terminal only.

Every command that runs longer than a few seconds (``shoplab run``, ``calibrate``,
``robustness``, ``optimise``, the survey bootstrap) draws its bar with
:func:`progress_bar`. A bar shows only when it is wanted (no ``--quiet``) AND its stream
(standard error) is a terminal: piped into a file or a CI log, a command prints no bar.
It lives in ``survey`` because the survey analysis needs it and ``survey`` imports
nothing from ``experiments``; ``experiments`` imports it from here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def showing(enabled: bool = True, stream: TextIO | None = None) -> bool:
    """Whether a bar is drawn: it is wanted and ``stream`` is a terminal.

    Parameters
    ----------
    enabled : bool, default True
        False with ``--quiet``.
    stream : text stream, optional
        Where the bar goes; default the current standard error.

    Returns
    -------
    bool

    Examples
    --------
    >>> import io
    >>> showing(True, io.StringIO())  # a file, not a terminal
    False
    """
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def progress_bar(
    iterable: Iterable[T] | None = None,
    *,
    total: int | None = None,
    desc: str,
    unit: str,
    enabled: bool = True,
    initial: int = 0,
    stream: TextIO | None = None,
) -> tqdm:
    """A tqdm bar, ``desc: 40%|####  | 4/10 [00:12<00:18, 0.33run/s]``, or a silent one.

    Iterate over it (with ``iterable``) or call ``update()`` (with ``total``); use it as a
    context manager so it is closed. It draws only when :func:`showing` says so.

    Parameters
    ----------
    iterable : iterable, optional
        What to count through; ``total`` defaults to its length.
    total : int, optional
        How many steps, when ``iterable`` is not given.
    desc : str
        What is running, e.g. the experiment's name.
    unit : str
        What a step is (``"run"``, ``"candidate"``, ``"resample"``).
    enabled : bool, default True
        False silences the bar (``--quiet``).
    initial : int, default 0
        Steps already done (a resumed experiment).
    stream : text stream, optional
        Where to draw; default the current standard error.

    Returns
    -------
    tqdm
        The bar (disabled when not shown: updates cost nothing and print nothing).

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> with progress_bar(total=3, desc="demo", unit="run", stream=stream) as bar:
    ...     bar.update(3)
    >>> stream.getvalue()  # not a terminal: nothing drawn
    ''
    >>> sum(progress_bar(range(4), desc="demo", unit="resample", stream=stream))
    6
    """
    stream = sys.stderr if stream is None else stream
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        initial=initial,
        file=stream,
        disable=not showing(enabled, stream),
        dynamic_ncols=True,
    )
