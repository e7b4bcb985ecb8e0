"""Customer tiering: VIP service for the top value tiers.

The source material describes tiering (fen ji): identify high-value customers,
give them priority service, and spend resources where returns are highest. The
model puts each shopper in a value tier from recent (about 90-day) spend,
recomputed weekly (``accounting.tier_thresholds``). VIPs get faster complaint
resolution, priority delivery, and perks they would lose by leaving (a switching
cost: Burnham, Frels & Mahajan 2003).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class CustomerTiering(Strategy):
    """VIP service (resolution, delivery, perks) for reached shoppers in the top tiers.

    Notes
    -----
    The default ``vip_min_tier`` (2) is the top tier of the default thresholds (300
    and 1000 CNY of recent spend). ``switching_cost`` is in the units of
    ``Levers.switching_cost_add``.

    VIPs are the reached shoppers with ``tier >= vip_min_tier``. Cost per day:
    ``cost_per_vip_per_day`` × VIPs who are focal customers (active or won back)
    at the end of the day.

    Examples
    --------
    >>> CustomerTiering(vip_min_tier=1).vip_min_tier
    1
    """

    kind: Literal["tiering"] = "tiering"
    effects: ClassVar[dict[str, float]] = {
        "resolution_add": 0.0,
        "late_reduction": 0.0,
        "switching_cost": 0.0,
    }
    summary: ClassVar[str] = (
        "VIP service for the top value tiers: faster resolution, priority delivery, perks."
    )
    vip_min_tier: int = param(
        2,
        "Lowest value tier served as VIP.",
        "tier",
        "design: the top tier (top 5% of recent spend by default; the mechanism: source "
        "material, tiering)",
        ge=1,
    )
    resolution_add: float = param(
        0.3,
        "Added to the complaint-resolution rate of VIPs.",
        "share",
        "source material (priority service); to be calibrated",
        ge=0,
        le=1,
    )
    late_reduction: float = param(
        0.5,
        "Share of VIPs' late deliveries avoided (priority delivery).",
        "share",
        "to be calibrated",
        ge=0,
        le=1,
    )
    switching_cost: float = param(
        0.3,
        "Switching cost of the tier perks a VIP would lose.",
        "-",
        "Burnham et al. 2003; to be calibrated",
        ge=0,
    )
    cost_per_vip_per_day: float = param(
        0.5, "Cost of serving one active VIP.", "CNY/VIP/day", "to be calibrated", ge=0
    )

    def vips(self, shoppers: Shoppers, mask: np.ndarray | None) -> np.ndarray:
        """Boolean mask of reached shoppers in a VIP tier."""
        vip = shoppers.tier >= self.vip_min_tier
        return vip if mask is None else vip & mask

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """VIP resolution, delivery and perks."""
        vip = self.vips(shoppers, mask)
        levers.add("resolution_add", self.resolution_add, vip)
        levers.multiply("late_mult", 1.0 - self.late_reduction, vip)
        levers.add("switching_cost_add", self.switching_cost, vip)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Cost of each active VIP served today (CNY)."""
        served = np.flatnonzero(self.vips(shoppers, mask) & shoppers.active_mask())
        return StrategyCost.per_shopper(served, self.cost_per_vip_per_day)
