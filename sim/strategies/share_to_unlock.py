"""Share-to-unlock (砍一刀 bargain cut / 助力 assist): friends click to unlock a reward.

The platform description: share-to-unlock asks friends to click a link to lower a
price or unlock a reward, a large source of exposure of non-users. A customer
starts an unlock, asks some friends to click; enough clicks unlock the item or
coupon the platform funds; prospects who click register and may become customers.
The mechanism is the rule :func:`sim.rules.share_to_unlock.run_unlocks`, run by the
model right after Bass acquisition.
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

_PLATFORM = (
    "platform description (share-to-unlock asks friends to click a link to lower a "
    "price or unlock a reward, a large source of exposure of non-users); to be calibrated"
)


class ShareToUnlock(Strategy):
    """Customers ask friends to click to unlock a platform-funded reward; clickers register.

    Notes
    -----
    Each day each reached active customer starts an unlock with ``start_prob``;
    they ask ``friends_asked`` of their ties (random shoppers in a fully mixed
    population), each of whom clicks with ``click_prob``. A prospect who clicks
    becomes a customer with ``new_user_adopt_prob`` (channel ``share_to_unlock``),
    whether or not the unlock succeeds. With ``clicks_needed`` clicks the unlock
    succeeds: the platform pays ``reward_value`` and the starter's satisfaction
    rises by ``satisfaction_bonus`` times the learning rate (capped at 1).

    The strategy sets the ``unlock_*`` levers for its target; two share-to-unlock
    strategies reaching the same shopper add their terms, so run one. Cost per
    day: ``reward_value`` × today's successful unlocks of reached starters.

    Examples
    --------
    >>> ShareToUnlock(start_prob=0.05).clicks_needed
    3
    """

    kind: Literal["share_to_unlock"] = "share_to_unlock"
    effects: ClassVar[dict[str, float]] = {"click_prob": 0.0, "new_user_adopt_prob": 0.0}
    summary: ClassVar[str] = (
        "Share-to-unlock (bargain cut): friends click to unlock a reward; clickers register."
    )
    start_prob: float = param(
        0.02,
        "Daily probability that a reached active customer starts an unlock.",
        "1/day",
        "to be calibrated",
        ge=0,
        le=1,
    )
    friends_asked: int = param(
        5, "Friends each starter asks to click.", "shoppers", _PLATFORM, ge=0
    )
    click_prob: float = param(
        0.3, "Probability that an asked friend clicks.", "share", "to be calibrated", ge=0, le=1
    )
    clicks_needed: int = param(
        3, "Clicks an unlock needs to succeed.", "clicks", "to be calibrated", ge=1
    )
    new_user_adopt_prob: float = param(
        0.2,
        "Probability that a prospect who clicks becomes a customer.",
        "share",
        _PLATFORM,
        ge=0,
        le=1,
    )
    reward_value: float = param(
        10.0,
        "What the platform pays per successful unlock (the item or coupon it funds).",
        "CNY/unlock",
        "to be calibrated",
        ge=0,
    )
    satisfaction_bonus: float = param(
        0.1,
        "Satisfaction bonus of a successful starter (times the learning rate).",
        "-",
        "to be calibrated",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Set the unlock's start probability and terms for the reached shoppers."""
        levers.add("unlock_start_prob", self.start_prob, mask)
        levers.add("unlock_friends_asked", float(self.friends_asked), mask)
        levers.add("unlock_click_prob", self.click_prob, mask)
        levers.add("unlock_clicks_needed", float(self.clicks_needed), mask)
        levers.add("unlock_adopt_prob", self.new_user_adopt_prob, mask)
        levers.add("unlock_satisfaction_add", self.satisfaction_bonus, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Rewards for today's successful unlocks of reached starters (CNY), per starter."""
        starters = reached(outcome.unlocks, mask)
        return StrategyCost.per_shopper(starters, self.reward_value)
