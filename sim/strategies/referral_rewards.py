"""Referral rewards: growth through friends, paid per referred customer.

The source material describes the focal platform's "fission": shoppers share
deals with friends, and a satisfied customer recommends the firm to about 9
people. Rewards for referring raise the reached shoppers' referral weight and are
paid per referred customer. (Group buys, the other channel through friends, have
their own strategy: :mod:`sim.strategies.group_buy_incentive`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy, reached

if TYPE_CHECKING:
    import numpy as np

    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class ReferralRewards(Strategy):
    """A reward for every friend a shopper brings; shoppers refer more.

    Notes
    -----
    The referral weight drives the Bass imitation term of the reached shoppers'
    prospect friends. The default reward, 5 CNY, is a quarter of the paid-ads cost
    per acquisition (20 CNY).

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
    effects: ClassVar[dict[str, float]] = {"referral_mult": 1.0}
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
        "to be calibrated (Pinduoduo's marketing per net new buyer, 77-163 CNY in "
        "2018-2019, is an upper bound)",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Raise the referral weight of the reached shoppers."""
        levers.multiply("referral_mult", self.referral_mult, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Rewards for today's reached referral customers (CNY), each booked to the customer."""
        rewarded = reached(outcome.new_referral, mask)
        return StrategyCost.per_shopper(rewarded, self.reward_per_referral)
