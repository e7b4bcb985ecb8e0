"""Which shoppers a strategy reaches: everyone, segments, value tiers, or those at risk.

Examples
--------
>>> import numpy as np
>>> t = Targeting(kind="segment", segments=["young"])
>>> t.mask(segment=np.array([0, 1, 1]), tier=np.zeros(3), risk=None,
...        segment_names=["rural", "young"]).tolist()
[False, True, True]
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from sim.schema import Strict


class Targeting(Strict):
    """Who a strategy reaches.

    ``everyone`` (the default), ``segment`` (shoppers of the named segments),
    ``tier`` (shoppers in the listed value tiers, 0 = basic) or ``at_risk``
    (shoppers whose churn risk, the probability of churning within 30 days computed
    from their own current state, is at least ``risk_threshold``).
    """

    kind: Literal["everyone", "segment", "tier", "at_risk"] = "everyone"
    segments: list[str] = Field(default_factory=list, description="Segments reached.")
    tiers: list[int] = Field(default_factory=list, description="Value tiers reached.")
    risk_threshold: float = Field(
        0.15,
        ge=0,
        le=1,
        description="30-day churn probability from which a shopper is at risk (default: "
        "about the riskiest quarter of active customers under the default parameters).",
    )

    @model_validator(mode="after")
    def _lists_match_kind(self) -> Targeting:
        if self.kind == "segment" and not self.segments:
            raise ValueError("targeting kind 'segment' needs a non-empty 'segments' list")
        if self.kind == "tier" and not self.tiers:
            raise ValueError("targeting kind 'tier' needs a non-empty 'tiers' list")
        return self

    @property
    def needs_risk(self) -> bool:
        """Whether the mask needs the churn-risk score."""
        return self.kind == "at_risk"

    def mask(
        self,
        segment: np.ndarray,
        tier: np.ndarray,
        risk: np.ndarray | None,
        segment_names: list[str],
    ) -> np.ndarray | None:
        """Boolean mask of reached shoppers, or None for everyone.

        Parameters
        ----------
        segment, tier : numpy.ndarray
            Per-shopper segment index and value tier.
        risk : numpy.ndarray or None
            Per-shopper 30-day churn probability (needed for ``at_risk``).
        segment_names : list of str
            Segment names by index, to check and resolve ``segments``.

        Returns
        -------
        numpy.ndarray or None

        Raises
        ------
        ValueError
            If a named segment does not exist.
        """
        if self.kind == "everyone":
            return None
        if self.kind == "segment":
            unknown = sorted(set(self.segments) - set(segment_names))
            if unknown:
                raise ValueError(
                    f"targeting names unknown segment(s) {unknown}; allowed: {segment_names}"
                )
            wanted = [segment_names.index(s) for s in self.segments]
            return np.isin(segment, wanted)
        if self.kind == "tier":
            return np.isin(tier, self.tiers)
        if risk is None:
            raise ValueError("at_risk targeting needs the churn-risk score")
        return risk >= self.risk_threshold
