"""Stage 8: money, discounting and value tiers.

Examples
--------
>>> round(daily_discount_factor(0.10) ** 365, 6)
0.909091
"""

from __future__ import annotations

import numpy as np

RECENT_SPEND_DAYS = 90.0  # memory of the exponentially weighted recent spend


def daily_discount_factor(annual_rate: float) -> float:
    """One-day discount factor 1/(1 + i_d) with (1 + i_d)^365 = 1 + annual rate."""
    return (1.0 + annual_rate) ** (-1.0 / 365.0)


def discounted(amount: np.ndarray, days_since_acquisition: np.ndarray, factor: float) -> np.ndarray:
    """Present value at acquisition of amounts earned some days later.

    Examples
    --------
    >>> discounted(np.array([10.0, 10.0]), np.array([0, 1]), 0.5).tolist()
    [10.0, 5.0]
    """
    return amount * factor ** days_since_acquisition.astype(float)


def decay_recent_spend(recent: np.ndarray) -> None:
    """Age the exponentially weighted recent spend by one day (in place)."""
    recent *= np.exp(-1.0 / RECENT_SPEND_DAYS)


def value_tier(recent_spend: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Tier 0, 1, ... by recent spend against ascending thresholds.

    Examples
    --------
    >>> value_tier(np.array([0.0, 300.0, 2000.0]), [300.0, 1000.0]).tolist()
    [0, 1, 2]
    """
    return np.searchsorted(np.asarray(thresholds), recent_spend, side="right").astype(np.int8)


def lifetime_value_closed_form(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    first_margin_at_acquisition: bool = True,
) -> float:
    """Expected discounted lifetime value at constant retention (Gupta & Lehmann 2003).

    Parameters
    ----------
    margin : float
        Margin per period while a customer (in this model the platform's revenue:
        take rate × the period's GMV).
    retention : float
        Probability of staying from one period to the next.
    discount_rate : float
        Per-period discount rate i.
    first_margin_at_acquisition : bool
        True for this model's convention (a new customer can order on the day of
        acquisition): m·(1 + i)/(1 + i − r); False for margins at period ends:
        m·r/(1 + i − r).

    Returns
    -------
    float

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2003). Customers as assets. Journal of Interactive
    Marketing 17(1), 9-24.

    Examples
    --------
    >>> round(lifetime_value_closed_form(10, 0.9, 0.1), 6)
    55.0
    """
    if first_margin_at_acquisition:
        return margin * (1.0 + discount_rate) / (1.0 + discount_rate - retention)
    return margin * retention / (1.0 + discount_rate - retention)
