"""Read order-log files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and Parquet.

The file's columns are renamed to the order-frame fields by a
:class:`~survey.orders.mapping.ColumnMapping`; values stay as they were read (CSV
cells as text, so an id ``"007"`` keeps its zeros) and are parsed, with a log, by
:func:`survey.orders.cleaning.clean_orders`. Row labels are what the cleaning log
reports: spreadsheet row numbers, the header being row 1, for every format (a
Parquet file's first order is row 2, as in its CSV or XLSX export), so the same log
gives the same cleaning log whatever its format.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from survey.errors import DataError
from survey.file_limits import MAX_DECLARED_CELLS, MAX_UNCOMPRESSED_BYTES
from survey.io import _read_csv, _read_xlsx
from survey.orders.frame import GROUP_ORDER
from survey.orders.mapping import ColumnMapping
from survey.redact import preview
from survey.xlsx_cells import unread_cells

#: File extensions :func:`read_order_log` understands.
ORDER_EXTENSIONS: tuple[str, ...] = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")


@dataclass
class RawOrders:
    """An order log as read, columns renamed to fields, before cleaning.

    Attributes
    ----------
    data : DataFrame
        One column per mapped field (``customer_id``, ``date``, ``amount``, ...),
        values as read; the index is the file's row number.
    source : str
        The file the orders came from.
    date_format : str or None
        The mapping's date format.
    max_amount : float or None
        The mapping's largest absolute order amount (None: the cleaning default).
    """

    data: pd.DataFrame
    source: str
    date_format: str | None = None
    max_amount: float | None = None


def check_parquet(
    path: str | Path,
    *,
    max_cells: int = MAX_DECLARED_CELLS,
    max_bytes: int = MAX_UNCOMPRESSED_BYTES,
) -> None:
    r"""Refuse a Parquet file that is not one, or declares too many cells or bytes.

    Only the footer is read, so a small file that would unpack to gigabytes (the
    Parquet form of a zip bomb) is refused before any column is decoded.

    Parameters
    ----------
    path : str or Path
        The ``.parquet`` file.
    max_cells : int, keyword-only
        Largest rows × columns the footer may declare.
    max_bytes : int, keyword-only
        Largest total uncompressed size of its row groups.

    Raises
    ------
    DataError
        One line naming the file and the limit exceeded, or why it is not Parquet.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "orders.parquet"
    >>> _ = path.write_text("customer_id,date,amount\n")
    >>> try:
    ...     check_parquet(path)
    ... except DataError as err:
    ...     print(str(err).partition(": ")[2][:40])
    not a readable Parquet file (Parquet mag
    """
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception as err:  # noqa: BLE001 - pyarrow raises several error types
        reason = " ".join(str(err).split())[:200]
        raise DataError(f"{path}: not a readable Parquet file ({reason})") from None
    cells = metadata.num_rows * metadata.num_columns
    if cells > max_cells:
        raise DataError(f"{path}: the file declares {cells} cells; the limit is {max_cells}")
    size = sum(metadata.row_group(k).total_byte_size for k in range(metadata.num_row_groups))
    if size > max_bytes:
        raise DataError(f"{path}: the file unpacks to {size} bytes; the limit is {max_bytes}")


def _read_parquet(path: Path) -> pd.DataFrame:
    check_parquet(path)
    try:
        return pd.read_parquet(path)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several error types
        reason = " ".join(str(err).split())[:200]
        raise DataError(f"{path}: not a readable Parquet file ({reason})") from None


def read_order_table(path: str | Path, sheet: str | int | None = None) -> pd.DataFrame:
    r"""Read an order-log file as it is, one column per file column.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.txt`` (UTF-8, BOM or GBK/GB18030; comma, semicolon or tab),
        ``.xlsx`` or ``.parquet`` file.
    sheet : str or int, optional
        XLSX sheet name or 0-based number (default: the first sheet).

    Returns
    -------
    DataFrame
        CSV cells as text (missing as NaN); XLSX and Parquet cells as stored. The
        index is the spreadsheet row number (the header is row 1), whatever the format.

    Raises
    ------
    DataError
        If the file is missing, empty, of an unknown type or unreadable, or has a
        header but no rows.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text("customer_id,date,amount\n007,2024-01-02,9.5\n")
    >>> read_order_table(p)
        customer_id        date amount
    row
    2           007  2024-01-02    9.5
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ORDER_EXTENSIONS:
        raise DataError(f"{path}: unknown file type {suffix!r}; allowed: {list(ORDER_EXTENSIONS)}")
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: the file is empty")
    if suffix == ".parquet":
        frame = _read_parquet(path)
    elif suffix in (".csv", ".txt"):
        frame = _read_csv(path, dtype=str)  # text cells: ids keep their zeros
    else:
        frame, _ = _read_xlsx(path, sheet)
    frame.columns = [str(column).strip() for column in frame.columns]
    if frame.empty:
        raise DataError(f"{path}: the file has a header but no orders")
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    return frame


def _refuse_booleans(
    path: Path, sheet: str | int | None, file_columns: list[str], fields: dict[str, str]
) -> None:
    """A TRUE/FALSE cell is read as 1/0: refuse it in every field but ``group_order``."""
    cells = unread_cells(path, 0 if sheet is None else sheet)
    booleans = cells[(cells["kind"] == "boolean") & (cells["row"] > 1)]
    for field, column in fields.items():
        if field == GROUP_ORDER or column not in file_columns:
            continue
        found = booleans[booleans["position"] == file_columns.index(column)]
        if len(found):
            first = found.iloc[0]
            raise DataError(
                f"{path}: column {preview(column)} ({field}) row {first['row']}: "
                f"{first['value']} is not a valid {field} ({len(found)} TRUE/FALSE cells in all); "
                "a boolean is read as 1 or 0"
            )


def read_order_log(
    path: str | Path, mapping: ColumnMapping | None = None, sheet: str | int | None = None
) -> RawOrders:
    r"""Read an order-log file and rename its columns to the order-frame fields.

    Parameters
    ----------
    path : str or Path
        The file (see :func:`read_order_table`).
    mapping : ColumnMapping, optional
        Which file column is which field (default: columns named as the fields).
    sheet : str or int, optional
        XLSX sheet.

    Returns
    -------
    RawOrders

    Raises
    ------
    DataError
        As :func:`read_order_table`, or if a mapped column is not in the file
        (naming the field, the column and the file's columns), or if an XLSX cell of
        a field other than ``group_order`` is TRUE/FALSE (read as 1/0 otherwise).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text("client,day,total,note\n7,2024-01-02,9.5,x\n")
    >>> raw = read_order_log(p, ColumnMapping(customer_id="client", date="day", amount="total"))
    >>> raw.data.columns.tolist()
    ['customer_id', 'date', 'amount']
    """
    mapping = mapping or ColumnMapping()
    table = read_order_table(path, sheet)
    columns = mapping.resolve(list(table.columns), str(path))
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        _refuse_booleans(Path(path), sheet, list(table.columns), columns)
    data = table[list(columns.values())].copy()
    data.columns = list(columns)
    return RawOrders(
        data=data,
        source=str(path),
        date_format=mapping.date_format,
        max_amount=mapping.max_amount,
    )
