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

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ValidationError

from experiments.config import ExperimentConfig
from experiments.errors import ConfigError
from experiments.messages import describe_error
from experiments.overrides import apply_overrides
from experiments.seeds import replication_seed
from experiments.sweeps import sweep_scenarios
from sim import ModelParams


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
    """

    strategy: str
    scenario: str
    replication: int
    params: ModelParams
    master_seed: int
    horizon: int

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


def arm_params(config: ExperimentConfig, strategy: str, overrides: dict[str, Any]) -> ModelParams:
    """Parameters of one strategy arm in one scenario.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment.
    strategy : str
        Arm name.
    overrides : dict
        The scenario's overrides of model parameters.

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
    data["strategies"] = [spec.model_dump() for spec in config.strategies[strategy]]
    try:
        params = ModelParams.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe_error(err, ModelParams, "", prefix="model")) from None
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
    scenarios = all_scenarios(config)
    runs = []
    for strategy in config.strategies:
        for scenario, overrides in scenarios.items():
            try:
                params = arm_params(config, strategy, overrides)
            except ConfigError as err:
                raise ConfigError(f"scenario {scenario!r}, arm {strategy!r}: {err}") from None
            runs.extend(
                RunSpec(strategy, scenario, r, params, config.seed, config.horizon)
                for r in range(config.replications)
            )
    return runs
