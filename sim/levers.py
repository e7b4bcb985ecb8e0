"""The levers strategies pull: one day's adjustments to the behaviour rules.

Every day the model starts from neutral levers (multipliers 1, additions 0) and
lets each active strategy adjust them for the shoppers it targets. The rules then
read the levers. A lever is either a scalar (the same for everyone) or an array of
length N (per shopper); :func:`at` reads either for a subset of shoppers.

Lever names are the ``LeverName`` literal type, so a type checker catches a misspelt
name in a strategy, and :meth:`Levers.add` and :meth:`Levers.multiply` refuse an
unknown name at once, naming the allowed ones (rather than failing, or silently
adding an attribute, later in the run).

Examples
--------
>>> import numpy as np
>>> levers = Levers.neutral(4)
>>> levers.add("price_discount", 0.1, np.array([True, False, True, False]))
>>> levers.price_discount.tolist()
[0.1, 0.0, 0.1, 0.0]
>>> float(at(levers.defect_mult, np.array([0, 2])))
1.0
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

Lever = float | np.ndarray

#: The names of the levers (the fields of :class:`Levers` besides ``size``).
LeverName = Literal[
    "ad_rate_mult",
    "referral_mult",
    "group_discount_add",
    "group_size_delta",
    "group_accept_mult",
    "purchase_rate_mult",
    "price_discount",
    "quality_bonus",
    "defect_mult",
    "late_mult",
    "resolution_add",
    "recovery_mult",
    "loyalty_decay_mult",
    "switching_cost_add",
    "churn_mult",
    "winback_add",
    "unlock_start_prob",
    "unlock_friends_asked",
    "unlock_click_prob",
    "unlock_clicks_needed",
    "unlock_adopt_prob",
    "unlock_satisfaction_add",
]

#: ``LeverName``'s values, in declaration order.
LEVER_NAMES: tuple[str, ...] = get_args(LeverName)


def check_lever_name(name: str) -> None:
    """Refuse a name that is not a lever, naming the allowed ones.

    Parameters
    ----------
    name : str
        A lever name, as a strategy passes it to :meth:`Levers.add`.

    Raises
    ------
    ValueError
        If ``name`` is not in ``LEVER_NAMES``; the message suggests the closest
        lever and lists them all.

    Examples
    --------
    >>> check_lever_name("price_discount")
    >>> try:
    ...     check_lever_name("price_discont")
    ... except ValueError as err:
    ...     print(str(err)[:62])
    unknown lever 'price_discont' (did you mean 'price_discount'?)
    """
    if name in LEVER_NAMES:
        return
    close = difflib.get_close_matches(name, LEVER_NAMES, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown lever {name!r}{hint}; allowed: {', '.join(LEVER_NAMES)}")


def at(lever: Lever, index: np.ndarray) -> Lever:
    """The lever's value for the shoppers in ``index`` (a scalar stays a scalar).

    Parameters
    ----------
    lever : float or numpy.ndarray
        Scalar or per-shopper array.
    index : numpy.ndarray
        Integer indices or boolean mask of shoppers.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> at(np.array([1.0, 2.0, 3.0]), np.array([2]))
    array([3.])
    >>> at(0.5, np.array([2]))
    0.5
    """
    return lever[index] if isinstance(lever, np.ndarray) else lever


@dataclass
class Levers:
    """One day's strategy adjustments; neutral values change nothing.

    Attributes
    ----------
    size : int
        Number of shoppers.
    ad_rate_mult : float
        Multiplies the Bass innovation coefficient (paid ads).
    referral_mult : Lever
        Multiplies the referral weight of each (referring) shopper.
    group_discount_add : float
        Added to the focal platform's group-buy discount (platform-funded).
    group_size_delta : int
        Added to the members a group needs (negative: smaller groups).
    group_accept_mult : float
        Multiplies the daily probability that an invited friend joins a group.
    purchase_rate_mult : Lever
        Multiplies each active shopper's daily purchase rate.
    price_discount : Lever
        Share of the focal price taken off for the shopper (coupons, points
        redemption, flash sales); enters choice and is booked as a strategy cost.
    quality_bonus : Lever
        Added to the perceived performance of the shopper's focal orders.
    defect_mult, late_mult : Lever
        Multiply the focal defect and late-delivery rates.
    resolution_add : Lever
        Added to the focal complaint-resolution rate.
    recovery_mult : Lever
        Multiplies the service-recovery bonus of a resolved complaint.
    loyalty_decay_mult : Lever
        Multiplies the rate at which loyalty decays toward a lower target.
    switching_cost_add : Lever
        Added to the shopper's switching cost (points, tier perks, membership).
    churn_mult : Lever
        Multiplies the daily churn hazard.
    winback_add : Lever
        Added to a churned shopper's daily probability of coming back.
    unlock_start_prob : Lever
        Added to an active shopper's daily probability of starting a share-to-unlock
        (:mod:`sim.rules.share_to_unlock`); 0 runs no unlocks.
    unlock_friends_asked, unlock_click_prob, unlock_clicks_needed : Lever
        The unlock's terms for its starter: friends asked, the probability that an
        asked friend clicks, the clicks a success needs.
    unlock_adopt_prob : Lever
        Probability that a prospect who clicks a starter's link becomes a customer.
    unlock_satisfaction_add : Lever
        Satisfaction bonus (times the learning rate) of a starter whose unlock succeeds.
    """

    size: int
    ad_rate_mult: float = 1.0
    referral_mult: Lever = 1.0
    group_discount_add: float = 0.0
    group_size_delta: int = 0
    group_accept_mult: float = 1.0
    purchase_rate_mult: Lever = 1.0
    price_discount: Lever = 0.0
    quality_bonus: Lever = 0.0
    defect_mult: Lever = 1.0
    late_mult: Lever = 1.0
    resolution_add: Lever = 0.0
    recovery_mult: Lever = 1.0
    loyalty_decay_mult: Lever = 1.0
    switching_cost_add: Lever = 0.0
    churn_mult: Lever = 1.0
    winback_add: Lever = 0.0
    unlock_start_prob: Lever = 0.0
    unlock_friends_asked: Lever = 0.0
    unlock_click_prob: Lever = 0.0
    unlock_clicks_needed: Lever = 0.0
    unlock_adopt_prob: Lever = 0.0
    unlock_satisfaction_add: Lever = 0.0

    @classmethod
    def neutral(cls, size: int) -> Levers:
        """Levers that change nothing, for ``size`` shoppers."""
        return cls(size=size)

    def add(self, name: LeverName, amount: Lever, mask: np.ndarray | None = None) -> None:
        """Add ``amount`` to lever ``name`` for the shoppers in ``mask`` (all if None).

        Raises
        ------
        ValueError
            If ``name`` is not a lever (see :func:`check_lever_name`).
        """
        self._combine(name, amount, mask, np.add)

    def multiply(self, name: LeverName, factor: Lever, mask: np.ndarray | None = None) -> None:
        """Multiply lever ``name`` by ``factor`` for the shoppers in ``mask`` (all if None).

        Raises
        ------
        ValueError
            If ``name`` is not a lever (see :func:`check_lever_name`).
        """
        self._combine(name, factor, mask, np.multiply)

    def _combine(
        self, name: LeverName, value: Lever, mask: np.ndarray | None, op: np.ufunc
    ) -> None:
        check_lever_name(name)
        current = getattr(self, name)
        if mask is None and not isinstance(value, np.ndarray):
            setattr(
                self,
                name,
                op(current, value)
                if isinstance(current, np.ndarray)
                else float(op(current, value)),
            )
            return
        if not isinstance(current, np.ndarray):
            current = np.full(self.size, float(current))
        else:
            current = current.copy()
        if mask is None:
            current = op(current, value)
        else:
            current[mask] = op(current[mask], at(value, mask))
        setattr(self, name, current)
