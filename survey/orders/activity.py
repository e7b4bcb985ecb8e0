"""Activity at the end of a log: orders per buyer over a year, and inactive customers.

Both statistics look back from an observation end (default: the last order's day)
and are defined as the model's own, so the model's simulated log gives the same
figures: ``orders_per_buyer`` is the run summary's (orders in the last 365 days per
customer with an order in them).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.orders.frame import CUSTOMER, DATE, check_orders
from survey.orders.rfm import as_day, first_purchase_day, purchase_days


def _end_day(orders: pd.DataFrame, observation_end: object | None) -> int:
    end = (
        orders[DATE].max()
        if observation_end is None
        else as_day(observation_end, "observation_end")
    )
    return int(np.datetime64(end.normalize(), "D").astype(np.int64))


def orders_per_buyer(
    orders: pd.DataFrame, *, window_days: int = 365, observation_end: object | None = None
) -> pd.DataFrame:
    """Orders per buyer over the last ``window_days`` days of the log.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`); every row is an order.
    window_days : int, default 365
        The look-back window (days), ending with ``observation_end`` included.
    observation_end : date, optional
        Default: the day of the last order.

    Returns
    -------
    DataFrame
        One row: ``orders_per_buyer`` (orders in the window over ``n``, the customers
        with an order in it), ``se`` (SD of orders per buyer over √n), ``n``,
        ``window_start``, ``window_end`` and ``covered`` (False when the log starts
        after ``window_start``: the figure then covers a shorter span).

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": ["2023-01-01", "2024-03-01", "2024-06-01", "2024-06-30"], "amount": 1.0}))
    >>> orders_per_buyer(orders)[["orders_per_buyer", "se", "n", "covered"]]
       orders_per_buyer   se  n  covered
    0               1.5  0.5  2     True
    """
    if window_days < 1:
        raise ValueError(f"window_days {window_days} must be 1 or more")
    check_orders(orders)
    end = _end_day(orders, observation_end)
    day = orders[DATE].to_numpy().astype("datetime64[D]").astype(np.int64)
    inside = (day > end - window_days) & (day <= end)
    codes, _ = pd.factorize(orders[CUSTOMER][inside])
    counts = np.bincount(codes).astype(float)
    n = counts.size
    return pd.DataFrame(
        {
            "orders_per_buyer": [counts.mean() if n else np.nan],
            "se": [counts.std(ddof=1) / math.sqrt(n) if n > 1 else np.nan],
            "n": [n],
            "window_start": [pd.Timestamp(np.datetime64(end - window_days + 1, "D"))],
            "window_end": [pd.Timestamp(np.datetime64(end, "D"))],
            "covered": [bool(day.min() <= end - window_days + 1)],
        }
    )


def inactive_share(
    orders: pd.DataFrame,
    *,
    window_days: int = 90,
    observation_end: object | None = None,
    transactions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of customers without an order in the last ``window_days`` days (churned).

    Parameters
    ----------
    orders : DataFrame
        An order frame.
    window_days : int, default 90
        Inactivity that counts as churn (days).
    observation_end : date, optional
        Default: the day of the last order.
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    DataFrame
        One row: ``inactive_share``, its binomial ``se``, ``n`` (customers who first
        bought at least ``window_days`` days before the end: only they can have been
        inactive that long), ``inactive`` and ``window_days``.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "date": ["2024-01-01", "2024-06-01", "2024-01-05", "2024-06-20"], "amount": 1.0}))
    >>> inactive_share(orders, window_days=90, observation_end="2024-06-30").round(4)
       inactive_share      se  n  inactive  window_days
    0             0.5  0.3536  2         1           90
    """
    if window_days < 1:
        raise ValueError(f"window_days {window_days} must be 1 or more")
    end = _end_day(orders, observation_end)
    customer, day = purchase_days(orders, transactions)
    in_log = day <= end
    customer, day = customer[in_log], day[in_log]
    first = first_purchase_day(customer, day)
    last = np.full(first.size, np.iinfo(np.int64).min)
    np.maximum.at(last, customer, day)
    eligible = first <= end - window_days
    inactive = int((last[eligible] <= end - window_days).sum())
    n = int(eligible.sum())
    share = inactive / n if n else np.nan
    return pd.DataFrame(
        {
            "inactive_share": [share],
            "se": [math.sqrt(share * (1 - share) / n) if n else np.nan],
            "n": [n],
            "inactive": [inactive],
            "window_days": [window_days],
        }
    )
