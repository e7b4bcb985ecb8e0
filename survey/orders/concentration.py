r"""Spend concentration: the Lorenz curve, the top customers' share of revenue, the Gini.

All three read each customer's total spend over the log. Standard errors come from a
seeded bootstrap over customers; a resample is drawn as counts per customer
(``bincount`` of n uniform draws), so the statistics of a resample are weighted sums
over the customers sorted once, with no sort per resample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.orders.frame import AMOUNT, CUSTOMER, check_orders


def customer_spend(orders: pd.DataFrame) -> np.ndarray:
    """Total spend of each customer, sorted ascending.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`).

    Returns
    -------
    numpy.ndarray
        One float per customer.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "b", "a"],
    ...     "date": "2024-01-01", "amount": [1.0, 5.0, 2.0]}))
    >>> customer_spend(orders)
    array([3., 5.])
    """
    check_orders(orders)
    codes, _ = pd.factorize(orders[CUSTOMER])
    return np.sort(np.bincount(codes, weights=orders[AMOUNT].to_numpy(float)))


def _weighted_stats(spend: np.ndarray, weights: np.ndarray, top: float) -> tuple[float, float]:
    """Top share and Gini of the sample holding ``weights[j]`` copies of ``spend[j]``.

    ``spend`` ascending. The top share is that of the max(round(top·n), 1) largest
    copies; the Gini is the module's formula over the copies (a block of w copies
    starting after c copies adds x·w·(2c + w − n) to its numerator).
    """
    n = weights.sum()
    upto = np.cumsum(weights)  # copies up to and including each value
    mass = weights * spend
    total = mass.sum()
    gini_value = (mass * (2 * upto - weights - n)).sum() / (n * total)
    k = max(int(round(top * n)), 1)
    taken = np.clip(k - (n - upto), 0, weights)  # n - upto copies rank above each value
    return float((taken * spend).sum() / total), float(gini_value)


def gini(spend: np.ndarray) -> float:
    r"""Gini coefficient of non-negative values.

    Parameters
    ----------
    spend : array_like
        Values (e.g. spend per customer), at least one positive.

    Returns
    -------
    float
        In [0, (n − 1)/n]: 0 when all are equal.

    Notes
    -----
    With the values sorted ascending, :math:`x_{(1)} \le \dots \le x_{(n)}`,

    .. math:: G = \frac{\sum_{i=1}^{n} (2i - n - 1)\, x_{(i)}}{n \sum_{i=1}^{n} x_{(i)}},

    the mean absolute difference of all pairs over twice the mean (divisor
    :math:`n^2`), as ``ineq::Gini`` in R.

    Examples
    --------
    >>> gini([1, 2, 3, 4])  # (-3 - 2 + 3 + 12) / (4 * 10)
    0.25
    """
    values = np.sort(np.asarray(spend, dtype=float))
    if values.size == 0 or values.sum() <= 0 or (values < 0).any():
        raise ValueError("gini needs non-negative values with a positive sum")
    return _weighted_stats(values, np.ones(values.size), 0.2)[1]


def lorenz_curve(orders: pd.DataFrame) -> pd.DataFrame:
    """The Lorenz curve of spend: customers from the lowest spender up.

    Parameters
    ----------
    orders : DataFrame
        An order frame.

    Returns
    -------
    DataFrame
        Columns ``customer_share`` (share of customers, 0 to 1) and
        ``revenue_share`` (their share of revenue), starting at (0, 0); at most
        1,001 points (the curve thinned evenly for large logs).

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "date": "2024-01-01", "amount": [1.0, 2.0, 3.0, 4.0]}))
    >>> lorenz_curve(orders)
       customer_share  revenue_share
    0            0.00            0.0
    1            0.25            0.1
    2            0.50            0.3
    3            0.75            0.6
    4            1.00            1.0
    """
    spend = customer_spend(orders)
    n = spend.size
    keep = np.unique(np.linspace(0, n, min(n, 1000) + 1).round().astype(int))
    cumulative = np.r_[0.0, np.cumsum(spend)] / spend.sum()
    return pd.DataFrame({"customer_share": keep / n, "revenue_share": cumulative[keep]})


def spend_concentration(
    orders: pd.DataFrame, *, top: float = 0.2, n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """Share of revenue from the top customers, and the Gini of spend, with bootstrap SEs.

    Parameters
    ----------
    orders : DataFrame
        An order frame.
    top : float, default 0.2
        The top share of customers (by total spend).
    n_boot : int, default 200
        Bootstrap resamples of customers for the standard errors (0: no SE).
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        Rows ``top_share`` (share of revenue from the top ``max(round(top·n), 1)``
        customers; named ``top20_spend_share`` in the targets for ``top = 0.2``, as in
        the model's run summary) and ``gini``; columns ``statistic``, ``value``,
        ``se`` (SD of the bootstrap replicates), ``n`` (customers) and ``n_boot``.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": list("abcde"),
    ...     "date": "2024-01-01", "amount": [1.0, 1.0, 1.0, 1.0, 6.0]}))
    >>> spend_concentration(orders, n_boot=0)
       statistic  value  se  n  n_boot
    0  top_share    0.6 NaN  5       0
    1       gini    0.4 NaN  5       0
    """
    if not 0 < top < 1:
        raise ValueError(f"top {top} must be between 0 and 1")
    if n_boot < 0:
        raise ValueError(f"n_boot {n_boot} must be 0 or more")
    spend = customer_spend(orders)
    n = spend.size
    ones = np.ones(n)
    values = list(_weighted_stats(spend, ones, top))
    ses = [np.nan, np.nan]
    if n_boot and n > 1:
        rng = np.random.default_rng(seed)
        replicates = np.empty((n_boot, 2))
        for b in range(n_boot):
            weights = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            replicates[b] = _weighted_stats(spend, weights, top)
        ses = list(replicates.std(axis=0, ddof=1))
    return pd.DataFrame(
        {"statistic": ["top_share", "gini"], "value": values, "se": ses, "n": n, "n_boot": n_boot}
    )
