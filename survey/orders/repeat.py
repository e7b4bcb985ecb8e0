"""Repeat purchasing: how many customers come back at all."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.orders.rfm import purchase_days


def repeat_purchase_rate(
    orders: pd.DataFrame, *, transactions: pd.DataFrame | None = None
) -> pd.DataFrame:
    r"""Share of customers who bought on at least two different days.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`).
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    DataFrame
        One row: ``customers`` (n), ``repeat_customers``, ``repeat_rate`` and its
        binomial standard error ``se``.

    Notes
    -----
    Several orders of one customer on one day are one purchase occasion, as in the
    buy-till-you-die summary (:func:`survey.orders.rfm.daily_transactions`), so a
    basket split into two orders is not a repeat purchase. :math:`SE = \sqrt{p(1 - p)/n}`.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c"],
    ...     "date": ["2024-01-01", "2024-02-01", "2024-01-03", "2024-01-03", "2024-01-05"],
    ...     "amount": [1.0, 2.0, 3.0, 4.0, 5.0]}))
    >>> repeat_purchase_rate(orders).round(4)
       customers  repeat_customers  repeat_rate      se
    0          3                 1       0.3333  0.2722
    """
    customer, _ = purchase_days(orders, transactions)
    days = np.bincount(customer)
    n = int(days.size)
    repeaters = int((days >= 2).sum())
    rate = repeaters / n
    return pd.DataFrame(
        {
            "customers": [n],
            "repeat_customers": [repeaters],
            "repeat_rate": [rate],
            "se": [math.sqrt(rate * (1 - rate) / n)],
        }
    )
