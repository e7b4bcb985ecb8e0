"""Inter-purchase times: the days between a customer's consecutive purchases."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey.orders.rfm import purchase_days


def interpurchase_times(
    orders: pd.DataFrame, *, transactions: pd.DataFrame | None = None
) -> np.ndarray:
    """Days between each customer's consecutive purchase days, all customers pooled.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`).
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    numpy.ndarray
        int64 gaps in days (≥ 1; several orders on one day are one purchase), one per
        repeat purchase, ordered by customer and date.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
    ...     "date": ["2024-01-01", "2024-01-11", "2024-01-11", "2024-01-03", "2024-01-06"],
    ...     "amount": 1.0}))
    >>> interpurchase_times(orders)
    array([10,  3])
    """
    customer, day = purchase_days(orders, transactions)
    same = customer[1:] == customer[:-1]
    return np.diff(day)[same]


def interpurchase_summary(
    orders: pd.DataFrame,
    quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9),
    *,
    transactions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Distribution of inter-purchase times: n, mean, SD and quantiles, in days.

    Parameters
    ----------
    orders : DataFrame
        An order frame.
    quantiles : sequence of float
        Quantiles to report, each in [0, 1].
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    DataFrame
        One row per statistic with columns ``statistic`` (``n``, ``mean``, ``sd``,
        ``q10``, ``q25``, ...), ``value`` (days; NaN when there is no repeat purchase)
        and ``n`` (the number of gaps, i.e. repeat purchases, behind it).

    Notes
    -----
    Quantiles are numpy's default (linear interpolation, Hyndman & Fan type 7, as R's
    ``quantile``). The SD uses divisor n − 1. Customers who bought often contribute
    more gaps: this is the distribution of gaps, not of customers.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
    ...     "date": ["2024-01-01", "2024-01-11", "2024-01-15", "2024-01-03", "2024-01-09"],
    ...     "amount": 1.0}))
    >>> interpurchase_summary(orders, quantiles=[0.5])
      statistic      value  n
    0         n   3.000000  3
    1      mean   6.666667  3
    2        sd   3.055050  3
    3       q50   6.000000  3
    """
    gaps = interpurchase_times(orders, transactions=transactions).astype(float)
    n = int(gaps.size)
    bad = [q for q in quantiles if not 0 <= q <= 1]
    if bad:
        raise ValueError(f"quantiles {bad} outside [0, 1]")
    values = {
        "n": float(n),
        "mean": gaps.mean() if n else np.nan,
        "sd": gaps.std(ddof=1) if n > 1 else np.nan,
    }
    for q in quantiles:
        values[f"q{round(100 * q):02d}"] = float(np.quantile(gaps, q)) if n else np.nan
    return pd.DataFrame({"statistic": list(values), "value": list(values.values()), "n": n})
