"""What happened on one day: the record strategies settle their costs from.

Examples
--------
>>> import numpy as np
>>> day = DayOutcome.empty(day=3)
>>> day.focal_shoppers.size
0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _none() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


def _no_values() -> np.ndarray:
    return np.empty(0)


@dataclass
class DayOutcome:
    """Indices (shopper ids) and amounts of one day's events.

    Attributes
    ----------
    day : int
        The day.
    new_ads, new_referral, new_group : int arrays
        Shoppers acquired today through paid ads, referral, a group-buy invitation.
    focal_shoppers : int array
        Shoppers who placed a focal order today (one order each).
    focal_values : float array
        Gross value (CNY, before any discount) of those orders.
    focal_discounts : float array
        Share of each order's value taken off by strategies (``Levers.price_discount``).
    group_members : int array
        Shoppers whose focal order today completed a formed group.
    complaints, resolved : int arrays
        Shoppers who complained today; those whose complaint was resolved.
    churned, won_back : int arrays
        Shoppers who churned today; churned shoppers who came back today.
    """

    day: int
    new_ads: np.ndarray = field(default_factory=_none)
    new_referral: np.ndarray = field(default_factory=_none)
    new_group: np.ndarray = field(default_factory=_none)
    focal_shoppers: np.ndarray = field(default_factory=_none)
    focal_values: np.ndarray = field(default_factory=_no_values)
    focal_discounts: np.ndarray = field(default_factory=_no_values)
    group_members: np.ndarray = field(default_factory=_none)
    complaints: np.ndarray = field(default_factory=_none)
    resolved: np.ndarray = field(default_factory=_none)
    churned: np.ndarray = field(default_factory=_none)
    won_back: np.ndarray = field(default_factory=_none)

    @classmethod
    def empty(cls, day: int) -> DayOutcome:
        """A day on which nothing has happened yet."""
        return cls(day=day)
