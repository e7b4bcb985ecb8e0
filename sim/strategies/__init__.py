"""Retention strategies: one interface, a registry, and the catalogue.

A strategy is a validated parameter object (pydantic) with a ``kind``, a
:class:`~sim.strategies.targeting.Targeting`, and two hooks: ``pull`` adjusts the
day's :class:`~sim.levers.Levers` before the behaviour rules run, ``settle`` books
the day's cost once the day's outcome is known. ``REGISTRY`` maps each ``kind`` to
its class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_getattr

if TYPE_CHECKING:
    from sim.strategies.base import Strategy
    from sim.strategies.catalogue import REGISTRY, StrategySpec
    from sim.strategies.targeting import Targeting

__all__ = ["REGISTRY", "Strategy", "StrategySpec", "Targeting"]

#: Public name -> its module, imported on first use (``shoplab --help`` imports
#: ``sim.strategies.cli`` without the catalogue, its priors and SciPy).
__getattr__ = lazy_getattr(
    __name__,
    {
        "REGISTRY": "sim.strategies.catalogue",
        "Strategy": "sim.strategies.base",
        "StrategySpec": "sim.strategies.catalogue",
        "Targeting": "sim.strategies.targeting",
    },
)
