"""Stage 2: active shoppers order at their daily rate.

Examples
--------
>>> import numpy as np
>>> order_probability(np.array([0.1, 1.0]), 1.0).round(4).tolist()
[0.0952, 0.6321]
>>> orderers(np.array([0, 1]), np.array([0.5, 0.5]), np.array([0.1, 1.0]), 1.0).tolist()
[1]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.jit import kernel, one_or_each
from sim.levers import at

#: Absolute margin of the bounds on the order probability (see :func:`orderers`): far
#: above the rounding of the bounds and of ``expm1`` (below 10⁻¹⁵ for a
#: rate·multiplier up to 4), so small that it sends hardly a shopper more to the
#: exact probability.
BOUND_MARGIN = 1e-12


@dataclass
class OrderScratch:
    """Work space of :func:`orderers`, kept from day to day.

    Attributes
    ----------
    uniforms : numpy.ndarray
        Float64, room for one uniform draw per shopper.
    positions : numpy.ndarray
        Int64, the positions of the shoppers near or below their probability.
    sure : numpy.ndarray
        Bool, whether each of them surely orders.

    Examples
    --------
    >>> OrderScratch.empty(3).positions.size
    3
    """

    uniforms: np.ndarray
    positions: np.ndarray
    sure: np.ndarray

    @classmethod
    def empty(cls, size: int) -> OrderScratch:
        """Work space for up to ``size`` active shoppers."""
        return cls(np.empty(size), np.empty(size, dtype=np.int64), np.empty(size, dtype=bool))


def order_probability(rate: np.ndarray, multiplier: np.ndarray | float) -> np.ndarray:
    """Probability of at least one order today for a Poisson rate (orders/day).

    Parameters
    ----------
    rate : numpy.ndarray
        Daily purchase rate of each shopper.
    multiplier : array or float
        Strategy multiplier on the rate.

    Returns
    -------
    numpy.ndarray
        1 − exp(−rate·multiplier).

    Examples
    --------
    >>> order_probability(np.array([0.0, np.log(2.0)]), 1.0).tolist()
    [0.0, 0.5]
    """
    return -np.expm1(-rate * multiplier)


def orderers(
    active: np.ndarray,
    uniforms: np.ndarray,
    rate: np.ndarray,
    multiplier: np.ndarray | float,
    *,
    scratch: OrderScratch | None = None,
) -> np.ndarray:
    """The active shoppers who order today: their uniform is below their order probability.

    The same shoppers as ``active[uniforms < order_probability(rate[active],
    at(multiplier, active))]``, bit for bit, but most are settled in one pass by
    bounds of the probability (see Notes); :func:`order_probability` is computed
    only for the few whose uniform falls between the bounds.

    Parameters
    ----------
    active : numpy.ndarray
        Indices of the active shoppers (int64).
    uniforms : numpy.ndarray
        One uniform draw per active shopper.
    rate : numpy.ndarray
        Daily purchase rate of every shopper (indexed by ``active``).
    multiplier : array or float
        Strategy multiplier on the rate: one for everyone, or one per shopper.
    scratch : OrderScratch, optional
        Work space for at least ``active.size`` shoppers, kept by the caller so that
        no array of that size is allocated each day.

    Returns
    -------
    numpy.ndarray
        Indices of the shoppers who order, in the order of ``active``.

    Notes
    -----
    With x = rate·multiplier in [0, 4] the probability p = 1 − e⁻ˣ lies between

    * 1 − 1/(1 + x + x²/2 + x³/6), as eˣ is at least its first four Taylor terms;
    * 1 − ((4 − x)/(4 + x))², as e^(−x/2) ≥ (4 − x)/(4 + x) (that is,
      t ≤ 2·artanh(t/2) for t = x/2 in [0, 2]).

    The bounds are at most 0.06 apart (0.0003 at the median rate). A shopper whose
    uniform is below the lower bound orders and one at or above the upper bound
    does not (each with a margin ``BOUND_MARGIN`` for rounding); any x outside
    [0, 4] (or NaN) gets the exact probability.

    Examples
    --------
    >>> rate = np.array([0.1, 1.0, 0.5, 2.0])
    >>> # probabilities 0.0952, 0.6321, 0.3935, 0.8647
    >>> orderers(np.arange(4), np.array([0.09, 0.7, 0.0, 0.86]), rate, 1.0).tolist()
    [0, 2, 3]
    >>> orderers(np.arange(4), np.array([0.09, 0.7, 0.0, 0.86]), rate,
    ...          np.array([0.5, 2.0, 1.0, 1.0])).tolist()
    [1, 2, 3]
    """
    if scratch is None:
        scratch = OrderScratch.empty(active.size)
    per_shopper = one_or_each(multiplier)
    count = _bracket(active, uniforms, rate, per_shopper, scratch.positions, scratch.sure)
    near, sure = scratch.positions[:count], scratch.sure[:count]
    unsure = near[~sure]
    who = active[unsure]
    probability = order_probability(rate[who], at(multiplier, who))
    return _settle(active, near, sure, uniforms[unsure] < probability)


@kernel
def _bracket(active, uniforms, rate, multiplier, positions, sure):
    """Settle each active shopper by the bounds of its order probability, in one pass.

    Writes into ``positions`` the positions ``k`` (into ``active``) of the shoppers
    whose uniform is below the upper bound (see :func:`orderers`), and into ``sure``
    whether it is also below the lower bound; returns how many. Shopper
    ``i = active[k]`` has x = rate[i]·m, ``m`` its multiplier (or the single one
    when ``multiplier`` has one element), rounded as numpy rounds it in
    :func:`order_probability`. An x outside [0, 4] is kept and not sure.
    """
    shared = multiplier.size == 1
    count = 0
    for k in range(active.size):
        i = active[k]
        x = rate[i] * (multiplier[0] if shared else multiplier[i])
        u = uniforms[k]
        # the bounds of orderers() multiplied out, free of divisions:
        # u < 1 − 1/(1 + poly)  ⟺  u·(1 + poly) < poly, poly = x + x²/2 + x³/6;
        # u < 1 − ((4 − x)/(4 + x))²  ⟺  u·(4 + x)² < 16·x
        poly = x * (1.0 + x * (0.5 + x * (1.0 / 6.0)))
        wide = 4.0 + x
        bounded = (x >= 0.0) & (x <= 4.0)  # False for NaN
        # branch-free: write every k and keep it by advancing past it (count <= k, so
        # the writes stay inside the first active.size elements); branches on the
        # comparisons would be mispredicted for a good share of the shoppers
        positions[count] = k
        sure[count] = bounded & ((u + BOUND_MARGIN) * (1.0 + poly) < poly)
        count += ((u - BOUND_MARGIN) * wide * wide < 16.0 * x) | (not bounded)
    return count


@kernel
def _settle(active, near, sure, unsure_orders):
    """The orderers among the ``near`` positions (into ``active``), in one pass.

    A position orders if it is ``sure`` to, or else if the next of ``unsure_orders``
    (one per position not sure, in order) says so; returns the shoppers
    ``active[k]`` of the positions that order, in order. Few are unsure, so the
    branch on ``sure`` is well predicted.
    """
    out = np.empty(near.size, dtype=np.int64)
    count, unsure = 0, 0
    for j in range(near.size):
        if sure[j]:
            ordered = True
        else:
            ordered = unsure_orders[unsure]
            unsure += 1
        out[count] = active[near[j]]
        count += ordered
    return out[:count]
