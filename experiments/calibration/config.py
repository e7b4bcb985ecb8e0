"""The calibration config: base model, virtual survey, free parameters, targets, budget.

A calibration fits a real survey's statistics (``survey:`` and the ``targets.json``
of ``shoplab survey analyze``), behavioural figures matched against the model's run
summary (``targets.behavioural``, or a file named by ``targets.behavioural_file``),
an order log's statistics matched against the simulated order log
(``targets.orders_file``: the ``targets.json`` of ``shoplab orders analyze``, or
``targets.orders``; :mod:`.orders`), or any mix. Without ``survey:`` no virtual
survey is administered and at least one behavioural or order-log target is required.

Examples
--------
>>> cfg = parse_calibration_config({
...     "name": "demo",
...     "survey": {"codebook": "ecsi"},
...     "free": {"platforms.0.quality": {"low": 0.5, "high": 0.95}},
... })
>>> cfg.budget.trials, list(cfg.free)
(60, ['platforms.0.quality'])

Behavioural targets only, no survey:

>>> cfg = parse_calibration_config({
...     "name": "market",
...     "free": {"population.order_value_scale": {"low": 0.8, "high": 1.6}},
...     "targets": {"behavioural": {"aov": {"value": 53.0, "se": 1.5}}},
... })
>>> cfg.survey is None, list(cfg.targets.behavioural)
(True, ['aov'])

An order log's statistics, over a simulated span equal to the log's:

>>> cfg = parse_calibration_config({
...     "name": "log", "horizon": 365,
...     "free": {"loyalty.base_churn_hazard": {"low": 0.0005, "high": 0.004}},
...     "targets": {"orders": {"inactive_share_90": {"value": 0.18, "se": 0.01}},
...                 "orders_span_days": 365},
... })
>>> list(cfg.targets.orders)
['inactive_share_90']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from experiments.calibration.orders import (
    allowed_names,
    churn_window,
    is_order_statistic,
    log_span_days,
)
from experiments.config import Execution, Spec
from experiments.errors import ConfigError
from experiments.loader import read_yaml
from experiments.overrides import apply_overrides, parse_assignment, set_path
from sim.params import ModelParams
from sim.schema import describe_validation_error
from sim.virtual_survey import SurveyDesign
from survey.targets import read_schema_json

#: Free-parameter paths that start with this prefix set the virtual survey's design.
SURVEY_PREFIX = "survey."

#: Schema identifier of a behavioural targets file (``targets.behavioural_file``).
BEHAVIOURAL_SCHEMA = "shoplab.market.targets/1"


class _Spec(Spec):
    """Unknown keys, non-finite numbers and booleans given as numbers are errors."""


class Bounds(_Spec):
    """Search interval of a free parameter."""

    low: float = Field(..., description="Lowest value tried.")
    high: float = Field(..., description="Highest value tried.")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low}, {self.high}]")
        return self


class SurveySpec(_Spec):
    """The questionnaire the model answers, and how it answers it."""

    codebook: str = Field(
        ...,
        description="Codebook: an example name (ecsi, bank) or a YAML path (relative "
        "to the config).",
    )
    respondents: int | None = Field(
        None, ge=10, description="Virtual respondents (default: the targets' n)."
    )
    design: SurveyDesign = Field(default_factory=SurveyDesign)


class Behavioural(_Spec):
    """A behavioural figure (CRM, published accounts) matched against the run summary."""

    value: float = Field(..., description="Observed value.")
    se: float = Field(..., gt=0, description="Its standard error (same unit).")
    derivation: str | None = Field(
        None, description="How the value and its SE were derived (shown in the fit report)."
    )
    n: int | None = Field(None, ge=0, description="Observations it rests on (e.g. customers).")


class BehaviouralFile(_Spec):
    """A behavioural targets file's content besides its ``schema`` identifier."""

    source: str = Field(..., min_length=1, description="Where the figures come from.")
    targets: dict[str, Behavioural] = Field(
        ..., min_length=1, description="Run-summary field -> value, SE and derivation."
    )


class TargetSpec(_Spec):
    """Which of the survey's statistics are fitted, and how much each weighs."""

    constructs: list[str] | None = Field(
        None,
        description="Constructs whose mean and SD are fitted (default: all the model answers).",
    )
    means: bool = Field(True, description="Fit construct means.")
    sds: bool = Field(True, description="Fit construct standard deviations.")
    satisfaction_loyalty: bool = Field(True, description="Fit the correlation and slope.")
    nps: bool = Field(True, description="Fit promoter and detractor shares.")
    weights: dict[str, float] = Field(
        default_factory=dict, description="Target name -> weight (default 1)."
    )
    behavioural: dict[str, Behavioural] = Field(
        default_factory=dict,
        description="Run-summary field (e.g. retention_365) -> observed value and SE "
        "(these win over the same field in ``behavioural_file``).",
    )
    behavioural_file: str | None = Field(
        None,
        description="JSON file of behavioural targets (schema shoplab.market.targets/1), "
        "relative to the config.",
    )
    orders: dict[str, Behavioural] = Field(
        default_factory=dict,
        description="Order-log statistic (orders_per_buyer, aov, repeat_purchase_rate, "
        "inactive_share_<W>, top20_spend_share) -> observed value and SE, computed on each "
        "run's focal orders by survey.orders as on the real log (these win over the same "
        "statistic in ``orders_file``).",
    )
    orders_file: str | None = Field(
        None,
        description="targets.json of `shoplab orders analyze` (schema "
        "shoplab.market.targets/1), relative to the config.",
    )
    orders_span_days: int | None = Field(
        None,
        ge=1,
        description="Days the real log spans, first to last order day included (default: "
        "read from the orders_file's source); the horizon must equal it.",
    )


class Budget(_Spec):
    """How much simulation the fit may spend."""

    trials: int = Field(60, ge=2, le=100_000, description="Candidate parameter sets.")
    replications: int = Field(2, ge=1, le=100, description="Runs per candidate.")
    batch: int = Field(
        4,
        ge=1,
        le=256,
        description="Candidates proposed at once (fixed, so results do not depend on workers).",
    )
    sampler: Literal["cmaes", "tpe"] = Field(
        "cmaes",
        description="Optimiser: CMA-ES (Hansen 2016; robust on smooth low-dimensional fits) "
        "or TPE (Bergstra et al. 2011); both from optuna, seeded.",
    )
    startup_trials: int = Field(
        12, ge=1, description="Random candidates before the optimiser starts."
    )
    refine_share: float = Field(
        0.25,
        ge=0,
        lt=1,
        description="Share of the candidates spent last, uniformly around the confidence set, "
        "to chart its extent.",
    )
    seed: int = Field(0, ge=0, description="Seed of the sampler and of the runs.")


class CalibrationConfig(_Spec):
    """A calibration: fit ``free`` parameters so the model matches the targets.

    The targets are a real survey's statistics (with ``survey``), behavioural
    figures from the run summary, an order log's statistics, or any mix; without
    ``survey`` at least one behavioural or order-log target is required. A
    ``targets.behavioural_file`` is read when the config is validated, its targets
    merged into ``targets.behavioural`` (the config's own entries win) and its
    ``source`` kept in ``behavioural_source``; a ``targets.orders_file`` likewise
    into ``targets.orders`` and ``orders_source``. Order-log targets must name
    statistics of the simulated log, at most one churn window shorter than the
    log, and the horizon must equal the log's span.
    """

    name: str = Field(..., min_length=1, description="Calibration name.")
    horizon: int = Field(
        180, ge=1, le=36_500, description="Days simulated (before the survey, if any)."
    )
    model: ModelParams = Field(default_factory=ModelParams, description="Base model.")
    survey: SurveySpec | None = Field(
        None, description="The virtual survey (none: behavioural targets only)."
    )
    free: dict[str, Bounds] = Field(..., min_length=1, description="Path -> search bounds.")
    targets: TargetSpec = Field(default_factory=TargetSpec)
    budget: Budget = Field(default_factory=Budget)
    execution: Execution = Field(default_factory=Execution)
    base_dir: Path = Field(Path("."), exclude=True, description="Folder of the config file.")
    behavioural_source: str | None = Field(
        None, exclude=True, description="The behavioural targets file's source (read from it)."
    )
    orders_source: str | None = Field(
        None, exclude=True, description="The order-log targets file's source (read from it)."
    )

    @model_validator(mode="after")
    def _free_paths_exist(self) -> CalibrationConfig:
        tree = self.model.model_dump(mode="json")
        for path in self.free:
            if path.startswith(SURVEY_PREFIX):
                if self.survey is None:
                    raise ValueError(
                        f"free.{path}: a survey-design parameter, but the config has no survey"
                    )
                name = path.removeprefix(SURVEY_PREFIX)
                allowed = [n for n in SurveyDesign.model_fields if n != "mapping"]
                if name not in allowed:
                    raise ValueError(f"free.{path}: unknown survey parameter; allowed: {allowed}")
                continue
            expand_path(tree, path)
        return self

    @model_validator(mode="after")
    def _something_to_fit(self) -> CalibrationConfig:
        spec = self.targets
        if spec.behavioural_file is not None:
            path = self.base_dir / spec.behavioural_file  # an absolute path stays as it is
            try:
                read = read_behavioural_targets(path)
            except ConfigError as err:
                raise ValueError(f"targets.behavioural_file: {err}") from None
            self.behavioural_source = read.source
            self.targets = spec.model_copy(
                update={"behavioural": {**read.targets, **spec.behavioural}}
            )
        if spec.orders_file is not None:
            try:
                read = read_behavioural_targets(self.base_dir / spec.orders_file)
            except ConfigError as err:
                raise ValueError(f"targets.orders_file: {err}") from None
            self.orders_source = read.source
            self.targets = self.targets.model_copy(
                update={"orders": {**read.targets, **spec.orders}}
            )
        if self.survey is None:
            if spec.constructs is not None:
                raise ValueError("targets.constructs: survey targets, but the config has no survey")
            if not self.targets.behavioural and not self.targets.orders:
                raise ValueError(
                    "survey: required unless a behavioural target is given "
                    "(targets.behavioural, targets.behavioural_file, targets.orders or "
                    "targets.orders_file)"
                )
        return self

    @model_validator(mode="after")
    def _orders_comparable(self) -> CalibrationConfig:
        spec = self.targets
        if not spec.orders:
            return self
        where = (
            f"targets.orders_file ({spec.orders_file})" if spec.orders_file else "targets.orders"
        )
        for name in spec.orders:
            if not is_order_statistic(name):
                raise ValueError(
                    f"{where}: {name!r} is not a statistic of the simulated order log; "
                    f"allowed: {allowed_names()}"
                )
        try:
            window = churn_window(spec.orders)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
        span = spec.orders_span_days or log_span_days(self.orders_source or "")
        if span is None:
            stated = (
                f"is not stated in the source of {spec.orders_file} (shoplab orders analyze "
                "writes it as 'YYYY-MM-DD to YYYY-MM-DD')"
                if spec.orders_file
                else "is needed for targets.orders"
            )
            raise ValueError(
                f"targets.orders_span_days: required: the order log's span in days {stated}"
            )
        if self.horizon != span:
            raise ValueError(
                f"horizon: {self.horizon} days, but the order log of {where} spans {span} "
                f"days; its statistics are compared over the same span: set horizon: {span}"
            )
        if window is not None and window >= span:
            raise ValueError(
                f"{where}: inactive_share_{window}: the churn window must be shorter than the "
                f"log's {span} days"
            )
        return self


def read_behavioural_targets(path: str | Path) -> BehaviouralFile:
    """Read a behavioural targets file and check its schema.

    The file is JSON: ``{"schema": "shoplab.market.targets/1", "source": "...",
    "targets": {FIELD: {"value": v, "se": s, "derivation": "..."}}}``, each
    ``FIELD`` a column of the model's run summary (``ShopperModel.summary()``).

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    BehaviouralFile

    Raises
    ------
    ConfigError
        One line naming the file: it is missing, not JSON, of another schema, or a
        target is invalid (naming its field).

    Examples
    --------
    >>> import json, tempfile
    >>> p = Path(tempfile.mkdtemp()) / "market.json"
    >>> _ = p.write_text(json.dumps({"schema": BEHAVIOURAL_SCHEMA, "source": "accounts",
    ...     "targets": {"aov": {"value": 53.0, "se": 1.5, "derivation": "GMV / orders"}}}))
    >>> read_behavioural_targets(p).targets["aov"].derivation
    'GMV / orders'
    >>> _ = p.write_text('{"schema": "shoplab.survey.targets/1"}')
    >>> read_behavioural_targets(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    experiments.errors.ConfigError: ...market.json: not a behavioural targets file: schema ...
    """
    data = read_schema_json(
        path,
        schema=BEHAVIOURAL_SCHEMA,
        what="behavioural targets file",
        kind="behavioural targets file",
        error=ConfigError,
    )
    try:
        return BehaviouralFile.model_validate({k: v for k, v in data.items() if k != "schema"})
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, str(path), root=BehaviouralFile)) from None


def expand_path(tree: Any, path: str) -> list[str]:
    """Concrete paths a free-parameter path names; ``*`` stands for every list item.

    Parameters
    ----------
    tree : Any
        The parameters as plain data.
    path : str
        Dotted path; list items by index or ``*``.

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If the path does not lead to a number, naming the allowed keys.

    Examples
    --------
    >>> expand_path({"a": [{"x": 1}, {"x": 2}]}, "a.*.x")
    ['a.0.x', 'a.1.x']
    """

    def walk(node: Any, parts: list[str], done: list[str]) -> list[str]:
        if not parts:
            if isinstance(node, bool) or not isinstance(node, int | float):
                raise ValueError(f"free.{path}: {'.'.join(done)} is not a number")
            return [".".join(done)]
        head, rest = parts[0], parts[1:]
        if isinstance(node, list):
            if head == "*":
                return [p for i, item in enumerate(node) for p in walk(item, rest, [*done, str(i)])]
            if head.isdigit() and int(head) < len(node):
                return walk(node[int(head)], rest, [*done, head])
            raise ValueError(
                f"free.{path}: {head!r} is not an index of {'.'.join(done)} "
                f"(0..{len(node) - 1} or *)"
            )
        if isinstance(node, dict) and head in node:
            return walk(node[head], rest, [*done, head])
        allowed = sorted(node) if isinstance(node, dict) else []
        raise ValueError(f"free.{path}: unknown key {head!r}; allowed: {allowed}")

    return walk(tree, path.split("."), [])


def candidate_parameters(config: CalibrationConfig, values: dict[str, float]) -> tuple[dict, dict]:
    """Model parameters (plain data) and survey design for one candidate.

    Parameters
    ----------
    config : CalibrationConfig
        The calibration: its base model and survey design.
    values : dict
        Free-parameter path -> value. A ``survey.`` path sets the survey design;
        a model path may hold ``*`` (every item of a list).

    Returns
    -------
    tuple of dict
        The model parameters (the base model with the values set) and the design.

    Examples
    --------
    >>> cfg = parse_calibration_config({"name": "x", "survey": {"codebook": "ecsi"},
    ...     "free": {"loyalty.curve_midpoint": {"low": 0.5, "high": 0.9},
    ...              "survey.item_noise": {"low": 0.01, "high": 0.3}}})
    >>> params, design = candidate_parameters(cfg, {"loyalty.curve_midpoint": 0.6,
    ...                                             "survey.item_noise": 0.2})
    >>> params["loyalty"]["curve_midpoint"], design["item_noise"]
    (0.6, 0.2)
    """
    tree = config.model.model_dump(mode="json")
    design = config.survey.design.model_dump() if config.survey is not None else {}
    for path, value in values.items():
        if path.startswith(SURVEY_PREFIX):
            design[path.removeprefix(SURVEY_PREFIX)] = value
            continue
        for concrete in expand_path(tree, path):
            set_path(tree, concrete, value)
    return tree, design


def parse_calibration_config(
    data: dict[str, Any], source: str = "calibration config", base_dir: Path | None = None
) -> CalibrationConfig:
    """Validate a calibration config given as plain data.

    Raises
    ------
    ConfigError
        One line naming the file, the field path and what is allowed.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of settings, got {type(data).__name__}")
    if base_dir is not None:
        data = {**data, "base_dir": base_dir}
    try:
        return CalibrationConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, source)) from None


def load_calibration_config(path: str | Path, overrides: Sequence[str] = ()) -> CalibrationConfig:
    """Read, override (``PATH=VALUE``) and validate a calibration config file.

    Examples
    --------
    >>> from experiments.calibration.config import shipped_config
    >>> load_calibration_config(shipped_config(), ["budget.trials=4"]).budget.trials
    4
    """
    path = Path(path)
    data = read_yaml(path)
    if overrides:
        data = apply_overrides(data or {}, dict(parse_assignment(text) for text in overrides))
    return parse_calibration_config(data, str(path), base_dir=path.resolve().parent)


def shipped_config(name: str = "ecsi") -> Path:
    """Path of a shipped calibration config, ``experiments/configs/calibrate_<name>.yaml``.

    Parameters
    ----------
    name : str, default "ecsi"
        ``"ecsi"`` (the ECSI survey) or ``"market"`` (Pinduoduo's published figures).

    Returns
    -------
    Path

    Examples
    --------
    >>> shipped_config("market").name
    'calibrate_market.yaml'
    """
    return Path(__file__).resolve().parent.parent / "configs" / f"calibrate_{name}.yaml"
