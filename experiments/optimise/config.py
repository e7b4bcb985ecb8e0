"""The optimise config: an experiment config plus an ``optimise:`` block.

The experiment part (``name``, ``horizon``, ``replications``, ``seed``, ``model``,
``scenarios``, ``strategies``, ``execution``) is an
:class:`~experiments.config.ExperimentConfig`; every arm but the baseline is a
*lever* that the search switches on or off. The ``optimise:`` block says which of
the levers' parameters are searched and over which ranges, the yearly budget, the
objective, the optimiser and how many fresh replications re-evaluate the chosen
mixes. Every block rejects unknown keys; errors are one line naming the file and
the field.

Examples
--------
>>> config = parse_optimise_config({
...     "name": "mix", "horizon": 30, "replications": 2,
...     "strategies": {"coupons": [{"kind": "coupons", "discount": 0.1}],
...                    "recommendation": [{"kind": "recommendation"}]},
...     "optimise": {"budget": 50000, "ranges": {"coupons": {"discount": [0.02, 0.2]}}}})
>>> config.levers, config.optimise.sampler_name
(['coupons', 'recommendation'], 'tpe')
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from experiments.config import (
    BASELINE,
    ExperimentConfig,
    Spec,
    load_yaml_config,
    parse_config,
)
from experiments.design import arm_params
from experiments.errors import ConfigError
from experiments.messages import describe_error
from experiments.overrides import set_path

#: The optimisation objectives: uplift over the baseline in profit, in retained
#: customers (``active_end``), or both (a Pareto front).
Objective = Literal["profit", "retained", "both"]


class _Spec(Spec):
    """Unknown keys, non-finite numbers and booleans given as numbers are errors."""


class Range(_Spec):
    """A numeric interval searched for one strategy parameter.

    ``[low, high]`` in a config is short for ``{low: low, high: high}``. A parameter
    that is a whole number (``contact_interval_days``) is searched over whole numbers.
    """

    low: float = Field(..., description="Lowest value tried.")
    high: float = Field(..., description="Highest value tried.")
    log: bool = Field(False, description="Search on a log scale (low must be above 0).")

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) != 2:
                raise ValueError(f"a range is [low, high], got {len(data)} values")
            return {"low": data[0], "high": data[1]}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale range needs low > 0, got {self.low}")
        return self

    def values(self) -> list[Any]:
        """The two ends."""
        return [self.low, self.high]


class Choices(_Spec):
    """A set of values searched for one strategy parameter (any YAML value: a segment list)."""

    choices: list[Any] = Field(..., min_length=2, description="The values tried.")

    def values(self) -> list[Any]:
        """Every choice."""
        return list(self.choices)


class OptimiseSpec(_Spec):
    """The ``optimise:`` block: search space, budget, objective, optimiser, re-evaluation."""

    budget: float | None = Field(
        None, gt=0, description="Most the strategies may cost a year (CNY); --budget overrides."
    )
    objective: Objective = Field(
        "profit",
        description="Uplift over the baseline maximised: profit, retained customers "
        "(active_end), or both (Pareto front).",
    )
    scenario: str | None = Field(
        None, description="Scenario the mixes are evaluated in (default: the first)."
    )
    ranges: dict[str, dict[str, Range | Choices]] = Field(
        default_factory=dict,
        description="Lever (arm) -> parameter path inside its strategy spec (e.g. discount, "
        "target.risk_threshold; an arm of several strategies: 1.winback_add) -> [low, high] "
        "or {choices: [...]}. Parameters not named keep the arm's values.",
    )
    trials: int = Field(
        48,
        ge=2,
        le=100_000,
        description="Distinct candidate mixes simulated (a proposal of a mix met before is "
        "not simulated again; the search stops after 4 x trials proposals).",
    )
    batch: int = Field(
        8,
        ge=2,
        le=256,
        description="Candidates proposed at once (fixed, so results do not depend on workers).",
    )
    sampler: Literal["tpe", "nsga2", "cmaes"] | None = Field(
        None,
        description="Optimiser (optuna, seeded): TPE (default for profit or retained), "
        "NSGA-II (default for both; its population is the batch) or CMA-ES (one objective; "
        "the budget by penalty).",
    )
    screen: bool = Field(
        True,
        description="Start with each lever alone, as in the config (one trial each), so "
        "every strategy is tried at least once.",
    )
    startup_trials: int = Field(8, ge=1, description="Random candidates before TPE or CMA-ES.")
    seed: int = Field(0, ge=0, description="Seed of the sampler.")
    reevaluate: int = Field(
        3, ge=1, le=50, description="Best feasible mixes re-evaluated on fresh replications."
    )
    fresh_replications: int | None = Field(
        None,
        ge=2,
        le=10_000,
        description="Fresh replications of the re-evaluation (default: the config's "
        "replications, at least 2).",
    )

    @model_validator(mode="after")
    def _sampler_fits(self) -> OptimiseSpec:
        if self.sampler == "cmaes" and self.objective == "both":
            raise ValueError(
                "sampler: CMA-ES optimises one objective; for objective both use nsga2 or tpe"
            )
        return self

    @property
    def sampler_name(self) -> str:
        """The sampler used: the one given, else NSGA-II for ``both`` and TPE otherwise."""
        if self.sampler is not None:
            return self.sampler
        return "nsga2" if self.objective == "both" else "tpe"


class OptimiseConfig(BaseModel):
    """An experiment config and its ``optimise:`` block, both validated.

    Attributes
    ----------
    experiment : ExperimentConfig
        The experiment part (its non-baseline arms are the levers).
    optimise : OptimiseSpec
        The search.
    data : dict
        The experiment part as read (without ``optimise``), to write ``best.yaml`` from.
    source : str
        The file (named in errors).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    experiment: ExperimentConfig
    optimise: OptimiseSpec
    data: dict[str, Any]
    source: str = "config"

    @property
    def levers(self) -> list[str]:
        """The arms the search switches on and off, in config order."""
        return [arm for arm in self.experiment.strategies if arm != BASELINE]

    @property
    def scenario(self) -> str:
        """The scenario the mixes are evaluated in."""
        return self.optimise.scenario or next(iter(self.experiment.scenarios))

    @property
    def fresh_replications(self) -> int:
        """Replications of the re-evaluation."""
        return self.optimise.fresh_replications or max(self.experiment.replications, 2)


def spec_path(specs: Sequence[Any], arm: str, path: str) -> str:
    """A parameter path inside an arm's list of strategy specs.

    An arm of one strategy names its parameters directly (``discount``); an arm of
    several starts with the strategy's index (``1.winback_add``).

    Parameters
    ----------
    specs : sequence
        The arm's strategy specs.
    arm : str
        The arm's name (for errors).
    path : str
        The path as written in ``optimise.ranges``.

    Returns
    -------
    str
        The path with the strategy's index first.

    Raises
    ------
    ConfigError
        If an arm of several strategies is given a path without an index.

    Examples
    --------
    >>> spec_path([{"kind": "coupons"}], "c", "target.risk_threshold")
    '0.target.risk_threshold'
    """
    head = path.split(".")[0]
    if head.isdigit():
        return path
    if len(specs) != 1:
        raise ConfigError(
            f"optimise.ranges.{arm}.{path}: arm {arm!r} has {len(specs)} strategies; "
            f"start the path with the strategy's index (0..{len(specs) - 1}), e.g. 0.{path}"
        )
    return f"0.{path}"


def set_spec_values(specs: list[dict[str, Any]], arm: str, values: dict[str, Any]) -> list[dict]:
    """A copy of an arm's strategy specs (plain data) with parameter values set.

    Parameters
    ----------
    specs : list of dict
        The arm's strategy specs as plain data.
    arm : str
        The arm's name (for errors).
    values : dict
        Parameter path (as in ``optimise.ranges``) -> value.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> set_spec_values([{"kind": "coupons", "discount": 0.1}], "c", {"discount": 0.2})
    [{'kind': 'coupons', 'discount': 0.2}]
    """
    tree = {"specs": copy.deepcopy(specs)}
    for path, value in values.items():
        set_path(tree, f"specs.{spec_path(specs, arm, path)}", value)
    return tree["specs"]


def _check_space(config: OptimiseConfig) -> None:
    """Refuse a range naming no lever, and any end of a range the strategy refuses."""
    spec = config.optimise
    if config.experiment.sweep is not None:
        raise ConfigError(f"{config.source}: sweep: not used by optimise; remove it")
    if config.scenario not in config.experiment.scenarios:
        raise ConfigError(
            f"{config.source}: optimise.scenario: unknown scenario {config.scenario!r}; "
            f"allowed: {', '.join(config.experiment.scenarios)}"
        )
    if not config.levers:
        raise ConfigError(
            f"{config.source}: strategies: no arm to switch on besides the baseline; name the "
            "strategies the mix may use as arms"
        )
    for arm, ranges in spec.ranges.items():
        if arm not in config.levers:
            raise ConfigError(
                f"{config.source}: optimise.ranges.{arm}: not an arm of strategies; "
                f"allowed: {', '.join(config.levers)}"
            )
        specs = [s.model_dump(mode="json") for s in config.experiment.strategies[arm]]
        for path, searched in ranges.items():
            for value in searched.values():
                data = {
                    **config.data,
                    "strategies": {arm: set_spec_values(specs, arm, {path: value})},
                }
                try:
                    parsed = parse_config(data, "")
                    arm_params(parsed, arm, parsed.scenarios[config.scenario])
                except ConfigError as err:
                    raise ConfigError(
                        f"{config.source}: optimise.ranges.{arm}.{path} = {value!r} "
                        f"is refused: {str(err).removeprefix(': ')}"
                    ) from None


def parse_optimise_config(
    data: dict[str, Any],
    source: str = "config",
    line_of: Callable[[list[str]], int | None] | None = None,
) -> OptimiseConfig:
    """Validate an optimise config given as plain data.

    Parameters
    ----------
    data : dict
        The config as read from YAML: an experiment config with an ``optimise`` block.
    source : str
        Where it came from (named in errors).
    line_of : callable, optional
        Field path -> line in the source.

    Returns
    -------
    OptimiseConfig

    Raises
    ------
    ConfigError
        One line naming the source, the field and what is allowed.

    Examples
    --------
    >>> try:
    ...     parse_optimise_config({"name": "x", "strategies": {"c": [{"kind": "coupons"}]},
    ...                            "optimise": {"trials": 1}}, "x.yaml")
    ... except ConfigError as err:
    ...     print(err)
    x.yaml: optimise.trials: Input should be greater than or equal to 2 (got 1)
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    data = dict(data)
    block = data.pop("optimise", None)
    if not isinstance(block, dict):
        raise ConfigError(
            f"{source}: optimise: required, a mapping (budget, objective, ranges, trials, ...)"
        )
    experiment = parse_config(data, source, line_of=line_of)
    try:
        spec = OptimiseSpec.model_validate(block)
    except ValidationError as err:
        raise ConfigError(
            describe_error(err, OptimiseSpec, source, prefix="optimise", line_of=line_of)
        ) from None
    config = OptimiseConfig(experiment=experiment, optimise=spec, data=data, source=source)
    _check_space(config)
    return config


def load_optimise_config(path: str | Path, overrides: Sequence[str] = ()) -> OptimiseConfig:
    """Read, override (``PATH=VALUE``) and validate an optimise config file.

    Parameters
    ----------
    path : str or Path
        The YAML file (``include:`` resolved relative to it).
    overrides : sequence of str
        ``PATH=VALUE`` assignments (``--set``), VALUE parsed as YAML.

    Returns
    -------
    OptimiseConfig

    Raises
    ------
    ConfigError
        On any problem with the file, the overrides or a value.

    Examples
    --------
    >>> from importlib.resources import files
    >>> config = load_optimise_config(files("experiments") / "configs" / "optimise_budget.yaml",
    ...                               ["optimise.trials=4"])
    >>> config.optimise.trials
    4
    """
    return load_yaml_config(path, overrides, parse_optimise_config)
