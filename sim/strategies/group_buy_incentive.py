"""Group-buy incentives: growth through friends who join a group buy.

The source material describes group buying (pin tuan): a deal needs friends to
join before the discount applies, which makes shoppers bring friends. The
platform can make group buys more attractive: a platform-funded extra group
discount, smaller groups, invitations more often accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import model_validator

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class GroupBuyIncentive(Strategy):
    """A deeper, platform-funded group discount; smaller groups; more accepted invitations.

    Notes
    -----
    A formed group's deal bonus to perceived performance grows with
    ``extra_discount`` as its discount does; with ``group_size_delta`` the model
    still needs at least 2 members.

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
    effects: ClassVar[dict[str, float]] = {"accept_mult": 1.0}
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

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Extra discount on each group member's order plus group-customer rewards (CNY)."""
        values = shoppers.order_value[outcome.group_members]
        discount = self.extra_discount * values.sum()
        rewards = self.reward_per_group_customer * outcome.new_group.size
        return StrategyCost.per_shopper(
            np.concatenate([outcome.group_members, outcome.new_group]),
            np.concatenate(
                [
                    self.extra_discount * values,
                    np.full(outcome.new_group.size, self.reward_per_group_customer),
                ]
            ),
            total=float(discount + rewards),
        )
