"""Write output files whole or not at all, and say in one line why a write failed.

Every survey and order-log output (CSV, XLSX, JSON, HTML, PNG, a drafted codebook) is
written to a temporary file beside its target and renamed over it when complete, so a
full disk, a read-only folder or a crash never leaves a half-written or empty
``report.html`` that reads as finished. An ``OSError`` becomes a
:class:`~survey.errors.DataError` naming the file and the reason.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from survey.errors import DataError


def _reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    The temporary name keeps the extension (writers such as matplotlib and pandas
    choose the format by it) and holds the process id, so two processes never share
    one. It is removed whatever happens in the block.

    Parameters
    ----------
    path : str or Path
        The output file.

    Yields
    ------
    Path
        Where the block writes.

    Raises
    ------
    DataError
        If writing or renaming fails with an ``OSError`` (disk full, read-only
        folder, name too long, ...): one line naming ``path`` and the reason.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "report.html"
    >>> with atomic_output(target) as temporary:
    ...     _ = temporary.write_text("<p>done</p>")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('<p>done</p>', ['report.html'])
    """
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as err:
        raise DataError(f"{path}: cannot write the file ({_reason(err)})") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write UTF-8 text to ``path`` through :func:`atomic_output`.

    Parameters
    ----------
    text : str
        The content.
    path : str or Path
        The output file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        If it cannot be written, naming the file and the reason.

    Examples
    --------
    >>> import tempfile
    >>> write_text_atomic("{}", Path(tempfile.mkdtemp()) / "targets.json").name
    'targets.json'
    """
    path = Path(path)
    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def output_folder(path: str | Path) -> Path:
    """Create an output folder if needed and check that files can be written in it.

    Parameters
    ----------
    path : str or Path
        The folder.

    Returns
    -------
    Path
        The folder.

    Raises
    ------
    DataError
        If it cannot be created or written to, naming it and the reason, so that an
        analysis fails before its work rather than after.

    Examples
    --------
    >>> import tempfile
    >>> output_folder(Path(tempfile.mkdtemp()) / "out" / "plots").name
    'plots'
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(f"{folder}: cannot create the output folder ({_reason(err)})") from None
    probe = folder / f".write_check.{os.getpid()}"
    try:
        probe.write_bytes(b"")
    except OSError as err:
        raise DataError(f"{folder}: cannot write in the output folder ({_reason(err)})") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)
    return folder
