"""Retention strategies: one interface, a registry, and the catalogue.

A strategy is a validated parameter object (pydantic) with a ``kind``, a
:class:`~sim.strategies.targeting.Targeting`, and two hooks: ``pull`` adjusts the
day's :class:`~sim.levers.Levers` before the behaviour rules run, ``settle`` books
the day's cost once the day's outcome is known. ``REGISTRY`` maps each ``kind`` to
its class.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.strategies.base import Strategy
    from sim.strategies.catalogue import REGISTRY, StrategySpec
    from sim.strategies.targeting import Targeting

__all__ = ["REGISTRY", "Strategy", "StrategySpec", "Targeting"]

#: Public name -> its module, imported on first use (``shoplab --help`` imports
#: ``sim.strategies.cli`` without the catalogue, its priors and SciPy).
_LAZY = {
    "REGISTRY": "sim.strategies.catalogue",
    "Strategy": "sim.strategies.base",
    "StrategySpec": "sim.strategies.catalogue",
    "Targeting": "sim.strategies.targeting",
}


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim.strategies' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
