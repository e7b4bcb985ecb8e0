"""Stage 3: each order goes to a platform by multinomial logit.

Examples
--------
>>> import numpy as np
>>> u = np.array([[0.0, 0.0], [2.0, 0.0]])
>>> choice_probabilities(u).round(3).tolist()
[[0.5, 0.5], [0.881, 0.119]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.jit import AHEAD, kernel, one_or_each, prefetch
from sim.params import Choice, Platform
from sim.rules.rival_deals import best_offer


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
    who: np.ndarray | None = None,
) -> np.ndarray:
    """Deterministic utility of each platform for each order, shape (orders, platforms).

    Parameters
    ----------
    price_sensitivity, loyalty : numpy.ndarray
        Per ordering shopper, in [0, 1]; or per shopper, read at ``who``.
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
    who : numpy.ndarray, optional
        The ordering shoppers: given, ``price_sensitivity`` and ``loyalty`` are
        per-shopper columns, read at these positions (no gathered copies).

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
    >>> column = np.array([0.9, 0.5, 0.1])  # per shopper, read at who
    >>> read = utilities(column, np.zeros(3), 0.0, Choice(), platforms=default_platforms(),
    ...                  focal_discount=0.0, focal_quality=0.72, focal_service=0.69,
    ...                  who=np.array([1]))
    >>> bool((read == v).all())
    True
    """
    if who is None:
        who = np.arange(price_sensitivity.shape[0])
    n = who.shape[0]
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
    focal_price = price[0] * (1.0 - np.asarray(focal_discount, dtype=float))
    by_platform = np.empty((len(platforms), n))
    _utilities(
        who,
        price_sensitivity,
        loyalty,
        one_or_each(np.log(focal_price)),
        one_or_each(weights.quality_weight * np.asarray(focal_quality)),
        one_or_each(weights.service_weight * np.asarray(focal_service)),
        one_or_each(weights.switching_cost_weight * np.asarray(switching_cost)),
        base,
        np.log(price),
        (weights.price_weight, weights.assortment_weight * assortment[0], weights.loyalty_weight),
        by_platform,
    )
    return by_platform.T


@kernel
def _utilities(
    who,
    price_sensitivity,
    loyalty,
    log_focal_price,
    focal_quality_term,
    focal_service_term,
    switching_term,
    base,
    log_price,
    weights,
    out,
):
    """The utilities of :func:`utilities` in one pass, into ``out`` (platforms by orders).

    Order ``i``'s shopper has price sensitivity ``price_sensitivity[who[i]]`` and
    loyalty ``loyalty[who[i]]``. ``weights`` is (price weight, assortment term of
    the focal platform, loyalty weight); the three ``*_term`` arrays and
    ``log_focal_price`` hold one value for all orders or one per order. A rival's
    utility is ``base[j] − w_p·(s·ln price_j)``; the focal one adds its terms left
    to right, as the numpy expression it replaces did.

    The orderers lie scattered over the per-shopper columns, which are far larger
    than the caches: so the loop goes order by order, reading each order's two
    values once, and asks ahead (:func:`sim.network.prefetch`) for a later
    order's (measured in the model: faster than gathered copies or a pass per
    platform).
    """
    price_weight, assortment_term, loyalty_weight = weights
    k, n = out.shape
    # a term's position steps by 0 when it holds one value for all orders
    step_log = log_focal_price.size > 1
    step_quality = focal_quality_term.size > 1
    step_service = focal_service_term.size > 1
    step_switching = switching_term.size > 1
    for i in range(n):
        if i + AHEAD < n:
            prefetch(price_sensitivity, who[i + AHEAD])
            prefetch(loyalty, who[i + AHEAD])
        shopper = who[i]
        sensitivity = price_sensitivity[shopper]
        for j in range(1, k):
            out[j, i] = base[j] - price_weight * (sensitivity * log_price[j])
        out[0, i] = (
            -price_weight * sensitivity * log_focal_price[i * step_log]
            + focal_quality_term[i * step_quality]
            + focal_service_term[i * step_service]
            + assortment_term
            + loyalty_weight * loyalty[shopper]
            + switching_term[i * step_switching]
        )


def choice_probabilities(v: np.ndarray) -> np.ndarray:
    """Logit choice probabilities from utilities (rows sum to 1).

    Parameters
    ----------
    v : numpy.ndarray
        Utilities, shape (orders, platforms).

    Returns
    -------
    numpy.ndarray
        Shape (orders, platforms), stored platform by platform (Fortran order).

    References
    ----------
    McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.

    Notes
    -----
    exp(v − max) / Σ exp(v − max) by row. The row maximum and sum are taken
    platform by platform (a few columns), the sum left to right as ``sum(axis=1)``
    adds them; the exponential is numpy's, the rest compiled passes over the
    columns.
    """
    shifted = _exponentials(v)
    _divide_by_row_sum(shifted, np.empty(shifted.shape[1]))
    return shifted.T


def _exponentials(v: np.ndarray) -> np.ndarray:
    """exp(v − row max) of utilities ``v`` (orders by platforms), platforms by orders."""
    shifted = np.empty(v.shape[::-1])  # platforms by orders
    _shift_by_row_max(v.T, shifted)
    return np.exp(shifted, out=shifted)


@kernel
def _shift_by_row_max(v, out):
    """``out[j, i] = v[j, i] − max_j v[j, i]``; ``v`` and ``out`` are platforms by orders.

    The maximum is taken platform by platform and keeps a NaN, as ``np.maximum``
    does. It is kept in ``out[0]`` (no array of its own), so that row is written
    last. The loops run along the orders (contiguous), which the compiler
    vectorises.
    """
    k, n = v.shape
    top = out[0]
    for i in range(n):
        top[i] = v[0, i]
    for j in range(1, k):
        for i in range(n):
            x = v[j, i]
            top[i] = x if (x > top[i] or x != x) else top[i]
    for j in range(k - 1, -1, -1):
        for i in range(n):
            out[j, i] = v[j, i] - top[i]


@kernel
def _divide_by_row_sum(e, total):
    """Divide each order's column of ``e`` (platforms by orders) by its sum, in place.

    ``total`` (one element per order) receives the sums, added platform by
    platform from the first.
    """
    k, n = e.shape
    for i in range(n):
        total[i] = e[0, i]
    for j in range(1, k):
        for i in range(n):
            total[i] += e[j, i]
    for j in range(k):
        for i in range(n):
            e[j, i] = e[j, i] / total[i]


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


def choose_by_logit(v: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Draw one platform per order from its utilities: ``choose(choice_probabilities(v), u)``.

    The same platforms bit for bit, but most orders are settled without the
    divisions of :func:`choice_probabilities` (see Notes); the few others go
    through :func:`choice_probabilities` and :func:`choose` themselves.

    Parameters
    ----------
    v : numpy.ndarray
        Utilities, shape (orders, platforms).
    uniforms : numpy.ndarray
        One uniform draw per order.

    Returns
    -------
    numpy.ndarray
        Int8, the chosen platform of each order.

    Notes
    -----
    :func:`choose` picks the number of cumulative probabilities c_j (j below the
    last platform) at or below the draw u, with c_j the rounded sum of
    e_0/t, ..., e_j/t (e the shifted exponentials, t their sum). As every e_j is
    at least 0, c_j is within a few units in the last place of E_j/t, E_j the
    sum of e_0, ..., e_j; so u·t above E_j·(1 + 10⁻⁹) + 10⁻³⁰⁰ means u ≥ c_j and
    below E_j·(1 − 10⁻⁹) − 10⁻³⁰⁰ means u < c_j. An order with a draw between
    these bounds for some j (or a NaN) gets the exact probabilities.

    Examples
    --------
    >>> v = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.0]])
    >>> choose_by_logit(v, np.array([0.4, 0.9, 0.5])).tolist()
    [0, 1, 1]
    """
    e = _exponentials(v)
    chosen = np.empty(e.shape[1], np.int8)
    unsure = np.empty(e.shape[1], np.int64)
    work, unsure_mark = np.empty((2, e.shape[1])), np.empty(e.shape[1], np.bool_)
    count = _bracket_choice(e, uniforms, chosen, unsure, work, unsure_mark)
    if count:
        rows = unsure[:count]
        exact = e[:, rows]  # the rows' exponentials, divided as choice_probabilities does
        _divide_by_row_sum(exact, np.empty(count))
        chosen[rows] = choose(exact.T, uniforms[rows])
    return chosen


@kernel
def _bracket_choice(e, uniforms, chosen, unsure, work, unsure_mark):
    """Settle each order's platform by bounds of its cumulative probabilities.

    ``e`` holds the shifted exponentials, platforms by orders. Writes into
    ``chosen`` the platform of every order settled by the bounds of
    :func:`choose_by_logit`, and into ``unsure`` the orders that are not; returns
    how many of these. ``work`` (two rows of one cell per order) holds each
    order's scaled draw and running sum of exponentials, ``unsure_mark`` whether
    it is unsure.

    The passes go platform by platform along the orders (contiguous loops without
    branches, which the compiler vectorises; faster than order by order); the
    sums add the platforms from the first, as :func:`_divide_by_row_sum` does.
    The last pass lists the unsure orders: each order is written at the next free
    cell of ``unsure``, which is kept only if the order is unsure.
    """
    k, n = e.shape
    scaled, partial = work[0], work[1]
    for i in range(n):
        scaled[i] = e[0, i]
    for j in range(1, k):
        for i in range(n):
            scaled[i] += e[j, i]
    for i in range(n):
        scaled[i] = uniforms[i] * scaled[i]  # u·t
        partial[i] = 0.0
        chosen[i] = 0
        unsure_mark[i] = False
    for j in range(k - 1):  # the last cumulative probability cannot add (see choose)
        for i in range(n):
            running = partial[i] + e[j, i]
            partial[i] = running
            margin = 1e-9 * running + 1e-300
            above = scaled[i] > running + margin
            chosen[i] += above
            unsure_mark[i] |= not (above | (scaled[i] < running - margin))  # True for a NaN
    count = 0
    for i in range(n):
        unsure[count] = i
        count += unsure_mark[i]
    return count


@dataclass(kw_only=True)
class Placed:
    """Where the day's orders went (see :func:`place_orders`).

    Attributes
    ----------
    focal : numpy.ndarray
        The orderers who chose the focal platform, in order.
    elsewhere : numpy.ndarray
        The orderers who chose a rival, in order.
    rival : numpy.ndarray
        Int8, the rival each of them chose (1, 2, ...).
    cheaper_rival_occasions : int
        Orders for which a rival's price of the day was below the focal price.
    switched_to_cheaper : int
        Of these, the orders placed with a rival cheaper than the focal price.
    """

    focal: np.ndarray
    elsewhere: np.ndarray
    rival: np.ndarray
    cheaper_rival_occasions: int
    switched_to_cheaper: int


def place_orders(
    orderers: np.ndarray,
    chosen: np.ndarray,
    *,
    prices: np.ndarray,
    focal_price: np.ndarray | float,
    platform: np.ndarray,
    orders_elsewhere: np.ndarray,
) -> Placed:
    """Record each order's platform, count orders placed with rivals, split the orderers.

    Parameters
    ----------
    orderers : numpy.ndarray
        The ordering shoppers (each once).
    chosen : numpy.ndarray
        Int8, the platform of each order (0 the focal one).
    prices : numpy.ndarray
        Every platform's price index today.
    focal_price : array or float
        The focal price each orderer meets (after the strategies' discounts).
    platform, orders_elsewhere : numpy.ndarray
        Per shopper: the platform of the last order (set here) and the orders
        placed with rivals (one added per rival order).

    Returns
    -------
    Placed

    Examples
    --------
    >>> platform, elsewhere = np.full(4, -1, np.int8), np.zeros(4, np.int32)
    >>> placed = place_orders(np.array([0, 2, 3]), np.array([1, 0, 2], np.int8),
    ...                       prices=np.array([1.0, 0.9, 1.2]), focal_price=1.0,
    ...                       platform=platform, orders_elsewhere=elsewhere)
    >>> placed.focal.tolist(), placed.elsewhere.tolist(), placed.rival.tolist()
    ([2], [0, 3], [1, 2])
    >>> placed.cheaper_rival_occasions, placed.switched_to_cheaper
    (3, 1)
    >>> platform.tolist(), elsewhere.tolist()
    ([1, -1, 0, 2], [1, 0, 0, 1])
    """
    n = orderers.size
    focal_prices = one_or_each(focal_price, n, name="focal_price", each="order")
    focal, elsewhere, rival = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int8)
    counts = _place(
        orderers,
        chosen,
        np.asarray(prices, dtype=float),
        focal_prices,
        best_offer(prices[1:]),
        platform,
        orders_elsewhere,
        focal,
        elsewhere,
        rival,
    )
    n_focal, n_elsewhere, occasions, switched = counts
    return Placed(
        focal=focal[:n_focal],
        elsewhere=elsewhere[:n_elsewhere],
        rival=rival[:n_elsewhere],
        cheaper_rival_occasions=int(occasions),
        switched_to_cheaper=int(switched),
    )


@kernel
def _place(
    orderers,
    chosen,
    prices,
    focal_price,
    best,
    platform,
    orders_elsewhere,
    focal,
    elsewhere,
    rival,
):
    """One pass of :func:`place_orders` over the orders.

    Writes each orderer's platform and rival orders, lists the focal and rival
    orderers (and the rivals) into ``focal``, ``elsewhere`` and ``rival``, and
    returns how many of each and the two counts of :class:`Placed`. ``focal_price``
    holds one price for all orders or one per order; ``best`` is the lowest rival
    price.
    """
    shared = focal_price.size == 1
    n_focal = n_elsewhere = occasions = switched = 0
    # Branch-free, as orders go to the focal platform or a rival at random (a branch
    # on it is mispredicted often): each orderer is written at the next free cell of
    # both lists, and each count grows only where the order belongs.
    for k in range(orderers.size):
        i, j = orderers[k], chosen[k]
        platform[i] = j
        price = focal_price[0] if shared else focal_price[k]
        cheaper = price > best
        occasions += cheaper
        away = j != 0
        focal[n_focal] = i
        elsewhere[n_elsewhere] = i
        rival[n_elsewhere] = j
        n_focal += not away
        n_elsewhere += away
        orders_elsewhere[i] += away
        switched += cheaper & away & (prices[j] < price)
    return n_focal, n_elsewhere, occasions, switched
