"""Running the replications the patterns are measured on.

Each replication is two runs on the same seed (``experiments.seeds.replication_seed``):
the baseline, stepped as ``run(days // 2)`` (then a snapshot of the active customers'
likelihood to recommend) and ``run(days - days // 2)``, and its paired counterpart
with ``loyalty.base_churn_hazard`` scaled by :data:`~experiments.patterns.checks.CHURN_SCALE`.
Runs are independent tasks, run in-process (one worker) or in local worker processes;
results are put back in replication order, so they do not depend on the workers.

Examples
--------
>>> setting = PatternRun(shoppers=300, days=6, replications=1, seed=3)
>>> [record.replication for record in run_patterns(None, setting)]
[0]
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.errors import ConfigError
from experiments.executors import LocalExecutor
from experiments.patterns.checks import CHURN_SCALE, LTR_LEVELS, RunRecord, ltr_retention_counts
from experiments.seeds import replication_seed
from sim import ModelParams, ShopperModel, validate_params
from sim.states import NEVER

#: The two runs of a replication.
BASELINE, LOWER_CHURN = "baseline", "lower_churn"


@dataclass(frozen=True)
class PatternRun:
    """How big the validation run is.

    Attributes
    ----------
    shoppers : int
        Population size (replaces the model's ``population.size``).
    days : int
        Days per run (at least 2: the snapshot is taken after ``days // 2``).
    replications : int
        Replications; the model value is their mean.
    seed : int
        Master seed; replication r runs on ``replication_seed(seed, r)``.
    workers : int
        Worker processes (1: in-process). Results do not depend on it.

    Examples
    --------
    >>> PatternRun().describe()
    '20,000 shoppers x 365 days x 3 replications, seed 0'
    """

    shoppers: int = 20_000
    days: int = 365
    replications: int = 3
    seed: int = 0
    workers: int = 1

    def __post_init__(self) -> None:
        """Check every number; a bad one is a :class:`ConfigError` naming the option."""
        limits = {
            "shoppers": (1, 10_000_000),
            "days": (2, 36_500),
            "replications": (1, 10_000),
            "seed": (0, 2**63 - 1),
            "workers": (1, 1024),
        }
        for name, (low, high) in limits.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise ConfigError(f"--{name}: expected a whole number, got {value!r}")
            if not low <= value <= high:
                raise ConfigError(f"--{name}: must be between {low:,} and {high:,}, got {value}")

    def describe(self) -> str:
        """The size in words.

        Returns
        -------
        str
        """
        return (
            f"{self.shoppers:,} shoppers x {self.days} days x {self.replications} "
            f"replications, seed {self.seed}"
        )


@dataclass(frozen=True)
class RunTask:
    """One run: parameters (a dict), horizon, seed, and which of the pair it is.

    Attributes
    ----------
    params : dict
        Model parameters.
    days : int
        Horizon.
    seed : int
        Master seed.
    replication : int
        Replication index.
    variant : str
        ``"baseline"`` (snapshot at mid-horizon) or ``"lower_churn"``.
    """

    params: dict[str, Any]
    days: int
    seed: int
    replication: int
    variant: str


@dataclass(frozen=True)
class RunOutput:
    """What a worker sends back: the summary and the LTR counts of the snapshot.

    Attributes
    ----------
    replication : int
    variant : str
    summary : dict
    ltr_n, ltr_retained : numpy.ndarray
        Counts per LTR level (zeros for the counterpart).
    """

    replication: int
    variant: str
    summary: dict[str, float]
    ltr_n: np.ndarray
    ltr_retained: np.ndarray


def run_task(task: RunTask) -> RunOutput:
    """Run one model and return its summary (and, for the baseline, the LTR snapshot).

    The baseline is stepped ``run(days // 2)``; the ids and likelihood to recommend
    of the customers active then who have ordered and never churned are kept (so a
    won-back shopper's fresh start does not stand for satisfaction); the same model
    runs on to ``days``, and each of those customers counts as retained if they have
    not churned since.

    Parameters
    ----------
    task : RunTask

    Returns
    -------
    RunOutput

    Examples
    --------
    >>> task = RunTask({"population": {"size": 300}}, 4, 1, 0, BASELINE)
    >>> int(run_task(task).summary["days"])
    4
    """
    model = ShopperModel(task.params, rng=replication_seed(task.seed, task.replication))
    n = kept = np.zeros(LTR_LEVELS, dtype=np.int64)
    if task.variant == BASELINE:
        half = task.days // 2
        model.run(half)
        sh = model.shoppers
        ids = np.flatnonzero(sh.active_mask() & (sh.churned_day == NEVER) & (sh.orders > 0))
        ltr = np.asarray(model.ltr)[ids]
        model.run(task.days - half)
        n, kept = ltr_retention_counts(ltr, model.shoppers.churned_day[ids] == NEVER)
    else:
        model.run(task.days)
    summary = {key: float(value) for key, value in model.summary().items()}
    return RunOutput(task.replication, task.variant, summary, n, kept)


def pattern_params(model: ModelParams | None, shoppers: int) -> dict[str, Any]:
    """The baseline's parameters as a dict: the given model (or defaults) at ``shoppers``.

    Parameters
    ----------
    model : ModelParams or None
        A config's ``model:`` block, or None for the defaults.
    shoppers : int
        Population size.

    Returns
    -------
    dict
        Validated (a bad value raises :class:`sim.ParameterError`).

    Examples
    --------
    >>> pattern_params(None, 500)["population"]["size"]
    500
    """
    data = (model or ModelParams()).model_dump()
    data["population"]["size"] = shoppers
    validate_params(data)
    return data


def lower_churn_params(params: dict[str, Any], scale: float = CHURN_SCALE) -> dict[str, Any]:
    """A copy of ``params`` with ``loyalty.base_churn_hazard`` scaled.

    Examples
    --------
    >>> lower_churn_params({"loyalty": {"base_churn_hazard": 0.01}})["loyalty"]
    {'base_churn_hazard': 0.008}
    """
    data = copy.deepcopy(params)
    loyalty = data.setdefault("loyalty", {})
    hazard = loyalty.get("base_churn_hazard", ModelParams().loyalty.base_churn_hazard)
    loyalty["base_churn_hazard"] = hazard * scale
    return data


def run_patterns(
    model: ModelParams | None,
    setting: PatternRun,
    progress: Callable[[RunOutput], None] | None = None,
) -> list[RunRecord]:
    """Run every replication and its paired lower-churn run; one record per replication.

    Parameters
    ----------
    model : ModelParams or None
        Model parameters (a config's ``model:`` block), or None for the defaults.
    setting : PatternRun
        Size, horizon, replications, seed, workers.
    progress : callable, optional
        Called with each finished run's output (in finishing order).

    Returns
    -------
    list of RunRecord
        In replication order, whatever the number of workers.

    Examples
    --------
    >>> records = run_patterns(None, PatternRun(shoppers=300, days=4, replications=2))
    >>> [r.replication for r in records], records[0].counterpart is not None
    ([0, 1], True)
    """
    params = pattern_params(model, setting.shoppers)
    validated = validate_params(params)
    lower = lower_churn_params(params)
    tasks = [
        RunTask(p, setting.days, setting.seed, r, variant)
        for r in range(setting.replications)
        for variant, p in ((BASELINE, params), (LOWER_CHURN, lower))
    ]
    outputs: dict[tuple[int, str], RunOutput] = {}
    with LocalExecutor(min(setting.workers, len(tasks))) as executor:
        for output in executor.map_unordered(run_task, tasks):
            outputs[output.replication, output.variant] = output
            if progress is not None:
                progress(output)
    segments = tuple(
        (s.name, float(s.price_sensitivity.mean)) for s in validated.population.segments
    )
    cost = float(validated.acquisition.cost_per_acquisition)
    records = []
    for r in range(setting.replications):
        base, pair = outputs[r, BASELINE], outputs[r, LOWER_CHURN]
        records.append(
            RunRecord(
                replication=r,
                summary=base.summary,
                segments=segments,
                ltr_n=base.ltr_n,
                ltr_retained=base.ltr_retained,
                counterpart=pair.summary,
                cost_per_acquisition=cost,
            )
        )
    return records
