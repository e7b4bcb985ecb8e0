"""Coupons and targeted discounts: a price cut on the focal platform.

The source material counts "exclusive discounts" among the rewards that keep
customers, and names discounts as what rural, low-income and lower-tier-city
shoppers care about most. A coupon lowers the focal price the reached shopper
compares in platform choice and in the churn hazard's price gap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy, reached, reached_order_values

if TYPE_CHECKING:
    import numpy as np

    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class Coupons(Strategy):
    """A standing discount on every focal order of the reached shoppers.

    Notes
    -----
    The default discount, 5%, is a typical platform coupon.

    Cost: ``discount`` × gross value of the reached shoppers' focal orders of the
    day (the coupons actually redeemed).

    Examples
    --------
    >>> Coupons(discount=0.1, target={"kind": "segment", "segments": ["rural"]}).discount
    0.1
    """

    kind: Literal["coupons"] = "coupons"
    summary: ClassVar[str] = "Price cut on the focal orders of the reached shoppers."
    discount: float = param(
        0.05,
        "Share of the focal price taken off each order of a reached shopper.",
        "share",
        "source material (exclusive discounts); to be calibrated",
        ge=0,
        lt=1,
    )

    def max_price_discount(self) -> float:
        """The largest share of an order's price it takes off (see the base class).

        Examples
        --------
        >>> Coupons(discount=0.1).max_price_discount()
        0.1
        """
        return self.discount

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Lower the focal price for the reached shoppers."""
        levers.add("price_discount", self.discount, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """The discount given on each reached shopper's focal orders (CNY)."""
        values = reached_order_values(outcome, mask)
        return StrategyCost.per_shopper(
            reached(outcome.focal_shoppers, mask),
            self.discount * values,
            total=float(self.discount * values.sum()),
        )
