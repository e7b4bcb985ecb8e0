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
def lowered_by_detractors(
    satisfaction: float, detractor_sum: float, ties: float, effect: float
) -> float:
    """One customer's satisfaction after hearing detractors (see :func:`hear_detractor_sums`).

    Compiled: the model's passes over the customers call it shopper by shopper.

    Parameters
    ----------
    satisfaction : float
        The customer's satisfaction.
    detractor_sum : float
        Detractors among the customer's friends (float64).
    ties : float
        The customer's ties (at least 1; an integer count is taken as float64).
    effect : float
        Satisfaction lost per day when every friend is a detractor.

    Returns
    -------
    float
        max(S − effect·sum/ties, 0) when the sum is positive, else S.

    Examples
    --------
    >>> lowered_by_detractors(0.5, 1.0, 4, 0.04), lowered_by_detractors(0.5, 0.0, 4, 0.04)
    (0.49, 0.5)
    """
    lowered = _lowered(satisfaction, detractor_sum / ties, effect)
    # a choice rather than a branch: which customers hear detractors is unpredictable
    # (about half do), and a mispredicted branch cost more than the division
    return lowered if detractor_sum > 0 else satisfaction


@kernel
def _hear_detractor_sums(
    customers: np.ndarray,
    sums: np.ndarray,
    ties: np.ndarray,
    satisfaction: np.ndarray,
    effect: float,
) -> None:
    """The update of :func:`hear_detractor_sums`, customer by customer."""
    for k in range(customers.size):
        i = customers[k]
        satisfaction[i] = lowered_by_detractors(satisfaction[i], sums[i], ties[i], effect)


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


@kernel
def with_deal_bonus(satisfaction: float, bonus: float, rows: int) -> float:
    """One shopper's satisfaction after ``rows`` deal bonuses: each added, then capped at 1.

    Compiled: the model's passes over the shoppers call it shopper by shopper (see
    :func:`sim.rules.group_formation.add_deal_bonus`).

    Parameters
    ----------
    satisfaction : float
        The shopper's satisfaction.
    bonus : float
        Satisfaction added per row.
    rows : int
        The shopper's member rows in today's formed groups.

    Returns
    -------
    float
        S + bonus + ... + bonus (one addition a row, in turn), at most 1 (NaN stays NaN,
        as with ``np.minimum``).

    Examples
    --------
    >>> with_deal_bonus(0.5, 0.125, 2), with_deal_bonus(0.9, 0.125, 1)
    (0.75, 1.0)
    """
    for _ in range(rows):
        satisfaction += bonus
    return 1.0 if satisfaction > 1.0 else satisfaction


@kernel
def _count_rows(members: np.ndarray, rows: np.ndarray) -> None:
    """Add one to ``rows`` of each member row (a shopper in two groups counts twice)."""
    for i in members:
        rows[i] += 1


@kernel
def _add_bonus_rows(
    satisfaction: np.ndarray, members: np.ndarray, bonus: float, rows: np.ndarray
) -> None:
    """:func:`with_deal_bonus` of the members still holding rows; their rows back to 0."""
    for i in members:
        n = rows[i]
        if n:
            satisfaction[i] = with_deal_bonus(satisfaction[i], bonus, n)
            rows[i] = 0


class HeldChanges:
    """The day's satisfaction changes held back for one later pass over the customers.

    Hearing detractors (:func:`hear_detractor_sums`, every customer) and the deal
    bonus of formed groups' members (:func:`with_deal_bonus`) come one after the
    other, right before the loyalty stage passes over the same customers. Held here,
    they are applied in that pass (:func:`sim.rules.loyalty_churn.screen_churn`),
    shopper by shopper and in the order the stages would apply them: detractors
    heard, then each bonus row, then the cap. A shopper's changes read only its own
    values, so this gives the numbers of one pass after another, in one pass.

    Parameters
    ----------
    size : int
        Number of shoppers.

    Attributes
    ----------
    customers : numpy.ndarray or None
        The customers who hear detractors (None: no hearing held).
    detractor_sums, ties, effect
        As for :func:`hear_detractor_sums` (held with ``customers``).
    rows : numpy.ndarray
        Per shopper (int32), its bonus rows held: zero but for ``members``.
    members : numpy.ndarray
        Shopper id of each bonus row held.
    bonus : float
        Satisfaction added per row.

    Examples
    --------
    >>> held = HeldChanges(3)
    >>> held.hear(np.array([0, 1]), np.array([1.0, 0.0, 0.0]), np.array([4, 1, 1]),
    ...           effect=0.04)
    >>> held.add_bonus(np.array([0, 2, 0]), 0.25)
    >>> s = np.array([0.5, 0.5, 0.5])
    >>> held.apply(s)
    >>> s.tolist(), held.rows.tolist()
    ([0.99, 0.5, 0.75], [0, 0, 0])
    """

    def __init__(self, size: int) -> None:
        self.rows = np.zeros(size, dtype=np.int32)
        self.members = np.empty(0, dtype=np.int64)
        self.bonus = 0.0
        self.customers: np.ndarray | None = None
        self.detractor_sums = np.empty(0)
        self.ties = np.empty(0, dtype=np.int32)
        self.effect = 0.0

    def hear(
        self,
        customers: np.ndarray,
        detractor_sums: np.ndarray,
        ties: np.ndarray,
        *,
        effect: float,
    ) -> None:
        """Hold :func:`hear_detractor_sums` of ``customers`` (the arrays are kept, not copied).

        Raises
        ------
        ValueError
            If a hearing is held already.
        """
        if self.customers is not None:
            raise ValueError("a hearing of detractors is held already: apply it first")
        self.customers, self.detractor_sums, self.ties = customers, detractor_sums, ties
        self.effect = float(effect)

    def add_bonus(self, members: np.ndarray, bonus: float) -> None:
        """Hold a deal bonus for each row of ``members`` (the rows of one call are held at once).

        Raises
        ------
        ValueError
            If a member is no shopper id, or bonus rows are held already.
        """
        members = np.asarray(members, dtype=np.int64)
        if members.size and (members.min() < 0 or members.max() >= self.rows.size):
            raise ValueError("members must be shopper ids, 0 <= id < satisfaction.size")
        if self.members.size:
            raise ValueError("deal bonuses are held already: apply them first")
        _count_rows(members, self.rows)
        self.members, self.bonus = members, float(bonus)

    def take_hearing(
        self, customers: np.ndarray, satisfaction: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """Hand the held hearing to a pass over ``customers``, which applies it; hold it no more.

        Parameters
        ----------
        customers : numpy.ndarray
            The customers of the pass.
        satisfaction : numpy.ndarray
            Every shopper's satisfaction: a hearing held for other customers (another
            array) is applied to it now, and the pass gets none.

        Returns
        -------
        detractor_sums, ties, effect
            As held; without a hearing for ``customers``, empty arrays and 0.
        """
        if self.customers is customers:  # the very list the hearing was held for
            self.customers = None
            return self.detractor_sums, self.ties, self.effect
        self._hear_now(satisfaction)
        return np.empty(0), np.empty(0, dtype=np.int32), 0.0

    def _hear_now(self, satisfaction: np.ndarray) -> None:
        """Apply the held hearing, if any, to ``satisfaction``; hold it no more."""
        if self.customers is not None:
            _hear_detractor_sums(
                self.customers, self.detractor_sums, self.ties, satisfaction, self.effect
            )
            self.customers = None

    def apply(self, satisfaction: np.ndarray, *, rows_added: int = 0) -> None:
        """Apply what is held to ``satisfaction`` (in place) and hold nothing more.

        The hearing first, then the bonus rows still held.

        Parameters
        ----------
        satisfaction : numpy.ndarray
            Every shopper's satisfaction.
        rows_added : int, default 0
            Bonus rows a pass has added already (setting the shoppers' ``rows`` to
            0); when that is every row held, no member is left to look up.
        """
        self._hear_now(satisfaction)
        if self.members.size > rows_added:
            _add_bonus_rows(satisfaction, self.members, self.bonus, self.rows)
        self.members = np.empty(0, dtype=np.int64)
