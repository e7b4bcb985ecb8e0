"""Win-back campaigns: offers to churned shoppers.

The source material lists post-sale follow-up visits and one-to-one marketing
among what keeps customers; win-back targets those already lost. A campaign
contacts every churned shopper it reaches once per contact cycle with an offer
that raises their daily probability of coming back, and may add a discount on
the first order after they return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from sim.rules.accounting import StrategyCost
from sim.schema import param
from sim.states import CHURNED
from sim.strategies.base import Strategy, reached

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class WinBack(Strategy):
    """Contact churned shoppers with a come-back offer; optionally a first-order discount.

    Notes
    -----
    Which returned shoppers still have the first-order discount due is kept per
    shopper in ``Shoppers.winback_discount_due``, shared by the win-back strategies
    of a run.

    Contacts happen on days ``0, contact_interval_days, 2·contact_interval_days,
    ...``, one per reached shopper churned at the start of that day. An
    ``at_risk`` target with predictor ``oracle`` reaches no churned shopper (the
    true churn risk is defined for active shoppers only); ``recency`` and ``bgnbd``
    reach churned customers silent long enough, as a real team would.

    Cost per day: ``cost_per_contact`` × contacts +
    ``cost_per_winback`` × reached shoppers won back today +
    ``first_order_discount`` × value of the first focal orders of returned
    shoppers.

    Examples
    --------
    >>> WinBack(contact_interval_days=14).is_contact_day(28)
    True
    """

    kind: Literal["winback"] = "winback"
    effects: ClassVar[dict[str, float]] = {"winback_add": 0.0}
    summary: ClassVar[str] = "Come-back offers to churned shoppers, paid per contact and return."
    winback_add: float = param(
        0.005,
        "Added to a churned shopper's daily probability of coming back.",
        "1/day",
        "to be calibrated",
        ge=0,
        le=1,
    )
    contact_interval_days: int = param(
        30, "Days between contacts of a churned shopper.", "days", "to be calibrated", ge=1
    )
    cost_per_contact: float = param(
        0.5, "Cost of contacting one churned shopper.", "CNY/contact", "to be calibrated", ge=0
    )
    cost_per_winback: float = param(
        10.0, "Cost of an accepted offer.", "CNY/shopper", "to be calibrated", ge=0
    )
    first_order_discount: float = param(
        0.0,
        "Discount on the first focal order after coming back.",
        "share",
        "to be calibrated",
        ge=0,
        lt=1,
    )

    def is_contact_day(self, day: int) -> bool:
        """Whether churned shoppers are contacted on ``day``."""
        return day % self.contact_interval_days == 0

    def max_price_discount(self) -> float:
        """The largest share of an order's price it takes off (see the base class).

        Examples
        --------
        >>> WinBack(first_order_discount=0.2).max_price_discount()
        0.2
        """
        return self.first_order_discount

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """The offer for reached churned shoppers; the discount for returned ones."""
        levers.add("winback_add", self.winback_add, mask)
        if self.first_order_discount > 0:
            levers.add("price_discount", self.first_order_discount, shoppers.winback_discount_due)

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Contacts, accepted offers and first-order discounts (CNY), per shopper concerned."""
        back = reached(outcome.won_back, mask)
        cost = self.cost_per_winback * back.size
        who, amounts = [back], [np.full(back.size, self.cost_per_winback)]
        if self.is_contact_day(outcome.day):
            churned_at_start = shoppers.state == CHURNED
            churned_at_start[outcome.churned] = False
            churned_at_start[outcome.won_back] = True
            contacted = np.flatnonzero(
                churned_at_start if mask is None else churned_at_start & mask
            )
            cost += self.cost_per_contact * contacted.size
            who.append(contacted)
            amounts.append(np.full(contacted.size, self.cost_per_contact))
        if self.first_order_discount > 0:
            due = shoppers.winback_discount_due
            used = due[outcome.focal_shoppers]
            cost += self.first_order_discount * float(outcome.focal_values[used].sum())
            who.append(outcome.focal_shoppers[used])
            amounts.append(self.first_order_discount * outcome.focal_values[used])
            due[outcome.focal_shoppers] = False
            due[outcome.churned] = False
            due[back] = True
        return StrategyCost.per_shopper(
            np.concatenate(who), np.concatenate(amounts), total=float(cost)
        )
