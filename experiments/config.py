"""The experiment spec: YAML -> validated pydantic models.

An experiment crosses strategy arms (levers) with scenarios (market conditions) and
replications. Every block rejects unknown keys; numbers are range-checked.

Examples
--------
>>> config = ExperimentConfig(name="demo", horizon=30, replications=2,
...                           strategies={"points": [{"kind": "loyalty_points"}]})
>>> list(config.strategies), list(config.scenarios)
(['baseline', 'points'], ['base'])
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from experiments.errors import ConfigError
from experiments.loader import read_yaml, yaml_line
from experiments.messages import describe_error
from experiments.overrides import parse_assignment, set_path
from sim import ModelParams
from sim.priors import Prior
from sim.schema import NoBoolNumbers
from sim.strategies import REGISTRY, StrategySpec

_Parsed = TypeVar("_Parsed")

#: Name of the arm every other arm is compared with; it has no strategy.
BASELINE = "baseline"

#: Most scenarios (named and sweep points) in one study: each is validated (about
#: 2.5 ms) and held in memory (about 32 kB, ``experiments.design.BYTES_PER_PARAMS``)
#: before the first run, so 20,000 take about a minute and 0.6 GB; a larger design is
#: split into several studies.
MAX_SCENARIOS = 20_000

#: The separator of arm, scenario and replication in run keys (``experiments.design``).
KEY_SEPARATOR = "__"


def _no_key_separator(name: str) -> str:
    """Refuse a name holding the run-key separator (two names could give one run key)."""
    if KEY_SEPARATOR in name:
        raise ValueError("may not contain '__', which separates the names in run file names")
    return name


#: Strategy, scenario and experiment names: used in file names, so kept plain.
Name = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80),
    AfterValidator(_no_key_separator),
]


class Spec(NoBoolNumbers):
    """Base of the experiment spec blocks: unknown keys and non-finite numbers are errors.

    Booleans given as numbers (``horizon: true``) are refused too.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Sweep(Spec):
    """A parameter sweep; each sample point becomes a scenario (``sweep_0000``, ...)."""

    method: Literal["grid", "latin", "sobol", "morris"] = Field(
        ..., description="Design: full grid, Latin hypercube, Sobol (Saltelli) or Morris."
    )
    parameters: dict[str, tuple[float, float]] = Field(
        ..., min_length=1, description="Model parameter path -> [low, high]."
    )
    samples: int = Field(
        8,
        ge=1,
        le=100_000,
        description="grid: levels per parameter; latin: points; sobol: base size N; "
        "morris: trajectories.",
    )
    levels: int = Field(4, ge=2, le=100, description="morris: levels of the grid.")

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Sweep:
        for path, (low, high) in self.parameters.items():
            if not low < high:
                raise ValueError(f"parameters.{path}: low must be below high, got [{low}, {high}]")
        if self.points() > MAX_SCENARIOS:
            raise ValueError(
                f"samples: the {self.method} design has {self.points():,} points with "
                f"{len(self.parameters)} parameters, more than {MAX_SCENARIOS:,} (each point "
                "is a scenario, validated and held in memory); use fewer samples or parameters"
            )
        return self

    def points(self) -> int:
        """Points of the design (each a scenario), counted without sampling it.

        Returns
        -------
        int
            grid: ``samples ** D``; latin: ``samples``; sobol: ``samples * (D + 2)``;
            morris: ``samples * (D + 1)``, for D parameters.

        Examples
        --------
        >>> Sweep(method="sobol", samples=8, parameters={"a.b": (0, 1)}).points()
        24
        """
        dims = len(self.parameters)
        if self.method == "grid":
            return self.samples ** min(dims, 64)  # past 64 dimensions it is over any cap
        extra = {"latin": 0, "sobol": dims + 2, "morris": dims + 1}[self.method]
        return self.samples * max(extra, 1)


class Outputs(Spec):
    """What is written besides the Parquet tables and the manifest."""

    csv: bool = Field(False, description="Also write every table as CSV.")
    plots: bool = Field(True, description="Draw the plots (PNG and SVG).")
    orders: bool = Field(
        False,
        description="Record every order of every run and write the focal platform's "
        "as orders/<run key>.parquet, an order frame shoplab orders analyze reads "
        "(about 9 bytes an order).",
    )


class Execution(Spec):
    """Where the runs execute. Results do not depend on it."""

    backend: Literal["local", "dask"] = Field("local", description="Local processes or Dask.")
    workers: int = Field(1, ge=1, le=1024, description="Worker processes (1: in-process).")
    scheduler: str | None = Field(
        None, description="Dask: address of a running scheduler (default: a local cluster)."
    )

    @model_validator(mode="after")
    def _scheduler_needs_dask(self) -> Execution:
        if self.scheduler is not None and self.backend != "dask":
            raise ValueError("execution.scheduler is a Dask address: set backend: dask")
        return self


class Robustness(Spec):
    """The design of ``shoplab robustness`` (``docs/robustness.md``)."""

    samples: int = Field(
        16,
        ge=2,
        le=100_000,
        description="Sobol base size N: N x (D + 2) design points for D uncertain "
        "parameters (a power of 2 keeps the design balanced).",
    )
    replications: int | None = Field(
        None,
        ge=1,
        le=10_000,
        description="Runs per arm, scenario and design point (default: the experiment's "
        "replications; 1 is typical, the design's spread carries the information).",
    )


class ExperimentConfig(Spec):
    """Strategies x scenarios x replications on a base model.

    Attributes
    ----------
    name : str
        Experiment name (default output folder ``results/<name>/``).
    horizon : int
        Days per run.
    replications : int
        Runs per strategy arm and scenario; replication r shares its seed across arms.
    seed : int
        Master seed.
    model : sim.ModelParams
        Base model parameters (everything but strategies).
    scenarios : dict
        Scenario name -> overrides of model parameters (dotted paths or nested).
    strategies : dict
        Arm name -> list of strategy specs; ``baseline: []`` is always there, first.
    every_strategy : bool
        Add an arm for every registered strategy kind (``sim.strategies.REGISTRY``).
    sweep : Sweep, optional
        A parameter sweep whose points become extra scenarios.
    uncertain : dict
        Uncertain parameters (path -> :data:`sim.priors.Prior`), see
        :mod:`experiments.uncertainty`.
    strategy_priors : bool
        Draw the strategies' effect sizes from their default priors too.
    robustness : Robustness
        Design of ``shoplab robustness``.
    outputs : Outputs
    execution : Execution
    """

    name: Name = Field(..., description="Experiment name.")
    horizon: int = Field(365, ge=1, le=36_500, description="Days per run.")
    replications: int = Field(8, ge=1, le=10_000, description="Replications per arm.")
    seed: int = Field(0, ge=0, description="Master seed of every random stream.")
    model: ModelParams = Field(default_factory=ModelParams, description="Base model.")
    scenarios: dict[Name, dict[str, Any]] = Field(
        default_factory=lambda: {"base": {}}, min_length=1, description="Market conditions."
    )
    strategies: dict[Name, list[StrategySpec]] = Field(
        default_factory=dict, description="Strategy arms (levers)."
    )
    every_strategy: bool = Field(
        False,
        description="Add one arm per registered strategy kind, with its defaults, named "
        "by its kind (unless an arm of that name is given).",
    )
    sweep: Sweep | None = Field(None, description="Optional parameter sweep.")
    uncertain: dict[str, Prior] = Field(
        default_factory=dict,
        description="Uncertain parameters: model path or strategies.<kind>.<field> -> prior "
        "({dist: uniform|triangular|normal|lognormal, ..., source: ...}); replication r "
        "draws one value of each, shared by every arm and scenario.",
    )
    strategy_priors: bool = Field(
        False,
        description="Also draw the effect sizes of the arms' strategies from their default "
        "priors (listed by `shoplab strategies`); an arm's own value of a field is kept.",
    )
    robustness: Robustness = Field(default_factory=Robustness)
    outputs: Outputs = Field(default_factory=Outputs)
    execution: Execution = Field(default_factory=Execution)

    @model_validator(mode="after")
    def _arms_and_scenarios(self) -> ExperimentConfig:
        if "strategies" in self.model.model_fields_set:
            raise ValueError("model.strategies: strategies go in the top-level 'strategies' arms")
        for name, overrides in self.scenarios.items():
            if any(str(path).split(".")[0] == "strategies" for path in overrides):
                raise ValueError(f"scenarios.{name}: a scenario cannot change strategies")
        baseline = self.strategies.pop(BASELINE, [])
        if any(spec.kind != BASELINE for spec in baseline):
            raise ValueError(f"strategies.{BASELINE}: the baseline arm must be empty ([])")
        arms = {BASELINE: [], **self.strategies}
        if self.every_strategy:
            for kind, cls in REGISTRY.items():
                arms.setdefault(kind, [] if kind == BASELINE else [cls()])
        self.strategies = arms
        return self

    def fingerprint(self) -> str:
        """SHA-256 of everything that determines the results (not outputs or execution).

        Returns
        -------
        str
            Hex digest.

        Examples
        --------
        >>> a = ExperimentConfig(name="x")
        >>> b = ExperimentConfig(name="x", execution={"workers": 4})
        >>> a.fingerprint() == b.fingerprint()
        True
        """
        data = self.model_dump(
            mode="json", exclude={"outputs": True, "execution": True, "model": {"strategies"}}
        )
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def parse_config(
    data: dict[str, Any],
    source: str = "config",
    line_of: Callable[[list[str]], int | None] | None = None,
) -> ExperimentConfig:
    """Validate config data, turning any problem into a one-line :class:`ConfigError`.

    Parameters
    ----------
    data : dict
        Config data as read from YAML.
    source : str
        Where it came from (named in errors).
    line_of : callable, optional
        Field path -> line in the source (named in errors when known).

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    ConfigError
        Naming the source, the field path and what is allowed.

    Examples
    --------
    >>> try:
    ...     parse_config({"name": "x", "horizon": 0}, "x.yaml")
    ... except ConfigError as err:
    ...     print(err)
    x.yaml: horizon: Input should be greater than or equal to 1 (got 0)
    """
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe_error(err, ExperimentConfig, source, line_of=line_of)) from None


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> ExperimentConfig:
    """Read, override and validate an experiment config file.

    Parameters
    ----------
    path : str or Path
        The YAML file (``include:`` resolved relative to it).
    overrides : sequence of str
        ``PATH=VALUE`` assignments (the ``--set`` option), VALUE parsed as YAML.

    Returns
    -------
    ExperimentConfig

    Raises
    ------
    ConfigError
        On any problem with the file, the overrides or a value.

    Examples
    --------
    >>> from importlib.resources import files
    >>> config = load_config(files("experiments") / "configs" / "quickstart.yaml",
    ...                      ["replications=2"])
    >>> config.replications
    2
    """
    return load_yaml_config(path, overrides, parse_config)


def load_yaml_config(
    path: str | Path,
    overrides: Sequence[str],
    parse: Callable[..., _Parsed],
) -> _Parsed:
    """Read a YAML config, apply ``PATH=VALUE`` overrides and hand it to ``parse``.

    The config's ``name`` defaults to the file's stem; errors name the file, the
    overrides given and the line of the field where it is known.

    Parameters
    ----------
    path, overrides
        As for :func:`load_config`.
    parse : callable
        ``parse(data, source, line_of=...)``, e.g. :func:`parse_config`; it raises
        :class:`ConfigError` for a bad value, as the reading does for a bad file or
        override.

    Returns
    -------
    object
        What ``parse`` returns.

    Examples
    --------
    >>> from importlib.resources import files
    >>> quickstart = files("experiments") / "configs" / "quickstart.yaml"
    >>> load_yaml_config(quickstart, ["horizon=30"], parse_config).horizon
    30
    """
    path = Path(path)
    data = read_yaml(path)
    data.setdefault("name", path.stem)
    for assignment in overrides:
        key, value = parse_assignment(assignment)
        set_path(data, key, value)
    source = f"{path} (with --set {' '.join(overrides)})" if overrides else str(path)
    return parse(data, source, line_of=lambda keys: yaml_line(path, keys))
