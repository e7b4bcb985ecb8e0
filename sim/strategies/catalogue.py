"""The catalogue of strategies: the config union and the registry by ``kind``.

To add a strategy, write its module (a :class:`~sim.strategies.base.Strategy`
subclass with a ``Literal`` kind) and list its class in ``STRATEGY_CLASSES``.

Examples
--------
>>> sorted(REGISTRY)[:2]
['baseline', 'loyalty_points']
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from sim.strategies.baseline import Baseline
from sim.strategies.loyalty_points import LoyaltyPoints

STRATEGY_CLASSES = (Baseline, LoyaltyPoints)

#: A strategy in a config: one of the catalogue, chosen by its ``kind``.
StrategySpec = Annotated[Union[STRATEGY_CLASSES], Field(discriminator="kind")]  # noqa: UP007

#: ``kind`` -> strategy class.
REGISTRY = {cls.model_fields["kind"].default: cls for cls in STRATEGY_CLASSES}
