"""After-sales service and 7-day no-questions returns.

The source material names slow after-sales service as a weak point of the focal
platform and "more after-sales investment (fast response, satisfaction guarantee;
7-day no-reason returns)" as a remedy. A better service resolves more complaints
and recovers more of the shopper's satisfaction when it does (service recovery:
Smith & Bolton 1998).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy, reached

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class AfterSales(Strategy):
    """Resolve more complaints, recover more satisfaction, take goods back.

    Notes
    -----
    The default ``resolution_add`` takes the focal platform's resolution rate from
    50% to 80%, near the service leader's 85% (the model caps the rate at 1). Under a
    no-questions policy every resolved complaint is settled by a return, which loses
    ``return_cost_share`` of the order's value (shipping, handling, write-off).

    Cost per day: ``cost_per_complaint`` × complaints of reached shoppers +
    ``return_cost_share`` × order value of the reached shoppers whose complaint
    was resolved (the returns).

    Examples
    --------
    >>> AfterSales(resolution_add=0.2).recovery_mult
    1.25
    """

    kind: Literal["after_sales"] = "after_sales"
    effects: ClassVar[dict[str, float]] = {"resolution_add": 0.0, "recovery_mult": 1.0}
    summary: ClassVar[str] = (
        "Better after-sales service and no-questions returns: more complaints resolved."
    )
    resolution_add: float = param(
        0.3,
        "Added to the focal complaint-resolution rate.",
        "share",
        "source material (service leader's resolution rate); to be calibrated",
        ge=0,
        le=1,
    )
    recovery_mult: float = param(
        1.25,
        "Multiplier on the service-recovery bonus of a resolved complaint.",
        "-",
        "Smith & Bolton 1998; to be calibrated",
        ge=0,
    )
    cost_per_complaint: float = param(
        5.0, "Handling cost per complaint.", "CNY/complaint", "to be calibrated", ge=0
    )
    return_cost_share: float = param(
        0.2,
        "Share of the order value lost per return (every resolved complaint).",
        "share",
        "source material (7-day no-questions returns); to be calibrated",
        ge=0,
        le=1,
    )

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Raise resolution and recovery for the reached shoppers."""
        levers.add("resolution_add", self.resolution_add, mask)
        levers.multiply("recovery_mult", self.recovery_mult, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Complaint handling plus the value lost on returns (CNY), per complaining shopper."""
        complained = reached(outcome.complaints, mask)
        returned = reached(outcome.resolved, mask)
        handled = self.cost_per_complaint * complained.size
        returns = shoppers.order_value[returned]
        return StrategyCost.per_shopper(
            np.concatenate([complained, returned]),
            np.concatenate(
                [
                    np.full(complained.size, self.cost_per_complaint),
                    self.return_cost_share * returns,
                ]
            ),
            total=float(handled + self.return_cost_share * returns.sum()),
        )
