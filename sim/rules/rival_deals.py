"""Rivals' promotions: random deal days, and the best offer a shopper sees today.

Rivals run promotions on random days (festival sales, platform-wide coupons). On a
deal day a rival's price is cut by its deal depth. Platform choice and churn then
see each rival's price of the day, and the churn rule sees the best offer
available, not only a fixed cheapest rival: price-sensitive shoppers are tempted
away on the days a rival undercuts the focal platform.

Examples
--------
>>> import numpy as np
>>> prices = rival_prices_today(np.array([1.0, 1.15]), on_deal=np.array([True, False]),
...                             depth=np.array([0.25, 0.2]))
>>> prices.tolist()
[0.75, 1.15]
>>> float(best_offer(prices))
0.75
"""

from __future__ import annotations

import numpy as np


def draw_deal_days(frequency: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Which rivals run a promotion today.

    Parameters
    ----------
    frequency : numpy.ndarray
        Per rival, the share of days with a promotion, in [0, 1].
    uniforms : numpy.ndarray
        One uniform draw per rival.

    Returns
    -------
    numpy.ndarray
        Boolean per rival.

    Examples
    --------
    >>> draw_deal_days(np.array([0.1, 0.5]), np.array([0.05, 0.7])).tolist()
    [True, False]
    """
    return np.asarray(uniforms) < np.asarray(frequency)


def rival_prices_today(
    list_price: np.ndarray, *, on_deal: np.ndarray, depth: np.ndarray
) -> np.ndarray:
    """Each rival's price index today: the list price, cut by the depth on a deal day.

    Parameters
    ----------
    list_price : numpy.ndarray
        Per rival, the everyday price index.
    on_deal : numpy.ndarray
        Per rival, whether today is a deal day.
    depth : numpy.ndarray
        Per rival, the share of the price taken off on a deal day.

    Returns
    -------
    numpy.ndarray
        price · (1 − depth · on_deal).

    Examples
    --------
    >>> rival_prices_today(np.array([1.0]), on_deal=np.array([False]),
    ...                    depth=np.array([0.3])).tolist()
    [1.0]
    """
    return np.asarray(list_price, dtype=float) * (1.0 - np.asarray(depth) * np.asarray(on_deal))


def best_offer(prices_today: np.ndarray) -> float:
    """The lowest rival price of the day (every shopper can buy at it).

    Examples
    --------
    >>> best_offer(np.array([1.0, 0.9]))
    0.9
    """
    return float(np.min(prices_today))
