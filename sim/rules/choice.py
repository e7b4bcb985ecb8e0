"""Stage 3: each order goes to a platform by multinomial logit.

Examples
--------
>>> import numpy as np
>>> u = np.array([[0.0, 0.0], [2.0, 0.0]])
>>> choice_probabilities(u).round(3).tolist()
[[0.5, 0.5], [0.881, 0.119]]
"""

from __future__ import annotations

import numpy as np

from sim.params import Choice, Platform


def service_level(late_rate: np.ndarray | float, resolution_rate: np.ndarray | float) -> np.ndarray:
    """Expected service of a platform: mean of on-time share and resolution rate.

    Examples
    --------
    >>> float(service_level(0.1, 0.5))
    0.7
    """
    return 0.5 * (1.0 - np.asarray(late_rate)) + 0.5 * np.asarray(resolution_rate)


def utilities(
    price_sensitivity: np.ndarray,
    loyalty: np.ndarray,
    switching_cost: np.ndarray | float,
    weights: Choice,
    *,
    platforms: list[Platform],
    focal_discount: np.ndarray | float,
    focal_quality: np.ndarray | float,
    focal_service: np.ndarray | float,
    prices: np.ndarray | None = None,
) -> np.ndarray:
    """Deterministic utility of each platform for each order, shape (orders, platforms).

    Parameters
    ----------
    price_sensitivity, loyalty : numpy.ndarray
        Per ordering shopper, in [0, 1].
    switching_cost : array or float
        Per ordering shopper: points, tier perks and other costs of leaving.
    weights : Choice
        Utility weights.
    platforms : list of Platform
        Focal platform first.
    focal_discount : array or float
        Share of the focal price taken off for the shopper by strategies.
    focal_quality, focal_service : array or float
        The focal platform's quality and service as the shopper meets them (with
        strategy effects).
    prices : numpy.ndarray, optional
        Today's price index of every platform (rivals' deal days); default their
        list prices.

    Returns
    -------
    numpy.ndarray
        Shape (orders, platforms), stored platform by platform (Fortran order), so
        that each platform's column is contiguous.

    Notes
    -----
    V_ij = −β_p·s_i·ln(price_j) + β_q·quality_j + β_s·service_j + β_a·assortment_j,
    plus β_L·loyalty_i + β_c·switching_cost_i for the focal platform, whose price is
    price_0·(1 − discount_i).

    Examples
    --------
    >>> from sim.params import default_platforms
    >>> v = utilities(np.array([0.5]), np.array([0.0]), 0.0, Choice(),
    ...               platforms=default_platforms(), focal_discount=0.0,
    ...               focal_quality=0.72, focal_service=0.69)
    >>> v.shape
    (1, 3)
    """
    n = price_sensitivity.shape[0]
    price = (
        np.array([p.price_index for p in platforms], dtype=float)
        if prices is None
        else np.asarray(prices, dtype=float)
    )
    quality = np.array([p.quality for p in platforms], dtype=float)
    service = service_level(
        np.array([p.late_rate for p in platforms]), np.array([p.resolution_rate for p in platforms])
    )
    assortment = np.array([p.assortment for p in platforms], dtype=float)
    base = weights.quality_weight * quality + weights.service_weight * service
    base = base + weights.assortment_weight * assortment
    log_price = np.log(price)
    by_platform = np.empty((len(platforms), n))
    for j in range(1, len(platforms)):  # platforms, not shoppers; the focal one below
        by_platform[j] = base[j] - weights.price_weight * (price_sensitivity * log_price[j])
    focal_price = price[0] * (1.0 - np.asarray(focal_discount, dtype=float))
    by_platform[0] = (
        -weights.price_weight * price_sensitivity * np.log(focal_price)
        + weights.quality_weight * np.asarray(focal_quality)
        + weights.service_weight * np.asarray(focal_service)
        + weights.assortment_weight * assortment[0]
        + weights.loyalty_weight * loyalty
        + weights.switching_cost_weight * np.asarray(switching_cost)
    )
    return by_platform.T


def choice_probabilities(v: np.ndarray) -> np.ndarray:
    """Logit choice probabilities from utilities (rows sum to 1).

    References
    ----------
    McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.

    Notes
    -----
    The row maximum and sum are taken platform by platform (a few columns), the
    sum left to right as ``sum(axis=1)`` adds them.
    """
    top = v[:, 0]
    for j in range(1, v.shape[1]):
        top = np.maximum(top, v[:, j])
    e = np.exp(v - top[:, None])
    total = e[:, 0].copy()
    for j in range(1, v.shape[1]):
        total += e[:, j]
    return e / total[:, None]


def choose(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Draw one platform per row by inverting the cumulative probabilities.

    Examples
    --------
    >>> choose(np.array([[0.2, 0.8], [0.2, 0.8]]), np.array([0.1, 0.5])).tolist()
    [0, 1]
    """
    k = probabilities.shape[1]
    cumulative = probabilities[:, 0].copy()
    chosen = (uniforms >= cumulative).astype(np.int8)
    for j in range(1, k):  # the cumulative probabilities, platform by platform
        cumulative += probabilities[:, j]
        chosen += uniforms >= cumulative
    return np.minimum(chosen, k - 1, out=chosen)
