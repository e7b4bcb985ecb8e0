"""An open, growing market: new shoppers enter it every day.

China's online shoppers kept growing by tens of millions a year (CNNIC), so a
platform's pool of prospects is refilled by newcomers. The model holds every
shopper the run will ever see from day 0 (fixed-size column arrays and one social
graph); a shopper who has not entered yet is outside the market: not a prospect,
not exposed, not counted. Entrants arrive at a constant yearly rate relative to
the day-0 market, spread evenly over the days.

Examples
--------
>>> import numpy as np
>>> schedule = EntrySchedule.build(1000, growth_per_year=0.365, days=10,
...                                rng=np.random.default_rng(0))
>>> schedule.size, int((schedule.entry_day == 0).sum())
(1010, 1000)
>>> schedule.entering(1).size
1
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def entrants_by_day(n_initial: int, *, growth_per_year: float, days: int) -> np.ndarray:
    """Cumulative number of entrants at the start of each day 0..days.

    Parameters
    ----------
    n_initial : int
        Shoppers in the market on day 0.
    growth_per_year : float
        New shoppers a year as a share of the day-0 market (linear growth).
    days : int
        Days the run may last.

    Returns
    -------
    numpy.ndarray
        ``cum[d]`` = round(n_initial · g · d / 365), for d = 0..days.

    Examples
    --------
    >>> entrants_by_day(365, growth_per_year=0.1, days=3).tolist()
    [0, 0, 0, 0]
    >>> entrants_by_day(3650, growth_per_year=0.1, days=3).tolist()
    [0, 1, 2, 3]
    """
    d = np.arange(days + 1)
    return np.rint(n_initial * growth_per_year * d / 365.0).astype(np.int64)


@dataclass
class EntrySchedule:
    """The day each shopper enters the market (0: there from the start).

    Attributes
    ----------
    entry_day : numpy.ndarray
        Per shopper (int32).
    order : numpy.ndarray
        Shopper ids sorted by entry day.
    starts : numpy.ndarray
        ``order[starts[d]:starts[d + 1]]`` enter on day d.
    """

    entry_day: np.ndarray
    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def build(
        cls, n_initial: int, *, growth_per_year: float, days: int, rng: np.random.Generator
    ) -> EntrySchedule:
        """Schedule ``n_initial`` shoppers on day 0 and the entrants of ``days`` days.

        Entrants take random positions among all shoppers, so that they land
        anywhere in the social graph and in every segment.
        """
        cumulative = entrants_by_day(n_initial, growth_per_year=growth_per_year, days=days)
        per_day = np.diff(cumulative)
        days_of_entrants = np.repeat(np.arange(1, days + 1), per_day)
        entry = np.concatenate([np.zeros(n_initial, dtype=np.int32), days_of_entrants])
        entry = entry.astype(np.int32)[rng.permutation(entry.size)]
        order = np.argsort(entry, kind="stable")
        starts = np.searchsorted(entry[order], np.arange(days + 2))
        return cls(entry_day=entry, order=order, starts=starts)

    @property
    def size(self) -> int:
        """All shoppers, day-0 market and entrants."""
        return int(self.entry_day.size)

    def entering(self, day: int) -> np.ndarray:
        """Shopper ids entering the market on ``day`` (none past the schedule)."""
        if day + 1 >= self.starts.size:
            return np.empty(0, dtype=np.int64)
        return self.order[self.starts[day] : self.starts[day + 1]]
