"""Loyalty points: shoppers earn points on focal spend and redeem them as discounts.

The source material lists "rewards for loyal customers (membership, points,
exclusive discounts, gifts)" among what platforms do to keep customers. Points work
through two channels: an unredeemed balance is a switching cost (leaving forfeits
it: Burnham, Frels & Mahajan 2003), and redemption is a price cut on the next order.
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


class LoyaltyPoints(Strategy):
    """Points earned per CNY of focal spend, redeemed as a discount on a later order.

    Notes
    -----
    The defaults follow the usual Chinese platform schemes: one point per CNY paid
    (after discounts), 100 points worth 1 CNY, redemption from 500 points (5 CNY).

    Cost: the CNY value of points redeemed on focal orders, booked on the day of
    redemption (cash accounting; the liability of unredeemed points is reported by
    the model as ``points_liability``). Points of a shopper who churns are forfeited.

    Examples
    --------
    >>> LoyaltyPoints(earn_rate=2).point_value
    0.01
    """

    kind: Literal["loyalty_points"] = "loyalty_points"
    effects: ClassVar[dict[str, float]] = {"switching_cost_scale": 0.0}
    summary: ClassVar[str] = (
        "Points on focal spend, redeemed as discounts; an unredeemed balance is a switching cost."
    )
    earn_rate: float = param(
        1.0,
        "Points earned per CNY paid on the focal platform.",
        "points/CNY",
        "design: one point per CNY (the mechanism: source material, points for loyal "
        "customers); to be calibrated",
        ge=0,
    )
    point_value: float = param(
        0.01,
        "Value of a point when redeemed.",
        "CNY/point",
        "usual schemes: 100 points = 1 CNY",
        ge=0,
    )
    redeem_threshold: float = param(
        500.0, "Balance that triggers redemption.", "points", "to be calibrated", gt=0
    )
    max_redeem_share: float = param(
        0.3, "Largest share of an order paid with points.", "share", "to be calibrated", ge=0, lt=1
    )
    switching_cost_scale: float = param(
        1.0,
        "Switching cost per order value of balance (balance value / order value, capped at 1).",
        "-",
        "Burnham et al. 2003; to be calibrated",
        ge=0,
    )

    def redemption_share(self, shoppers: Shoppers, index: np.ndarray | slice) -> np.ndarray:
        """Share of the next order's value the balance pays, for shoppers ``index``.

        Parameters
        ----------
        shoppers : Shoppers
            Shopper state.
        index : numpy.ndarray or slice
            Which shoppers.

        Returns
        -------
        numpy.ndarray
            0 below the threshold, else min(balance value / order value, max share).
        """
        points = shoppers.points[index]
        value = points * self.point_value
        share = np.minimum(value / shoppers.order_value[index], self.max_redeem_share)
        return np.where(points >= self.redeem_threshold, share, 0.0)

    def max_price_discount(self) -> float:
        """The largest share of an order's price it takes off (see the base class).

        Examples
        --------
        >>> LoyaltyPoints(point_value=0).max_price_discount()
        0.0
        """
        return self.max_redeem_share if self.point_value > 0 else 0.0

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Redemption as a price cut, and the balance as a switching cost."""
        if self.point_value == 0:
            return
        holders = np.flatnonzero(shoppers.points > 0)
        holders = reached(holders, mask)
        if holders.size == 0:
            return
        holder_mask = np.zeros(shoppers.size, dtype=bool)
        holder_mask[holders] = True
        discount = np.zeros(shoppers.size)
        discount[holders] = self.redemption_share(shoppers, holders)
        levers.add("price_discount", discount, holder_mask)
        balance = shoppers.points[holders] * self.point_value / shoppers.order_value[holders]
        cost = np.zeros(shoppers.size)
        cost[holders] = self.switching_cost_scale * np.minimum(balance, 1.0)
        levers.add("switching_cost_add", cost, holder_mask)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Redeem, earn, forfeit; return the CNY value each shopper redeemed today."""
        keep = mask is None or mask[outcome.focal_shoppers]
        who = outcome.focal_shoppers[keep] if mask is not None else outcome.focal_shoppers
        values = outcome.focal_values[keep] if mask is not None else outcome.focal_values
        redeemed_cny = np.zeros(who.size)
        if self.point_value > 0 and who.size:
            redeemed_cny = self.redemption_share(shoppers, who) * values
            shoppers.points[who] -= redeemed_cny / self.point_value
        paid = values * (
            1 - outcome.focal_discounts[keep] if mask is not None else 1 - outcome.focal_discounts
        )
        shoppers.points[who] += self.earn_rate * paid
        shoppers.points[outcome.churned] = 0.0
        return StrategyCost.per_shopper(who, redeemed_cny, total=float(redeemed_cny.sum()))
