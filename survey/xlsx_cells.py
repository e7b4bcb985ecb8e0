"""Cells of an XLSX sheet that a reader silently turns into something else.

calamine and openpyxl read a formula without a cached value (a workbook written by a
program, never opened in Excel) and an error value such as ``#DIV/0!`` as an empty
cell, and a ``TRUE``/``FALSE`` cell as the number 1/0 in a numeric column. None of
these is an answer, so :func:`unread_cells` finds them in the sheet's XML (a few
regular expressions over the part, which :func:`survey.file_limits.check_xlsx` has
bounded in size) and :mod:`survey.cleaning` logs them or refuses them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

import pandas as pd

from survey.file_limits import column_number

#: The kinds of cell :func:`unread_cells` reports.
KINDS: tuple[str, ...] = (
    "formula without cached value",
    "spreadsheet error value",
    "boolean",
)

_NS = rb"(?:\w+:)?"
_FORMULA = rb"(?:<" + _NS + rb"f\b[^>]*/>|<" + _NS + rb"f\b[^>]*>[^<]*</" + _NS + rb"f>)"
_TYPED = re.compile(
    rb"<"
    + _NS
    + rb"c\b([^>]*\bt=\"([eb])\"[^>]*)>\s*"
    + _FORMULA
    + rb"?\s*<"
    + _NS
    + rb"v>([^<]*)</"
    + _NS
    + rb"v>"
)
_UNCACHED = re.compile(
    rb"<"
    + _NS
    + rb"c\b([^>]*)>\s*"
    + _FORMULA
    + rb"\s*(?:<"
    + _NS
    + rb"v\s*/>|<"
    + _NS
    + rb"v>\s*</"
    + _NS
    + rb"v>)?\s*</"
    + _NS
    + rb"c>"
)
_PREFIXED_FORMULA = re.compile(rb"<\w+:f[\s>/]")
_REFERENCE = re.compile(rb"\br=\"([A-Za-z]{1,3})(\d+)\"")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _attribute(tag: bytes, name: bytes) -> str | None:
    found = re.search(rb"(?:^|\s)" + name + rb"=\"([^\"]*)\"", tag)
    return found.group(1).decode("utf-8", "replace") if found else None


def _sheet_part(archive: zipfile.ZipFile, sheet: str | int) -> str | None:
    """The zip member holding a sheet (by name or 0-based position), None if unknown."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheets = [
        (_attribute(tag, b"name"), _attribute(tag, rb"(?:\w+:)?id"))
        for tag in _SHEET.findall(workbook)
    ]
    targets = {
        _attribute(tag, b"Id"): _attribute(tag, b"Target")
        for tag in _RELATIONSHIP.findall(relations)
    }
    if isinstance(sheet, int):
        chosen = sheets[sheet] if 0 <= sheet < len(sheets) else None
    else:
        chosen = next((entry for entry in sheets if entry[0] == sheet), None)
    target = targets.get(chosen[1]) if chosen else None
    if target is None:
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    return str(PurePosixPath("xl") / target)


def _located(matches: list[tuple[bytes, str, str]]) -> list[tuple[int, int, str, str]]:
    cells = []
    for attributes, kind, value in matches:
        reference = _REFERENCE.search(attributes)
        if reference is not None:  # a cell without r="B2" cannot be placed: skip it
            letters, row = reference.groups()
            cells.append((int(row), column_number(letters) - 1, kind, value))
    return cells


def unread_cells(path: str | Path, sheet: str | int = 0) -> pd.DataFrame:
    """Formulas without a cached value, error values and booleans of one sheet.

    Parameters
    ----------
    path : str or Path
        An ``.xlsx``/``.xlsm`` workbook (already checked by
        :func:`survey.file_limits.check_xlsx`).
    sheet : str or int, default 0
        Sheet name or 0-based position.

    Returns
    -------
    DataFrame
        One row per such cell, sorted by row and column, with columns ``row``
        (spreadsheet row, 1-based), ``position`` (0-based column), ``kind`` (one of
        :data:`KINDS`) and ``value`` (the error code, ``TRUE``/``FALSE``, or empty).
        Empty when the sheet cannot be located in the archive.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> path = Path(tempfile.mkdtemp()) / "answers.xlsx"
    >>> book = openpyxl.Workbook()
    >>> book.active.append(["Q1", "Q2"])
    >>> book.active.append(["=1/0", True])
    >>> book.save(path)
    >>> unread_cells(path).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'row': 2, 'position': 0, 'kind': 'formula without cached value', 'value': ''},
     {'row': 2, 'position': 1, 'kind': 'boolean', 'value': 'TRUE'}]
    """
    columns = ["row", "position", "kind", "value"]
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet)
        if part is None or part not in archive.namelist():
            return pd.DataFrame(columns=columns)
        xml = archive.read(part)
    found: list[tuple[bytes, str, str]] = []
    # most sheets hold none of these: a plain search then spares the regular expressions
    typed = b't="e"' in xml or b't="b"' in xml
    formulas = b"<f" in xml or _PREFIXED_FORMULA.search(xml) is not None
    for attributes, kind, value in _TYPED.findall(xml) if typed else []:
        text = value.decode("utf-8", "replace").strip()
        if kind == b"b":
            found.append((attributes, "boolean", "TRUE" if text == "1" else "FALSE"))
        else:
            found.append((attributes, "spreadsheet error value", text))
    if formulas:
        found += [(attributes, KINDS[0], "") for attributes in _UNCACHED.findall(xml)]
    cells = pd.DataFrame(_located(found), columns=columns)
    return cells.sort_values(["row", "position"], ignore_index=True)
