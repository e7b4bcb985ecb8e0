"""Community engagement: online and offline activities around the platform.

The source material lists "community activities online and offline" and "active
interaction and feedback" among what keeps customers. Members of a community
hold on to their attachment when satisfaction dips (loyalty decays more slowly)
and talk about the platform more (a higher referral weight).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy, reached_active

if TYPE_CHECKING:
    import numpy as np

    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class CommunityEngagement(Strategy):
    """Slower loyalty decay and more referrals for the reached shoppers.

    Notes
    -----
    Loyalty's daily decay rate is multiplied by ``1 - decay_reduction``.

    Participants are the reached shoppers who are focal customers (active or won
    back) at the end of the day. Cost per day: ``fixed_cost_per_day +
    cost_per_participant_per_day`` × participants.

    Examples
    --------
    >>> CommunityEngagement().referral_mult
    1.3
    """

    kind: Literal["community"] = "community"
    effects: ClassVar[dict[str, float]] = {"decay_reduction": 0.0, "referral_mult": 1.0}
    summary: ClassVar[str] = "Community activities: loyalty decays more slowly, more referrals."
    decay_reduction: float = param(
        0.3,
        "Share by which loyalty's decay toward a lower target slows.",
        "share",
        "source material (community activities); to be calibrated",
        ge=0,
        le=1,
    )
    referral_mult: float = param(
        1.3,
        "Multiplier on the referral weight of participants.",
        "-",
        "source material (social sharing); to be calibrated",
        ge=0,
    )
    fixed_cost_per_day: float = param(
        50.0, "Cost of running the community.", "CNY/day", "to be calibrated", ge=0
    )
    cost_per_participant_per_day: float = param(
        0.0,
        "Cost per participant (reached active shopper).",
        "CNY/shopper/day",
        "to be calibrated",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Slow loyalty decay and raise referral weight for the reached shoppers."""
        levers.multiply("loyalty_decay_mult", 1.0 - self.decay_reduction, mask)
        levers.multiply("referral_mult", self.referral_mult, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Fixed cost (no shopper's) plus each active participant's cost (CNY)."""
        participants = reached_active(shoppers, mask)
        return StrategyCost.per_shopper(
            participants, self.cost_per_participant_per_day, fixed=self.fixed_cost_per_day
        )
