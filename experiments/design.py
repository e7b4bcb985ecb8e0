"""The experimental design: every (strategy arm, scenario, replication) run to do.

Each arm's parameters are the base model, with the scenario's overrides applied and
the arm's strategies switched on, validated once per arm and scenario. Replication r
of every arm and scenario uses the same seed (common random numbers).

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> config = ExperimentConfig(name="demo", replications=2,
...                           strategies={"points": [{"kind": "loyalty_points"}]})
>>> [run.key for run in plan_runs(config)]
['baseline__base__r0000', 'baseline__base__r0001', 'points__base__r0000', 'points__base__r0001']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import ValidationError

from experiments.config import MAX_SCENARIOS, ExperimentConfig
from experiments.errors import ConfigError
from experiments.messages import describe_error
from experiments.overrides import apply_overrides, flatten, set_path
from experiments.seeds import replication_seed
from experiments.sweeps import sweep_scenarios
from experiments.uncertainty import (
    UncertainParameter,
    apply_values,
    draw_values,
    uncertain_parameters,
)
from sim import ModelParams
from sim.params import BYTES_PER_SHOPPER

#: Memory of one validated ``ModelParams`` of the default market, in bytes (tracemalloc
#: over 500 of them: 32,300); each scenario (and, with uncertain parameters, each run)
#: holds one while the study is planned and run.
BYTES_PER_PARAMS = 32_000
#: Memory of an arm's parameters in a scenario, sharing the scenario's blocks (1,460
#: by tracemalloc), and of one planned run (250), in bytes.
BYTES_PER_ARM, BYTES_PER_RUN = 1_500, 250
#: Most runs in one study: planned runs, and later the summary's rows, are held in
#: memory; a million runs of even one second are eleven days on one core.
MAX_RUNS = 1_000_000


@dataclass(frozen=True)
class RunSpec:
    """One run: which arm, scenario and replication, its parameters and its seed.

    Attributes
    ----------
    strategy, scenario : str
        Arm and scenario names.
    replication : int
        Replication index (from 0).
    params : sim.ModelParams
        Validated parameters of the arm in the scenario.
    master_seed : int
        The experiment's master seed.
    horizon : int
        Days to run.
    inputs : dict
        The run's values of swept and uncertain parameters, by path (written into
        its summary row as columns of those names).
    record_orders : bool
        Keep the run's order log (``outputs.orders``); results do not depend on it.
    """

    strategy: str
    scenario: str
    replication: int
    params: ModelParams
    master_seed: int
    horizon: int
    inputs: dict[str, float] = field(default_factory=dict)
    record_orders: bool = False

    @property
    def key(self) -> str:
        """Unique name of the run (also its file name)."""
        return f"{self.strategy}__{self.scenario}__r{self.replication:04d}"

    @property
    def seed(self) -> np.random.SeedSequence:
        """The replication's SeedSequence, shared by every arm and scenario."""
        return replication_seed(self.master_seed, self.replication)


def all_scenarios(config: ExperimentConfig) -> dict[str, dict[str, Any]]:
    """Named scenarios followed by one scenario per sweep point.

    Parameters
    ----------
    config : ExperimentConfig

    Returns
    -------
    dict
        Scenario name -> model parameter overrides.

    Examples
    --------
    >>> from experiments.config import ExperimentConfig
    >>> config = ExperimentConfig(name="demo", sweep={
    ...     "method": "grid", "samples": 2, "parameters": {"loyalty.winback_rate": (0, 0.01)}})
    >>> list(all_scenarios(config))
    ['base', 'sweep_0000', 'sweep_0001']
    """
    scenarios = dict(config.scenarios)
    if config.sweep is not None:
        model = config.model.model_dump()
        points = sweep_scenarios(config.sweep, config.seed, model)
        clash = sorted(set(points) & set(scenarios))
        if clash:
            raise ConfigError(f"scenarios {clash} clash with the names of sweep points")
        scenarios.update(points)
    return scenarios


def _check_targets(params: ModelParams, where: str) -> None:
    segments = [segment.name for segment in params.population.segments]
    for index, spec in enumerate(params.strategies):
        unknown = sorted(set(spec.target.segments) - set(segments))
        if spec.target.kind == "segment" and unknown:
            raise ConfigError(
                f"{where}.{index}.target.segments: unknown segment(s) {unknown}; "
                f"allowed: {', '.join(segments)}"
            )


def arm_params(
    config: ExperimentConfig,
    strategy: str,
    overrides: dict[str, Any],
    values: Mapping[str, float] | None = None,
) -> ModelParams:
    """Parameters of one strategy arm in one scenario (under given assumptions).

    Parameters
    ----------
    config : ExperimentConfig
        The experiment.
    strategy : str
        Arm name.
    overrides : dict
        The scenario's overrides of model parameters.
    values : mapping, optional
        Values of the config's uncertain parameters, by path (default: none drawn,
        every parameter at its configured value).

    Returns
    -------
    sim.ModelParams

    Raises
    ------
    ConfigError
        If the overrides give invalid parameters, or a strategy targets an unknown segment.

    Examples
    --------
    >>> from experiments.config import ExperimentConfig
    >>> config = ExperimentConfig(name="demo")
    >>> arm_params(config, "baseline", {"platforms.1.price_index": 0.7}).platforms[1].price_index
    0.7
    """
    data = apply_overrides(config.model.model_dump(exclude={"strategies"}), overrides)
    parameters = uncertain_parameters(config) if values else {}
    data = apply_values(data, config.strategies[strategy], values or {}, parameters)
    params = _validated(data)
    _check_targets(params, f"strategies.{strategy}")
    return params


def _validated(data: Mapping[str, Any]) -> ModelParams:
    try:
        return ModelParams.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe_error(err, ModelParams, "", prefix="model")) from None


def _scenario_params(config: ExperimentConfig, overrides: Mapping[str, Any]) -> ModelParams:
    """The scenario's model without strategies, validated once for every arm."""
    data = config.model.model_dump(exclude={"strategies"})  # a fresh tree: set in place
    for path, value in flatten(overrides).items():
        set_path(data, path, value)
    return _validated(data)


def _with_strategies(base: ModelParams, config: ExperimentConfig, strategy: str) -> ModelParams:
    """An arm's parameters: the scenario's validated blocks plus the arm's strategies.

    The blocks are shared with the scenario's other arms, not validated again; the
    model-wide checks that involve the strategies run as for a fresh model.
    """
    blocks = {name: getattr(base, name) for name in ModelParams.model_fields}
    params = _validated({**blocks, "strategies": config.strategies[strategy]})
    _check_targets(params, f"strategies.{strategy}")
    return params


def plan_runs(config: ExperimentConfig) -> list[RunSpec]:
    """Every run of the experiment, arm by arm, scenario by scenario, replication by replication.

    Parameters
    ----------
    config : ExperimentConfig

    Returns
    -------
    list of RunSpec

    Raises
    ------
    ConfigError
        If any arm's parameters are invalid in any scenario (naming the scenario).
    """
    parameters = uncertain_parameters(config)
    check_plan_size(
        config,
        scenarios=len(config.scenarios) + (config.sweep.points() if config.sweep else 0),
        params_per_scenario=len(config.strategies) * config.replications if parameters else 1,
    )
    scenarios = all_scenarios(config)
    swept = set(scenarios) - set(config.scenarios)
    _check_not_overridden(parameters, scenarios)
    draws = [
        draw_values(parameters, master_seed=config.seed, replication=r)
        for r in range(config.replications)
    ]
    bases: dict[str, ModelParams] = {}
    runs = []
    for strategy in config.strategies:
        for scenario, overrides in scenarios.items():
            point = dict(overrides) if scenario in swept else {}
            try:
                if scenario not in bases:
                    bases[scenario] = _scenario_params(config, overrides)
                params = _with_strategies(bases[scenario], config, strategy)
                for r in range(config.replications):
                    if parameters:
                        params = arm_params(config, strategy, overrides, draws[r])
                    inputs = {**point, **draws[r]}
                    runs.append(
                        RunSpec(
                            strategy,
                            scenario,
                            r,
                            params,
                            config.seed,
                            config.horizon,
                            inputs,
                            record_orders=config.outputs.orders,
                        )
                    )
            except ConfigError as err:
                where = f"scenario {scenario!r}, arm {strategy!r}"
                if parameters:
                    where += f", replication {r} (uncertain values {draws[r]})"
                raise ConfigError(f"{where}: {err}") from None
    check_memory(config, runs, physical_memory())
    return runs


def check_plan_size(
    config: ExperimentConfig,
    scenarios: int,
    params_per_scenario: int = 1,
    points: int = 1,
    replications: int | None = None,
    field: str = "scenarios",
    memory: int | None = None,
) -> None:
    """Refuse a study too large to plan, before any scenario is validated.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment (its arms and replications).
    scenarios : int
        Scenarios to run: named ones and sweep points.
    params_per_scenario : int
        Fully validated parameter sets per scenario (1, or one per arm and
        replication when uncertain parameters are drawn).
    points : int
        Design points per scenario (``shoplab robustness``; each gets its own
        parameters for every arm).
    replications : int, optional
        Runs per arm, scenario and point (default: the config's ``replications``).
    field : str
        The field that sets the number of scenarios or points, named in the error.
    memory : int, optional
        Bytes of memory available (default: :func:`physical_memory`).

    Raises
    ------
    ConfigError
        Past :data:`experiments.config.MAX_SCENARIOS` or :data:`MAX_RUNS`, or when the plan
        alone would need more memory than the machine has; the message names the field
        to change.

    Examples
    --------
    >>> config = ExperimentConfig(name="demo", replications=10_000,
    ...     strategies={f"arm{i}": [] for i in range(200)})
    >>> try:
    ...     check_plan_size(config, scenarios=1)
    ... except ConfigError as err:
    ...     print(str(err).split(";")[0])
    replications: 201 arms x 1 scenarios x 10,000 replications = 2,010,000 runs, more than 1,000,000
    """
    arms = len(config.strategies)
    replications = config.replications if replications is None else replications
    if scenarios * points > MAX_SCENARIOS:
        raise ConfigError(
            f"{field}: {scenarios * points:,} scenarios (named, sweep or design points), more "
            f"than {MAX_SCENARIOS:,}; each is validated and held in memory, so split the "
            "study or use fewer samples"
        )
    runs = arms * scenarios * points * replications
    if runs > MAX_RUNS:
        raise ConfigError(
            f"replications: {arms} arms x {scenarios * points:,} scenarios x "
            f"{replications:,} replications = {runs:,} runs, more than {MAX_RUNS:,}; "
            "split the study or use fewer replications, arms or scenarios"
        )
    memory = physical_memory() if memory is None else memory
    need = (
        scenarios * points * max(params_per_scenario, arms) * BYTES_PER_PARAMS
        if points > 1 or params_per_scenario > 1
        else scenarios * BYTES_PER_PARAMS + scenarios * arms * BYTES_PER_ARM
    ) + runs * BYTES_PER_RUN
    if memory is not None and need > memory:
        raise ConfigError(
            f"replications: planning {runs:,} runs needs about {need / 1e9:.1f} GB, more "
            f"than this machine's {memory / 1e9:.1f} GB of memory; split the study or use "
            "fewer replications, arms or scenarios"
        )


def physical_memory() -> int | None:
    """Physical memory of this machine in bytes, or None where the system does not say.

    Examples
    --------
    >>> physical_memory() is None or physical_memory() > 0
    True
    """
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(config: ExperimentConfig, runs: list[RunSpec], memory: int | None) -> None:
    """Refuse runs that cannot fit in this machine's memory, before the first one starts.

    A run takes about :data:`sim.params.BYTES_PER_SHOPPER` bytes per shopper (the
    README's model benchmark), and local workers run side by side. A Dask cluster's
    memory is not this machine's, so it is not checked.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment (its backend and workers).
    runs : list of RunSpec
        The planned runs.
    memory : int or None
        Bytes of memory available (None: unknown, no check).

    Raises
    ------
    ConfigError
        If the largest run times the workers needs more than ``memory``.

    Examples
    --------
    >>> config = ExperimentConfig(name="demo", model={"population": {"size": 1_000_000}})
    >>> check_memory(config, plan_runs(config)[:1], memory=2 * 10**9)
    >>> try:
    ...     check_memory(config, plan_runs(config)[:1], memory=10**8)
    ... except ConfigError as err:
    ...     print(str(err).split(" (")[0])
    model.population.size: 1,000,000 shoppers x 1 worker need about 0.6 GB
    """
    if memory is None or not runs or config.execution.backend != "local":
        return
    size = max(run.params.population.size for run in runs)
    workers = min(config.execution.workers, len(runs))
    need = size * BYTES_PER_SHOPPER * workers
    if need > memory:
        raise ConfigError(
            f"model.population.size: {size:,} shoppers x {workers} worker"
            f"{'s' if workers > 1 else ''} need about {need / 1e9:.1f} GB "
            f"({BYTES_PER_SHOPPER} bytes a shopper), more than this machine's "
            f"{memory / 1e9:.1f} GB of memory; use fewer shoppers or workers"
        )


def _check_not_overridden(
    parameters: Mapping[str, UncertainParameter], scenarios: Mapping[str, Mapping[str, Any]]
) -> None:
    for scenario, overrides in scenarios.items():
        clash = sorted(set(flatten(overrides)) & set(parameters))
        if clash:
            raise ConfigError(
                f"scenario {scenario!r} sets {clash}, which the config declares uncertain: "
                "a parameter is either drawn or set by a scenario"
            )
