"""Quality control: supplier supervision that lowers the focal defect rate.

The source material names uneven product quality as the focal platform's first
weak point and "quality supervision and fast handling of quality problems" as the
remedy. Fewer defects mean fewer performance penalties and complaints, so
satisfaction and loyalty rise (through the model's experience and satisfaction
stages).
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


class QualityControl(Strategy):
    """Cut the defect rate of the reached shoppers' focal orders by a share.

    Notes
    -----
    The defect rate is multiplied by ``1 - defect_reduction``; the default 0.5 brings
    the focal rate (6%) to the quality leader's 2-3%.

    Cost per day: ``fixed_cost_per_day + cost_per_order × defect_reduction ×``
    (focal orders of reached shoppers).

    Examples
    --------
    >>> QualityControl(defect_reduction=0.25).defect_reduction
    0.25
    """

    kind: Literal["quality_control"] = "quality_control"
    effects: ClassVar[dict[str, float]] = {"defect_reduction": 0.0}
    summary: ClassVar[str] = "Quality supervision: fewer defects on focal orders."
    defect_reduction: float = param(
        0.5,
        "Share of defects avoided on the reached shoppers' focal orders.",
        "share",
        "source material (JD-like rival's defect rate); to be calibrated",
        ge=0,
        le=1,
    )
    fixed_cost_per_day: float = param(
        100.0, "Fixed cost of the supervision.", "CNY/day", "to be calibrated", ge=0
    )
    cost_per_order: float = param(
        1.0,
        "Inspection cost per reached focal order at a 100% reduction (scales linearly).",
        "CNY/order",
        "to be calibrated",
        ge=0,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Scale the defect rate down for the reached shoppers."""
        levers.multiply("defect_mult", 1.0 - self.defect_reduction, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Fixed cost (no shopper's) plus the inspection of each reached focal order (CNY)."""
        who = reached(outcome.focal_shoppers, mask)
        per_order = self.cost_per_order * self.defect_reduction
        return StrategyCost.per_shopper(who, per_order, fixed=self.fixed_cost_per_day)
