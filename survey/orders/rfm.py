"""Per-customer recency, frequency, T and monetary value of an order log (the BTYD summary)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey._validate import check_columns
from survey.errors import DataError
from survey.orders.frame import check_orders

#: Length of a period in days, by name.
PERIOD_DAYS: dict[str, int] = {"D": 1, "W": 7}


def period_days(period: str) -> int:
    """Length in days of a named period.

    Parameters
    ----------
    period : {'D', 'W'}
        Day or week (7 days).

    Returns
    -------
    int
        Days in one period.

    Examples
    --------
    >>> period_days("W")
    7
    """
    if period not in PERIOD_DAYS:
        raise DataError(f"period {period!r} is not allowed; allowed: {sorted(PERIOD_DAYS)}")
    return PERIOD_DAYS[period]


def as_day(value: object, name: str) -> pd.Timestamp:
    """Parse a date argument to a day (midnight), naming the argument if it cannot be.

    Parameters
    ----------
    value : str, date or Timestamp
        The date.
    name : str
        The argument's name, for the error message.

    Returns
    -------
    Timestamp
        The day, time of day dropped.

    Examples
    --------
    >>> as_day("1997-09-30 18:00", "calibration_end")
    Timestamp('1997-09-30 00:00:00')
    """
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise DataError(f"{name} {value!r} is not a date; allowed: a date such as '1997-09-30'")
    return day.tz_localize(None).normalize() if day.tz is not None else day.normalize()


def daily_transactions(orders: pd.DataFrame) -> pd.DataFrame:
    """Merge each customer's orders of one day into one transaction.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:func:`survey.orders.frame.check_orders`).

    Returns
    -------
    DataFrame
        One row per customer and day with columns ``customer`` (int code of the
        customer, in sorted ``customer_id`` order), ``day`` (int64 days since
        1970-01-01) and ``amount`` (the day's total), sorted by customer and day, and
        the sorted customer ids in ``attrs["customer_ids"]``.

    Notes
    -----
    Buy-till-you-die models count transactions, not orders: several purchases by one
    customer on one day are one transaction (Fader, Hardie & Lee 2005, sec. 4).

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["b", "a", "b"],
    ...                                       "date": ["1997-01-01", "1997-01-02", "1997-01-01"],
    ...                                       "amount": [1.0, 2.0, 3.0]}))
    >>> daily_transactions(orders)
       customer    day  amount
    0         0   9863     2.0
    1         1   9862     4.0
    """
    check_orders(orders)
    day = orders["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    # factorize unsorted (twice as fast), then renumber the customers in sorted id order
    codes, ids = pd.factorize(orders["customer_id"])
    by_id = np.asarray(ids.argsort())
    rank = np.empty(len(ids), dtype=np.int64)
    rank[by_id] = np.arange(len(ids))
    customer = rank[codes]
    # one sort on a (customer, day) key, then sum runs of equal keys
    span = int(day.max() - day.min()) + 1
    key = customer * span + (day - day.min())
    order = np.argsort(key)
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    table = pd.DataFrame(
        {
            "customer": customer[order][starts],
            "day": day[order][starts],
            "amount": np.add.reduceat(orders["amount"].to_numpy(float)[order], starts),
        }
    )
    ids = ids[by_id]
    table.attrs["customer_ids"] = pd.Series(ids, dtype="str")
    return table


def purchase_days(
    orders: pd.DataFrame, transactions: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Customer code and day of each purchase occasion (:func:`daily_transactions`).

    Parameters
    ----------
    orders : DataFrame
        An order frame (:func:`survey.orders.frame.check_orders`).
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` when already computed; it is computed here
        otherwise.

    Returns
    -------
    tuple of numpy.ndarray
        ``customer`` (int codes) and ``day`` (int64 days since 1970-01-01), sorted by
        customer and day.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["b", "a", "b"],
    ...                                       "date": ["1970-01-03", "1970-01-02", "1970-01-03"],
    ...                                       "amount": 1.0}))
    >>> purchase_days(orders)
    (array([0, 1]), array([1, 2]))
    """
    table = daily_transactions(orders) if transactions is None else transactions
    return table["customer"].to_numpy(), table["day"].to_numpy()


def first_purchase_day(customer: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Each customer's first purchase day, indexed by customer code.

    Parameters
    ----------
    customer : numpy.ndarray
        Int customer codes, one per purchase (:func:`purchase_days`).
    day : numpy.ndarray
        The purchases' days.

    Returns
    -------
    numpy.ndarray
        int64, one entry per code up to the largest; a code without a purchase gets
        the largest int64 (later than any day).

    Examples
    --------
    >>> first_purchase_day(np.array([0, 0, 2]), np.array([5, 3, 9])).tolist()
    [3, 9223372036854775807, 9]
    """
    size = int(customer.max()) + 1 if customer.size else 0
    first = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(first, customer, day)
    return first


def customer_summary(
    orders: pd.DataFrame,
    *,
    calibration_end: object,
    period: str = "W",
    observation_end: object | None = None,
) -> pd.DataFrame:
    r"""Frequency, recency, T and monetary value of each customer (the BTYD summary).

    Parameters
    ----------
    orders : DataFrame
        An order frame (:func:`survey.orders.frame.check_orders`): ``customer_id``,
        ``date`` and ``amount`` are used.
    calibration_end : date
        Last day of the calibration period (included).
    period : {'W', 'D'}, default 'W'
        Time unit of ``recency``, ``T`` and ``duration_holdout``: weeks of 7 days or days.
    observation_end : date, optional
        Last day of the holdout period (included); adds the holdout columns.

    Returns
    -------
    DataFrame
        One row per customer whose first purchase is on or before ``calibration_end``,
        sorted by ``customer_id``, with columns:

        * ``customer_id``: the customer (string);
        * ``frequency``: repeat transactions in the calibration period (several orders
          on one day are one transaction; the first purchase is not counted);
        * ``recency``: time of the last repeat transaction minus the first purchase, in
          periods (0 without repeats);
        * ``T``: ``calibration_end`` minus the first purchase, in periods;
        * ``monetary_value``: mean value of the repeat transactions in the calibration
          period (NaN without repeats);
        * ``first_purchase``: the day of the first purchase;
        * with ``observation_end``: ``frequency_holdout`` (transactions after
          ``calibration_end`` up to ``observation_end``) and ``duration_holdout``
          (``observation_end`` minus ``calibration_end``, in periods).

    Notes
    -----
    Times are whole days divided by the period length: a customer who first bought on
    1997-01-01 has :math:`T = (\text{1997-09-30} - \text{1997-01-01}) / 7 = 272/7 =
    38.86` weeks, as in the data of Fader, Hardie & Lee (2005), whose BG/NBD estimates
    this summary reproduces. The monetary value follows Fader & Hardie (2013): the
    first transaction's value is left out.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2),
    275–284.

    Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "a", "a", "b"],
    ...                                       "date": ["1997-01-01", "1997-01-08", "1997-01-08",
    ...                                                "1997-01-29", "1997-01-15"],
    ...                                       "amount": [10.0, 5.0, 7.0, 8.0, 3.0]}))
    >>> customer_summary(orders, calibration_end="1997-01-15")
      customer_id  frequency  recency    T  monetary_value first_purchase
    0           a          1      1.0  2.0            12.0     1997-01-01
    1           b          0      0.0  0.0             NaN     1997-01-15
    """
    length = period_days(period)
    end = as_day(calibration_end, "calibration_end")
    end_day = int(end.to_datetime64().astype("datetime64[D]").astype(np.int64))
    transactions = daily_transactions(orders)
    ids = transactions.attrs["customer_ids"]
    customer = transactions["customer"].to_numpy()
    day = transactions["day"].to_numpy()
    amount = transactions["amount"].to_numpy()
    n_all = len(ids)

    # sorted by customer and day: a customer's first row is the first purchase
    first_row = np.r_[True, customer[1:] != customer[:-1]]
    first = np.full(n_all, np.iinfo(np.int64).max)
    first[customer[first_row]] = day[first_row]
    first_amount = np.zeros(n_all)
    first_amount[customer[first_row]] = amount[first_row]

    in_calibration = day <= end_day
    cal_customer = customer[in_calibration]
    count = np.bincount(cal_customer, minlength=n_all)
    spend = np.bincount(cal_customer, weights=amount[in_calibration], minlength=n_all)
    last = np.full(n_all, np.iinfo(np.int64).min)
    np.maximum.at(last, cal_customer, day[in_calibration])

    keep = first <= end_day
    frequency = count[keep] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(
            frequency > 0, (spend[keep] - first_amount[keep]) / np.maximum(frequency, 1), np.nan
        )
    summary = pd.DataFrame(
        {
            "customer_id": ids[keep].reset_index(drop=True),
            "frequency": frequency.astype(np.int64),
            "recency": (last[keep] - first[keep]) / length,
            "T": (end_day - first[keep]) / length,
            "monetary_value": monetary,
            "first_purchase": first[keep].astype("datetime64[D]").astype("datetime64[ns]"),
        }
    )
    if observation_end is not None:
        stop = as_day(observation_end, "observation_end")
        if stop <= end:
            raise DataError(
                f"observation_end {stop.date()} must be after calibration_end {end.date()}"
            )
        stop_day = int(stop.to_datetime64().astype("datetime64[D]").astype(np.int64))
        in_holdout = (day > end_day) & (day <= stop_day)
        holdout = np.bincount(customer[in_holdout], minlength=n_all)
        summary["frequency_holdout"] = holdout[keep].astype(np.int64)
        summary["duration_holdout"] = (stop_day - end_day) / length
    if summary.empty:
        raise DataError(f"no customer made a first purchase on or before {end.date()}")
    return summary


def check_summary(summary: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Check a customer summary's columns and return them as float arrays.

    Parameters
    ----------
    summary : DataFrame
        A table from :func:`survey.orders.rfm.customer_summary`.
    columns : tuple of str
        Columns needed, among ``frequency``, ``recency``, ``T``, ``monetary_value``.

    Returns
    -------
    dict of str to ndarray
        The columns as float arrays.

    Examples
    --------
    >>> df = pd.DataFrame({"frequency": [1], "recency": [2.0], "T": [3.0]})
    >>> check_summary(df, ("frequency", "recency", "T"))["T"]
    array([3.])
    """
    check_columns(summary, list(columns))
    arrays = {}
    for column in columns:
        try:
            values = summary[column].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise DataError(f"column {column!r} must hold numbers") from None
        if column != "monetary_value" and not np.isfinite(values).all():
            raise DataError(f"column {column!r} holds missing or infinite values")
        if (values < 0).any():
            raise DataError(f"column {column!r} holds negative values; allowed: >= 0")
        arrays[column] = values
    if "frequency" in arrays and (arrays["frequency"] != np.round(arrays["frequency"])).any():
        raise DataError("column 'frequency' holds non-integers; allowed: whole counts")
    if {"recency", "T"} <= arrays.keys() and (arrays["recency"] > arrays["T"] + 1e-9).any():
        raise DataError("column 'recency' exceeds 'T' for some customers; allowed: recency <= T")
    if not len(summary):
        raise DataError("the customer summary is empty")
    return arrays
