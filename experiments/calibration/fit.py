"""Simulation-based estimation of the model's free parameters.

For a candidate θ, each replication r runs the model for the horizon with seed
:func:`experiments.seeds.replication_seed` ``(budget.seed, r)`` (the same for every
candidate: common random numbers), administers the codebook's questionnaire to the virtual panel,
and analyses the answers with the survey module exactly as a real file
(:func:`survey.analyze.run_analysis`). The distance to the observed statistics is

    D(θ) = Σ_k w_k · (s̄_k(θ) − o_k)² / (max(se_o,k², v_k) + v_k / R),

where se_o,k is the observed statistic's standard error and v_k the variance of one
simulated replication's statistic (respondent sampling, and with R ≥ 2 replications
also the run-to-run variation of the model): the observed survey is one realisation
of the process too, as in the method of simulated moments (McFadden 1989). A seeded
optuna sampler (CMA-ES by default, or TPE) proposes candidates in batches of a
fixed size, so the result does not depend on the number of workers.

Uncertainty: with independent normal errors D is −2 log L up to a constant, so the
parameters with D ≤ D_min + χ²_p(0.95) (p free parameters; the threshold scaled by
the overdispersion D_min/(m − p) when that exceeds 1) form a likelihood-ratio 95%
confidence set. Each parameter's interval covers both the set's range over the
candidates evaluated and the projection of the ellipsoid of a quadratic fit of D
(which charts the set beyond the candidates the optimiser happened to try). When the
set holds fewer than 3 candidates the best 10% of candidates are used instead and
the result says so.

Examples
--------
>>> from experiments.calibration.config import load_calibration_config, shipped_config
>>> cfg = load_calibration_config(shipped_config(), ["budget.trials=2", "budget.replications=1",
...     "model.population.size=500", "horizon=20", "budget.batch=2"])
>>> result = calibrate(cfg, example_targets("ecsi"))  # doctest: +SKIP
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
from scipy import stats as sps
from tqdm import tqdm

from experiments.calibration.config import (
    SURVEY_PREFIX,
    CalibrationConfig,
    TargetSpec,
    expand_path,
)
from experiments.calibration.moments import Statistic, behavioural_statistics, statistics
from experiments.errors import ConfigError
from experiments.executors import make_executor
from experiments.overrides import set_path
from experiments.seeds import replication_seed
from sim import ShopperModel
from sim.virtual_survey import resolve_mapping
from survey.analyze import run_analysis
from survey.cleaning import clean_survey
from survey.codebook import Codebook, load_codebook
from survey.datasets import example_paths
from survey.io import SurveyTable
from survey.targets import survey_targets

#: Contribution to the distance of a statistic the simulation could not compute.
MISSING_PENALTY = 1e4


def load_survey_codebook(reference: str, base_dir: Path) -> Codebook:
    """The codebook a config names: an example name or a path relative to the config.

    Examples
    --------
    >>> sorted(load_survey_codebook("ecsi", Path(".")).constructs)[:2]
    ['Complaints', 'Expectations']
    """
    path = Path(reference)
    if not path.suffix:
        try:
            return load_codebook(example_paths(reference).codebook)
        except Exception as err:
            raise ConfigError(f"survey.codebook: {err}") from None
    return load_codebook(path if path.is_absolute() else base_dir / path)


def example_targets(name: str) -> dict[str, Any]:
    """Calibration targets of a shipped example survey (analysed here, no bootstrap).

    Examples
    --------
    >>> example_targets("ecsi")["n_respondents"]
    250
    """
    from survey.datasets import load_example

    return run_analysis(*load_example(name), n_boot=0).targets


def virtual_codebook(codebook: Codebook, answered: list[str]) -> Codebook:
    """The codebook restricted to the constructs the model answers.

    The PLS model, segment columns, identifying and metadata checks (speeders,
    attention checks, respondent ids) are dropped: the virtual file has none of
    those columns. Item cleaning and scoring rules are kept, so virtual answers are
    scored exactly as real ones.

    Examples
    --------
    >>> cb = load_survey_codebook("ecsi", Path("."))
    >>> sorted(virtual_codebook(cb, ["Satisfaction", "Loyalty"]).constructs)
    ['Loyalty', 'Satisfaction']
    """
    data = codebook.model_dump()
    data["constructs"] = {k: v for k, v in data["constructs"].items() if k in answered}
    roles = data["roles"]
    for role in ("satisfaction", "loyalty", "quality"):
        if roles[role] not in answered:
            roles[role] = None
    roles["drivers"] = [d for d in roles["drivers"] if d in answered]
    items = {
        i["name"] if isinstance(i, dict) else i
        for c in data["constructs"].values()
        for i in c["items"]
    }
    if data["nps"] and data["nps"]["item"] not in items:
        data["nps"] = None
    for key in ("pls", "speeders", "id_column"):
        data[key] = None
    data.update(segments=[], identifying=[], attention_checks=[], header_rows=None)
    return Codebook.model_validate(data)


@dataclass(frozen=True)
class Task:
    """One model run of one candidate, for a worker."""

    trial: int
    replication: int
    params: dict[str, Any]
    design: dict[str, Any]
    codebook: Codebook
    respondents: int
    horizon: int
    seed: int
    constructs: tuple[str, ...]
    spec: TargetSpec


def evaluate(task: Task) -> tuple[int, int, dict[str, tuple[float, float]]]:
    """Run one candidate's replication and return its statistics (value, se) by name."""
    model = ShopperModel(task.params, rng=replication_seed(task.seed, task.replication))
    model.run(task.horizon)
    answers = model.survey(task.codebook, task.respondents, task.design)
    cleaned = clean_survey(SurveyTable(data=answers, source="virtual survey"), task.codebook)
    targets = survey_targets(cleaned, task.codebook, source="virtual survey")
    spec = task.spec
    found = {s.name: (s.value, s.se) for s in statistics(targets, list(task.constructs), spec)}
    summary = model.summary()
    for s in behavioural_statistics(spec):
        field_name = s.name.removeprefix("summary.")
        found[s.name] = (float(summary.get(field_name, float("nan"))), 0.0)
    return task.trial, task.replication, found


def candidate_parameters(config: CalibrationConfig, values: dict[str, float]) -> tuple[dict, dict]:
    """Model parameters (plain data) and survey design for one candidate.

    Examples
    --------
    >>> from experiments.calibration.config import parse_calibration_config
    >>> cfg = parse_calibration_config({"name": "x", "survey": {"codebook": "ecsi"},
    ...     "free": {"loyalty.curve_midpoint": {"low": 0.5, "high": 0.9},
    ...              "survey.item_noise": {"low": 0.01, "high": 0.3}}})
    >>> params, design = candidate_parameters(cfg, {"loyalty.curve_midpoint": 0.6,
    ...                                             "survey.item_noise": 0.2})
    >>> params["loyalty"]["curve_midpoint"], design["item_noise"]
    (0.6, 0.2)
    """
    tree = config.model.model_dump(mode="json")
    design = config.survey.design.model_dump()
    for path, value in values.items():
        if path.startswith(SURVEY_PREFIX):
            design[path.removeprefix(SURVEY_PREFIX)] = value
            continue
        for concrete in expand_path(tree, path):
            set_path(tree, concrete, value)
    return tree, design


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
        Intervals from the quadratic fit of the distance (:func:`quadratic_intervals`).
    notes : list of str
        Conventions and caveats, for the report.
    """

    config: CalibrationConfig
    observed: list[Statistic]
    trials: pd.DataFrame
    simulated: dict[int, dict[str, tuple[float, float]]]
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
            :func:`quadratic_intervals`), ``bound_low``, ``bound_high``.
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


def _distance(
    observed: list[Statistic],
    simulated: dict[str, tuple[float, float]],
    replications: int,
    weights: dict[str, float],
) -> float:
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


def _average(results: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """Mean over replications, and the spread of one replication's value.

    The spread is the larger of the analytical standard error (respondent sampling)
    and, with two replications or more, their standard deviation (which adds the
    run-to-run variation of the model itself).
    """
    names = sorted({name for r in results for name in r})
    out = {}
    for name in names:
        values = np.array([r[name][0] for r in results if name in r])
        analytical = float(np.sqrt(np.mean([r[name][1] ** 2 for r in results if name in r])))
        between = float(values.std(ddof=1)) if values.size > 1 else 0.0
        out[name] = (float(values.mean()), max(analytical, between))
    return out


def make_sampler(config: CalibrationConfig) -> optuna.samplers.BaseSampler:
    """The seeded optuna sampler the budget asks for.

    CMA-ES starts after ``startup_trials`` random candidates (optuna's defaults for
    its start and step); its population is the batch.

    Examples
    --------
    >>> from experiments.calibration.config import parse_calibration_config
    >>> cfg = parse_calibration_config({"name": "x", "survey": {"codebook": "ecsi"},
    ...     "free": {"loyalty.curve_midpoint": {"low": 0.5, "high": 0.9}}})
    >>> type(make_sampler(cfg)).__name__
    'CmaEsSampler'
    """
    budget = config.budget
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    startup = optuna.samplers.RandomSampler(seed=budget.seed)
    if budget.sampler == "tpe":
        return optuna.samplers.TPESampler(
            seed=budget.seed, n_startup_trials=budget.startup_trials, multivariate=True
        )
    return optuna.samplers.CmaEsSampler(
        seed=budget.seed,
        n_startup_trials=budget.startup_trials,
        independent_sampler=startup,
        warn_independent_sampling=False,
        popsize=max(budget.batch, 4),
    )


def dispersion(d_min: float, n_statistics: int, n_parameters: int) -> float:
    """Overdispersion factor φ = max(1, D_min / (m − p)), as for a Pearson χ².

    When the best candidate's distance exceeds its degrees of freedom, the errors are
    larger than the standard errors say (model misfit, run-to-run variation): the
    likelihood-ratio threshold is scaled by φ (quasi-likelihood).

    Examples
    --------
    >>> dispersion(30.0, 12, 4), dispersion(5.0, 12, 4)
    (3.75, 1.0)
    """
    dof = max(n_statistics - n_parameters, 1)
    return max(1.0, d_min / dof)


def quadratic_intervals(
    trials: pd.DataFrame, bounds: dict[str, tuple[float, float]], threshold: float
) -> dict[str, tuple[float, float]] | None:
    """Likelihood-ratio intervals from a quadratic fit of the distance surface.

    D is fitted as a full quadratic in the parameters (scaled to [0, 1] by their
    bounds) over the best candidates (three per coefficient, at least 30), so
    D ≈ D₀ + (x − x*)ᵀA(x − x*). The set {D − D₀ ≤ threshold} is an ellipsoid
    whose projection on parameter j is x*_j ± √(threshold · (A⁻¹)_jj); intervals
    are clipped to the bounds. None when A is not positive definite (the surface
    is not bowl-shaped around the optimum, e.g. a parameter without effect).

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


def _confidence_set(distance: pd.Series, threshold: float) -> tuple[pd.Series, bool]:
    """Candidates within the likelihood-ratio set, or the best 10% if it has fewer than 3."""
    inside = distance <= distance.min() + threshold
    if inside.sum() >= 3:
        return inside, False
    return distance <= distance.quantile(0.10), True


def _around_confidence_set(
    rows: pd.DataFrame,
    config: CalibrationConfig,
    threshold: float,
    count: int,
    rng: np.random.Generator,
) -> list[dict[str, float]]:
    """Points drawn uniformly in the confidence set's bounding box, widened by half.

    The optimiser crowds its candidates near the best one; these points chart how far
    the confidence set extends, so the reported intervals are not just the spread of
    the optimiser's last steps.
    """
    inside, _ = _confidence_set(rows["distance"], threshold)
    boxes = {}
    for path, bounds in config.free.items():
        low, high = rows.loc[inside, path].min(), rows.loc[inside, path].max()
        margin = max(0.5 * (high - low), 0.05 * (bounds.high - bounds.low))
        boxes[path] = (max(bounds.low, low - margin), min(bounds.high, high + margin))
    return [{path: float(rng.uniform(*box)) for path, box in boxes.items()} for _ in range(count)]


def calibrate(
    config: CalibrationConfig, targets: dict[str, Any], progress: bool = True
) -> CalibrationResult:
    """Fit the config's free parameters to the targets of a real survey.

    Parameters
    ----------
    config : CalibrationConfig
        Base model, survey, free parameters, targets, budget, execution.
    targets : dict
        The real survey's ``targets.json`` (layout of :mod:`survey.targets`).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ConfigError
        If no target can be compared (no construct the model answers, say).
    """
    codebook = load_survey_codebook(config.survey.codebook, config.base_dir)
    mapping = resolve_mapping(list(codebook.constructs), config.survey.design.mapping)
    wanted = config.targets.constructs or list(mapping)
    unknown = sorted(set(wanted) - set(mapping))
    if unknown:
        raise ConfigError(
            f"targets.constructs: {unknown} not answered by the model; allowed: {list(mapping)}"
        )
    observed = statistics(targets, wanted, config.targets) + behavioural_statistics(config.targets)
    if not observed:
        raise ConfigError("targets: nothing to fit (no statistic of the targets file is selected)")
    virtual = virtual_codebook(codebook, list(mapping))
    respondents = config.survey.respondents or int(targets.get("n_respondents") or 250)
    budget = config.budget
    names = list(config.free)

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = make_sampler(config)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    rows: list[dict[str, Any]] = []
    simulated: dict[int, dict[str, tuple[float, float]]] = {}
    threshold = float(sps.chi2.ppf(0.95, df=len(names)))
    n_refine = int(round(budget.refine_share * budget.trials))
    rng = np.random.default_rng(budget.seed)
    bar = tqdm(total=budget.trials, desc="calibrating", unit="candidate", disable=not progress)
    with make_executor(config.execution) as executor:
        while len(rows) < budget.trials:
            size = min(budget.batch, budget.trials - len(rows))
            if len(rows) >= budget.trials - n_refine:
                frame = pd.DataFrame(rows)
                scaled = threshold * dispersion(frame["distance"].min(), len(observed), len(names))
                for point in _around_confidence_set(frame, config, scaled, size, rng):
                    study.enqueue_trial(point)
            batch = [study.ask() for _ in range(size)]
            tasks = []
            for trial in batch:
                values = {p: trial.suggest_float(p, b.low, b.high) for p, b in config.free.items()}
                params, design = candidate_parameters(config, values)
                tasks += [
                    Task(
                        trial.number,
                        r,
                        params,
                        design,
                        virtual,
                        respondents,
                        config.horizon,
                        budget.seed,
                        tuple(wanted),
                        config.targets,
                    )
                    for r in range(budget.replications)
                ]
            per_trial: dict[int, list[tuple[int, dict[str, tuple[float, float]]]]] = {}
            for number, replication, found in executor.map_unordered(evaluate, tasks):
                per_trial.setdefault(number, []).append((replication, found))
            for trial in batch:
                sims = _average([found for _, found in sorted(per_trial[trial.number])])
                distance = _distance(observed, sims, budget.replications, config.targets.weights)
                study.tell(trial, distance)
                simulated[trial.number] = sims
                rows.append({"trial": trial.number, **trial.params, "distance": distance})
                bar.update(1)
                bar.set_postfix(best=f"{min(r['distance'] for r in rows):.3g}")
    bar.close()
    trials = pd.DataFrame(rows, columns=["trial", *names, "distance"])
    phi = dispersion(trials["distance"].min(), len(observed), len(names))
    in_set, approximate = _confidence_set(trials["distance"], phi * threshold)
    trials["in_confidence_set"] = in_set
    notes = [
        f"Distance: sum of squared standardised differences over {len(observed)} statistics; "
        f"confidence set: D <= D_min + {phi:.2f} x {threshold:.2f} (chi-square, {len(names)} "
        f"df, 95%, scaled by the dispersion D_min / (statistics - parameters) when above 1).",
        f"Each candidate: {budget.replications} replication(s) of {config.model.population.size} "
        f"shoppers over {config.horizon} days, {respondents} virtual respondents.",
    ]
    if approximate:
        notes.append(
            "Fewer than 3 candidates in the confidence set: intervals are the range "
            "of the best 10% of candidates (a larger budget sharpens them)."
        )
    unanswered = sorted(set(codebook.constructs) - set(mapping))
    if unanswered:
        notes.append(f"Constructs the model does not carry, not fitted: {unanswered}.")
    bounds = {path: (b.low, b.high) for path, b in config.free.items()}
    quadratic = quadratic_intervals(trials, bounds, phi * threshold)
    if quadratic is None:
        notes.append(
            "The distance surface is not bowl-shaped around the optimum (some "
            "parameter barely matters): intervals are the confidence set's range."
        )
    return CalibrationResult(config, observed, trials, simulated, approximate, quadratic, notes)
