"""Flash sales: deep discounts on a few days of every period.

The source material names flash sales (miaosha) beside group buying as how the
focal platform sells cheaply. On a sale day the reached shoppers see a deep price
cut and order more often (the sale draws them in); on other days nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.strategies.base import Strategy, reached, reached_order_values

if TYPE_CHECKING:
    import numpy as np

    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class FlashSales(Strategy):
    """Sale days every ``period_days`` days, each sale lasting ``duration_days`` days.

    Notes
    -----
    The default ``period_days`` (7) is a weekly sale; ``duration_days`` may not
    exceed it.

    Day ``d`` is a sale day when ``d >= start_day`` and
    ``(d - start_day) % period_days < duration_days``. Cost: ``discount`` × gross
    value of the reached shoppers' focal orders on sale days.

    Examples
    --------
    >>> sale = FlashSales(period_days=7, duration_days=2)
    >>> [d for d in range(10) if sale.is_sale_day(d)]
    [0, 1, 7, 8]
    """

    kind: Literal["flash_sales"] = "flash_sales"
    effects: ClassVar[dict[str, float]] = {"purchase_rate_mult": 1.0}
    summary: ClassVar[str] = "Periodic sale days with a deep discount and more orders."
    period_days: int = param(
        7, "Days between the starts of consecutive sales.", "days", "to be calibrated", ge=1
    )
    duration_days: int = param(1, "Length of each sale.", "days", "to be calibrated", ge=1)
    start_day: int = param(0, "First day of the first sale.", "day", "-", ge=0)
    discount: float = param(
        0.2,
        "Share of the focal price taken off on sale days.",
        "share",
        "source material (flash sales); to be calibrated",
        ge=0,
        lt=1,
    )
    purchase_rate_mult: float = param(
        2.0,
        "Multiplier on the purchase rate on sale days.",
        "-",
        "to be calibrated",
        ge=0,
    )

    @model_validator(mode="after")
    def _sale_fits_period(self) -> FlashSales:
        if self.duration_days > self.period_days:
            raise ValueError(
                f"duration_days ({self.duration_days}) must not exceed period_days "
                f"({self.period_days})"
            )
        return self

    def is_sale_day(self, day: int) -> bool:
        """Whether ``day`` falls inside a sale."""
        return day >= self.start_day and (day - self.start_day) % self.period_days < (
            self.duration_days
        )

    def max_price_discount(self) -> float:
        """The largest share of an order's price it takes off (see the base class).

        Examples
        --------
        >>> FlashSales(discount=0.2).max_price_discount()
        0.2
        """
        return self.discount

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """On sale days: the discount and the purchase boost for the reached shoppers."""
        if not self.is_sale_day(day):
            return
        levers.add("price_discount", self.discount, mask)
        levers.multiply("purchase_rate_mult", self.purchase_rate_mult, mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """The discount given on each reached shopper's focal orders of a sale day (CNY)."""
        if not self.is_sale_day(outcome.day):
            return StrategyCost.nothing()
        values = reached_order_values(outcome, mask)
        return StrategyCost.per_shopper(
            reached(outcome.focal_shoppers, mask),
            self.discount * values,
            total=float(self.discount * values.sum()),
        )
