"""Stage 4: what a focal order brings: defects, late delivery, complaints, recovery.

Examples
--------
>>> import numpy as np
>>> u = np.array([[0.01, 0.9, 0.1, 0.2], [0.9, 0.9, 0.9, 0.9]])
>>> e = draw_incidents(u, defect_rate=0.05, late_rate=0.1, resolution_rate=0.5,
...                    complaint_if_defect=0.7, complaint_if_late=0.3)
>>> e.defect.tolist(), e.complaint.tolist(), e.resolved.tolist()
([True, False], [True, False], [True, False])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import Experience


@dataclass
class Incidents:
    """Per-order incidents (boolean arrays of equal length)."""

    defect: np.ndarray
    late: np.ndarray
    complaint: np.ndarray
    resolved: np.ndarray


def draw_incidents(
    uniforms: np.ndarray,
    *,
    defect_rate: np.ndarray | float,
    late_rate: np.ndarray | float,
    resolution_rate: np.ndarray | float,
    complaint_if_defect: float,
    complaint_if_late: float,
) -> Incidents:
    """Draw defects, late deliveries, complaints and resolutions for each order.

    Parameters
    ----------
    uniforms : numpy.ndarray
        Shape (orders, 4): one uniform per order for each of defect, late,
        complaint and resolution.
    defect_rate, late_rate : array or float
        Per-order probabilities (after strategy effects).
    resolution_rate : array or float
        Probability that after-sales service resolves a complaint.
    complaint_if_defect, complaint_if_late : float
        Probability of complaining after each incident; they combine as independent
        reasons: P(complaint) = 1 − (1 − c_d·defect)(1 − c_l·late).

    Returns
    -------
    Incidents
    """
    defect = uniforms[:, 0] < defect_rate
    late = uniforms[:, 1] < late_rate
    p_complaint = 1.0 - (1.0 - complaint_if_defect * defect) * (1.0 - complaint_if_late * late)
    complaint = uniforms[:, 2] < p_complaint
    resolved = complaint & (uniforms[:, 3] < np.minimum(resolution_rate, 1.0))
    return Incidents(defect=defect, late=late, complaint=complaint, resolved=resolved)


def perceived_performance(
    quality: np.ndarray | float,
    incidents: Incidents,
    noise: np.ndarray,
    params: Experience,
    *,
    recovery_mult: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Performance the shopper perceives for each order, in [0, 1].

    Parameters
    ----------
    quality : array or float
        Mean performance of the focal platform for the shopper (with strategy bonuses).
    incidents : Incidents
        What happened to each order.
    noise : numpy.ndarray
        Standard normal draw per order (scaled by ``params.performance_noise``).
    params : Experience
        Penalties and the service-recovery bonus.
    recovery_mult : array or float
        Strategy multiplier on the recovery bonus.

    Returns
    -------
    numpy.ndarray

    Notes
    -----
    perf = quality + σ·z − π_d·defect − π_l·late − π_u·(complaint ∧ ¬resolved)
    + ρ·resolved, clipped to [0, 1]. A resolved complaint gives back ρ (service
    recovery; Smith & Bolton 1998).

    Examples
    --------
    >>> inc = Incidents(*(np.array([b]) for b in (True, False, True, False)))
    >>> round(float(perceived_performance(0.6, inc, np.zeros(1), Experience())[0]), 12)
    0.05
    """
    perf = (
        np.asarray(quality, dtype=float)
        + params.performance_noise * noise
        - params.defect_penalty * incidents.defect
        - params.late_penalty * incidents.late
        - params.unresolved_penalty * (incidents.complaint & ~incidents.resolved)
        + params.recovery_bonus * np.asarray(recovery_mult) * incidents.resolved
    )
    return np.clip(perf, 0.0, 1.0)
