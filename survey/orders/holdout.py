"""Holdout validation of BG/NBD: expected vs actual repeat transactions (the paper's figures).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit, expected_purchases, expected_repeat
from survey.orders.rfm import as_day, check_summary, daily_transactions, period_days


def holdout_by_frequency(
    fit: BGNBDFit, summary: pd.DataFrame, *, max_frequency: int = 7
) -> pd.DataFrame:
    r"""Mean holdout transactions per calibration frequency: actual vs BG/NBD expectation.

    Parameters
    ----------
    fit : BGNBDFit
        The model fitted on the calibration period.
    summary : DataFrame
        ``frequency``, ``recency``, ``T``, ``frequency_holdout`` and
        ``duration_holdout`` per customer, from
        :func:`survey.orders.rfm.customer_summary` with ``observation_end``.
    max_frequency : int, default 7
        Customers with this many calibration repeats or more share the last bucket.

    Returns
    -------
    DataFrame
        One row per bucket ``0 .. max_frequency`` (empty buckets left out) with columns
        ``bucket`` (label: ``"0"``, ..., ``"7+"``), ``frequency`` (its lowest
        frequency), ``n`` (customers), ``actual`` (mean transactions in the holdout
        period) and ``expected`` (mean of the conditional expectations
        :math:`E[Y(t) \mid x, t_x, T]`, :math:`t` = ``duration_holdout``).

    Notes
    -----
    Fader, Hardie & Lee (2005), Figure 4: the conditional expectations of the
    holdout-period transactions against the actual means, by calibration frequency.

    References
    ----------
    Fader, Hardie & Lee (2005), Figure 4 (full reference in the module docstring).

    Examples
    --------
    >>> from survey.orders.bgnbd import CDNOW_ESTIMATES as fit
    >>> summary = pd.DataFrame({"frequency": [0, 0, 9], "recency": [0.0, 0.0, 30.0],
    ...                         "T": [38.0, 30.0, 38.0], "frequency_holdout": [0, 1, 5],
    ...                         "duration_holdout": 39.0})
    >>> holdout_by_frequency(fit, summary).round(3)
      bucket  frequency  n  actual  expected
    0      0          0  2     0.5     0.219
    1     7+          7  1     5.0     4.389
    """
    if int(max_frequency) != max_frequency or max_frequency < 1:
        raise DataError(f"max_frequency {max_frequency!r} is not allowed; allowed: integer >= 1")
    columns = check_summary(
        summary, ("frequency", "recency", "T", "frequency_holdout", "duration_holdout")
    )
    expected = expected_purchases(
        fit, columns["duration_holdout"], columns["frequency"], columns["recency"], columns["T"]
    )
    bucket = np.minimum(columns["frequency"], max_frequency).astype(np.int64)
    table = (
        pd.DataFrame(
            {"frequency": bucket, "actual": columns["frequency_holdout"], "expected": expected}
        )
        .groupby("frequency")
        .agg(n=("actual", "size"), actual=("actual", "mean"), expected=("expected", "mean"))
        .reset_index()
    )
    labels = table["frequency"].astype(str)
    labels[table["frequency"] == max_frequency] = f"{max_frequency}+"
    table.insert(0, "bucket", labels)
    return table


def cumulative_tracking(
    orders: pd.DataFrame,
    fit: BGNBDFit,
    *,
    calibration_end: object,
    observation_end: object,
    period: str = "W",
) -> pd.DataFrame:
    r"""Repeat transactions per period, actual and expected, over calibration and holdout.

    Parameters
    ----------
    orders : DataFrame
        The order frame the model was fitted on.
    fit : BGNBDFit
        BG/NBD fitted on the calibration period, in units of ``period``.
    calibration_end, observation_end : date
        Last days of the calibration and holdout periods (included).
    period : {'W', 'D'}, default 'W'
        The time unit of the fit and of the rows.

    Returns
    -------
    DataFrame
        One row per period from the first purchase of the earliest customer to
        ``observation_end``, with columns ``period`` (1, 2, ...), ``date`` (its last
        day), ``calibration`` (True up to the period holding ``calibration_end``),
        ``actual`` and ``expected`` (repeat transactions in the period) and
        ``actual_cumulative`` and ``expected_cumulative``.

    Notes
    -----
    Only customers whose first purchase is on or before ``calibration_end`` count
    (the customers of :func:`survey.orders.rfm.customer_summary`); several orders on
    one day are one transaction. The expectation sums the unconditional
    :func:`survey.orders.bgnbd.expected_repeat` over cohorts of first-purchase day
    :math:`s`: :math:`\sum_s n_s\, E[X((d - s)/L)]` at the last day :math:`d` of each
    period of :math:`L` days (Fader, Hardie & Lee 2005, Figures 2 and 3).

    References
    ----------
    Fader, Hardie & Lee (2005), Figures 2 and 3 (full reference in the module docstring).

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> from survey.orders.bgnbd import CDNOW_ESTIMATES as fit
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "date": ["1997-01-01", "1997-01-10", "1997-01-02"], "amount": [1.0, 2.0, 3.0]}))
    >>> cumulative_tracking(orders, fit, calibration_end="1997-01-07",
    ...                     observation_end="1997-01-14")[["period", "actual_cumulative"]]
       period  actual_cumulative
    0       1                  0
    1       2                  1
    """
    length = period_days(period)
    end = _day_number(as_day(calibration_end, "calibration_end"))
    stop = _day_number(as_day(observation_end, "observation_end"))
    if stop <= end:
        raise DataError(f"observation_end {observation_end!r} must be after calibration_end")
    transactions = daily_transactions(orders)
    customer = transactions["customer"].to_numpy()
    day = transactions["day"].to_numpy()
    first_row = np.r_[True, customer[1:] != customer[:-1]]
    first = np.empty(customer.max() + 1, dtype=np.int64)
    first[customer[first_row]] = day[first_row]
    if first.min() > end:
        raise DataError(f"no customer made a first purchase on or before {calibration_end}")
    kept = first[customer] <= end
    origin = int(first[first <= end].min())

    n_periods = -(-(stop - origin + 1) // length)
    last_day = np.minimum(origin + length * np.arange(1, n_periods + 1) - 1, stop)
    repeat_days = day[kept & ~first_row & (day <= stop)]
    actual = np.searchsorted(np.sort(repeat_days), last_day, side="right")

    cohort_day, cohort_size = np.unique(first[first <= end], return_counts=True)
    elapsed = np.clip(last_day[:, None] - cohort_day[None, :], 0, None) / length
    expected = (expected_repeat(fit, elapsed) * cohort_size).sum(axis=1)
    return pd.DataFrame(
        {
            "period": np.arange(1, n_periods + 1),
            "date": last_day.astype("datetime64[D]").astype("datetime64[ns]"),
            "calibration": last_day - length < end,
            "actual": np.diff(actual, prepend=0),
            "expected": np.diff(expected, prepend=0.0),
            "actual_cumulative": actual,
            "expected_cumulative": expected,
        }
    )


def _day_number(day: pd.Timestamp) -> int:
    return int(day.to_datetime64().astype("datetime64[D]").astype(np.int64))
