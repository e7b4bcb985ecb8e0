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

from sim.jit import AHEAD, kernel, one_or_each, prefetch
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
        Probability that after-sales service resolves a complaint (at most 1 counts).
    complaint_if_defect, complaint_if_late : float
        Probability of complaining after each incident; they combine as independent
        reasons: P(complaint) = 1 − (1 − c_d·defect)(1 − c_l·late).

    Returns
    -------
    Incidents
    """
    n = uniforms.shape[0]
    incidents = Incidents(*(np.empty(n, dtype=bool) for _ in range(4)))
    _draw_incidents(
        uniforms,
        one_or_each(defect_rate, n, name="defect_rate", each="order"),
        one_or_each(late_rate, n, name="late_rate", each="order"),
        one_or_each(resolution_rate, n, name="resolution_rate", each="order"),
        float(complaint_if_defect),
        float(complaint_if_late),
        incidents.defect,
        incidents.late,
        incidents.complaint,
        incidents.resolved,
    )
    return incidents


@kernel
def _draw_incidents(
    uniforms,
    defect_rate,
    late_rate,
    resolution_rate,
    complaint_if_defect,
    complaint_if_late,
    defect,
    late,
    complaint,
    resolved,
):
    """Fill the four incident arrays of :func:`draw_incidents`, order by order.

    A rate argument holds one value for every order or one per order. The
    complaint probability is computed as numpy computes it from the boolean
    incidents (a bool times a float is that float times 1.0 or 0.0).
    """
    one_defect, one_late = defect_rate.size == 1, late_rate.size == 1
    one_resolution = resolution_rate.size == 1
    for i in range(uniforms.shape[0]):
        d = uniforms[i, 0] < defect_rate[0 if one_defect else i]
        lt = uniforms[i, 1] < late_rate[0 if one_late else i]
        p_complaint = 1.0 - (1.0 - complaint_if_defect * (1.0 if d else 0.0)) * (
            1.0 - complaint_if_late * (1.0 if lt else 0.0)
        )
        c = uniforms[i, 2] < p_complaint
        defect[i], late[i], complaint[i] = d, lt, c
        resolved[i] = c and uniforms[i, 3] < min(resolution_rate[0 if one_resolution else i], 1.0)


def count_incidents(
    focal: np.ndarray,
    incidents: Incidents,
    *,
    defects: np.ndarray,
    complaints: np.ndarray,
    complaints_resolved: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Add each shopper's incidents to their counts; list who complained and who was resolved.

    Parameters
    ----------
    focal : numpy.ndarray
        The shopper of each order, each shopper once.
    incidents : Incidents
        What happened to each order.
    defects, complaints, complaints_resolved : numpy.ndarray
        Per shopper, the counts (one added for each incident).

    Returns
    -------
    complainers, resolved : numpy.ndarray
        The shoppers who complained, and those whose complaint was resolved, in
        the order of ``focal``.

    Examples
    --------
    >>> inc = Incidents(np.array([True, False]), np.array([False, True]),
    ...                 np.array([True, True]), np.array([False, True]))
    >>> d, c, r = np.zeros(3, np.int32), np.zeros(3, np.int32), np.zeros(3, np.int32)
    >>> who, fixed = count_incidents(np.array([2, 0]), inc, defects=d, complaints=c,
    ...                              complaints_resolved=r)
    >>> who.tolist(), fixed.tolist(), d.tolist(), c.tolist(), r.tolist()
    ([2, 0], [0], [0, 0, 1], [1, 0, 1], [1, 0, 0])
    """
    complainers = np.empty(focal.size, dtype=focal.dtype)
    resolved = np.empty(focal.size, dtype=focal.dtype)
    n_complaints, n_resolved = _count_incidents(
        np.empty(focal.size, dtype=np.int64),
        focal,
        incidents.defect,
        incidents.complaint,
        incidents.resolved,
        defects,
        complaints,
        complaints_resolved,
        complainers,
        resolved,
    )
    return complainers[:n_complaints], resolved[:n_resolved]


@kernel
def _count_incidents(
    listed, focal, defect, complaint, resolved, defects, complaints, complaints_resolved, who, fixed
):
    """:func:`count_incidents`; returns how many complained and were resolved.

    Few orders meet an incident, and their shoppers' counts lie scattered, so
    each update would wait for memory: a first pass lists the orders with an
    incident into ``listed``, and the second goes through them asking ahead
    (:func:`sim.network.prefetch`) for a later one's three counts.
    """
    n_listed = 0
    for k in range(focal.size):  # branch-free: each order is kept only if it counts
        listed[n_listed] = k
        n_listed += defect[k] | complaint[k] | resolved[k]
    n_complaints = n_resolved = 0
    for m in range(n_listed):
        if m + AHEAD < n_listed:
            later = focal[listed[m + AHEAD]]
            prefetch(defects, later)
            prefetch(complaints, later)
            prefetch(complaints_resolved, later)
        k = listed[m]
        i = focal[k]
        if defect[k]:
            defects[i] += 1
        if complaint[k]:
            complaints[i] += 1
            who[n_complaints] = i
            n_complaints += 1
        if resolved[k]:
            complaints_resolved[i] += 1
            fixed[n_resolved] = i
            n_resolved += 1
    return n_complaints, n_resolved


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
    recovery; Smith & Bolton 1998). The terms are added left to right.

    Examples
    --------
    >>> inc = Incidents(*(np.array([b]) for b in (True, False, True, False)))
    >>> round(float(perceived_performance(0.6, inc, np.zeros(1), Experience())[0]), 12)
    0.05
    """
    n = noise.shape[0]
    weights = np.array(
        [
            params.performance_noise,
            params.defect_penalty,
            params.late_penalty,
            params.unresolved_penalty,
            params.recovery_bonus,
        ],
        dtype=float,
    )
    performance = np.empty(n)
    _perceived_performance(
        one_or_each(quality, n, name="quality", each="order"),
        incidents.defect,
        incidents.late,
        incidents.complaint,
        incidents.resolved,
        noise,
        weights,
        one_or_each(recovery_mult, n, name="recovery_mult", each="order"),
        performance,
    )
    return performance


@kernel
def _perceived_performance(
    quality, defect, late, complaint, resolved, noise, weights, recovery_mult, out
):
    """Fill ``out`` with :func:`perceived_performance`, order by order.

    ``weights`` = (σ, π_d, π_l, π_u, ρ); ``quality`` and ``recovery_mult`` hold one
    value for every order or one per order. Each incident enters as 1.0 or 0.0
    times its weight and the terms are added left to right, as in numpy's
    expression; the clip keeps a NaN and sends −0.0 to 0.0, as ``np.clip`` does.
    """
    sigma, defect_penalty, late_penalty, unresolved_penalty, bonus = weights
    one_quality, one_mult = quality.size == 1, recovery_mult.size == 1
    for i in range(out.size):
        perf = (
            quality[0 if one_quality else i]
            + sigma * noise[i]
            - defect_penalty * (1.0 if defect[i] else 0.0)
            - late_penalty * (1.0 if late[i] else 0.0)
            - unresolved_penalty * (1.0 if complaint[i] and not resolved[i] else 0.0)
            + bonus * recovery_mult[0 if one_mult else i] * (1.0 if resolved[i] else 0.0)
        )
        if perf == perf:  # not NaN
            perf = perf if perf > 0.0 else 0.0
            perf = perf if perf < 1.0 else 1.0
        out[i] = perf
