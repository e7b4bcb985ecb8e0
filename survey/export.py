"""Write result tables as CSV and XLSX, safe to open in a spreadsheet.

Files are written whole or not at all (:func:`survey.atomic.atomic_output`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from survey.atomic import atomic_output

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote.

    Parameters
    ----------
    table : DataFrame
        Any table.

    Returns
    -------
    DataFrame
        A copy in which every text cell (and column name) starting with ``=``,
        ``+``, ``-``, ``@``, tab or carriage return begins with ``'`` instead;
        numbers are untouched.

    Notes
    -----
    Guards against CSV/formula injection (OWASP): answers typed by respondents end
    up in the cleaning log and must not execute when an analyst opens the file.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"v": ["=1+1", "ok", 3]}))["v"].tolist()
    ["'=1+1", 'ok', 3]
    """

    def safe(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            return "'" + value
        return value

    out = table.copy()
    out.columns = [safe(str(column)) for column in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(safe).astype(object)
    return out


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV (no index) with formulas neutralised.

    Parameters
    ----------
    table : DataFrame
        The table.
    path : str or Path
        Output file.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> write_csv(pd.DataFrame({"a": [1]}), Path(tempfile.mkdtemp()) / "a.csv").name
    'a.csv'
    """
    path = Path(path)
    with atomic_output(path) as temporary:
        neutralise_formulas(table).to_csv(temporary, index=False, encoding="utf-8")
    return path


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write tables to one XLSX workbook, one sheet per table, formulas neutralised.

    Parameters
    ----------
    tables : mapping
        Sheet name → table (names are shortened to Excel's 31 characters).
    path : str or Path
        Output file.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> write_workbook({"a": pd.DataFrame({"x": [1]})}, Path(tempfile.mkdtemp()) / "s.xlsx").name
    's.xlsx'
    """
    path = Path(path)
    with atomic_output(path) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        for name, table in tables.items():
            sheet = _SHEET_FORBIDDEN.sub("_", name)[:31]
            neutralise_formulas(table).to_excel(writer, sheet_name=sheet, index=False)
    return path
