"""The baseline: no retention strategy at all."""

from __future__ import annotations

from typing import ClassVar, Literal

from sim.strategies.base import Strategy


class Baseline(Strategy):
    """No strategy: the market as it is. Every comparison is made against it.

    Examples
    --------
    >>> Baseline().summary
    'No retention strategy (the comparison point).'
    """

    kind: Literal["baseline"] = "baseline"
    summary: ClassVar[str] = "No retention strategy (the comparison point)."
