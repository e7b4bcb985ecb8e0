"""Personalised recommendation from purchase-history data.

The source material lists "personalised recommendation and service from
purchase-history data" among what platforms do to keep customers, and young
users as wanting personalised goods. A better match raises the performance the
shopper perceives and how often they find something to buy.
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


class Recommendation(Strategy):
    """Better-matched offers: higher perceived quality and purchase rate.

    Notes
    -----
    The quality bonus counts twice: in the perceived performance of the reached
    shoppers' focal orders and in the focal quality they weigh in platform choice.

    Cost per day: ``cost_per_active_per_day`` × reached shoppers who are focal
    customers (active or won back) at the end of the day.

    Examples
    --------
    >>> Recommendation().purchase_rate_mult
    1.1
    """

    kind: Literal["recommendation"] = "recommendation"
    effects: ClassVar[dict[str, float]] = {"quality_bonus": 0.0, "purchase_rate_mult": 1.0}
    summary: ClassVar[str] = "Personalised recommendation: better match, more orders."
    quality_bonus: float = param(
        0.03,
        "Added to the perceived performance of focal orders (better match).",
        "-",
        "source material (personalised recommendation); to be calibrated",
        ge=0,
        le=1,
    )
    purchase_rate_mult: float = param(
        1.1, "Multiplier on the daily purchase rate.", "-", "to be calibrated", ge=0
    )
    cost_per_active_per_day: float = param(
        0.01,
        "Cost per reached active shopper per day.",
        "CNY/shopper/day",
        "to be calibrated",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Raise perceived quality and the purchase rate of the reached shoppers."""
        levers.add("quality_bonus", self.quality_bonus, mask)
        levers.multiply("purchase_rate_mult", self.purchase_rate_mult, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Cost of serving each reached active shopper today (CNY)."""
        served = reached_active(shoppers, mask)
        return StrategyCost.per_shopper(served, self.cost_per_active_per_day)
