"""Refuse hostile or oversized survey files before and after a reader sees them.

An XLSX workbook is a zip archive: its declared sheet size (``<dimension ref=...>``)
and the uncompressed sizes of its members are read cheaply, with bounded reads, so that
a 21 KB file declaring a million-row sheet or a zip bomb is refused in one line before
calamine allocates anything. Each sheet is then streamed once in chunks, so that a
sheet whose few stored cells span a huge grid (one cell at Z1048576: 27 M cells for a
4.8 KB file) is refused too. After reading, a cell text beyond a limit is refused too,
and a CSV that is really a binary file (NUL bytes near its start) is refused before
decoding.
"""

from __future__ import annotations

import re
import string
import zipfile
import zlib
from pathlib import Path
from typing import IO

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
#: A sheet's dense grid may always hold this many cells, however few it stores.
MIN_DENSE_CELLS = 2_000_000
#: Otherwise its dense grid may hold at most this many times the cells it stores.
MAX_DENSE_RATIO = 20
#: Bytes of a worksheet part decompressed at a time by :func:`sheet_extent`.
CHUNK_BYTES = 1_048_576
#: The most rows and columns a worksheet can hold (Excel's specifications and limits,
#: the XFD1048576 corner): a sheet that reaches past them was not written by a
#: spreadsheet, and readers that accept it allocate rows no real survey has.
SHEET_MAX_ROWS = 1_048_576
SHEET_MAX_COLUMNS = 16_384

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3})(\d+)(?::([A-Za-z]{1,3})(\d+))?\""
)
_SHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
# tags starting "<c" that are not a cell (<col>, <cfRule>...): few, outside sheetData
_NOT_CELL = re.compile(rb"<c[^\s>/]")
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s>/]")
# the number of a <row> holding a cell (or cut off at a chunk's end): an empty row, as
# Excel writes for a formatted one, allocates nothing in a reader
_ROW_NUMBER = re.compile(rb"<row\b[^>]*?\sr=\"(\d+)\"[^>]*(?<!/)>\s*(?:<c[\s>/]|\Z)")
_PREFIXED_ROW_NUMBER = re.compile(
    rb"<\w+:row\b[^>]*?\sr=\"(\d+)\"[^>]*(?<!/)>\s*(?:<\w+:c[\s>/]|\Z)"
)
# a cheap search (a literal start) finds candidates; this stricter one confirms them
_ATTRIBUTE_START = rb"(?<![\w:.-])"
#: Digits beyond which a row number is taken as 10**18 (no sheet has that many rows).
_LONGEST_NUMBER = 18


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


def column_letters(number: int) -> str:
    """The letters of a 1-based spreadsheet column number (the inverse of :func:`column_number`).

    Parameters
    ----------
    number : int
        Column number, 1 or more.

    Returns
    -------
    str
        Its letters: 1 is A, 26 Z, 27 AA.

    Examples
    --------
    >>> column_letters(1), column_letters(27), column_letters(16384)
    ('A', 'AA', 'XFD')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _greater(text: str, alphabet: str, *, longer: str, fold: bool = False) -> bytes:
    """A regular expression for the strings of ``alphabet`` ranking above ``text``.

    A longer string ranks above (spreadsheet column letters and row numbers alike),
    else the first character that differs decides; ``longer`` repeats any character,
    ``fold`` accepts lower-case letters too.
    """

    def span(first: str, last: str) -> str:
        return f"{first}-{last}{first.lower()}-{last.lower()}" if fold else f"{first}-{last}"

    # nested, (?:[C-Z]..|B(?:[D-Z].|C...)): a mismatch fails on the first character
    pattern = ""
    for position in reversed(range(len(text))):
        character, rest = text[position], len(text) - position - 1
        above = alphabet[alphabet.index(character) + 1 :]
        choices = [f"[{span(above[0], above[-1])}]{longer}{{{rest}}}"] if above else []
        if pattern:
            choices.append(f"[{span(character, character)}]{pattern}")
        pattern = f"(?:{'|'.join(choices)})" if choices else "(?!)"
    return (f"{longer}{{{len(text) + 1},}}" + (f"|{pattern}" if text else "")).encode()


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) <= _LONGEST_NUMBER else 10**_LONGEST_NUMBER


def _cut(buffer: bytes, chunk_bytes: int) -> int:
    """Where to stop reading ``buffer`` so that no tag is split: after its last ``>``.

    A run of over ``chunk_bytes`` (and :data:`PROBE_BYTES`) without one is cut after its last
    whitespace, or else 32 bytes before its end (a reference is shorter).
    """
    cut = buffer.rfind(b">") + 1
    if cut or len(buffer) <= max(chunk_bytes, PROBE_BYTES):
        return cut
    return max(buffer.rfind(bytes([space])) + 1 for space in b" \t\r\n") or len(buffer) - 32


def sheet_extent(part: IO[bytes], *, chunk_bytes: int = CHUNK_BYTES) -> tuple[int, int, int]:
    """Largest row and column a worksheet's references use, and how many cells it stores.

    The part is read ``chunk_bytes`` at a time, never whole: each chunk is cut after its
    last ``>`` (no tag spans such a cut) and the rest is carried to the next one. Rows
    come from ``r="12"`` of a ``<row>`` holding cells and ``r="B12"`` of ``<c>``, columns from the
    latter, stored cells from the ``<c>`` elements. Only references beyond the largest
    so far are looked for (one search a chunk when the sheet is in order), so the
    100,000 × 43 benchmark sheet (143 MB of XML) streams in under two seconds.

    Parameters
    ----------
    part : binary file
        The worksheet XML part, opened from the archive.
    chunk_bytes : int, keyword-only
        Bytes decompressed at a time.

    Returns
    -------
    tuple of int
        ``(rows, columns, stored)``: the largest row number, the largest column number
        (0 when no reference is found) and the number of ``<c>`` elements.

    Examples
    --------
    >>> import io
    >>> xml = b'<sheetData><row r="1"><c r="A1"/><c r="C1"><v>1</v></c></row>'
    >>> xml += b'<row r="9"><c r="B12" t="n"><v>2</v></c></row><row r="99"/></sheetData>'
    >>> sheet_extent(io.BytesIO(xml), chunk_bytes=7)
    (12, 3, 3)
    """
    rows = columns = stored = 0
    carry = b""
    while True:
        chunk = part.read(chunk_bytes)
        buffer = carry + chunk
        cut = _cut(buffer, chunk_bytes) if chunk else len(buffer)
        done, carry = buffer[:cut], buffer[cut:]
        stored += done.count(b"<c") - len(_NOT_CELL.findall(done))
        if b":c" in done:
            stored += len(_PREFIXED_CELL.findall(done))
        # references beyond the largest so far: for a sheet in order (rows from its
        # <row> tags) one fast search a chunk, and a findall only when one is found
        rows = max([rows, *map(_number, _ROW_NUMBER.findall(done))])
        if b":row" in done:
            rows = max([rows, *map(_number, _PREFIXED_ROW_NUMBER.findall(done))])
        beyond = rb'r="[A-Za-z]+(' + _greater(str(rows), "0123456789", longer=r"\d") + rb')"'
        if re.search(beyond, done):
            rows = max([rows, *map(_number, re.findall(_ATTRIBUTE_START + beyond, done))])
        letters = column_letters(columns)
        alphabet = string.ascii_uppercase
        beyond = rb'r="(' + _greater(letters, alphabet, longer="[A-Za-z]", fold=True) + rb")\d"
        if re.search(beyond, done):
            columns = max(
                [columns, *map(column_number, re.findall(_ATTRIBUTE_START + beyond, done))]
            )
        if not chunk:
            return rows, columns, stored


def _check_sparse(
    path: Path,
    member: zipfile.ZipInfo,
    part: IO[bytes],
    declared: int | None,
    *,
    max_cells: int,
    min_dense_cells: int,
    max_dense_ratio: int,
) -> None:
    """Refuse a sheet whose dense grid is far larger than the cells it stores."""
    rows, columns, stored = sheet_extent(part)
    if rows > SHEET_MAX_ROWS or columns > SHEET_MAX_COLUMNS:
        raise DataError(
            f"{path}: sheet {member.filename} reaches row {rows}, column {columns}: past the "
            f"{SHEET_MAX_ROWS} rows and {SHEET_MAX_COLUMNS} columns an XLSX sheet can hold"
        )
    used = rows * columns
    dense = max(used, declared or 0)
    if dense > max_cells:
        raise DataError(
            f"{path}: sheet {member.filename} reaches {column_letters(columns)}{rows}, "
            f"a grid of {dense} cells; the limit is {max_cells}"
        )
    allowed = max(min_dense_cells, max_dense_ratio * stored)
    if dense > allowed:
        where = f"reaches {column_letters(columns)}{rows}," if used >= dense else "declares"
        raise DataError(
            f"{path}: sheet {member.filename} {where} a grid of {dense} cells storing only "
            f"{stored}; allowed is the larger of {min_dense_cells} and {max_dense_ratio} "
            f"× the stored cells"
        )


def check_xlsx(
    path: str | Path,
    *,
    max_cells: int = MAX_DECLARED_CELLS,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
    min_dense_cells: int = MIN_DENSE_CELLS,
    max_dense_ratio: int = MAX_DENSE_RATIO,
) -> None:
    """Refuse a workbook that is not a zip, declares too many cells or bytes, or is sparse.

    The zip directory and the first :data:`PROBE_BYTES` of each worksheet part are read
    first, so a declared giant costs little. Each worksheet is then streamed through
    :func:`sheet_extent`: a sheet whose dense grid (its declared dimension, or the
    largest row × column its references use, whichever is larger) holds more than the
    larger of ``min_dense_cells`` and ``max_dense_ratio`` × its stored cells is refused,
    since a reader allocates the dense grid (one cell at Z1048576 is 27 M). Streaming
    the 100,000 × 43 benchmark sheet (``benchmarks/survey.py``) takes about a second.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx``/``.xlsm`` file.
    max_cells : int, keyword-only
        Largest number of cells any worksheet may declare in its ``<dimension>``.
    max_bytes : int, keyword-only
        Largest total uncompressed size of the archive's members.
    min_dense_cells : int, keyword-only
        A sheet's dense grid may always hold this many cells.
    max_dense_ratio : int, keyword-only
        Beyond that, at most this many times the cells the sheet stores.

    Raises
    ------
    DataError
        One line naming the file and the limit exceeded, or saying the archive is corrupt.

    Examples
    --------
    >>> import tempfile
    >>> sparse = Path(tempfile.mkdtemp()) / "sparse.xlsx"
    >>> sheet = '<worksheet><sheetData><row r="1"><c r="A1"/></row>'
    >>> sheet += '<row r="1048576"><c r="Z1048576"/></row></sheetData></worksheet>'
    >>> with zipfile.ZipFile(sparse, "w") as archive:
    ...     archive.writestr("xl/worksheets/sheet1.xml", sheet)
    >>> try:
    ...     check_xlsx(sparse)
    ... except DataError as err:
    ...     print(str(err).partition(": ")[2])  # doctest: +NORMALIZE_WHITESPACE
    sheet xl/worksheets/sheet1.xml reaches Z1048576, a grid of 27262976 cells storing only 2;
    allowed is the larger of 2000000 and 20 × the stored cells
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
                with archive.open(member) as part:
                    _check_sparse(
                        path,
                        member,
                        part,
                        cells,
                        max_cells=max_cells,
                        min_dense_cells=min_dense_cells,
                        max_dense_ratio=max_dense_ratio,
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
