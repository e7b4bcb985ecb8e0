"""Read survey files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and SPSS .sav.

Raw exports of survey platforms are handled here: extra header rows (Qualtrics writes
three: variable names, question texts and an ``ImportId`` JSON row) are detected and
their question texts kept, so that codebook items can be matched by header pattern.
Row labels of the returned table are what the cleaning log reports: spreadsheet row
numbers for CSV and XLSX (1-based, header rows counted) and case numbers for SPSS.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pandas as pd

from survey.errors import DataError
from survey.file_limits import check_cell_text, check_not_binary, check_xlsx
from survey.redact import preview
from survey.xlsx_cells import unread_cells

#: File extensions :func:`read_survey` understands.
SUPPORTED_EXTENSIONS: tuple[str, ...] = (".csv", ".txt", ".xlsx", ".xlsm", ".sav")

_IMPORT_ID = '{"ImportId"'


@dataclass
class SurveyTable:
    """Answers as read from a file, before cleaning.

    Attributes
    ----------
    data : DataFrame
        One row per respondent, one column per file column; the index is the
        spreadsheet row number.
    source : str
        The file the answers came from.
    questions : dict
        Question text per column, from a header row or SPSS variable labels.
    user_missing : dict
        User-missing codes per column declared in SPSS metadata.
    value_labels : dict
        Value labels per column from SPSS metadata (code → label).
    unread : DataFrame
        XLSX cells the reader turned into something else (see
        :func:`survey.xlsx_cells.unread_cells`): columns ``row`` (a row label of
        ``data``), ``column``, ``kind`` and ``value``; empty for CSV and SPSS.
    """

    data: pd.DataFrame
    source: str
    questions: dict[str, str] = field(default_factory=dict)
    user_missing: dict[str, list[float]] = field(default_factory=dict)
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    unread: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "column", "kind", "value"])
    )


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{path}: cannot decode the file; allowed encodings: UTF-8, GBK/GB18030")


def _delimiter(header: str) -> str:
    """Comma, unless the header line has more semicolons or tabs (European Excel, .txt)."""
    return max([",", ";", "\t"], key=lambda sep: (header.count(sep), sep == ","))


def check_unique_header(names: Sequence[object], source: str | Path) -> None:
    """Refuse a header naming two columns alike (once surrounding spaces are removed).

    pandas would rename the second ``CUSA1`` to ``CUSA1.1`` and only the first would
    be analysed. Empty header cells are left to pandas (``Unnamed: 3``).

    Parameters
    ----------
    names : sequence
        The header cells, in file order.
    source : str or Path
        The file, named in the message.

    Raises
    ------
    DataError
        Naming the column and both of its positions.

    Examples
    --------
    >>> check_unique_header(["id", "CUSA1", "CUSA1 "], "s.csv")
    Traceback (most recent call last):
    ...
    survey.errors.DataError: s.csv: the header names two columns 'CUSA1' (columns 2 and 3;
    the second would be read as 'CUSA1.1' and not analysed); column names must be unique
    """
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        text = "" if pd.isna(name) else str(name).strip()
        if not text:
            continue
        if text in first:
            raise DataError(
                f"{source}: the header names two columns {preview(text)} (columns "
                f"{first[text]} and {position}; the second would be read as "
                f"{preview(text + '.1')} and not analysed); column names must be unique"
            )
        first[text] = position


def check_row_lengths(text: str, sep: str, source: str | Path) -> None:
    r"""Refuse a CSV text with a row of fewer fields than its header.

    pandas pads such a row with missing values: a file cut after the tenth column of
    every other row lost half its answers without a word. Blank lines are skipped, as
    pandas skips them; rows are counted as in the cleaning log (the header is row 1).

    Parameters
    ----------
    text : str
        The decoded file.
    sep : str
        Its field separator.
    source : str or Path
        The file, named in the message.

    Raises
    ------
    DataError
        Naming the first short row, its field count, and how many rows are short.

    Examples
    --------
    >>> check_row_lengths("q1,q2,q3\n1,2,3\n\n4,5\n", ",", "s.csv")
    Traceback (most recent call last):
    ...
    survey.errors.DataError: s.csv: row 3 has 2 fields but the header has 3 (1 short row in
    all); each row needs one field per column (an empty answer is an empty field: 1,,3)
    """
    lines = text.replace("\r\n", "\n")
    if '"' not in text and "\r" not in lines:  # no quoting: a row's fields are its separators + 1
        counts = [line.count(sep) + 1 for line in lines.split("\n") if line.strip()]
        width = counts[0] if counts else 0
        short = [(row, n) for row, n in enumerate(counts[1:], 2) if n < width]
    else:
        records = (
            fields
            for fields in csv.reader(StringIO(text), delimiter=sep)
            if "".join(fields).strip()
        )
        try:
            width = len(next(records))
            short = [
                (row, len(fields)) for row, fields in enumerate(records, 2) if len(fields) < width
            ]
        except (StopIteration, csv.Error):
            return  # empty, or a quoting problem pandas reports in its own words
    if short:
        row, fields = short[0]
        count = f"{len(short)} short row{'s' if len(short) > 1 else ''} in all"
        raise DataError(
            f"{source}: row {row} has {fields} field{'s' if fields != 1 else ''} but the header "
            f"has {width} ({count}); each row needs one field per column (an empty answer is "
            "an empty field: 1,,3)"
        )


def _read_csv(path: Path, dtype: type | None = None) -> pd.DataFrame:
    check_not_binary(path)
    text = _decode(path)
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    header = text.partition("\n")[0]
    sep = _delimiter(header)
    names = next(csv.reader(StringIO(text), delimiter=sep), [])
    check_unique_header(names, path)
    check_row_lengths(text, sep, path)
    try:
        # index_col=False and the warning as an error: a row with more fields than the
        # header is refused, never silently taken as an index or cut short
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(StringIO(text), sep=sep, index_col=False, dtype=dtype)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise DataError(
            f"{path}: not a valid CSV file, rows must have as many fields as the header "
            f"({' '.join(str(err).split())})"
        ) from None


def _open_workbook(path: Path) -> pd.ExcelFile:
    """Open with python-calamine (fast), falling back to openpyxl."""
    problems = []
    for engine in ("calamine", "openpyxl"):
        try:
            return pd.ExcelFile(path, engine=engine)
        except ImportError:
            problems.append(f"{engine} not installed")
        except Exception as err:  # noqa: BLE001 - each reader has its own error types
            problems.append(f"{engine}: {err}")
    raise DataError(f"{path}: not a readable XLSX workbook ({'; '.join(problems)})")


def _looks_renamed(columns: pd.Index) -> bool:
    """Whether a column is named like pandas renames a repeated one (``Q1.1`` beside ``Q1``)."""
    names = {str(column) for column in columns}
    return any(
        name.rpartition(".")[0] in names and name.rpartition(".")[2].isdigit() for name in names
    )


def _read_xlsx(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sheet as read, and its unread cells (:func:`survey.xlsx_cells.unread_cells`)."""
    check_xlsx(path)
    with _open_workbook(path) as workbook:
        names = [str(name) for name in workbook.sheet_names]
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataError(f"{path}: no sheet number {sheet}; allowed sheets: {names}")
        if isinstance(sheet, str) and sheet not in names:
            raise DataError(f"{path}: no sheet {sheet!r}; allowed sheets: {names}")
        try:
            frame = pd.read_excel(workbook, sheet_name=sheet)
            # pandas renames a repeated name "Q1" to "Q1.1": read the header row itself
            # (a second parse) only when a column looks renamed so
            header = (
                pd.read_excel(workbook, sheet_name=sheet, header=None, nrows=1)
                if _looks_renamed(frame.columns)
                else pd.DataFrame([list(frame.columns)])
            )
        except Exception as err:  # noqa: BLE001 - calamine and openpyxl raise their own types
            reason = " ".join(str(err).split())[:200]
            raise DataError(
                f"{path}: sheet {sheet!r} is corrupt, not readable XLSX "
                f"({type(err).__name__}: {reason})"
            ) from None
    if len(frame.columns) == 0:
        raise DataError(f"{path}: sheet {sheet!r} is empty")
    if len(header):
        check_unique_header(list(header.iloc[0]), path)
    return frame, unread_cells(path, sheet)


def _read_sav(path: Path) -> SurveyTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as err:
        raise DataError(f"{path}: not a readable SPSS .sav file ({err})") from None
    user_missing: dict[str, list[float]] = {
        column: list(values) for column, values in meta.missing_user_values.items()
    }
    for column, ranges in meta.missing_ranges.items():
        for bounds in ranges:
            low, high = bounds["lo"], bounds["hi"]
            observed = frame[column].dropna()
            user_missing.setdefault(column, [])
            user_missing[column] += sorted(set(observed[(observed >= low) & (observed <= high)]))
    questions = {
        column: label
        for column, label in meta.column_names_to_labels.items()
        if label and label != column
    }
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")  # SPSS case numbers
    return SurveyTable(
        data=frame,
        source=str(path),
        questions=questions,
        user_missing={column: sorted(set(codes)) for column, codes in user_missing.items()},
        value_labels=dict(meta.variable_value_labels),
    )


def _count_header_rows(frame: pd.DataFrame) -> int:
    for position in range(min(2, len(frame))):
        row = frame.iloc[position].astype(str)
        if row.str.startswith(_IMPORT_ID).any():
            return position + 2
    return 1


def _split_header_rows(frame: pd.DataFrame, header_rows: int | None) -> SurveyTable:
    rows = _count_header_rows(frame) if header_rows is None else header_rows
    questions: dict[str, str] = {}
    if rows >= 2 and len(frame):
        texts = frame.iloc[0]
        questions = {str(col): str(text) for col, text in texts.items() if pd.notna(text)}
    body = frame.iloc[rows - 1 :].copy()
    body.index = pd.RangeIndex(rows + 1, rows + 1 + len(body), name="row")
    return SurveyTable(data=body, source="", questions=questions)


def _name_unread(unread: pd.DataFrame, table: SurveyTable) -> pd.DataFrame:
    """Unread cells placed by column name, those of header rows and empty columns left out."""
    columns = list(table.data.columns)
    placed = unread[unread["row"].isin(table.data.index) & (unread["position"] < len(columns))]
    named = placed.assign(column=[columns[int(p)] for p in placed["position"]])
    return named[["row", "column", "kind", "value"]].reset_index(drop=True)


def read_survey(
    path: str | Path, sheet: str | int | None = None, header_rows: int | None = None
) -> SurveyTable:
    """Read a survey file into a :class:`SurveyTable`.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt`` (UTF-8, UTF-8 with BOM or GBK/GB18030), ``.xlsx`` or
        ``.sav`` file.
    sheet : str or int, optional
        XLSX sheet name or 0-based number (default: the first sheet).
    header_rows : int, optional
        Number of header rows of a CSV/XLSX file. The first holds column names and
        the second, if any, question texts; further rows are skipped. By default a
        Qualtrics export (an ``ImportId`` row) is recognised and counted as three
        rows, anything else as one.

    Returns
    -------
    SurveyTable
        The raw answers with question texts and SPSS missing-value metadata.

    Raises
    ------
    DataError
        If the file is missing, empty, of an unknown type, or has no such sheet.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> table = read_survey(example_paths("ecsi").data)
    >>> table.data.shape
    (250, 24)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise DataError(
            f"{path}: unknown file type {suffix!r}; allowed: {list(SUPPORTED_EXTENSIONS)}"
        )
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty")
    if suffix == ".sav":
        table = _read_sav(path)
    else:
        if suffix in (".csv", ".txt"):
            frame, unread = _read_csv(path), None
        else:
            frame, unread = _read_xlsx(path, sheet)
        check_cell_text(frame, path)
        frame.columns = [str(column).strip() for column in frame.columns]
        table = _split_header_rows(frame, header_rows)
        table.source = str(path)
        if unread is not None and len(unread):
            table.unread = _name_unread(unread, table)
    if table.data.empty:
        raise DataError(f"{path}: the file has a header but no answers")
    return table
