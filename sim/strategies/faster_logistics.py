"""Faster logistics: fewer late deliveries on focal orders.

The source material names logistics (late delivery, lost parcels) among the focal
platform's weak points and better logistics (speed, accuracy) among the remedies;
the JD-like rival leads on it. A lower late rate means fewer late penalties and
complaints, and a better service level in platform choice.
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


class FasterLogistics(Strategy):
    """Cut the late-delivery rate of the reached shoppers' focal orders by a share.

    Notes
    -----
    The late rate is multiplied by ``1 - late_reduction``; the default 0.5 takes the
    focal rate from 12% to 6%, toward the logistics leader's 3%.

    Cost per day: ``cost_per_order`` × focal orders of reached shoppers.

    Examples
    --------
    >>> FasterLogistics().late_reduction
    0.5
    """

    kind: Literal["faster_logistics"] = "faster_logistics"
    effects: ClassVar[dict[str, float]] = {"late_reduction": 0.0}
    summary: ClassVar[str] = "Faster, more reliable delivery: fewer late focal orders."
    late_reduction: float = param(
        0.5,
        "Share of late deliveries avoided on the reached shoppers' focal orders.",
        "share",
        "source material (JD-like rival's logistics); to be calibrated",
        ge=0,
        le=1,
    )
    cost_per_order: float = param(
        1.0, "Extra delivery cost per reached focal order.", "CNY/order", "to be calibrated", ge=0
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Scale the late-delivery rate down for the reached shoppers."""
        levers.multiply("late_mult", 1.0 - self.late_reduction, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Delivery cost of each reached shopper's focal orders (CNY)."""
        who = reached(outcome.focal_shoppers, mask)
        return StrategyCost.per_shopper(who, self.cost_per_order)
