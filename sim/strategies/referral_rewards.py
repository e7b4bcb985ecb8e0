"""Referral rewards and group-buy incentives: growth through friends.

The source material describes the focal platform's "fission": shoppers share
deals with friends, group buying (pin tuan) needs friends to join, and a
satisfied customer recommends the firm to about 9 people. Two strategies pull on
it: rewards for referring (a higher referral weight, paid per referred customer)
and incentives for group buys (a platform-funded extra group discount, smaller
groups, invitations more often accepted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from sim.schema import param
from sim.strategies.base import Strategy, count_reached

if TYPE_CHECKING:
    import numpy as np

    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class ReferralRewards(Strategy):
    """A reward for every friend a shopper brings; shoppers refer more.

    Parameters
    ----------
    referral_mult : float
        Multiplier on the reached shoppers' referral weight, which drives the
        Bass imitation term of their prospect friends (-). Default 2; to be
        calibrated.
    reward_per_referral : float
        Reward paid per new customer acquired by referral (CNY/customer). Default
        5, a quarter of the paid-ads cost per acquisition (20 CNY); to be
        calibrated.

    Notes
    -----
    The model does not record who referred whom, so rewards are booked per new
    referral customer the strategy reaches: all of them when targeting everyone;
    with a target, those inside it (a programme run within a segment pays for the
    friends it brings into that segment). The boost works from the next day on
    (the model publishes referral signals at the end of a day). Cost per day:
    ``reward_per_referral`` × reached new referral customers.

    Examples
    --------
    >>> ReferralRewards(reward_per_referral=8).referral_mult
    2.0
    """

    kind: Literal["referral_rewards"] = "referral_rewards"
    summary: ClassVar[str] = "Rewards for referring friends: more referrals, paid per referral."
    referral_mult: float = param(
        2.0,
        "Multiplier on the referral weight of reached shoppers.",
        "-",
        "source material (sharing, fission); to be calibrated",
        ge=0,
    )
    reward_per_referral: float = param(
        5.0,
        "Reward per new customer acquired by referral.",
        "CNY/customer",
        "source material (retention 10-20% of acquisition cost); to be calibrated",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Raise the referral weight of the reached shoppers."""
        levers.multiply("referral_mult", self.referral_mult, mask)

    def settle(self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None) -> float:
        """Rewards for today's reached referral customers (CNY)."""
        return self.reward_per_referral * count_reached(outcome.new_referral, mask)


class GroupBuyIncentive(Strategy):
    """A deeper, platform-funded group discount; smaller groups; more accepted invitations.

    Parameters
    ----------
    extra_discount : float
        Share of the order value added to the group discount of every formed
        group's members, paid by the platform (share). A formed group's deal bonus
        to perceived performance grows by the same amount. Default 0.05; to be
        calibrated.
    group_size_delta : int
        Added to the members a group needs (shoppers, at most 0; the model keeps
        at least 2). Default 0.
    accept_mult : float
        Multiplier on the daily probability that an invited friend joins (-).
        Default 1.5; to be calibrated.
    reward_per_group_customer : float
        Reward per new customer acquired through a group invitation
        (CNY/customer). Default 0.

    Notes
    -----
    A group mixes shoppers of every kind and its terms hold for all its members,
    so the incentive reaches everyone (the target must be ``everyone``). Cost per
    day: ``extra_discount`` × order value of the members of groups formed today +
    ``reward_per_group_customer`` × new group-invitation customers.

    Examples
    --------
    >>> GroupBuyIncentive(group_size_delta=-1).accept_mult
    1.5
    """

    kind: Literal["group_buy_incentive"] = "group_buy_incentive"
    summary: ClassVar[str] = (
        "Group-buy incentives: platform-funded extra group discount, smaller groups."
    )
    extra_discount: float = param(
        0.05,
        "Extra group discount on formed groups' orders, platform-funded.",
        "share",
        "source material (group buying); to be calibrated",
        ge=0,
        lt=1,
    )
    group_size_delta: int = param(
        0, "Added to the members a group needs (0 or negative).", "shoppers", "-", le=0
    )
    accept_mult: float = param(
        1.5,
        "Multiplier on the probability that an invited friend joins.",
        "-",
        "to be calibrated",
        ge=0,
    )
    reward_per_group_customer: float = param(
        0.0,
        "Reward per new customer acquired through a group invitation.",
        "CNY/customer",
        "to be calibrated",
        ge=0,
    )

    @model_validator(mode="after")
    def _reaches_everyone(self) -> GroupBuyIncentive:
        if self.target.kind != "everyone":
            raise ValueError(
                "group_buy_incentive changes the terms of whole groups and cannot be "
                f"targeted; use target kind 'everyone' (got {self.target.kind!r})"
            )
        return self

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Deeper discount, group size and acceptance for every group."""
        levers.add("group_discount_add", self.extra_discount)
        levers.group_size_delta += self.group_size_delta
        levers.multiply("group_accept_mult", self.accept_mult)

    def settle(self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None) -> float:
        """Extra discount on formed groups' orders plus group-customer rewards (CNY)."""
        discount = self.extra_discount * shoppers.order_value[outcome.group_members].sum()
        rewards = self.reward_per_group_customer * outcome.new_group.size
        return float(discount + rewards)
