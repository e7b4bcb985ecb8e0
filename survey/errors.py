"""User-facing errors of the survey package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class SurveyError(Exception):
    """Base class of errors the ``shoplab`` CLI reports as one line (exit status 2)."""


class DataError(SurveyError, ValueError):
    """A survey file cannot be read or analysed; the message names file, column or row."""


class CodebookError(SurveyError, ValueError):
    """A codebook is invalid; the message names the field and the allowed values."""


@contextmanager
def naming_file(source: str) -> Iterator[None]:
    """Prefix ``source: `` to a :class:`DataError` raised in the block that does not name it.

    The statistics functions take tables, not files; when the analysis of a file calls
    them, their errors must still say which file they are about.

    Parameters
    ----------
    source : str
        The file being analysed.

    Raises
    ------
    DataError
        The block's error, naming ``source`` first.

    Examples
    --------
    >>> with naming_file("survey.csv"):
    ...     raise DataError("item(s) ['q2'] have no variance")
    Traceback (most recent call last):
    ...
    survey.errors.DataError: survey.csv: item(s) ['q2'] have no variance
    """
    try:
        yield
    except DataError as err:
        if str(err).startswith(f"{source}: "):
            raise
        raise DataError(f"{source}: {err}") from None
