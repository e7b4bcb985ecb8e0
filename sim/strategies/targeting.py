"""Which shoppers a strategy reaches: everyone, segments, value tiers, or those at risk.

Examples
--------
>>> import numpy as np
>>> t = Targeting(kind="segment", segments=["young"])
>>> t.mask(segment=np.array([0, 1, 1]), tier=np.zeros(3), risk=None,
...        segment_names=["rural", "young"]).tolist()
[False, True, True]
>>> t = Targeting(kind="at_risk", recency_days=30)
>>> signals = RiskSignals(days_since=np.array([-1, 5, 45]))
>>> t.mask(segment=np.zeros(3), tier=np.zeros(3), risk=signals, segment_names=["all"]).tolist()
[False, False, True]
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from sim.rules.risk_prediction import RiskSignals, alive_at_risk, recency_at_risk
from sim.schema import Strict


class Targeting(Strict):
    """Who a strategy reaches.

    ``everyone`` (the default), ``segment`` (shoppers of the named segments),
    ``tier`` (shoppers in the listed value tiers, 0 = basic) or ``at_risk``
    (customers predicted to be at risk of churning, by ``predictor``). Predictor
    ``recency`` (the default) reaches customers with no order on the platform for
    ``recency_days`` days or more (counted from sign-up if they have not ordered):
    what every CRM team can compute from its order log from the first day, with no
    model to fit; like a real team it cannot tell a lapsed customer from a churned
    one. Predictor ``bgnbd`` reaches customers whose P(alive) is below
    ``alive_threshold`` under a BG/NBD model fitted to every customer's orders on the
    platform so far and refitted every 30 days (sim.rules.risk_prediction); customers
    without a repeat order, and everyone before the first fit (too little history,
    or a fit that is not identified: see the run's risk_prediction_log), are judged
    by recency. Predictor ``oracle`` reaches shoppers whose true probability of
    churning within 30 days, from their current hazard, is at least
    ``risk_threshold``: no real team can see it; it is the upper bound that shows
    the value lost to prediction error.
    """

    kind: Literal["everyone", "segment", "tier", "at_risk"] = "everyone"
    predictor: Literal["recency", "bgnbd", "oracle"] = Field(
        "recency",
        description="How at_risk predicts risk: recency of the last order, BG/NBD "
        "P(alive), or the true hazard (oracle, the upper bound).",
    )
    segments: list[str] = Field(default_factory=list, description="Segments reached.")
    tiers: list[int] = Field(default_factory=list, description="Value tiers reached.")
    risk_threshold: float = Field(
        0.15,
        ge=0,
        le=1,
        description="30-day churn probability from which a shopper is at risk (default: "
        "about the riskiest quarter of active customers under the default parameters); "
        "predictor oracle.",
    )
    recency_days: int = Field(
        30,
        ge=1,
        le=3650,
        description="Days without an order from which a customer is at risk (predictor "
        "recency, and bgnbd's fallback; default: the 30-day window of monthly active "
        "users, the activity definition platforms report; to be calibrated).",
    )
    alive_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="BG/NBD P(alive) below which a customer is at risk (predictor bgnbd; "
        "default: more likely gone than alive; to be calibrated).",
    )

    @model_validator(mode="after")
    def _lists_match_kind(self) -> Targeting:
        if self.kind == "segment" and not self.segments:
            raise ValueError("targeting kind 'segment' needs a non-empty 'segments' list")
        if self.kind == "tier" and not self.tiers:
            raise ValueError("targeting kind 'tier' needs a non-empty 'tiers' list")
        for name, kind in (("segments", "segment"), ("tiers", "tier")):
            if getattr(self, name) and self.kind != kind:
                raise ValueError(
                    f"{name} applies to kind {kind} (here: kind {self.kind}); set kind: "
                    f"{kind} or leave {name} out"
                )
        uses = {
            "predictor": ("at_risk", ("recency", "bgnbd", "oracle")),
            "risk_threshold": ("at_risk", ("oracle",)),
            "recency_days": ("at_risk", ("recency", "bgnbd")),
            "alive_threshold": ("at_risk", ("bgnbd",)),
        }
        for name, (kind, predictors) in uses.items():
            changed = getattr(self, name) != type(self).model_fields[name].default
            if changed and (self.kind != kind or self.predictor not in predictors):
                raise ValueError(
                    f"{name} applies to kind at_risk with predictor "
                    f"{' or '.join(predictors)} (here: kind {self.kind}, predictor "
                    f"{self.predictor}); set the predictor or leave {name} out"
                )
        return self

    @property
    def needs_risk(self) -> bool:
        """Whether the mask needs the risk signals."""
        return self.kind == "at_risk"

    def uses(self, predictor: str) -> bool:
        """Whether this is ``at_risk`` targeting with ``predictor``."""
        return self.needs_risk and self.predictor == predictor

    def mask(
        self,
        segment: np.ndarray,
        tier: np.ndarray,
        risk: RiskSignals | None,
        segment_names: list[str],
    ) -> np.ndarray | None:
        """Boolean mask of reached shoppers, or None for everyone.

        Parameters
        ----------
        segment, tier : numpy.ndarray
            Per-shopper segment index and value tier.
        risk : RiskSignals or None
            What the predictors read (needed for ``at_risk``; the oracle needs its
            ``churn_risk``).
        segment_names : list of str
            Segment names by index, to check and resolve ``segments``.

        Returns
        -------
        numpy.ndarray or None

        Raises
        ------
        ValueError
            If a named segment does not exist, or ``risk`` lacks the signal the
            predictor reads.
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
            raise ValueError("at_risk targeting needs the risk signals")
        if self.predictor == "recency":
            return recency_at_risk(risk.days_since, recency_days=self.recency_days)
        if self.predictor == "bgnbd":
            return alive_at_risk(
                risk, alive_threshold=self.alive_threshold, recency_days=self.recency_days
            )
        if risk.churn_risk is None:
            raise ValueError("at_risk targeting with predictor oracle needs the churn risk")
        return risk.churn_risk >= self.risk_threshold
