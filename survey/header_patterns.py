"""Codebook header patterns that cannot hang: a safe regex subset and a time limit.

Python's backtracking ``re`` takes exponential time on patterns such as ``(a+)+$``
(a 41-character column name ran past 30 s) and polynomial time on several unbounded
repeats in a row. A header pattern is therefore checked when the codebook is loaded
(:func:`check_header_pattern`): nested repeats, a repeated alternation, back-references
and more than :data:`MAX_UNBOUNDED` unbounded repeats are refused in one line. When the
pattern is searched in column names and question texts (:func:`matching_columns`) only
the first :data:`MAX_MATCHED_CHARS` characters of each text are searched, and, in the
main thread, the whole search stops after :data:`TIME_LIMIT_SECONDS`.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from survey.errors import DataError
from survey.redact import preview

try:  # the parser moved in Python 3.11; the old name warns but still works
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Most unbounded repeats (``*``, ``+``, ``{n,}``) a header pattern may hold.
MAX_UNBOUNDED = 2
#: Characters of each column name or question text a header pattern is searched in.
MAX_MATCHED_CHARS = 500
#: Longest time, in seconds, the search of one header pattern may take (main thread).
TIME_LIMIT_SECONDS = 1.0

_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)}
_BACKREFERENCES = {_sre.GROUPREF, _sre.GROUPREF_EXISTS}


def _children(argument: Any) -> Iterator[Any]:
    """Sub-patterns held by the argument of one parsed node."""
    if isinstance(argument, _sre_parse.SubPattern):
        yield argument
    elif isinstance(argument, list | tuple):
        for part in argument:
            yield from _children(part)


def _walk(pattern: Any, inside_repeat: bool, unbounded: list[int]) -> None:
    for opcode, argument in pattern:
        if opcode in _BACKREFERENCES:
            raise ValueError("back-references are not allowed")
        if opcode in _REPEATS:
            low, high, body = argument
            many = high > 1
            if many and inside_repeat:
                raise ValueError("a repeat inside a repeat (e.g. (a+)+) is not allowed")
            if many and any(op is _sre.BRANCH for op, _ in _flatten(body)):
                raise ValueError("a repeated alternation (e.g. (a|ab)*) is not allowed")
            if high == _sre.MAXREPEAT:
                unbounded[0] += 1
            _walk(body, inside_repeat or many, unbounded)
            continue
        for child in _children(argument):
            _walk(child, inside_repeat, unbounded)


def _flatten(pattern: Any) -> Iterator[tuple[Any, Any]]:
    for opcode, argument in pattern:
        yield opcode, argument
        for child in _children(argument):
            yield from _flatten(child)


def check_header_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a header pattern, refusing the regex forms that can take exponential time.

    Parameters
    ----------
    pattern : str
        A Python regular expression from a codebook item's ``header:``.

    Returns
    -------
    re.Pattern
        The compiled pattern.

    Raises
    ------
    ValueError
        If it is not a regular expression, holds a back-reference, a repeat inside a
        repeat, a repeated alternation, or more than :data:`MAX_UNBOUNDED` unbounded
        repeats; the message says which.

    Examples
    --------
    >>> check_header_pattern(r"^3、.*满意").pattern
    '^3、.*满意'
    >>> check_header_pattern("(a+)+$")
    Traceback (most recent call last):
    ...
    ValueError: header pattern '(a+)+$': a repeat inside a repeat (e.g. (a+)+) is not allowed
    """
    shown = f"header pattern {preview(pattern)}"
    try:
        parsed = _sre_parse.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as err:
        raise ValueError(f"{shown} is not a regex: {err}") from None
    unbounded = [0]
    try:
        _walk(parsed, False, unbounded)
    except ValueError as err:
        raise ValueError(f"{shown}: {err}") from None
    if unbounded[0] > MAX_UNBOUNDED:
        raise ValueError(
            f"{shown}: {unbounded[0]} unbounded repeats (*, +, {{n,}}); "
            f"at most {MAX_UNBOUNDED} are allowed"
        )
    return compiled


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimeUp` in the block after ``seconds`` (main thread, no other alarm).

    ``re`` checks for signals while it backtracks, so a SIGALRM stops a long search.
    Elsewhere (a worker thread, an alarm already in use) the block runs unlimited and
    the static check of :func:`check_header_pattern` is the only guard.
    """
    usable = (
        threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )
    if not usable:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def matching_columns(
    pattern: str,
    columns: Sequence[str],
    questions: Mapping[str, str],
    *,
    source: str = "",
    seconds: float = TIME_LIMIT_SECONDS,
) -> list[str]:
    """Columns whose name or question text a header pattern is found in.

    Parameters
    ----------
    pattern : str
        The header pattern (checked by :func:`check_header_pattern`).
    columns : sequence of str
        Column names of the survey file.
    questions : mapping
        Question text per column (from a header row), searched too.
    source : str, keyword-only
        The survey file, named in the message.
    seconds : float, keyword-only
        Time limit of the whole search (main thread only).

    Returns
    -------
    list of str
        The matching columns, in file order.

    Raises
    ------
    DataError
        If the pattern is unsafe or the search takes longer than ``seconds``.

    Examples
    --------
    >>> matching_columns("^3、", ["id", "Q3"], {"Q3": "3、您满意吗"})
    ['Q3']
    """
    try:
        regex = check_header_pattern(pattern)
    except ValueError as err:
        raise DataError(f"{source}: {err}") from None
    found = []
    try:
        with _time_limit(seconds):
            for column in columns:
                texts = (column, questions.get(column, ""))
                if any(regex.search(text[:MAX_MATCHED_CHARS]) for text in texts):
                    found.append(column)
    except _TimeUp:
        raise DataError(
            f"{source}: header pattern {preview(pattern)} took over {seconds:g} s to search the "
            "column names; simplify it (fewer repeats such as .* or +)"
        ) from None
    return found
