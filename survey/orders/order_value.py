r"""Average order value (revenue per order), with a customer-clustered standard error."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from survey.orders.frame import AMOUNT, CUSTOMER, check_orders


def average_order_value(orders: pd.DataFrame) -> pd.DataFrame:
    r"""Average order value: total revenue over the number of orders.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`); every row is an order
        (zero-amount orders count).

    Returns
    -------
    DataFrame
        One row: ``aov``, its standard error ``se``, ``sd`` (of order amounts,
        divisor n − 1), ``n_orders`` and ``n_customers`` (the clusters of the SE).

    Notes
    -----
    :math:`\mathrm{AOV} = \sum_i s_i / \sum_i k_i` over customers i with spend
    :math:`s_i` in :math:`k_i` orders (the model's ``aov``, GMV / orders). A
    customer's orders are not independent, so the SE is the ratio estimator's
    (delta method, customers as clusters; Cochran 1977, sec. 6.3):

    .. math:: SE = \frac{1}{\bar k} \sqrt{\frac{\sum_i (s_i - \mathrm{AOV}\, k_i)^2}{n(n-1)}}

    with n customers and :math:`\bar k` their mean number of orders.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "date": "2024-01-01", "amount": [10.0, 20.0, 30.0]}))
    >>> average_order_value(orders)  # s = (30, 30), k = (2, 1): SE = sqrt(200/2) / 1.5
        aov        se    sd  n_orders  n_customers
    0  20.0  6.666667  10.0         3            2
    """
    check_orders(orders)
    amount = orders[AMOUNT].to_numpy(float)
    codes, _ = pd.factorize(orders[CUSTOMER])
    spend = np.bincount(codes, weights=amount)
    count = np.bincount(codes).astype(float)
    n = spend.size
    aov = spend.sum() / count.sum()
    se = (
        math.sqrt(((spend - aov * count) ** 2).sum() / (n * (n - 1))) / count.mean()
        if n > 1
        else np.nan
    )
    return pd.DataFrame(
        {
            "aov": [aov],
            "se": [se],
            "sd": [amount.std(ddof=1) if amount.size > 1 else np.nan],
            "n_orders": [amount.size],
            "n_customers": [n],
        }
    )
