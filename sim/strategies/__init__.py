"""Retention strategies: one interface, a registry, and the catalogue.

A strategy is a validated parameter object (pydantic) with a ``kind``, a
:class:`~sim.strategies.targeting.Targeting`, and two hooks: ``pull`` adjusts the
day's :class:`~sim.levers.Levers` before the behaviour rules run, ``settle`` books
the day's cost once the day's outcome is known. ``REGISTRY`` maps each ``kind`` to
its class.
"""

from sim.strategies.base import Strategy
from sim.strategies.catalogue import REGISTRY, StrategySpec
from sim.strategies.targeting import Targeting

__all__ = ["REGISTRY", "Strategy", "StrategySpec", "Targeting"]
