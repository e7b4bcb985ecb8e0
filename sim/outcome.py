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
    new_unlock : int array
        Shoppers acquired today by clicking a friend's share-to-unlock link.
    unlocks : int array
        Customers whose share-to-unlock succeeded today (each once).
    focal_shoppers : int array
        Shoppers who placed a focal order today (each once).
    focal_values : float array
        Value of each one's orders today (CNY, at the price the merchant charges:
        the group price for group orders; before strategies' discounts).
    focal_discounts : float array
        Share of each order's value taken off by strategies (``Levers.price_discount``).
    entrants : int array
        Shoppers who entered the market today (a growing market).
    group_members : int array
        Members of the groups that formed today: each has a confirmed group order.
    group_values : float array
        What each of them paid (CNY, at the group price).
    group_won_back : int array
        Lapsed customers who came back by joining a formed group.
    groups_formed, groups_lapsed : int
        Groups that formed today, and groups refunded because they did not fill.
    complaints, resolved : int arrays
        Shoppers who complained today; those whose complaint was resolved.
    churned, won_back : int arrays
        Shoppers who churned today; churned shoppers who came back today.
    """

    day: int
    new_ads: np.ndarray = field(default_factory=_none)
    new_referral: np.ndarray = field(default_factory=_none)
    new_group: np.ndarray = field(default_factory=_none)
    new_unlock: np.ndarray = field(default_factory=_none)
    unlocks: np.ndarray = field(default_factory=_none)
    focal_shoppers: np.ndarray = field(default_factory=_none)
    focal_values: np.ndarray = field(default_factory=_no_values)
    focal_discounts: np.ndarray = field(default_factory=_no_values)
    entrants: np.ndarray = field(default_factory=_none)
    group_members: np.ndarray = field(default_factory=_none)
    group_values: np.ndarray = field(default_factory=_no_values)
    group_won_back: np.ndarray = field(default_factory=_none)
    groups_formed: int = 0
    groups_lapsed: int = 0
    complaints: np.ndarray = field(default_factory=_none)
    resolved: np.ndarray = field(default_factory=_none)
    churned: np.ndarray = field(default_factory=_none)
    won_back: np.ndarray = field(default_factory=_none)

    @classmethod
    def empty(cls, day: int) -> DayOutcome:
        """A day on which nothing has happened yet."""
        return cls(day=day)
