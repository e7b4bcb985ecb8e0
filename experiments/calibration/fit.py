"""Simulation-based estimation of the model's free parameters: the optimisation loop.

A seeded optuna sampler (CMA-ES by default, or TPE) proposes candidates θ in
batches of a fixed size, so the result does not depend on the number of workers.
Each candidate runs ``budget.replications`` times on the executor
(:mod:`.worker`: the same seeds for every candidate, common random numbers; the
virtual panel's answers scored exactly as a real survey), and its statistics are
compared with the observed ones by the distance of :mod:`.intervals`. Without a
survey in the config, the statistics are behavioural figures of the run summary
and of the simulated order log only (:mod:`.orders`), and no virtual survey is
administered. The last
``refine_share`` of the budget is spent in and around the likelihood-ratio
confidence set, so that the intervals chart the set rather than the optimiser's
last steps. :class:`~.result.CalibrationResult` holds what was found.

Optuna's log level and warnings filters are changed only while a calibration runs,
and restored afterwards.

Examples
--------
>>> from experiments.calibration.config import load_calibration_config, shipped_config
>>> from experiments.calibration.targets import example_targets
>>> cfg = load_calibration_config(shipped_config(), ["budget.trials=2", "budget.replications=1",
...     "model.population.size=500", "horizon=20", "budget.batch=2"])
>>> result = calibrate(cfg, example_targets("ecsi"))  # doctest: +SKIP

Pinduoduo's published figures, no survey:

>>> market = load_calibration_config(shipped_config("market"), ["budget.trials=2",
...     "budget.replications=1", "model.population.size=500", "horizon=20", "budget.batch=2"])
>>> result = calibrate(market)  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
import pandas as pd
from scipy import stats as sps

from experiments.calibration.config import CalibrationConfig, candidate_parameters
from experiments.calibration.intervals import (
    around_confidence_set,
    confidence_set,
    dispersion,
    distance,
    pool_replications,
    quadratic_intervals,
)
from experiments.calibration.moments import (
    Statistic,
    Values,
    behavioural_statistics,
    order_statistics,
    statistics,
)
from experiments.calibration.orders import is_order_statistic
from experiments.calibration.result import CalibrationResult
from experiments.calibration.targets import load_survey_codebook, virtual_codebook
from experiments.calibration.trial_log import RESTART, TrialLog
from experiments.calibration.worker import Task, evaluate, summary_fields
from experiments.errors import ConfigError, RunError
from experiments.executors import Executor, make_executor
from sim.virtual_survey import resolve_mapping
from survey.codebook import Codebook
from survey.progress import progress_bar


@contextmanager
def quiet_optuna() -> Iterator[None]:
    """Optuna's INFO log and its experimental-feature warnings off, inside the block only.

    The log level is restored in a ``finally`` and the warnings filters by
    :func:`warnings.catch_warnings`, so nothing global changes for the caller.

    Examples
    --------
    >>> before = optuna.logging.get_verbosity(), list(warnings.filters)
    >>> with quiet_optuna():
    ...     optuna.logging.get_verbosity() == optuna.logging.WARNING
    True
    >>> (optuna.logging.get_verbosity(), list(warnings.filters)) == before
    True
    """
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
            yield
    finally:
        optuna.logging.set_verbosity(verbosity)


def make_sampler(config: CalibrationConfig) -> optuna.samplers.BaseSampler:
    """The seeded optuna sampler the budget asks for.

    CMA-ES starts after ``startup_trials`` random candidates (optuna's defaults for
    its start and step); its population is the batch.

    Parameters
    ----------
    config : CalibrationConfig
        Its ``budget`` names the sampler, seed, start-up trials and batch.

    Returns
    -------
    optuna.samplers.BaseSampler

    Examples
    --------
    >>> from experiments.calibration.config import parse_calibration_config
    >>> cfg = parse_calibration_config({"name": "x", "survey": {"codebook": "ecsi"},
    ...     "free": {"loyalty.curve_midpoint": {"low": 0.5, "high": 0.9}}})
    >>> type(make_sampler(cfg)).__name__
    'CmaEsSampler'
    """
    budget = config.budget
    with quiet_optuna():
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


def _suggest(trial: optuna.trial.Trial, config: CalibrationConfig) -> dict[str, float]:
    """The candidate's free parameters, asked of the sampler in the config's order."""
    return {p: trial.suggest_float(p, b.low, b.high) for p, b in config.free.items()}


def _replay_batch(
    batch: Sequence[optuna.trial.Trial], recorded: list[dict[str, Any]], config: CalibrationConfig
) -> dict[int, Values]:
    """A finished batch read back: the sampler asked as it was, checked against the record."""
    if len(recorded) != len(batch):
        raise RunError(
            f"trial log: a batch of {len(recorded)} candidates where the budget makes "
            f"{len(batch)}; {RESTART}"
        )
    pooled: dict[int, Values] = {}
    for trial, record in zip(batch, recorded, strict=True):
        values = _suggest(trial, config)
        if trial.number != record["trial"] or values != record["params"]:
            raise RunError(
                f"trial log: candidate {record['trial']} differs from what the seeded sampler "
                f"proposes now ({values}; another optuna version?); {RESTART}"
            )
        pooled[trial.number] = record["simulated"]
    return pooled


def _evaluate_batch(
    executor: Executor,
    batch: Sequence[optuna.trial.Trial],
    config: CalibrationConfig,
    codebook: Codebook | None,
    respondents: int,
    constructs: tuple[str, ...],
) -> dict[int, Values]:
    """Run every replication of a batch of candidates; pooled statistics by trial number."""
    tasks = []
    for trial in batch:
        params, design = candidate_parameters(config, _suggest(trial, config))
        tasks += [
            Task(
                trial=trial.number,
                replication=r,
                params=params,
                design=design,
                codebook=codebook,
                respondents=respondents,
                horizon=config.horizon,
                seed=config.budget.seed,
                constructs=constructs,
                spec=config.targets,
            )
            for r in range(config.budget.replications)
        ]
    per_trial: dict[int, list[tuple[int, Values]]] = {}
    for number, replication, found in executor.map_unordered(evaluate, tasks):
        per_trial.setdefault(number, []).append((replication, found))
    return {
        trial.number: pool_replications([found for _, found in sorted(per_trial[trial.number])])
        for trial in batch
    }


def _check_behavioural_fields(config: CalibrationConfig) -> None:
    """Refuse a behavioural target that names no field of the run summary."""
    wanted = list(config.targets.behavioural)
    if not wanted:
        return
    fields = summary_fields(config.model.model_dump(mode="json"))
    for name in wanted:
        if name not in fields:
            close = difflib.get_close_matches(name, fields, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if is_order_statistic(name):
                hint = (
                    " (an order-log statistic: give the targets.json of `shoplab orders "
                    "analyze` as targets.orders_file, or the figure under targets.orders)"
                )
            raise ConfigError(
                f"targets.behavioural.{name}: not a field of the run summary{hint}; "
                f"allowed: {', '.join(fields)}"
            )


@dataclass(frozen=True)
class _SurveySide:
    """The survey part of a calibration: what the virtual panel answers and is compared on."""

    observed: list[Statistic]
    codebook: Codebook | None = None
    respondents: int = 0
    constructs: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()


def _survey_side(config: CalibrationConfig, targets: dict[str, Any] | None) -> _SurveySide:
    """The survey statistics to fit, or none when the config has no survey."""
    if config.survey is None:
        if targets is not None:
            raise ConfigError(
                "targets: the config has no survey, so a survey targets file has nothing "
                "to fit; its targets are behavioural (targets.behavioural, "
                "targets.behavioural_file)"
            )
        return _SurveySide(observed=[])
    if targets is None:
        raise ConfigError(
            "targets: the config has a survey: give the real survey's targets.json "
            "(written by `shoplab survey analyze`)"
        )
    codebook = load_survey_codebook(config.survey.codebook, config.base_dir)
    mapping = resolve_mapping(list(codebook.constructs), config.survey.design.mapping)
    wanted = config.targets.constructs or list(mapping)
    unknown = sorted(set(wanted) - set(mapping))
    if unknown:
        raise ConfigError(
            f"targets.constructs: {unknown} not answered by the model; allowed: {list(mapping)}"
        )
    return _SurveySide(
        observed=statistics(targets, wanted, config.targets),
        codebook=virtual_codebook(codebook, list(mapping)),
        respondents=config.survey.respondents or int(targets.get("n_respondents") or 250),
        constructs=tuple(wanted),
        unanswered=tuple(sorted(set(codebook.constructs) - set(mapping))),
    )


def calibrate(
    config: CalibrationConfig,
    targets: dict[str, Any] | None = None,
    progress: bool = True,
    log: TrialLog | None = None,
) -> CalibrationResult:
    """Fit the config's free parameters to a real survey's targets and behavioural figures.

    Parameters
    ----------
    config : CalibrationConfig
        Base model, survey (optional), free parameters, targets, budget, execution.
    targets : dict, optional
        The real survey's ``targets.json`` (layout of :mod:`survey.targets`):
        required when the config has a survey, refused when it has none.
    progress : bool
        Show a progress bar on stderr.
    log : TrialLog, optional
        Where each finished batch is written as it completes. Its batches read
        back from disk are replayed (asked of the same seeded sampler in the same
        order and told their recorded distances) instead of run again, so a
        resumed calibration ends as an uninterrupted one.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ConfigError
        If no target can be compared (no construct the model answers, say), the
        survey targets are missing (or given without a survey), or a behavioural
        target names no field of the run summary.
    RunError
        If a recorded batch is not what the seeded sampler proposes.
    """
    side = _survey_side(config, targets)
    _check_behavioural_fields(config)
    observed = (
        side.observed + behavioural_statistics(config.targets) + order_statistics(config.targets)
    )
    if not observed:
        raise ConfigError("targets: nothing to fit (no statistic of the targets file is selected)")
    budget = config.budget
    names = list(config.free)
    bounds = {path: (b.low, b.high) for path, b in config.free.items()}

    rows: list[dict[str, Any]] = []
    simulated: dict[int, Values] = {}
    threshold = float(sps.chi2.ppf(0.95, df=len(names)))
    n_refine = int(round(budget.refine_share * budget.trials))
    rng = np.random.default_rng(budget.seed)
    bar = progress_bar(total=budget.trials, desc="calibrating", unit="candidate", enabled=progress)
    with quiet_optuna(), make_executor(config.execution) as executor:
        study = optuna.create_study(direction="minimize", sampler=make_sampler(config))
        while len(rows) < budget.trials:
            size = min(budget.batch, budget.trials - len(rows))
            if len(rows) >= budget.trials - n_refine:
                frame = pd.DataFrame(rows)
                scaled = threshold * dispersion(frame["distance"].min(), len(observed), len(names))
                for point in around_confidence_set(frame, bounds, scaled, size, rng):
                    study.enqueue_trial(point)
            batch = [study.ask() for _ in range(size)]
            index = len(rows) // budget.batch
            if log is not None and index < len(log.batches):
                pooled = _replay_batch(batch, log.batches[index], config)
            else:
                pooled = _evaluate_batch(
                    executor, batch, config, side.codebook, side.respondents, side.constructs
                )
            finished = []
            for trial in batch:
                sims = pooled[trial.number]
                value = distance(observed, sims, budget.replications, config.targets.weights)
                study.tell(trial, value)
                simulated[trial.number] = sims
                rows.append({"trial": trial.number, **trial.params, "distance": value})
                finished.append(
                    {
                        "trial": trial.number,
                        "params": trial.params,
                        "distance": value,
                        "simulated": sims,
                    }
                )
                bar.update(1)
                bar.set_postfix(best=f"{min(r['distance'] for r in rows):.3g}")
            if log is not None and index >= len(log.batches):
                log.write(index, finished)
    bar.close()
    trials = pd.DataFrame(rows, columns=["trial", *names, "distance"])
    phi = dispersion(trials["distance"].min(), len(observed), len(names))
    in_set, approximate = confidence_set(trials["distance"], phi * threshold)
    trials["in_confidence_set"] = in_set
    notes = [
        f"Distance: sum of squared standardised differences over {len(observed)} statistics; "
        f"confidence set: D <= D_min + {phi:.2f} x {threshold:.2f} (chi-square, {len(names)} "
        f"df, 95%, scaled by the dispersion D_min / (statistics - parameters) when above 1).",
        f"Each candidate: {budget.replications} replication(s) of {config.model.population.size} "
        f"shoppers over {config.horizon} days, "
        + (
            f"{side.respondents} virtual respondents."
            if side.codebook is not None
            else "no survey (behavioural targets only)."
        ),
    ]
    if config.targets.orders:
        notes.append(
            "Order-log statistics: each run records its orders and the focal platform's "
            f"log ({config.horizon} days, the real log's span) is measured by the "
            "survey.orders functions that measured the real log."
        )
    if approximate:
        notes.append(
            "Fewer than 3 candidates in the confidence set: intervals are the range "
            "of the best 10% of candidates (a larger budget sharpens them)."
        )
    if side.unanswered:
        notes.append(f"Constructs the model does not carry, not fitted: {list(side.unanswered)}.")
    quadratic = quadratic_intervals(trials, bounds, phi * threshold)
    if quadratic is None:
        notes.append(
            "The distance surface is not bowl-shaped around the optimum (some "
            "parameter barely matters): intervals are the confidence set's range."
        )
    return CalibrationResult(
        config=config,
        observed=observed,
        trials=trials,
        simulated=simulated,
        approximate_set=approximate,
        quadratic=quadratic,
        notes=notes,
    )
