r"""Monthly cohort retention, churn being inactivity over a window.

A customer belongs to the cohort of the month of their first purchase. At the end of
each month they are *active* if they bought in the ``churn_window_days`` days up to
and including that day, and churned otherwise; a churned customer who buys again is
active again (this is an activity curve, not a survival curve).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.orders.rfm import as_day, first_purchase_day, purchase_days


def _month_end(month: np.ndarray) -> np.ndarray:
    """Last day (days since 1970-01-01) of months counted since 1970-01."""
    return (month + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1


def _month(day: np.ndarray) -> np.ndarray:
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def cohort_retention(
    orders: pd.DataFrame,
    *,
    churn_window_days: int = 90,
    observation_end: object | None = None,
    transactions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""Share of each monthly cohort active at the end of each later month.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`).
    churn_window_days : int, default 90
        A customer without a purchase for this many days is churned.
    observation_end : date, optional
        The last day observed (default: the last order's day); month ends after it
        are not reported, and orders after it are ignored.
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    DataFrame
        One row per cohort and month, sorted by both, with columns ``cohort``
        (first-purchase month, ``YYYY-MM``), ``months_since_first`` (0 is the end of
        the cohort's own month), ``month_end`` (the day of the count), ``n`` (the
        cohort's customers), ``active`` and ``active_share``.

    Notes
    -----
    Customer i is active at day t if some purchase day :math:`d` has
    :math:`t - w < d \le t` (w the window). Each purchase day makes its customer
    active at the month ends in :math:`[d, d + w)`; these are expanded (without the
    months an earlier purchase of the customer already covers) and counted per
    cohort and month with one ``bincount``, with no loop over customers.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "date": ["2024-01-10", "2024-03-15", "2024-01-20", "2024-02-05"], "amount": 1.0}))
    >>> cohort_retention(orders, churn_window_days=30, observation_end="2024-03-31")
      cohort  months_since_first  month_end  n  active  active_share
    0  2024-01                   0 2024-01-31  2       2           1.0
    1  2024-01                   1 2024-02-29  2       0           0.0
    2  2024-01                   2 2024-03-31  2       1           0.5
    3  2024-02                   0 2024-02-29  1       1           1.0
    4  2024-02                   1 2024-03-31  1       0           0.0
    """
    if churn_window_days < 1:
        raise ValueError(f"churn_window_days {churn_window_days} must be 1 or more")
    customer, day = purchase_days(orders, transactions)
    end = (
        int(day.max())
        if observation_end is None
        else int(np.datetime64(as_day(observation_end, "observation_end"), "D").astype(np.int64))
    )
    keep = day <= end
    customer, day = customer[keep], day[keep]
    first = first_purchase_day(customer, day)
    seen = first <= end
    cohort = np.where(seen, _month(np.where(seen, first, 0)), -1)

    end_month = _month(np.array([end]))
    last_month = int(end_month[0]) - int(_month_end(end_month)[0] > end)  # its end <= end
    # month ends t with d <= t < d + w (and t <= end), for each purchase day d
    last_day = day + churn_window_days - 1
    start = _month(day)
    stop = np.minimum(_month(last_day) - (_month_end(_month(last_day)) > last_day), last_month)
    # sorted by customer and day, start and stop rise within a customer: months the
    # customer's previous purchase already covers are skipped, so each pair comes once
    same = np.r_[False, customer[1:] == customer[:-1]]
    start = np.where(same, np.maximum(start, np.r_[0, stop[:-1]] + 1), start)
    count = np.maximum(stop - start + 1, 0)
    who = np.repeat(customer, count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    month = np.repeat(start, count) + offsets

    cohorts, sizes = np.unique(cohort[seen], return_counts=True)
    low = int(cohorts[0]) if cohorts.size else 0
    width = max(last_month - low + 1, 1)  # months since the first cohort
    cell = (cohort[who] - low) * width + (month - cohort[who])
    active = np.bincount(cell, minlength=cohorts.size and (int(cohorts[-1]) - low + 1) * width)
    horizon = np.maximum(last_month - cohorts + 1, 0)
    grid_cohort = np.repeat(cohorts, horizon)
    grid_since = np.arange(horizon.sum()) - np.repeat(np.cumsum(horizon) - horizon, horizon)
    counts = active[(grid_cohort - low) * width + grid_since]
    n = np.repeat(sizes, horizon)
    return pd.DataFrame(
        {
            "cohort": grid_cohort.astype("datetime64[M]").astype(str),
            "months_since_first": grid_since.astype(np.int64),
            "month_end": pd.to_datetime(
                _month_end(grid_cohort + grid_since).astype("datetime64[D]")
            ).astype("datetime64[ns]"),
            "n": n.astype(np.int64),
            "active": counts.astype(np.int64),
            "active_share": counts / n,
        }
    )
