"""Stage 6: loyalty follows satisfaction through a non-linear curve; churn; win-back.

Examples
--------
>>> import numpy as np
>>> target_loyalty(np.array([0.5, 0.75, 0.95]), midpoint=0.75, steepness=12).round(3).tolist()
[0.047, 0.5, 0.917]
"""

from __future__ import annotations

import numpy as np


def target_loyalty(satisfaction: np.ndarray, midpoint: float, steepness: float) -> np.ndarray:
    """Loyalty a shopper's satisfaction supports: a logistic curve.

    Parameters
    ----------
    satisfaction : numpy.ndarray
        In [0, 1].
    midpoint : float
        Satisfaction giving loyalty 1/2.
    steepness : float
        Slope parameter k.

    Returns
    -------
    numpy.ndarray
        1 / (1 + exp(−k·(S − midpoint))).

    Notes
    -----
    With a high midpoint the curve is flat for the merely satisfied and steep at
    the top: only highly satisfied shoppers are truly loyal (Jones & Sasser 1995,
    "Why satisfied customers defect", HBR).
    """
    return 1.0 / (1.0 + np.exp(-steepness * (satisfaction - midpoint)))


def update_loyalty(
    loyalty: np.ndarray,
    target: np.ndarray,
    growth_rate: float,
    decay_rate: float,
    decay_mult: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Move loyalty toward its target: faster or slower up than down.

    Examples
    --------
    >>> update_loyalty(np.array([0.2, 0.8]), np.array([0.6, 0.4]), 0.5, 0.25).round(12).tolist()
    [0.4, 0.7]
    """
    rate = np.where(target > loyalty, growth_rate, decay_rate * np.asarray(decay_mult))
    return loyalty + rate * (target - loyalty)


def price_gap(focal_price: np.ndarray | float, cheapest_rival: float) -> np.ndarray:
    """Relative amount by which the focal price exceeds the cheapest rival's (0 if cheaper).

    Examples
    --------
    >>> price_gap(np.array([1.0, 1.2]), 1.0).round(6).tolist()
    [0.0, 0.2]
    """
    return np.maximum(np.asarray(focal_price, dtype=float) / cheapest_rival - 1.0, 0.0)


def churn_hazard(
    loyalty: np.ndarray,
    switching_cost: np.ndarray | float,
    price_sensitivity: np.ndarray,
    gap: np.ndarray | float,
    base: float,
    loyalty_effect: float,
    switching_cost_effect: float,
    price_gap_effect: float,
    multiplier: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Daily churn hazard of active shoppers.

    Returns
    -------
    numpy.ndarray
        h = h0·exp(−a_L·L − a_c·SC + a_p·s·gap)·multiplier.

    Examples
    --------
    >>> float(churn_hazard(np.array([0.0]), 0.0, np.array([1.0]), 0.0, 0.01, 3, 1.5, 8)[0])
    0.01
    """
    log_h = (
        -loyalty_effect * loyalty
        - switching_cost_effect * np.asarray(switching_cost)
        + price_gap_effect * price_sensitivity * np.asarray(gap)
    )
    return base * np.exp(log_h) * multiplier


def churn_risk(hazard: np.ndarray, horizon_days: int = 30) -> np.ndarray:
    """Probability of churning within ``horizon_days`` at the current hazard.

    Examples
    --------
    >>> churn_risk(np.array([0.0, np.log(2) / 30])).round(6).tolist()
    [0.0, 0.5]
    """
    return -np.expm1(-hazard * horizon_days)


def event_probability(hazard: np.ndarray | float) -> np.ndarray:
    """Probability of an event within one day at a constant hazard: 1 − exp(−h)."""
    return -np.expm1(-np.asarray(hazard, dtype=float))
