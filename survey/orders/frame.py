"""The order frame: the one table every order-log function reads.

One row per order. Required columns: ``customer_id`` (pandas string dtype),
``date`` (``datetime64[ns]``) and ``amount`` (``float64``, ≥ 0: a zero-amount order is
a purchase occasion that adds nothing to spend, as in the CDNOW log). Optional:
``order_id``, ``channel``, ``segment`` (strings), ``group_order`` (bool) and
``quantity`` (int64). The model writes its simulated orders in this schema
(``orders.parquet``), and :func:`write_orders` / :func:`read_orders` round-trip it
exactly.

Examples
--------
>>> orders = pd.DataFrame({"customer_id": ["a", "a", "b"],
...                        "date": pd.to_datetime(["2024-01-02", "2024-02-01", "2024-01-05"]),
...                        "amount": [10.0, 5.5, 20.0]})
>>> check_orders(as_order_frame(orders)).dtypes.astype(str).to_dict()
{'customer_id': 'str', 'date': 'datetime64[ns]', 'amount': 'float64'}
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_integer_dtype, is_string_dtype

from survey.errors import DataError

CUSTOMER: Final = "customer_id"
DATE: Final = "date"
AMOUNT: Final = "amount"
ORDER_ID: Final = "order_id"
CHANNEL: Final = "channel"
SEGMENT: Final = "segment"
GROUP_ORDER: Final = "group_order"
QUANTITY: Final = "quantity"

#: Columns every order frame has.
REQUIRED: Final = (CUSTOMER, DATE, AMOUNT)
#: Columns an order frame may have, each with its dtype.
OPTIONAL: Final = (ORDER_ID, CHANNEL, SEGMENT, GROUP_ORDER, QUANTITY)
#: The column order of an order frame.
COLUMNS: Final = REQUIRED + OPTIONAL
#: Text columns (pandas string dtype).
TEXT: Final = (CUSTOMER, ORDER_ID, CHANNEL, SEGMENT)

_DTYPES: Final = {
    CUSTOMER: "str",
    DATE: "datetime64[ns]",
    AMOUNT: "float64",
    ORDER_ID: "str",
    CHANNEL: "str",
    SEGMENT: "str",
    GROUP_ORDER: "bool",
    QUANTITY: "int64",
}


def as_order_frame(orders: pd.DataFrame) -> pd.DataFrame:
    """Cast the known columns of a frame to the order-frame dtypes, in schema order.

    Parameters
    ----------
    orders : DataFrame
        Orders with at least ``customer_id``, ``date`` and ``amount``; columns
        outside the schema are dropped.

    Returns
    -------
    DataFrame
        A new frame with a fresh 0..n-1 index.

    Raises
    ------
    DataError
        If a required column is missing or a column cannot take its dtype.

    Examples
    --------
    >>> as_order_frame(pd.DataFrame({"customer_id": [7], "date": ["2024-01-02"],
    ...                              "amount": [3], "note": ["x"]})).columns.tolist()
    ['customer_id', 'date', 'amount']
    """
    missing = [column for column in REQUIRED if column not in orders.columns]
    if missing:
        raise DataError(f"order frame: missing column(s) {missing}; required: {list(REQUIRED)}")
    columns = [column for column in COLUMNS if column in orders.columns]
    out = orders[columns].reset_index(drop=True).copy()
    for column in columns:
        try:
            out[column] = out[column].astype(_DTYPES[column])
        except (TypeError, ValueError) as err:
            raise DataError(
                f"order frame: column {column!r} cannot be {_DTYPES[column]} ({err})"
            ) from None
    return out


def _dtype_ok(column: str, series: pd.Series) -> bool:
    if column in TEXT:
        return is_string_dtype(series.dtype) and series.dtype != object
    if column == DATE:
        return series.dtype == np.dtype("datetime64[ns]")
    if column == GROUP_ORDER:
        return is_bool_dtype(series.dtype)
    if column == QUANTITY:
        return is_integer_dtype(series.dtype)
    return series.dtype == np.float64


def check_orders(orders: pd.DataFrame, source: str = "order frame") -> pd.DataFrame:
    """Check that a frame is an order frame (module docstring) and return it.

    Parameters
    ----------
    orders : DataFrame
        The frame to check.
    source : str, default "order frame"
        What to call it in an error message (a file name).

    Returns
    -------
    DataFrame
        ``orders``, unchanged.

    Raises
    ------
    DataError
        One line naming the first problem: a missing required column, a column of
        the wrong dtype, a missing value in a required column, a negative or
        non-finite amount, or an empty frame.

    Examples
    --------
    >>> bad = pd.DataFrame({"customer_id": ["a"], "date": pd.to_datetime(["2024-01-02"]),
    ...                     "amount": [-1.0]})
    >>> check_orders(as_order_frame(bad), "log.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    survey.errors.DataError: log.csv: column 'amount' has 1 negative or non-finite value(s); ...
    """
    missing = [column for column in REQUIRED if column not in orders.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {missing}; required: {list(REQUIRED)}")
    if orders.empty:
        raise DataError(f"{source}: no orders")
    for column in [column for column in COLUMNS if column in orders.columns]:
        if not _dtype_ok(column, orders[column]):
            raise DataError(
                f"{source}: column {column!r} is {orders[column].dtype}; "
                f"allowed: {_DTYPES[column]} (use as_order_frame)"
            )
    for column in REQUIRED:
        n_missing = int(orders[column].isna().sum())
        if n_missing:
            raise DataError(f"{source}: column {column!r} has {n_missing} missing value(s)")
    bad = ~np.isfinite(orders[AMOUNT].to_numpy()) | (orders[AMOUNT].to_numpy() < 0)
    if bad.any():
        raise DataError(
            f"{source}: column {AMOUNT!r} has {int(bad.sum())} negative or non-finite "
            "value(s); allowed: amounts >= 0"
        )
    return orders


def write_orders(orders: pd.DataFrame, path: str | Path) -> Path:
    """Write an order frame as Parquet (``orders.parquet``), checked first.

    Parameters
    ----------
    orders : DataFrame
        An order frame.
    path : str or Path
        The Parquet file.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-02"],
    ...                                       "amount": [1.0], "group_order": [True]}))
    >>> path = write_orders(orders, Path(tempfile.mkdtemp()) / "orders.parquet")
    >>> read_orders(path).equals(orders)
    True
    """
    path = Path(path)
    check_orders(orders).to_parquet(path, index=False)
    return path


def read_orders(path: str | Path) -> pd.DataFrame:
    """Read an order frame written by :func:`write_orders`.

    Parameters
    ----------
    path : str or Path
        A Parquet file in the order-frame schema.

    Returns
    -------
    DataFrame
        The order frame, with the dtypes it was written with.

    Raises
    ------
    DataError
        If the file is missing, not Parquet, or not an order frame.

    Examples
    --------
    >>> read_orders("no/such.parquet")
    Traceback (most recent call last):
    survey.errors.DataError: no/such.parquet: no such file
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        orders = pd.read_parquet(path)
    except Exception as err:  # noqa: BLE001 - pyarrow raises several error types
        raise DataError(f"{path}: not a readable Parquet file ({err})") from None
    return check_orders(orders, str(path))
