r"""The distance a calibration minimises, and the 95% intervals of its parameters.

Distance. With R replications per candidate θ, each statistic k is pooled over the
replications (:func:`pool_replications`): its mean s̄_k(θ) and the variance v_k of
one replication's value (respondent sampling and, with R ≥ 2, the run-to-run
variation of the model). The distance to the observed statistics o_k with standard
errors se_k and weights w_k is (:func:`distance`)

    D(θ) = Σ_k w_k · (s̄_k(θ) − o_k)² / (max(se_k², v_k) + v_k / R):

the observed survey is one realisation of the process too, so its error is at least
the model's own spread of one replication, as in the method of simulated moments
(McFadden 1989). A statistic the simulation could not compute adds
w_k · :data:`MISSING_PENALTY`.

Uncertainty. With independent normal errors D is −2 log L up to a constant, so the
parameters with D ≤ D_min + φ · χ²_p(0.95) (p free parameters) form a
likelihood-ratio 95% confidence set (:func:`confidence_set`); φ is the
overdispersion D_min / (m − p) of m statistics when that exceeds 1
(:func:`dispersion`). Each parameter's interval covers both the set's range over
the candidates evaluated and the projection of the ellipsoid of a quadratic fit of
D (:func:`quadratic_intervals`), which charts the set beyond the candidates the
optimiser happened to try; :func:`around_confidence_set` proposes candidates in and
around the set for that purpose. When the set holds fewer than 3 candidates, the
best 10% are used instead and the result says so.

References
----------
McFadden, D. (1989). A method of simulated moments for estimation of discrete
response models without numerical integration. *Econometrica*, 57(5), 995–1026.

Examples
--------
>>> from experiments.calibration.moments import Statistic
>>> observed = [Statistic("mean[Sat]", 7.0, 0.1, 100)]
>>> round(distance(observed, {"mean[Sat]": (7.2, 0.1)}, replications=2, weights={}), 6)
2.666667
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from experiments.calibration.moments import Statistic, Values

#: Contribution to the distance of a statistic the simulation could not compute.
MISSING_PENALTY = 1e4


def pool_replications(results: Sequence[Values]) -> Values:
    """Mean over replications, and the spread of one replication's value.

    The spread is the larger of the analytical standard error (respondent sampling,
    root mean square over the replications) and, with two replications or more,
    their standard deviation (which adds the run-to-run variation of the model).

    Parameters
    ----------
    results : sequence of dict
        One per replication: statistic name -> (value, standard error).

    Returns
    -------
    dict
        Statistic name -> (mean value, spread), names sorted.

    Examples
    --------
    >>> mean, spread = pool_replications([{"r": (0.4, 0.05)}, {"r": (0.6, 0.05)}])["r"]
    >>> mean, round(spread, 4)  # the SD of 0.4 and 0.6 exceeds the standard error 0.05
    (0.5, 0.1414)
    """
    names = sorted({name for r in results for name in r})
    out = {}
    for name in names:
        values = np.array([r[name][0] for r in results if name in r])
        analytical = float(np.sqrt(np.mean([r[name][1] ** 2 for r in results if name in r])))
        between = float(values.std(ddof=1)) if values.size > 1 else 0.0
        out[name] = (float(values.mean()), max(analytical, between))
    return out


def distance(
    observed: Sequence[Statistic],
    simulated: Values,
    replications: int,
    weights: Mapping[str, float],
) -> float:
    """Weighted sum of squared standardised differences (module docstring: D(θ)).

    Parameters
    ----------
    observed : sequence of Statistic
        The targets, with their standard errors.
    simulated : dict
        Statistic name -> (mean simulated value, spread of one replication), from
        :func:`pool_replications`.
    replications : int
        Replications R pooled in ``simulated``.
    weights : mapping
        Statistic name -> weight (1 when absent).

    Returns
    -------
    float

    Examples
    --------
    A statistic the simulation did not compute costs :data:`MISSING_PENALTY`:

    >>> distance([Statistic("nps.promoters", 0.3, 0.03, 250)], {}, 1, {"nps.promoters": 2.0})
    20000.0
    """
    total = 0.0
    for s in observed:
        value, se_sim = simulated.get(s.name, (float("nan"), float("nan")))
        w = weights.get(s.name, 1.0)
        if not math.isfinite(value):
            total += w * MISSING_PENALTY
            continue
        spread = se_sim**2 if math.isfinite(se_sim) else 0.0
        # the observed survey is one realisation too: its error is at least the model's
        # own spread of a single replication (method of simulated moments)
        scale = max(s.se**2, spread) + spread / replications
        total += w * (value - s.value) ** 2 / scale
    return total


def dispersion(d_min: float, n_statistics: int, n_parameters: int) -> float:
    """Overdispersion factor φ = max(1, D_min / (m − p)), as for a Pearson χ².

    When the best candidate's distance exceeds its degrees of freedom, the errors are
    larger than the standard errors say (model misfit, run-to-run variation): the
    likelihood-ratio threshold is scaled by φ (quasi-likelihood).

    Parameters
    ----------
    d_min : float
        The smallest distance found.
    n_statistics : int
        Statistics fitted, m.
    n_parameters : int
        Free parameters, p (the degrees of freedom are m − p, at least 1).

    Returns
    -------
    float

    Examples
    --------
    >>> dispersion(30.0, 12, 4), dispersion(5.0, 12, 4)
    (3.75, 1.0)
    """
    dof = max(n_statistics - n_parameters, 1)
    return max(1.0, d_min / dof)


def confidence_set(distances: pd.Series, threshold: float) -> tuple[pd.Series, bool]:
    """Candidates within the likelihood-ratio set, or the best 10% if it has fewer than 3.

    Parameters
    ----------
    distances : pandas.Series
        One distance per candidate.
    threshold : float
        The set is D ≤ D_min + threshold (already scaled by :func:`dispersion`).

    Returns
    -------
    tuple
        A boolean Series (in the set or not) and whether the best 10% stood in
        for a set of fewer than 3 candidates.

    Examples
    --------
    >>> inside, approximate = confidence_set(pd.Series([1.0, 2.0, 3.0, 9.0]), 2.5)
    >>> inside.tolist(), approximate
    ([True, True, True, False], False)
    """
    inside = distances <= distances.min() + threshold
    if inside.sum() >= 3:
        return inside, False
    return distances <= distances.quantile(0.10), True


def around_confidence_set(
    trials: pd.DataFrame,
    bounds: Mapping[str, tuple[float, float]],
    threshold: float,
    count: int,
    rng: np.random.Generator,
) -> list[dict[str, float]]:
    """Points drawn uniformly in the confidence set's bounding box, widened by half.

    The optimiser crowds its candidates near the best one; these points chart how far
    the confidence set extends, so the reported intervals are not just the spread of
    the optimiser's last steps. Each side of the box is widened by half its width
    (at least 5% of the search range) and clipped to the bounds.

    Parameters
    ----------
    trials : pandas.DataFrame
        The candidates so far: one column per free parameter, and ``distance``.
    bounds : mapping
        Free parameter -> (low, high) search bounds.
    threshold : float
        The confidence set's threshold (:func:`confidence_set`).
    count : int
        Points to draw.
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    list of dict
        ``count`` points, free parameter -> value.

    Examples
    --------
    >>> trials = pd.DataFrame({"q": [0.4, 0.5, 0.6, 0.9], "distance": [1.0, 0.5, 1.0, 50]})
    >>> points = around_confidence_set(trials, {"q": (0.0, 1.0)}, 2.0, 100,
    ...                                np.random.default_rng(0))
    >>> 0.3 <= min(p["q"] for p in points) and max(p["q"] for p in points) <= 0.7
    True
    """
    inside, _ = confidence_set(trials["distance"], threshold)
    boxes = {}
    for path, (lowest, highest) in bounds.items():
        low, high = trials.loc[inside, path].min(), trials.loc[inside, path].max()
        margin = max(0.5 * (high - low), 0.05 * (highest - lowest))
        boxes[path] = (max(lowest, low - margin), min(highest, high + margin))
    return [{path: float(rng.uniform(*box)) for path, box in boxes.items()} for _ in range(count)]


def quadratic_intervals(
    trials: pd.DataFrame, bounds: Mapping[str, tuple[float, float]], threshold: float
) -> dict[str, tuple[float, float]] | None:
    """Likelihood-ratio intervals from a quadratic fit of the distance surface.

    D is fitted as a full quadratic in the parameters (scaled to [0, 1] by their
    bounds) over the best candidates (three per coefficient, at least 30), so
    D ≈ D₀ + (x − x*)ᵀA(x − x*). The set {D − D₀ ≤ threshold} is an ellipsoid
    whose projection on parameter j is x*_j ± √(threshold · (A⁻¹)_jj); intervals
    are clipped to the bounds.

    Parameters
    ----------
    trials : pandas.DataFrame
        The candidates: one column per free parameter, and ``distance``.
    bounds : mapping
        Free parameter -> (low, high) search bounds.
    threshold : float
        The confidence set's threshold.

    Returns
    -------
    dict or None
        Free parameter -> (low, high); None when A is not positive definite (the
        surface is not bowl-shaped around the optimum, e.g. a parameter without
        effect) or there are too few candidates to fit it.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(0, 1, size=(200, 2))
    >>> d = 100 * (x[:, 0] - 0.5) ** 2 + 400 * (x[:, 1] - 0.3) ** 2
    >>> t = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "distance": d})
    >>> iv = quadratic_intervals(t, {"a": (0, 1), "b": (0, 1)}, 4.0)
    >>> [round(v, 3) for v in iv["a"] + iv["b"]]
    [0.3, 0.7, 0.2, 0.4]
    """
    names = list(bounds)
    p = len(names)
    n_coef = 1 + p + p * (p + 1) // 2
    best = trials.nsmallest(max(3 * n_coef, 30), "distance")
    if len(best) < n_coef + 2:
        return None
    low = np.array([bounds[n][0] for n in names])
    width = np.array([bounds[n][1] - bounds[n][0] for n in names])
    x = (best[names].to_numpy() - low) / width
    pairs = [(i, j) for i in range(p) for j in range(i, p)]
    design = np.column_stack([np.ones(len(x)), x, *[x[:, i] * x[:, j] for i, j in pairs]])
    coef, *_ = np.linalg.lstsq(design, best["distance"].to_numpy(), rcond=None)
    a = np.zeros((p, p))
    for (i, j), c in zip(pairs, coef[1 + p :], strict=True):
        a[i, j] = a[j, i] = c if i == j else c / 2
    if np.any(np.linalg.eigvalsh(a) <= 0):
        return None
    inverse = np.linalg.inv(a)
    centre = -0.5 * inverse @ coef[1 : 1 + p]
    half = np.sqrt(threshold * np.diag(inverse))
    out = {}
    for k, name in enumerate(names):
        lo = low[k] + width[k] * max(centre[k] - half[k], 0.0)
        hi = low[k] + width[k] * min(centre[k] + half[k], 1.0)
        out[name] = (float(lo), float(hi))
    return out
