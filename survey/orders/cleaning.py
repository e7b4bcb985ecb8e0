"""Clean a raw order log into an order frame, recording every step.

Each rule that touched the log is one row of the cleaning log with columns
``what`` (the rule), ``column`` (the field), ``count`` (rows affected), ``rows``
(the first file rows, as text), ``example`` (a value as read, never from a column
other than ``column``; phone numbers, e-mails, IP addresses and ID numbers replaced by
placeholders and text beyond 60 characters cut) and ``why``. Rules, in order:

``missing customer id`` (rows dropped); ``customer id normalised`` (ids written as
numbers and as texts made one text: ``12``, ``"12"``, ``12.0`` and ``" 12 "`` are
customer ``"12"``; a non-whole number is an error); ``missing date``,
``unparsable date``, ``missing amount``, ``unparsable amount`` (rows dropped);
``duplicate order id`` (later rows with an order id already seen dropped);
``exact duplicate rows`` (kept unless ``drop_duplicates``: without an order id two
identical purchases on one day cannot be told from a double export, and the CDNOW
log has 21 such rows); ``refund matched`` (a negative amount is subtracted from the
order it refunds: the earlier order with the same order id when the log has order
ids, else the customer's latest order on or before the refund's date; the refund
row itself is dropped); ``fully refunded order removed`` (its amount fell to 0 or
below); ``unmatched refund`` (a negative amount with no earlier order of that
customer, dropped); ``zero amount`` (kept as a purchase occasion that adds nothing
to spend, or dropped with ``zero_amounts="drop"``).

An amount that reads as a number but is not finite (``inf``) or whose absolute value
exceeds :data:`MAX_AMOUNT` is not cleaned but refused: one line naming the file, the
column, the first such row and how many there are. Such a value is a broken export or
a typo, and dropping it silently would change revenue; keeping it overflows the
order-value statistics (an amount of 1e300 made the AOV standard error ``inf``).
So is a ``segment`` column that looks like an identifier
(:func:`survey.identifiers.identifier_reason`: personal data among its levels, or more
than half the customers with a level of their own).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype, is_string_dtype

from survey.errors import DataError
from survey.identifiers import identifier_reason
from survey.orders.frame import (
    AMOUNT,
    CHANNEL,
    CUSTOMER,
    DATE,
    GROUP_ORDER,
    ORDER_ID,
    QUANTITY,
    SEGMENT,
    as_order_frame,
)
from survey.orders.io import RawOrders
from survey.redact import preview, redact, shorten

LOG_COLUMNS: Final = ["what", "column", "count", "rows", "example", "why"]
#: Largest absolute order amount accepted (``max_amount`` in the column mapping or
#: ``clean_orders(max_amount=...)`` changes it).
#: One order of a billion in any currency is far beyond retail, and below it the sums of
#: squares behind the order-value standard errors stay finite in float64 for any log
#: that fits in memory (1e18 per order; float64 overflows near 1.8e308).
MAX_AMOUNT: Final = 1e9

_SHOWN = 5  # row numbers listed in a log entry
_WHOLE = re.compile(r"[+-]?\d+\.0*")
_WHOLE_TEXT = r"^([+-]?\d+)\.0*$"
_TRUE = {"true", "yes", "y", "1", "1.0", "t"}
_FALSE = {"false", "no", "n", "0", "0.0", "f"}


@dataclass
class CleanedOrders:
    """An order log ready for analysis.

    Attributes
    ----------
    orders : DataFrame
        The order frame (:mod:`survey.orders.frame`).
    log : DataFrame
        The cleaning log (columns ``what, column, count, rows, example, why``).
    n_read : int
        Rows in the file.
    source : str
        The file.
    """

    orders: pd.DataFrame
    log: pd.DataFrame
    n_read: int
    source: str


def _shown(value: object) -> str:
    """A cell as the log's ``example`` shows it: personal data redacted, long text cut."""
    return shorten(redact(str(value)))


class _Log:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def add(self, what: str, column: str, flagged: pd.Series, values: pd.Series, why: str) -> None:
        """One entry for the rows flagged True (index = file rows), if any."""
        count = int(flagged.sum())
        if not count:
            return
        rows = flagged.index[flagged.to_numpy()]
        shown = ", ".join(str(row) for row in rows[:_SHOWN])
        more = f" (+{count - _SHOWN} more)" if count > _SHOWN else ""
        example = values[flagged].iloc[0]
        self.rows.append(
            {
                "what": what,
                "column": column,
                "count": count,
                "rows": shown + more,
                "example": None if pd.isna(example) else _shown(example),
                "why": why,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=LOG_COLUMNS).astype({"count": "int64"})


def _per_value(
    values: pd.Series, function: Callable[[object], object], missing: object
) -> np.ndarray:
    """``function`` of each cell, computed once per distinct value (``missing`` for NaN)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = [function(value) for value in uniques]
    results[-1] = missing
    return results[codes]


def _blank(values: pd.Series) -> pd.Series:
    if is_numeric_dtype(values.dtype) or is_datetime64_any_dtype(values.dtype):
        return values.isna()
    if is_string_dtype(values.dtype) and values.dtype != object:
        return values.isna() | (values.str.strip() == "")
    blank = _per_value(values, lambda v: isinstance(v, str) and not v.strip(), True)
    return pd.Series(blank.astype(bool), index=values.index)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool | np.bool_)


def _id_text(value: object, column: str, source: str) -> str:
    if isinstance(value, bool | np.bool_):
        raise DataError(
            f"{source}: column {column}: {preview(value)} is not an id; allowed: text or whole "
            "numbers"
        )
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not float(value).is_integer():
            raise DataError(
                f"{source}: column {column}: id {preview(value)} is not a whole number; allowed: "
                "text or whole numbers (read the column as text)"
            )
        return str(int(value))
    text = str(value).strip()
    return text.split(".")[0] if "." in text and _WHOLE.fullmatch(text) else text


def normalise_ids(values: pd.Series, column: str = CUSTOMER, source: str = "") -> pd.Series:
    """Ids as one text each, whether the file wrote them as numbers or texts.

    Whole numbers become their digits (``12``, ``12.0`` and ``"12.0"`` → ``"12"``),
    texts lose surrounding spaces, and everything else is kept as written (``"007"``
    stays ``"007"``). Each distinct value is converted once.

    Parameters
    ----------
    values : Series
        Ids as read (a missing one stays missing).
    column : str
        The column, for error messages.
    source : str
        The file, for error messages.

    Returns
    -------
    Series
        Pandas string dtype, same index.

    Raises
    ------
    DataError
        If an id is a non-whole number or a boolean.

    Examples
    --------
    >>> normalise_ids(pd.Series([12, "12", 12.0, " 12 ", "007", "A-1"], dtype=object)).tolist()
    ['12', '12', '12', '12', '007', 'A-1']
    """
    if is_string_dtype(values.dtype) and values.dtype != object:
        # text ids (CSV, Parquet): vectorised over the distinct ids
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = pd.Series(uniques, dtype="str").str.strip()
        texts = texts.str.replace(_WHOLE_TEXT, r"\1", regex=True)
        out = texts.take(np.maximum(codes, 0)).where(codes >= 0)
        return pd.Series(out.to_numpy(), index=values.index, dtype="str")
    # Python objects (XLSX cells of several types): one conversion per distinct id
    texts = _per_value(values, lambda value: _id_text(value, column, source), None)
    return pd.Series(texts, index=values.index, dtype="str")


def _parse_dates(values: pd.Series, date_format: str | None, source: str) -> pd.Series:
    if is_datetime64_any_dtype(values.dtype):
        dates = values.dt.tz_convert(None) if getattr(values.dt, "tz", None) else values
        return dates.astype("datetime64[ns]")
    if values.dtype == object:
        is_stamp = _per_value(values, lambda v: isinstance(v, pd.Timestamp | np.datetime64), False)
        stamps = pd.Series(is_stamp.astype(bool), index=values.index)
    else:
        stamps = pd.Series(False, index=values.index)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if stamps.any():
        out[stamps] = pd.to_datetime(values[stamps]).astype("datetime64[ns]")
    text = values[~stamps].astype("str").str.strip()
    fmt = date_format or "ISO8601"
    # each distinct text parsed once: logs repeat dates
    codes, uniques = pd.factorize(text)
    # utc=True: texts with an offset (2024-01-02T10:00+08:00) become UTC wall time, as
    # time-zone-aware Parquet timestamps do; texts without one are taken as they are
    try:
        parsed = pd.to_datetime(
            pd.Series(uniques, dtype="str"), format=fmt, errors="coerce", utc=True
        ).dt.tz_convert(None)
    except ValueError as err:
        raise DataError(
            f"{source}: date_format {preview(fmt)} is not a strftime format ({err})"
        ) from None
    # dates outside 1677-2262 (the nanosecond range) cannot be order dates: unparsable
    parsed = parsed.where(parsed.between(pd.Timestamp.min, pd.Timestamp.max))
    days = np.append(parsed.astype("datetime64[ns]").to_numpy(), np.datetime64("NaT", "ns"))
    out[~stamps] = days[codes]  # code -1 (a missing cell) takes the NaT appended last
    return out


def _parse_bool(values: pd.Series, column: str, source: str) -> pd.Series:
    if values.dtype == bool:
        return values
    text = values.astype("str").str.strip().str.casefold()
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        raise DataError(
            f"{source}: column {column}: {int(bad.sum())} value(s) not true/false, e.g. "
            f"{preview(values[bad].iloc[0])} (row {values.index[bad][0]}); allowed: "
            f"{sorted(_TRUE)} or {sorted(_FALSE)}"
        )
    return text.isin(_TRUE)


def _parse_quantity(values: pd.Series, column: str, source: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers % 1 != 0)
    if bad.any():
        raise DataError(
            f"{source}: column {column}: {int(bad.sum())} value(s) not whole numbers, e.g. "
            f"{preview(values[bad].iloc[0])} (row {values.index[bad][0]}); allowed: whole "
            "numbers"
        )
    return numbers.astype("int64")


def _refuse_absurd(parsed: pd.Series, raw: pd.Series, max_amount: float, source: str) -> None:
    """Raise if an amount read as a number is not finite or beyond ``max_amount``."""
    numbers = parsed.astype("float64")
    bad = numbers.notna() & ~(numbers.abs() <= max_amount)
    if bad.any():
        first = bad.to_numpy().argmax()
        raise DataError(
            f"{source}: column {AMOUNT}: {int(bad.sum())} amount(s) not finite or beyond "
            f"{max_amount:g} in absolute value, first in row {raw.index[first]} "
            f"({preview(raw.iloc[first])}); allowed: finite amounts of at most "
            f"{max_amount:g} (max_amount)"
        )


def _required(
    data: pd.DataFrame, log: _Log, date_format: str | None, source: str, max_amount: float
) -> pd.DataFrame:
    """Customer id, date and amount parsed; rows where one is missing or unreadable dropped."""
    missing = _blank(data[CUSTOMER])
    log.add(
        "missing customer id",
        CUSTOMER,
        missing,
        data[CUSTOMER],
        "an order needs a customer; dropped",
    )
    data = data[~missing.to_numpy()].copy()
    raw_ids = data[CUSTOMER]
    data[CUSTOMER] = normalise_ids(raw_ids, CUSTOMER, source)
    changed = raw_ids.astype("str") != data[CUSTOMER]
    numbers = (
        pd.Series(_per_value(raw_ids, _is_number, False).astype(bool), index=raw_ids.index)
        if raw_ids.dtype == object
        else pd.Series(is_numeric_dtype(raw_ids.dtype), index=raw_ids.index)
    )
    mixed = numbers.any() and (~numbers).any()
    log.add(
        "customer id normalised",
        CUSTOMER,
        changed | (numbers & mixed),
        raw_ids,
        "ids written as numbers and as texts (12, '12', 12.0) are the same customer: "
        "whole numbers written as digits, spaces trimmed",
    )
    checks = [(DATE, "date", _parse_dates(data[DATE], date_format, source))]
    amounts = data[AMOUNT]
    parsed = (
        amounts
        if is_numeric_dtype(amounts.dtype)
        else pd.to_numeric(amounts.astype("str").str.strip(), errors="coerce")
    )
    _refuse_absurd(parsed, amounts, max_amount, source)
    parsed = parsed.astype("float64").where(np.isfinite(parsed.astype("float64")))
    checks.append((AMOUNT, "amount", parsed))
    keep = pd.Series(True, index=data.index)
    for column, label, values in checks:
        missing = _blank(data[column])
        allowed = (
            f"format {date_format!r}"
            if column == DATE and date_format
            else "ISO 8601 (2024-01-31, 2024-01-31 13:45) or a date_format in the mapping"
            if column == DATE
            else "a finite number (decimal point)"
        )
        log.add(f"missing {label}", column, missing, data[column], "dropped")
        log.add(
            f"unparsable {label}",
            column,
            values.isna() & ~missing,
            data[column],
            f"dropped; allowed: {allowed}",
        )
        keep &= values.notna()
        data[column] = values
    return data[keep.to_numpy()]


def _duplicates(data: pd.DataFrame, log: _Log, drop: bool) -> pd.DataFrame:
    purchases = data[AMOUNT] >= 0
    if ORDER_ID in data.columns:
        has_id = ~_blank(data[ORDER_ID])
        again = purchases & has_id & data[ORDER_ID].where(purchases & has_id).duplicated()
        log.add(
            "duplicate order id",
            ORDER_ID,
            again & has_id,
            data[ORDER_ID],
            "an order id already seen in an earlier row; the later row dropped",
        )
        data = data[~(again & has_id).to_numpy()]
    dup = data.duplicated(keep="first")
    log.add(
        "exact duplicate rows",
        "all",
        dup,
        data[CUSTOMER],
        "dropped (drop_duplicates)"
        if drop
        else "kept: without distinct order ids two identical orders on one day cannot be "
        "told from a double export (--drop-duplicates drops them)",
    )
    return data[~dup.to_numpy()] if drop else data


def _refunds(data: pd.DataFrame, log: _Log) -> pd.DataFrame:
    refund = data[AMOUNT] < 0
    if not refund.any():
        return data
    orders = data[~refund.to_numpy()].assign(_row=lambda d: np.arange(len(d)))
    refunds = data[refund.to_numpy()].assign(_file_row=lambda d: d.index)
    target = pd.Series(-1, index=refunds.index, dtype="int64")
    if ORDER_ID in data.columns:
        by_id = orders.dropna(subset=[ORDER_ID]).drop_duplicates(ORDER_ID)
        found = refunds[[CUSTOMER, ORDER_ID]].merge(
            by_id[[CUSTOMER, ORDER_ID, "_row"]], on=[CUSTOMER, ORDER_ID], how="left"
        )["_row"]
        target[:] = found.fillna(-1).astype("int64").to_numpy()
    rest = target < 0
    if rest.any():
        left = refunds[rest.to_numpy()].sort_values(DATE, kind="stable")
        right = orders[[CUSTOMER, DATE, "_row"]].sort_values(DATE, kind="stable")
        matched = pd.merge_asof(
            left[[CUSTOMER, DATE, "_file_row"]], right, on=DATE, by=CUSTOMER, direction="backward"
        )
        target[matched["_file_row"].to_numpy()] = (
            matched["_row"].fillna(-1).astype("int64").to_numpy()
        )
    unmatched = target < 0
    how = "the earlier order with its order id, else " if ORDER_ID in data.columns else ""
    log.add(
        "unmatched refund",
        AMOUNT,
        unmatched,
        refunds[AMOUNT],
        "a negative amount with no earlier order of that customer to refund; dropped",
    )
    log.add(
        "refund matched",
        AMOUNT,
        ~unmatched,
        refunds[AMOUNT],
        f"subtracted from the order it refunds ({how}the customer's latest order on or "
        "before the refund's date); the refund row dropped",
    )
    refunded = np.bincount(
        target[~unmatched].to_numpy(),
        weights=refunds.loc[~unmatched, AMOUNT].to_numpy(),
        minlength=len(orders),
    )
    orders[AMOUNT] = orders[AMOUNT].to_numpy() + refunded
    gone = pd.Series((refunded < 0) & (orders[AMOUNT].to_numpy() <= 1e-9), index=orders.index)
    log.add(
        "fully refunded order removed",
        AMOUNT,
        gone,
        orders[AMOUNT] - refunded,
        "refunds took its amount to 0 or below (any excess is ignored); not a purchase",
    )
    return orders[~gone.to_numpy()].drop(columns="_row")


def _optional(data: pd.DataFrame, source: str) -> pd.DataFrame:
    for column in (ORDER_ID,):
        if column in data.columns:
            present = ~_blank(data[column])
            data[column] = normalise_ids(data[column].where(present, "").fillna(""), column, source)
            data.loc[~present.to_numpy(), column] = np.nan
    for column in (CHANNEL, SEGMENT):
        if column in data.columns:
            data[column] = data[column].astype("str").str.strip().where(~_blank(data[column]))
    if SEGMENT in data.columns:
        reason = identifier_reason(data[SEGMENT], data[CUSTOMER], people="customers")
        if reason:
            raise DataError(
                f"{source}: column {SEGMENT} looks like an identifier: {reason}; a segment "
                "must group customers (e.g. tier, region): map another column or none"
            )
    if GROUP_ORDER in data.columns:
        data[GROUP_ORDER] = _parse_bool(data[GROUP_ORDER], GROUP_ORDER, source)
    if QUANTITY in data.columns:
        data[QUANTITY] = _parse_quantity(data[QUANTITY], QUANTITY, source)
    return data


def clean_orders(
    raw: RawOrders,
    *,
    drop_duplicates: bool = False,
    zero_amounts: Literal["keep", "drop"] = "keep",
    max_amount: float | None = None,
) -> CleanedOrders:
    """Parse and clean a raw order log (rules in the module docstring).

    Parameters
    ----------
    raw : RawOrders
        From :func:`survey.orders.io.read_order_log`.
    drop_duplicates : bool, default False
        Drop exact duplicate rows (always logged).
    zero_amounts : {'keep', 'drop'}, default 'keep'
        What to do with orders of amount 0 (always logged).
    max_amount : float, optional
        Largest absolute amount accepted; a larger or non-finite amount is an error.
        Default: the mapping's ``max_amount`` (``raw.max_amount``), else
        :data:`MAX_AMOUNT` (1e9).

    Returns
    -------
    CleanedOrders

    Raises
    ------
    DataError
        If an id is a non-whole number, a group_order or quantity value cannot be
        read (one line naming file, column, row and the allowed values), if an
        amount is not finite or beyond ``max_amount``, if the segment column looks
        like an identifier, or if no order is left.

    Examples
    --------
    >>> raw = RawOrders(pd.DataFrame({"customer_id": ["1", "1", "1", None],
    ...     "date": ["2024-01-02", "2024-01-09", "2024-01-10", "2024-01-11"],
    ...     "amount": ["10", "4", "-4", "3"]}, index=pd.RangeIndex(2, 6)), "log.csv")
    >>> cleaned = clean_orders(raw)
    >>> cleaned.orders["amount"].tolist()
    [10.0]
    >>> cleaned.log[["what", "count", "rows"]]
                               what  count rows
    0           missing customer id      1    5
    1                refund matched      1    4
    2  fully refunded order removed      1    3
    >>> clean_orders(RawOrders(pd.DataFrame({"customer_id": ["1", "2"],
    ...     "date": ["2024-01-02", "2024-01-03"], "amount": ["10", "1e300"]},
    ...     index=pd.RangeIndex(2, 4)), "log.csv"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    survey.errors.DataError: log.csv: column amount: 1 amount(s) not finite ... row 3 ('1e300')...
    """
    if zero_amounts not in ("keep", "drop"):
        raise DataError(f"zero_amounts: {zero_amounts!r}; allowed: 'keep', 'drop'")
    if max_amount is None:
        max_amount = MAX_AMOUNT if raw.max_amount is None else raw.max_amount
    if not max_amount > 0:
        raise DataError(f"max_amount: {max_amount!r}; allowed: a positive number")
    log = _Log()
    data = _required(raw.data, log, raw.date_format, raw.source, max_amount)
    data = _optional(data, raw.source)
    data = _duplicates(data, log, drop_duplicates)
    data = _refunds(data, log)
    zero = data[AMOUNT] == 0
    log.add(
        "zero amount",
        AMOUNT,
        zero,
        data[AMOUNT],
        "dropped"
        if zero_amounts == "drop"
        else "kept: a purchase occasion that adds nothing to spend",
    )
    if zero_amounts == "drop":
        data = data[~zero.to_numpy()]
    if data.empty:
        raise DataError(
            f"{raw.source}: no order left after cleaning ({len(raw.data)} rows read; "
            + "; ".join(f"{row['what']}: {row['count']}" for row in log.rows)
            + ")"
        )
    return CleanedOrders(as_order_frame(data), log.frame(), len(raw.data), raw.source)
