"""Refuse hostile or oversized survey files before and after a reader sees them.

An XLSX workbook is a zip archive: its declared sheet size (``<dimension ref=...>``)
and the uncompressed sizes of its members are read cheaply, with bounded reads, so that
a 21 KB file declaring a million-row sheet or a zip bomb is refused in one line before
calamine allocates anything. After reading, a cell text beyond a limit is refused too,
and a CSV that is really a binary file (NUL bytes near its start) is refused before
decoding.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from survey.errors import DataError
from survey.redact import shorten

#: Largest number of cells a worksheet may declare (rows × columns of its dimension).
MAX_DECLARED_CELLS = 50_000_000
#: Largest total uncompressed size of the members of an XLSX archive, in bytes.
MAX_UNCOMPRESSED_BYTES = 500_000_000
#: Longest text a single cell (or column name) may hold, in characters.
MAX_CELL_CHARS = 100_000
#: Bytes read from the start of a file or sheet for the cheap checks.
PROBE_BYTES = 65_536
#: Characters of an offending value shown in an error message.
SHOWN_CHARS = 40

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?\""
)
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")


def column_number(letters: bytes) -> int:
    """The 1-based number of a spreadsheet column from its letters.

    Parameters
    ----------
    letters : bytes
        Column letters, e.g. ``b"A"`` or ``b"XFD"`` (either case).

    Returns
    -------
    int
        Its number: A is 1, Z 26, AA 27.

    Examples
    --------
    >>> column_number(b"A"), column_number(b"aa"), column_number(b"XFD")
    (1, 27, 16384)
    """
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def declared_cells(sheet_start: bytes) -> int | None:
    """Number of cells the ``<dimension>`` element of a sheet's XML declares.

    Parameters
    ----------
    sheet_start : bytes
        The first bytes of a worksheet XML part (the element comes near the top).

    Returns
    -------
    int or None
        Rows × columns of the declared range, or None if no dimension is found.

    Examples
    --------
    >>> declared_cells(b'<worksheet><dimension ref="A1:XFD1048576"/>')
    17179869184
    >>> declared_cells(b'<worksheet><dimension ref="B2:C11"/>')
    20
    >>> declared_cells(b'<worksheet><dimension ref="A1"/>')
    1
    >>> declared_cells(b"<worksheet><sheetData/>") is None
    True
    """
    match = _DIMENSION.search(sheet_start)
    if match is None:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    if last_col is None:
        return 1
    columns = abs(column_number(last_col) - column_number(first_col)) + 1
    rows = abs(int(last_row) - int(first_row)) + 1
    return columns * rows


def check_xlsx(
    path: str | Path,
    *,
    max_cells: int = MAX_DECLARED_CELLS,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
) -> None:
    """Refuse a workbook that is not a zip, or declares too many cells or bytes.

    Only the zip directory and the first :data:`PROBE_BYTES` of each worksheet part
    are read, so the check costs little whatever the workbook claims to hold.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx``/``.xlsm`` file.
    max_cells : int, keyword-only
        Largest number of cells any worksheet may declare in its ``<dimension>``.
    max_bytes : int, keyword-only
        Largest total uncompressed size of the archive's members.

    Raises
    ------
    DataError
        One line naming the file and the limit exceeded, or saying the archive is corrupt.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "huge.xlsx"
    >>> sheet = '<worksheet><dimension ref="A1:XFD1048576"/></worksheet>'
    >>> with zipfile.ZipFile(path, "w") as archive:
    ...     archive.writestr("xl/worksheets/sheet1.xml", sheet)
    >>> try:
    ...     check_xlsx(path)
    ... except DataError as err:
    ...     print(str(err).partition(": ")[2])
    sheet xl/worksheets/sheet1.xml declares 17179869184 cells; the limit is 50000000
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(member.file_size for member in members)
            if total > max_bytes:
                raise DataError(
                    f"{path}: the workbook unpacks to {total} bytes; the limit is {max_bytes}"
                )
            for member in members:
                if not _SHEET_MEMBER.fullmatch(member.filename):
                    continue
                with archive.open(member) as part:
                    start = part.read(PROBE_BYTES)
                cells = declared_cells(start)
                if cells is None and len(start) == PROBE_BYTES and b"sheetData" not in start:
                    # the dimension, if any, precedes sheetData: it may hide further on
                    raise DataError(
                        f"{path}: sheet {member.filename} has no <dimension> or <sheetData> "
                        f"in its first {PROBE_BYTES} bytes; the limit is {PROBE_BYTES}"
                    )
                if cells is not None and cells > max_cells:
                    raise DataError(
                        f"{path}: sheet {member.filename} declares {cells} cells; "
                        f"the limit is {max_cells}"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        reason = " ".join(str(err).split())
        raise DataError(
            f"{path}: not a readable XLSX workbook (corrupt zip archive: {reason})"
        ) from None


def check_not_binary(path: str | Path, *, probe_bytes: int = PROBE_BYTES) -> None:
    r"""Refuse a text file with NUL bytes in its first ``probe_bytes`` bytes.

    Parameters
    ----------
    path : str or Path
        The ``.csv``/``.txt`` file.
    probe_bytes : int, keyword-only
        How many bytes from the start are inspected.

    Raises
    ------
    DataError
        One line naming the file and the offset of the first NUL byte.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "photo.csv"
    >>> _ = path.write_bytes(b"q1,q2\n\x00\x01")
    >>> try:
    ...     check_not_binary(path)
    ... except DataError as err:
    ...     print(str(err).partition(": ")[2])
    a binary file, not a CSV text file (NUL byte at offset 6)
    """
    with open(path, "rb") as handle:
        start = handle.read(probe_bytes)
    offset = start.find(b"\x00")
    if offset >= 0:
        raise DataError(f"{path}: a binary file, not a CSV text file (NUL byte at offset {offset})")


def check_cell_text(
    frame: pd.DataFrame, source: str | Path, *, max_chars: int = MAX_CELL_CHARS
) -> None:
    """Refuse a table with a column name or text cell longer than ``max_chars``.

    Parameters
    ----------
    frame : DataFrame
        The table as read, the header being spreadsheet row 1 and the first data row
        row 2.
    source : str or Path
        The file the table came from, named in the message.
    max_chars : int, keyword-only
        Longest text allowed in one cell.

    Raises
    ------
    DataError
        One line naming file, row and column, the length and the limit, and showing at
        most :data:`SHOWN_CHARS` characters of the value.

    Examples
    --------
    >>> frame = pd.DataFrame({"q1": ["ok", "x" * 200]})
    >>> check_cell_text(frame, "a.xlsx", max_chars=100)
    Traceback (most recent call last):
    ...
    survey.errors.DataError: a.xlsx: row 3, column 'q1': a cell of 200 characters;
    the limit is 100 (starts 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…')
    """
    for position, name in enumerate(frame.columns):
        if isinstance(name, str) and len(name) > max_chars:
            _refuse(source, 1, f"column {position + 1} name", name, max_chars)
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        texts = values.astype(str)
        too_long = np.flatnonzero(texts.str.len().to_numpy() > max_chars)
        if too_long.size:
            row = int(too_long[0])
            _refuse(source, row + 2, f"column {column!r}", texts.iloc[row], max_chars)


def _refuse(source: str | Path, row: int, where: str, value: str, max_chars: int) -> None:
    shown = shorten(value, SHOWN_CHARS)
    raise DataError(
        f"{source}: row {row}, {where}: a cell of {len(value)} characters; "
        f"the limit is {max_chars} (starts {shown!r})"
    )
