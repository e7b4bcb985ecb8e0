"""Stage 6: loyalty follows satisfaction through a non-linear curve; churn; win-back.

Loyalty and churn share this module because the churn hazard is where loyalty acts:
the more loyal a shopper, the lower their daily hazard of leaving.

Examples
--------
>>> import numpy as np
>>> target_loyalty(np.array([0.5, 0.75, 0.95]), midpoint=0.75, steepness=12).round(3).tolist()
[0.047, 0.5, 0.917]
"""

from __future__ import annotations

import numpy as np

from sim.params import Loyalty


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
    params: Loyalty,
    *,
    decay_mult: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Move loyalty toward its target: faster or slower up than down.

    Parameters
    ----------
    loyalty, target : numpy.ndarray
        Current loyalty and the target from :func:`target_loyalty`, per shopper.
    params : Loyalty
        ``growth_rate`` (share of the gap closed per day when the target is above
        loyalty) and ``decay_rate`` (when it is below).
    decay_mult : array or float, default 1.0
        Strategy multiplier on the decay rate.

    Returns
    -------
    numpy.ndarray
        L + r·(target − L), r the growth rate or the (multiplied) decay rate.

    Examples
    --------
    >>> rates = Loyalty(growth_rate=0.5, decay_rate=0.25)
    >>> update_loyalty(np.array([0.2, 0.8]), np.array([0.6, 0.4]), rates).round(12).tolist()
    [0.4, 0.7]
    """
    # the growth rate where the target is above loyalty, else the decay rate: as
    # products by 1 and 0 (exact; faster than np.where on scalars)
    grows = target > loyalty
    rate = grows * params.growth_rate + ~grows * (params.decay_rate * np.asarray(decay_mult))
    return loyalty + rate * (target - loyalty)


def price_gap(focal_price: np.ndarray | float, best_offer: float) -> np.ndarray:
    """Relative amount by which the focal price exceeds the best rival offer (0 if cheaper).

    ``best_offer`` is the lowest rival price of the day, deal days included
    (:func:`sim.rules.rival_deals.best_offer`).

    Examples
    --------
    >>> price_gap(np.array([1.0, 1.2]), 1.0).round(6).tolist()
    [0.0, 0.2]
    """
    return np.maximum(np.asarray(focal_price, dtype=float) / best_offer - 1.0, 0.0)


def churn_hazard(
    loyalty: np.ndarray,
    switching_cost: np.ndarray | float,
    price_sensitivity: np.ndarray,
    gap: np.ndarray | float,
    *,
    params: Loyalty,
    multiplier: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Daily churn hazard of active shoppers: a proportional-hazards model.

    Parameters
    ----------
    loyalty : numpy.ndarray
        Attitudinal loyalty L of each shopper, in [0, 1].
    switching_cost : array or float
        Switching cost SC of each shopper (points balance, tier perks; see
        ``Levers.switching_cost_add``), at least 0.
    price_sensitivity : numpy.ndarray
        Price sensitivity s of each shopper, in [0, 1].
    gap : array or float
        Relative amount g by which the shopper's focal price exceeds the best rival
        offer of the day (:func:`price_gap`; 0 when the focal platform is cheaper).
    params : Loyalty
        ``base_churn_hazard`` h₀ (1/day), ``loyalty_effect`` a_L,
        ``switching_cost_effect`` a_c and ``price_gap_effect`` a_p.
    multiplier : array or float, default 1.0
        Strategy multiplier on the hazard (``Levers.churn_mult``).

    Returns
    -------
    numpy.ndarray
        h = h₀·exp(−a_L·L − a_c·SC + a_p·s·g)·multiplier, per day.

    Notes
    -----
    A proportional-hazards form (Cox 1972): each covariate scales the baseline
    hazard h₀ of a shopper with no loyalty, no switching cost and no price gap.
    Loyalty lowers the hazard (the satisfaction → loyalty → retention chain; Jones
    & Sasser 1995), so does a switching cost (Burnham, Frels & Mahajan 2003), and a
    price gap raises it in proportion to the shopper's price sensitivity (source
    material: shoppers come to the platform for its prices). The probability of
    churning within the day is 1 − exp(−h) (:func:`event_probability`).

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal
    Statistical Society B 34(2), 187-220.
    Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. Harvard
    Business Review 73(6), 88-99.
    Burnham, T. A., Frels, J. K. & Mahajan, V. (2003). Consumer switching costs: a
    typology, antecedents, and consequences. Journal of the Academy of Marketing
    Science 31(2), 109-126.

    Examples
    --------
    A shopper with no loyalty, no switching cost and no price gap churns at the
    base hazard; full loyalty divides it by e^{a_L}, a 10% price gap raises it:

    >>> lp = Loyalty(base_churn_hazard=0.01, loyalty_effect=3.0, price_gap_effect=8.0)
    >>> h = churn_hazard(np.array([0.0, 1.0, 0.0]), 0.0, np.array([1.0, 1.0, 1.0]),
    ...                  np.array([0.0, 0.0, 0.1]), params=lp)
    >>> h.round(6).tolist()
    [0.01, 0.000498, 0.022255]
    """
    log_h = (
        -params.loyalty_effect * loyalty
        - params.switching_cost_effect * np.asarray(switching_cost)
        + params.price_gap_effect * price_sensitivity * np.asarray(gap)
    )
    return params.base_churn_hazard * np.exp(log_h) * multiplier


def hazard_bound(
    gap: float, *, params: Loyalty, multiplier: np.ndarray | float = 1.0
) -> np.ndarray | float:
    """An upper bound of :func:`churn_hazard` for shoppers whose price gap is at most ``gap``.

    Parameters
    ----------
    gap : float
        The largest price gap among the shoppers (:func:`price_gap`).
    params : Loyalty
        As for :func:`churn_hazard`.
    multiplier : array or float
        As for :func:`churn_hazard` (frailty times the strategies' multiplier).

    Returns
    -------
    numpy.ndarray or float
        h₀·exp(a_p·gap)·multiplier·(1 + 10⁻⁶): loyalty and switching cost are at
        least 0 and lower the hazard, price sensitivity is at most 1; the factor
        covers rounding (of a float32 multiplier too). A shopper whose uniform draw
        is at or above it cannot churn today (``event_probability`` ≤ hazard), so
        the exact hazard is needed only below it.

    Examples
    --------
    >>> lp = Loyalty(base_churn_hazard=0.01, loyalty_effect=3.0, price_gap_effect=8.0)
    >>> h = churn_hazard(np.array([0.0, 0.5]), 0.2, np.array([1.0, 0.3]), 0.1, params=lp)
    >>> bool(np.all(h <= hazard_bound(0.1, params=lp)))
    True
    """
    return (
        params.base_churn_hazard
        * np.exp(params.price_gap_effect * gap)
        * (1.0 + 1e-6)
        * (multiplier)
    )


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
