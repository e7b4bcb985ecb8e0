"""Stage 5: satisfaction by expectation-disconfirmation; expectations adapt.

Examples
--------
>>> import numpy as np
>>> from sim.params import Satisfaction
>>> weights = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5,
...                        expectation_adaptation=0.5)
>>> s, e = update_satisfaction(np.array([0.5]), np.array([0.6]), np.array([0.8]), weights)
>>> round(float(s[0]), 6), round(float(e[0]), 6)
(0.75, 0.7)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.jit import kernel
from sim.params import Satisfaction

if TYPE_CHECKING:  # sim.shoppers imports the rules
    from sim.shoppers import Shoppers


def transaction_satisfaction(
    performance: np.ndarray, expectation: np.ndarray, disconfirmation_weight: float
) -> np.ndarray:
    """Satisfaction with one order: performance plus weighted disconfirmation, in [0, 1].

    Parameters
    ----------
    performance, expectation : numpy.ndarray
        Perceived performance and the expectation held before the order.
    disconfirmation_weight : float
        Weight κ of disconfirmation (performance − expectation).

    Returns
    -------
    numpy.ndarray
        clip(perf + κ·(perf − expectation), 0, 1).

    References
    ----------
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
    satisfaction decisions. Journal of Marketing Research 17(4), 460-469.
    Churchill, G. A. & Surprenant, C. (1982). An investigation into the determinants
    of customer satisfaction. Journal of Marketing Research 19(4), 491-504.

    Examples
    --------
    >>> round(float(transaction_satisfaction(np.array([0.5]), np.array([0.7]), 1.0)[0]), 12)
    0.3
    """
    performance, expectation = np.broadcast_arrays(
        np.asarray(performance, dtype=float), np.asarray(expectation, dtype=float)
    )
    return _transactions(performance.ravel(), expectation.ravel(), disconfirmation_weight).reshape(
        performance.shape
    )


@kernel
def _transaction(performance: float, expectation: float, weight: float) -> float:
    """One order's satisfaction (see :func:`transaction_satisfaction`)."""
    s = performance + weight * (performance - expectation)
    return min(max(s, 0.0), 1.0)


@kernel
def _transactions(performance: np.ndarray, expectation: np.ndarray, weight: float) -> np.ndarray:
    """:func:`_transaction` of each order (flat arrays of equal length)."""
    out = np.empty(performance.size)
    for k in range(performance.size):
        out[k] = _transaction(performance[k], expectation[k], weight)
    return out


def apply_orders(
    who: np.ndarray, performance: np.ndarray, shoppers: Shoppers, params: Satisfaction
) -> None:
    """Satisfaction, expectation and perceived quality after the day's focal orders, in place.

    Parameters
    ----------
    who : numpy.ndarray
        Indices of the shoppers with a focal order today, each once.
    performance : numpy.ndarray
        Perceived performance of each one's orders.
    shoppers : Shoppers
        Their ``satisfaction``, ``quality_expectation`` and ``perceived_quality``
        columns are updated as :func:`update_satisfaction` describes; perceived
        quality moves toward the performance at the learning rate λ:
        Q ← Q + λ·(perf − Q).
    params : Satisfaction
        As for :func:`update_satisfaction`.

    Examples
    --------
    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> sh = create_shoppers(ModelParams(population={"size": 3}), np.random.default_rng(0))
    >>> sh.satisfaction[:], sh.quality_expectation[:], sh.perceived_quality[:] = 0.5, 0.6, 0.4
    >>> weights = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5,
    ...                        expectation_adaptation=0.5)
    >>> apply_orders(np.array([2]), np.array([0.8]), sh, weights)
    >>> sh.satisfaction.round(6).tolist(), sh.quality_expectation.round(6).tolist()
    ([0.5, 0.5, 0.75], [0.6, 0.6, 0.7])
    >>> sh.perceived_quality.round(6).tolist()
    [0.4, 0.4, 0.6]
    """
    _apply_orders(
        who,
        performance,
        shoppers.satisfaction,
        shoppers.quality_expectation,
        shoppers.perceived_quality,
        params.disconfirmation_weight,
        params.learning_rate,
        params.expectation_adaptation,
    )


@kernel
def _apply_orders(
    who: np.ndarray,
    performance: np.ndarray,
    satisfaction: np.ndarray,
    expectation: np.ndarray,
    perceived: np.ndarray,
    weight: float,
    rate: float,
    adapt: float,
) -> None:
    """The updates of :func:`apply_orders`, shopper by shopper; ``perceived`` empty: not kept.

    Each shopper is listed once in ``who``, so updating in place reads the values
    from before the day, as the vectorised rule did.
    """
    keep_perceived = perceived.size > 0
    for k in range(who.size):
        i = who[k]
        p = performance[k]
        s = _transaction(p, expectation[i], weight)
        satisfaction[i] = (1.0 - rate) * satisfaction[i] + rate * s
        expectation[i] = (1.0 - adapt) * expectation[i] + adapt * p
        if keep_perceived:
            perceived[i] += rate * (p - perceived[i])


def update_satisfaction(
    satisfaction: np.ndarray,
    expectation: np.ndarray,
    performance: np.ndarray,
    params: Satisfaction,
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative satisfaction and the new expectation after an order.

    Parameters
    ----------
    satisfaction, expectation, performance : numpy.ndarray
        Before the order, per ordering shopper.
    params : Satisfaction
        ``disconfirmation_weight`` κ (see :func:`transaction_satisfaction`);
        ``learning_rate`` λ, the weight of the latest order: S ← (1 − λ)·S + λ·s;
        ``expectation_adaptation`` η, the weight of the latest performance:
        E ← (1 − η)·E + η·perf.

    Returns
    -------
    satisfaction, expectation : numpy.ndarray

    See Also
    --------
    apply_orders : the same update in place, for the model's shoppers.

    Examples
    --------
    >>> weights = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5,
    ...                        expectation_adaptation=0.5)
    >>> s, e = update_satisfaction(np.array([0.5]), np.array([0.6]), np.array([0.8]), weights)
    >>> s.round(6).tolist(), e.round(6).tolist()
    ([0.75], [0.7])
    """
    new_satisfaction = np.array(satisfaction, dtype=float)  # copies, updated in place
    new_expectation = np.array(expectation, dtype=float)
    _apply_orders(
        np.arange(new_satisfaction.size),
        np.asarray(performance, dtype=float),
        new_satisfaction,
        new_expectation,
        np.empty(0),
        params.disconfirmation_weight,
        params.learning_rate,
        params.expectation_adaptation,
    )
    return new_satisfaction, new_expectation


def hear_detractors(
    who: np.ndarray, detractor_share: np.ndarray, satisfaction: np.ndarray, effect: float
) -> None:
    """Lower the satisfaction of shoppers who hear detractor friends, in place.

    Parameters
    ----------
    who : numpy.ndarray
        Indices of the shoppers who hear a detractor, each once.
    detractor_share : numpy.ndarray
        The share of detractors among each one's friends.
    satisfaction : numpy.ndarray
        Every shopper's satisfaction; ``who``'s falls by ``effect`` times the
        share, down to 0 (see :func:`negative_word_of_mouth`).
    effect : float
        Satisfaction lost per day when every friend is a detractor.

    Examples
    --------
    >>> s = np.array([0.5, 0.3, 0.01])
    >>> hear_detractors(np.array([0, 2]), np.array([0.5, 1.0]), s, 0.02)
    >>> s.tolist()
    [0.49, 0.3, 0.0]
    """
    # the effect in the share's precision, as numpy multiplies a Python float by an
    # array (NEP 50: a float32 share stays float32)
    effect_typed = np.result_type(detractor_share.dtype, effect).type(effect)
    _hear_detractors(who, detractor_share, satisfaction, effect_typed)


@kernel
def _lowered(satisfaction: float, share: float, effect: float) -> float:
    """One shopper's satisfaction after hearing a detractor share: max(S − effect·share, 0)."""
    return max(satisfaction - effect * share, 0.0)


@kernel
def _hear_detractors(
    who: np.ndarray, share: np.ndarray, satisfaction: np.ndarray, effect: float
) -> None:
    """The update of :func:`hear_detractors`, shopper by shopper."""
    for k in range(who.size):
        i = who[k]
        satisfaction[i] = _lowered(satisfaction[i], share[k], effect)


def hear_detractor_sums(
    customers: np.ndarray,
    detractor_sums: np.ndarray,
    ties: np.ndarray,
    satisfaction: np.ndarray,
    *,
    effect: float,
) -> None:
    """Lower the satisfaction of customers who hear detractor friends, from running sums.

    The same update as :func:`hear_detractors` with ``who`` the customers whose
    detractor sum is positive and ``detractor_share`` their sum / ties (float64),
    in one pass over the customers and without building either array.

    Parameters
    ----------
    customers : numpy.ndarray
        Shopper ids, each once.
    detractor_sums : numpy.ndarray
        Per shopper, the number of detractors among its friends (float64; may be
        a strided column of a larger array).
    ties : numpy.ndarray
        Per shopper, the number of its ties (at least 1): integers, or float64.
    satisfaction : numpy.ndarray
        Every shopper's satisfaction; a hearer's falls by ``effect`` times the
        share sum / ties, down to 0.
    effect : float
        Satisfaction lost per day when every friend is a detractor.

    Examples
    --------
    >>> s = np.array([0.5, 0.3, 0.01, 0.8])
    >>> hear_detractor_sums(np.array([0, 2, 3]), np.array([1.0, 2.0, 4.0, 0.0]),
    ...                     np.array([2.0, 2.0, 4.0, 3.0]), s, effect=0.02)
    >>> s.tolist()
    [0.49, 0.3, 0.0, 0.8]
    """
    _hear_detractor_sums(customers, detractor_sums, ties, satisfaction, float(effect))


@kernel
def _hear_detractor_sums(
    customers: np.ndarray,
    sums: np.ndarray,
    ties: np.ndarray,
    satisfaction: np.ndarray,
    effect: float,
) -> None:
    """The update of :func:`hear_detractor_sums`: share = sum / ties (float64), :func:`_lowered`."""
    for k in range(customers.size):
        i = customers[k]
        total = sums[i]
        if total > 0:
            satisfaction[i] = _lowered(satisfaction[i], total / ties[i], effect)


def negative_word_of_mouth(
    satisfaction: np.ndarray, detractor_share: np.ndarray | float, effect: float
) -> np.ndarray:
    """Satisfaction after a day of hearing detractor friends, in [0, 1].

    See Also
    --------
    hear_detractors : the same update in place, for the model's shoppers.

    Examples
    --------
    >>> negative_word_of_mouth(np.array([0.5, 0.01]), np.array([0.5, 1.0]), 0.02).tolist()
    [0.49, 0.0]
    """
    lowered = np.array(satisfaction, dtype=float)  # a copy, lowered in place
    share = np.broadcast_to(np.asarray(detractor_share), lowered.shape)
    hear_detractors(np.arange(lowered.size), share, lowered, effect)
    return lowered
