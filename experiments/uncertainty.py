"""Uncertain parameters: which assumptions an experiment draws, and how.

A config names uncertain parameters in ``uncertain: {path: prior}`` and, with
``strategy_priors: true``, takes every strategy's default priors on its effect
sizes (:meth:`sim.strategies.base.Strategy.priors`). Paths are

* a model parameter, as in scenario overrides (``loyalty.base_churn_hazard``,
  ``platforms.assortment_leader.price_index``);
* ``strategies.<kind>.<field>``: a parameter of every strategy of that kind in
  every arm (an effect size is a fact of the market, the same whichever arm uses
  the strategy). A default prior leaves alone an arm that sets the field itself;
  an ``uncertain:`` entry applies to every arm.

Replication r draws one value of every uncertain parameter from the master seed,
shared by every arm and scenario: common random numbers extend to assumptions, so
paired differences compare arms under the same assumptions. Each parameter's draw
has its own stream (keyed by its path), so adding a parameter leaves the others'
draws unchanged.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> config = ExperimentConfig(name="demo", strategy_priors=True,
...     strategies={"reco": [{"kind": "recommendation"}]})
>>> list(uncertain_parameters(config))
['strategies.recommendation.purchase_rate_mult', 'strategies.recommendation.quality_bonus']
>>> draws = draw_values(uncertain_parameters(config), master_seed=1, replication=0)
>>> 1.0 <= draws["strategies.recommendation.purchase_rate_mult"] <= 1.2
True
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from experiments.errors import ConfigError
from experiments.overrides import get_path, set_path
from sim.priors import Prior
from sim.strategies import REGISTRY, StrategySpec

if TYPE_CHECKING:
    from experiments.config import ExperimentConfig

#: First spawn-key element of the assumption draws; replication seeds use ``(r,)``,
#: so the streams never meet.
UNCERTAINTY_SPAWN_KEY = 2**30

#: Prefix of a strategy parameter's path.
STRATEGY_PREFIX = "strategies."


@dataclass(frozen=True)
class UncertainParameter:
    """One uncertain parameter of an experiment.

    Attributes
    ----------
    path : str
        Model path or ``strategies.<kind>.<field>``.
    prior : sim.priors.Prior
        Its distribution.
    explicit : bool
        True if the config's ``uncertain:`` block names it (it then overrides arms'
        own values); False for a strategy's default prior.
    """

    path: str
    prior: Prior

    explicit: bool = True

    @property
    def kind(self) -> str | None:
        """The strategy kind of a strategy parameter, None for a model parameter."""
        if not self.path.startswith(STRATEGY_PREFIX):
            return None
        return self.path.split(".")[1]

    @property
    def field(self) -> str:
        """Path inside the strategy (strategy parameters) or the model (model ones)."""
        if self.kind is None:
            return self.path
        return self.path.split(".", 2)[2]


def _check_strategy_path(path: str) -> None:
    parts = path.split(".")
    if len(parts) < 3 or parts[1] not in REGISTRY:
        raise ConfigError(
            f"uncertain.{path}: a strategy parameter is strategies.<kind>.<field>; "
            f"kinds: {', '.join(sorted(REGISTRY))}"
        )
    fields = sorted(set(REGISTRY[parts[1]].model_fields) - {"kind"})
    if parts[2] not in fields:
        raise ConfigError(
            f"uncertain.{path}: {parts[1]} has no parameter {parts[2]!r}; "
            f"allowed: {', '.join(fields)}"
        )


def uncertain_parameters(config: ExperimentConfig) -> dict[str, UncertainParameter]:
    """Every uncertain parameter of an experiment, by path (sorted).

    Parameters
    ----------
    config : ExperimentConfig

    Returns
    -------
    dict
        Path -> :class:`UncertainParameter`: the strategies' default priors of the
        kinds used by any arm (with ``strategy_priors``), then the config's
        ``uncertain:`` block, which takes precedence.

    Raises
    ------
    ConfigError
        If a path names no model parameter, strategy kind or strategy field.

    Examples
    --------
    >>> from experiments.config import ExperimentConfig
    >>> config = ExperimentConfig(name="demo", uncertain={
    ...     "loyalty.base_churn_hazard": {"dist": "uniform", "low": 0.001, "high": 0.003}})
    >>> uncertain_parameters(config)["loyalty.base_churn_hazard"].prior.describe()
    'uniform(low 0.001, high 0.003)'
    """
    found: dict[str, UncertainParameter] = {}
    if config.strategy_priors:
        kinds = sorted({spec.kind for arm in config.strategies.values() for spec in arm})
        for kind in kinds:
            for name, prior in REGISTRY[kind].priors().items():
                path = f"{STRATEGY_PREFIX}{kind}.{name}"
                found[path] = UncertainParameter(path, prior, explicit=False)
    model = config.model.model_dump(exclude={"strategies"})
    for path, prior in config.uncertain.items():
        if path.startswith(STRATEGY_PREFIX):
            _check_strategy_path(path)
        else:
            try:
                value = get_path(model, path)
            except ConfigError as err:
                raise ConfigError(f"uncertain.{err}") from None
            if isinstance(value, dict | list) or not isinstance(value, int | float):
                raise ConfigError(f"uncertain.{path}: not a number (a {type(value).__name__})")
        found[path] = UncertainParameter(path, prior, explicit=True)
    return dict(sorted(found.items()))


def uniform_draw(master_seed: int, replication: int, path: str) -> float:
    """The uniform number in (0, 1) behind one parameter's draw in one replication.

    Its stream is keyed by the master seed, the replication and the path (CRC-32),
    so it does not depend on which other parameters are uncertain.

    Examples
    --------
    >>> uniform_draw(1, 0, "a") == uniform_draw(1, 0, "a") != uniform_draw(1, 1, "a")
    True
    """
    key = (UNCERTAINTY_SPAWN_KEY, replication, zlib.crc32(path.encode()))
    return float(np.random.default_rng(np.random.SeedSequence(master_seed, spawn_key=key)).random())


def draw_values(
    parameters: Mapping[str, UncertainParameter], *, master_seed: int, replication: int
) -> dict[str, float]:
    """One replication's values of the uncertain parameters.

    Parameters
    ----------
    parameters : mapping
        Output of :func:`uncertain_parameters`.
    master_seed : int
        The experiment's master seed.
    replication : int
        Replication index.

    Returns
    -------
    dict
        Path -> value (the prior's quantile at :func:`uniform_draw`).

    Examples
    --------
    >>> from sim.priors import Uniform
    >>> parameters = {"x": UncertainParameter("x", Uniform(low=0, high=10))}
    >>> draw_values(parameters, master_seed=3, replication=0) == draw_values(
    ...     parameters, master_seed=3, replication=0)
    True
    """
    return {
        path: float(parameter.prior.ppf(uniform_draw(master_seed, replication, path)))
        for path, parameter in parameters.items()
    }


def apply_values(
    model: dict[str, Any],
    specs: Sequence[StrategySpec],
    values: Mapping[str, float],
    parameters: Mapping[str, UncertainParameter],
) -> dict[str, Any]:
    """Model data with the values of uncertain parameters put in.

    Parameters
    ----------
    model : dict
        Model parameter data without strategies (changed in place and returned).
    specs : sequence of StrategySpec
        The arm's strategies.
    values : mapping
        Path -> value (e.g. from :func:`draw_values` or a design point).
    parameters : mapping
        Path -> :class:`UncertainParameter` (says whether each is explicit).

    Returns
    -------
    dict
        ``model`` with ``strategies`` set to the arm's specs, changed.

    Examples
    --------
    >>> from sim.priors import Uniform
    >>> from sim.strategies.recommendation import Recommendation
    >>> path = "strategies.recommendation.purchase_rate_mult"
    >>> parameters = {path: UncertainParameter(path, Uniform(low=1, high=2), explicit=False)}
    >>> data = apply_values({}, [Recommendation()], {path: 1.5}, parameters)
    >>> data["strategies"][0]["purchase_rate_mult"]
    1.5
    >>> apply_values({}, [Recommendation(purchase_rate_mult=1.3)], {path: 1.5},
    ...              parameters)["strategies"][0]["purchase_rate_mult"]  # the arm's own value
    1.3
    """
    strategies = []
    for spec in specs:
        data = spec.model_dump()
        for path, value in values.items():
            parameter = parameters[path]
            if parameter.kind != spec.kind:
                continue
            if parameter.explicit or parameter.field.split(".")[0] not in spec.model_fields_set:
                set_path(data, parameter.field, value)
        strategies.append(data)
    for path, value in values.items():
        if parameters[path].kind is None:
            set_path(model, path, value)
    model["strategies"] = strategies
    return model
