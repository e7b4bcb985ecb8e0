"""The strategy interface every retention strategy implements.

Examples
--------
>>> from sim.strategies.baseline import Baseline
>>> Baseline().kind
'baseline'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import Field

from sim.schema import Strict
from sim.strategies.targeting import Targeting

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class Strategy(Strict):
    """Base class of retention strategies.

    Subclasses declare ``kind`` as a ``Literal`` (the discriminator in configs),
    their parameters as fields (with units in the description and a source), a
    one-line ``summary`` for the catalogue, and override the two hooks.

    Hooks
    -----
    pull(levers, shoppers, day, mask)
        Before the day's rules: adjust the levers for the reached shoppers
        (``mask``: boolean array, or None for everyone).
    settle(outcome, shoppers, mask) -> float
        After the day's rules: update the strategy's own shopper state (points,
        say) and return the day's cost in CNY.
    """

    kind: str
    target: Targeting = Field(default_factory=Targeting, description="Who is reached.")
    summary: ClassVar[str] = ""

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Adjust the day's levers (default: nothing)."""

    def settle(self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None) -> float:
        """Book the day's cost in CNY (default: nothing)."""
        return 0.0


def reached(indices: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The subset of ``indices`` (shopper ids) that the strategy reaches.

    Parameters
    ----------
    indices : numpy.ndarray
        Shopper ids.
    mask : numpy.ndarray or None
        Boolean mask over all shoppers; None reaches everyone.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> reached(np.array([0, 2, 3]), np.array([True, False, False, True])).tolist()
    [0, 3]
    """
    return indices if mask is None else indices[mask[indices]]
