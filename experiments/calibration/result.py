"""What a calibration found: the candidates, the fitted parameters and the fit.

:class:`CalibrationResult` holds every candidate the optimiser evaluated with its
distance and simulated statistics; from them it derives the fitted parameters with
their 95% intervals (:meth:`~CalibrationResult.parameters`), the fit to each target
with a verdict on the ones missed (:meth:`~CalibrationResult.fit_table`) and the
calibrated config fragment (:meth:`~CalibrationResult.calibrated_fragment`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from experiments.calibration.config import (
    SURVEY_PREFIX,
    CalibrationConfig,
    candidate_parameters,
)
from experiments.calibration.moments import Statistic, Values
from experiments.calibration.orders import ORDERS_PREFIX


@dataclass
class CalibrationResult:
    """What a calibration found.

    Attributes
    ----------
    config : CalibrationConfig
    observed : list of Statistic
        The fitted targets.
    trials : pandas.DataFrame
        One row per candidate: ``trial``, each free parameter, ``distance``,
        ``in_confidence_set``.
    simulated : dict
        Trial number -> statistic name -> (mean simulated value, spread of one
        replication), for every candidate.
    approximate_set : bool
        True when the confidence set had fewer than 3 candidates and the best 10%
        were used.
    quadratic : dict or None
        Intervals from the quadratic fit of the distance
        (:func:`experiments.calibration.intervals.quadratic_intervals`).
    notes : list of str
        Conventions and caveats, for the report.
    """

    config: CalibrationConfig
    observed: list[Statistic]
    trials: pd.DataFrame
    simulated: dict[int, Values]
    approximate_set: bool = False
    quadratic: dict[str, tuple[float, float]] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def best(self) -> pd.Series:
        """The candidate with the smallest distance."""
        return self.trials.loc[self.trials["distance"].idxmin()]

    @property
    def fitted(self) -> dict[str, tuple[float, float]]:
        """Statistic name -> (mean simulated value, spread) at the best candidate."""
        return self.simulated[int(self.best["trial"])]

    def _z(self, trial: int) -> dict[str, float]:
        sims = self.simulated[trial]
        return {
            s.name: (sims.get(s.name, (float("nan"), 0.0))[0] - s.value) / s.se
            for s in self.observed
        }

    def _verdict(self, statistic: Statistic, within: bool) -> str:
        if within:
            return "reached"
        values = {
            t: sims[statistic.name][0]
            for t, sims in self.simulated.items()
            if math.isfinite(sims.get(statistic.name, (float("nan"), 0.0))[0])
        }
        if not values:
            if statistic.name.startswith("summary."):
                return "never computed: the run summary gave no finite value"
            if statistic.name.startswith(ORDERS_PREFIX):
                return "never computed: the simulated order log gave no finite value"
            return "never computed: the virtual survey did not yield this statistic"
        low, high = min(values.values()), max(values.values())
        if not low <= statistic.value <= high:
            return (
                "not reachable: the observed value lies outside everything the free "
                f"parameters produced ({low:.3g} to {high:.3g})"
            )
        near = [t for t, v in values.items() if abs(v - statistic.value) <= 1.96 * statistic.se]
        if not near:
            return (
                f"not reached: candidates fall on both sides ({low:.3g} to {high:.3g}) "
                "but none within the CI; a larger budget may find it"
            )
        distance = self.trials.set_index("trial")["distance"]
        trial = min(near, key=lambda t: distance[t])
        misses = sorted(
            (
                (name, z)
                for name, z in self._z(trial).items()
                if name != statistic.name and math.isfinite(z)
            ),
            key=lambda item: -abs(item[1]),
        )[:2]
        missed = ", ".join(f"{name} (z = {z:+.1f})" for name, z in misses)
        return (
            f"a trade-off: the best candidate that reaches it (trial {trial}, "
            f"D = {distance[trial]:.3g}) misses {missed}"
        )

    def parameters(self) -> pd.DataFrame:
        """Fitted parameters with their 95% interval.

        Returns
        -------
        pandas.DataFrame
            ``parameter``, ``estimate`` (best candidate), ``ci_low``, ``ci_high``
            (the union of the confidence set's range over the candidates and the
            projection of the quadratic approximation's ellipsoid, see
            :func:`.intervals.quadratic_intervals`), ``bound_low``, ``bound_high``.
        """
        in_set = self.trials[self.trials["in_confidence_set"]]
        rows = []
        for path, bounds in self.config.free.items():
            estimate = float(self.best[path])
            low, high = float(in_set[path].min()), float(in_set[path].max())
            if self.quadratic is not None:
                low = min(low, self.quadratic[path][0])
                high = max(high, self.quadratic[path][1])
            rows.append(
                {
                    "parameter": path,
                    "estimate": estimate,
                    "ci_low": min(low, estimate),
                    "ci_high": max(high, estimate),
                    "bound_low": bounds.low,
                    "bound_high": bounds.high,
                }
            )
        return pd.DataFrame(rows)

    def fit_table(self) -> pd.DataFrame:
        """Fitted against observed, for every target.

        Returns
        -------
        pandas.DataFrame
            ``target``, ``observed``, ``se``, ``ci_low``/``ci_high`` (observed ±
            1.96 se), ``fitted``, ``z`` ((fitted − observed)/se), ``within_ci`` and
            ``verdict``: reached; not reachable (outside the range of every
            candidate's value); or a trade-off, naming the targets the best
            candidate that reaches it misses most.
        """
        rows = []
        fitted_values = self.fitted
        for s in self.observed:
            fitted = fitted_values.get(s.name, (float("nan"), float("nan")))[0]
            low, high = s.value - 1.96 * s.se, s.value + 1.96 * s.se
            within = bool(low <= fitted <= high)
            rows.append(
                {
                    "target": s.name,
                    "observed": s.value,
                    "se": s.se,
                    "ci_low": low,
                    "ci_high": high,
                    "fitted": fitted,
                    "z": (fitted - s.value) / s.se,
                    "within_ci": within,
                    "verdict": self._verdict(s, within),
                }
            )
        return pd.DataFrame(rows)

    def behavioural_table(self) -> pd.DataFrame:
        """The behavioural targets: value, SE, 95% CI and how each was derived.

        Returns
        -------
        pandas.DataFrame
            ``target`` (``summary.<field>``, then ``orders.<statistic>`` for an
            order log's), ``observed``, ``se``, ``ci_low``, ``ci_high``,
            ``derivation`` (empty when the target gives none); no rows when the
            calibration has no behavioural or order-log target.
        """
        spec = self.config.targets
        rows = [
            {
                "target": f"{prefix}{name}",
                "observed": b.value,
                "se": b.se,
                "ci_low": b.value - 1.96 * b.se,
                "ci_high": b.value + 1.96 * b.se,
                "derivation": b.derivation or "",
            }
            for prefix, targets in (("summary.", spec.behavioural), (ORDERS_PREFIX, spec.orders))
            for name, b in targets.items()
        ]
        columns = ["target", "observed", "se", "ci_low", "ci_high", "derivation"]
        return pd.DataFrame(rows, columns=columns)

    def calibrated_fragment(self) -> dict[str, Any]:
        """The fitted model parameters as a config fragment (the touched blocks only).

        A path through a list (``platforms.0.quality``) writes the whole list, since
        a fragment replaces lists; survey-design parameters are not model
        parameters and are left out (they are in ``fit.csv``).
        """
        values = {p: float(self.best[p]) for p in self.config.free}
        tree, _ = candidate_parameters(self.config, values)
        fragment: dict[str, Any] = {}
        for path in values:
            if path.startswith(SURVEY_PREFIX):
                continue
            parts = path.split(".")
            source, target = tree, fragment
            for depth, part in enumerate(parts):
                node = source[part]
                if isinstance(node, list) or depth == len(parts) - 1:
                    target[part] = node
                    break
                target = target.setdefault(part, {})
                source = node
        return fragment
