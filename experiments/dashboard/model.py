"""The dashboard's model: the shopper model built from slider and switch values.

Mesa's SolaraViz builds a fresh model on Reset as ``ModelClass(**values)``, one
keyword per control. :class:`DashboardModel` is :class:`sim.model.ShopperModel`
with such a constructor: a :class:`Setup` (an experiment config's base model in one
scenario, its arms' strategies, its seed) turns the values into model parameters.
It adds no behaviour: with every control at its default, a dashboard run is
replication ``r`` of the chosen arm and scenario of ``shoplab run``, day for day.

Examples
--------
>>> setup = Setup.build(ExperimentConfig(name="demo", model={"population": {"size": 400}}))
>>> model = DashboardModel(setup=setup, **setup.defaults())
>>> model.run(3)
>>> int(model.steps), model.params.population.size
(3, 400)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mesa.visualization import Slider

from experiments.config import ExperimentConfig, load_config
from experiments.design import all_scenarios, arm_params
from experiments.errors import ConfigError
from experiments.overrides import apply_overrides, get_path
from experiments.seeds import replication_seed
from sim.model import ShopperModel
from sim.schema import field_range
from sim.strategies.catalogue import REGISTRY

#: The main model sliders: control name, dotted parameter path, label, low, high, step.
#: ``{platform1}`` in a label is the name of the config's second platform.
MAIN_CONTROLS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("shoppers", "population.size", "Shoppers (population size)", 1_000, 50_000, 1_000),
    ("focal_price", "platforms.0.price_index", "Focal price index (1 = market)", 0.5, 1.5, 0.01),
    ("rival_price", "platforms.1.price_index", "{platform1} price index", 0.5, 1.5, 0.01),
    ("take_rate", "accounting.take_rate", "Take rate (share of GMV)", 0.005, 0.1, 0.005),
    ("ads_p", "acquisition.innovation_per_year", "Ad adoption p (per year)", 0.0, 0.2, 0.005),
    ("wom_q", "acquisition.imitation_per_year", "Word of mouth q (per year)", 0.0, 2.0, 0.02),
    ("churn", "loyalty.base_churn_hazard", "Base churn hazard (per day)", 0.0, 0.01, 0.0001),
)


@dataclass(frozen=True)
class Control:
    """One slider: a model parameter (``path``) or a strategy's main parameter.

    Attributes
    ----------
    name : str
        Keyword of :class:`DashboardModel` that carries its value.
    path : str
        Dotted path in the model parameters, or the strategy field's name.
    label, low, high, step, value
        As shown: the slider's label, range, step and starting value.
    """

    name: str
    path: str
    label: str
    low: float
    high: float
    step: float
    value: float

    @property
    def is_int(self) -> bool:
        """True for a whole-number slider (all of low, high, step and value whole)."""
        return all(float(v).is_integer() for v in (self.low, self.high, self.step, self.value))

    def slider(self) -> Slider:
        """The Mesa slider of this control."""
        kind = int if self.is_int else float
        return Slider(
            self.label,
            value=kind(self.value),
            min=kind(self.low),
            max=kind(self.high),
            step=kind(self.step),
            dtype=kind,
        )


def _nice_step(span: float) -> float:
    """One-significant-digit step giving about 40 positions over ``span``."""
    return float(f"{span / 40:.1g}") if span > 0 else 1.0


def strategy_control(kind: str, spec: dict[str, Any]) -> Control | None:
    """The slider of a strategy's main parameter: its first real-valued field.

    The range is the field's allowed range, capped at four times the larger of the
    catalogue default and the configured value (the priors of ``shoplab strategies``
    span zero to twice the default), so the slider has useful resolution.

    Parameters
    ----------
    kind : str
        Strategy kind (a key of :data:`sim.strategies.catalogue.REGISTRY`).
    spec : dict
        The strategy as configured (its values are the starting values).

    Returns
    -------
    Control or None
        None for a strategy without a real-valued parameter (the baseline).

    Examples
    --------
    >>> c = strategy_control("coupons", {"kind": "coupons", "discount": 0.1})
    >>> c.name, c.path, c.low, c.high, c.step, c.value
    ('coupons_discount', 'discount', 0, 0.4, 0.01, 0.1)
    """
    cls = REGISTRY[kind]
    fields = [n for n, f in cls.model_fields.items() if f.annotation is float]
    if not fields:
        return None
    name = fields[0]
    value = float(spec.get(name, cls.model_fields[name].default))
    bounds = field_range(cls, name)
    low = bounds["low"] if math.isfinite(bounds["low"]) else 0.0
    high = min(bounds["high"], 4 * max(cls.model_fields[name].default, value)) or 1.0
    unit = cls.model_fields[name].json_schema_extra["unit"]
    label = f"{kind}: {name.replace('_', ' ')} ({unit})"
    return Control(f"{kind}_{name}", name, label, low, high, _nice_step(high - low), value)


@dataclass(frozen=True)
class Setup:
    """What the dashboard's controls act on: a base model, strategies and a seed.

    Build it with :meth:`build`. Attributes are plain data (the base parameters as a
    dict), so a setup can be handed to Mesa as a fixed model parameter.

    Attributes
    ----------
    base : dict
        Model parameters of the chosen scenario, strategies excluded, with the
        config's horizon as ``horizon_days``.
    strategies : dict
        Strategy kind -> its spec (the first arm that uses the kind gives it).
    switched_on : tuple of str
        Kinds on at the start: the chosen arm's.
    controls : tuple of Control
        Model sliders (``path`` a parameter path).
    strategy_controls : dict
        Strategy kind -> the slider of its main parameter (``path`` the field).
    master_seed : int
        The config's seed; replication ``r`` runs on its ``r``-th child.
    replications : int
        Replications offered (the config's, at least 10).
    title : str
        Config name, scenario and arm, for the page title.
    """

    base: dict[str, Any]
    strategies: dict[str, dict[str, Any]]
    switched_on: tuple[str, ...]
    controls: tuple[Control, ...]
    strategy_controls: dict[str, Control]
    master_seed: int
    replications: int
    title: str

    @classmethod
    def build(
        cls, config: ExperimentConfig, *, scenario: str | None = None, arm: str = "baseline"
    ) -> Setup:
        """The setup of one scenario and starting arm of an experiment config.

        Parameters
        ----------
        config : ExperimentConfig
            The experiment (its model, scenarios, arms, horizon and seed).
        scenario : str, optional
            Scenario whose overrides the base model takes (default: the first).
        arm : str
            Arm whose strategies are switched on at the start.

        Returns
        -------
        Setup

        Raises
        ------
        ConfigError
            For an unknown scenario or arm, naming the ones allowed.

        Examples
        --------
        >>> config = ExperimentConfig(name="demo", strategies={"c": [{"kind": "coupons"}]})
        >>> setup = Setup.build(config, arm="c")
        >>> setup.switched_on, setup.strategy_controls["coupons"].name
        (('coupons',), 'coupons_discount')
        """
        scenarios = all_scenarios(config)
        scenario = scenario if scenario is not None else next(iter(scenarios))
        for what, name, allowed in (
            ("scenario", scenario, scenarios),
            ("arm", arm, config.strategies),
        ):
            if name not in allowed:
                raise ConfigError(
                    f"{config.name}: unknown {what} {name!r}; allowed: {', '.join(allowed)}"
                )
        base = arm_params(config, "baseline", scenarios[scenario]).model_dump(
            mode="json", exclude={"strategies"}
        )
        base["horizon_days"] = base["horizon_days"] or config.horizon
        strategies: dict[str, dict[str, Any]] = {}
        for specs in config.strategies.values():
            for spec in specs:
                strategies.setdefault(spec.kind, spec.model_dump(mode="json"))
        strategies.pop("baseline", None)
        if not strategies:  # a config without arms: offer the whole catalogue
            strategies = {k: c().model_dump(mode="json") for k, c in REGISTRY.items()}
            strategies.pop("baseline")
        on = tuple(dict.fromkeys(s.kind for s in config.strategies[arm] if s.kind in strategies))
        platforms = base["platforms"]
        controls = []
        for name, path, label, low, high, step in MAIN_CONTROLS:
            if path.startswith("platforms.1") and len(platforms) < 2:
                continue
            value = float(get_path(base, path))
            rival = platforms[min(1, len(platforms) - 1)]["name"]
            label = label.format(platform1=rival.replace("_", " ").capitalize())
            controls.append(
                Control(name, path, label, min(low, value), max(high, value), step, value)
            )
        sliders = {kind: strategy_control(kind, spec) for kind, spec in strategies.items()}
        return cls(
            base=base,
            strategies=strategies,
            switched_on=on,
            controls=tuple(controls),
            strategy_controls={k: c for k, c in sliders.items() if c is not None},
            master_seed=config.seed,
            replications=max(config.replications, 10),
            title=f"{config.name} · {scenario} · {arm}",
        )

    def defaults(self) -> dict[str, Any]:
        """Every control's starting value, by keyword of :class:`DashboardModel`.

        Returns
        -------
        dict
            ``replication`` (0), one ``use_<kind>`` switch per strategy, and each
            slider's value.
        """
        switches = {f"use_{kind}": kind in self.switched_on for kind in self.strategies}
        sliders = [*self.controls, *self.strategy_controls.values()]
        return {"replication": 0, **switches, **{c.name: c.value for c in sliders}}

    def user_params(self) -> dict[str, Any]:
        """The ``model_params`` of Mesa's SolaraViz: the setup fixed, the controls adjustable.

        Returns
        -------
        dict
            ``setup`` (fixed), ``replication`` and the sliders (:class:`Slider`),
            the strategy switches (``Checkbox`` inputs), in sidebar order.

        Examples
        --------
        >>> setup = Setup.build(ExperimentConfig(name="demo"))
        >>> params = setup.user_params()
        >>> params["setup"] is setup, params["use_coupons"]["type"]
        (True, 'Checkbox')
        """
        last = self.replications - 1
        params: dict[str, Any] = {
            "setup": self,
            "replication": Slider("Replication (random numbers)", 0, 0, last, 1, dtype=int),
        }
        for control in self.controls:
            params[control.name] = control.slider()
        for kind in self.strategies:
            params[f"use_{kind}"] = {
                "type": "Checkbox",
                "value": kind in self.switched_on,
                "label": f"Strategy: {kind.replace('_', ' ')}",
            }
            if kind in self.strategy_controls:
                params[self.strategy_controls[kind].name] = self.strategy_controls[kind].slider()
        return params

    def params(self, values: dict[str, Any]) -> dict[str, Any]:
        """Model parameters (as data) for control values.

        Parameters
        ----------
        values : dict
            Control keyword -> value; missing controls keep their starting value.

        Returns
        -------
        dict
            Input of :class:`sim.model.ShopperModel` (validated there).

        Raises
        ------
        ConfigError
            For a keyword that is no control of this setup.

        Examples
        --------
        >>> setup = Setup.build(ExperimentConfig(name="demo"))
        >>> data = setup.params({"use_coupons": True, "coupons_discount": 0.2})
        >>> data["strategies"][0]["discount"]
        0.2
        """
        defaults = self.defaults()
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise ConfigError(
                f"dashboard: unknown control(s) {unknown}; allowed: {sorted(defaults)}"
            )
        chosen = {**defaults, **values}
        model = {
            c.path: int(chosen[c.name]) if c.is_int else float(chosen[c.name])
            for c in self.controls
        }
        data = apply_overrides(self.base, model)
        data["strategies"] = []
        for kind, spec in self.strategies.items():
            if chosen[f"use_{kind}"]:
                slider = self.strategy_controls.get(kind)
                value = {} if slider is None else {slider.path: float(chosen[slider.name])}
                data["strategies"].append({**spec, **value})
        return data


def load_setup(
    config: str | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    scenario: str | None = None,
    arm: str = "baseline",
) -> Setup:
    """The setup of ``shoplab dashboard [CONFIG] [--set ...] [--scenario S] [--arm A]``.

    Parameters
    ----------
    config : str, optional
        Experiment config file (default: the default model, every strategy offered).
    overrides : sequence of str
        ``PATH=VALUE`` assignments to the config (``--set``).
    scenario, arm : str
        As for :meth:`Setup.build`.

    Returns
    -------
    Setup

    Raises
    ------
    ConfigError
        On any problem with the config, the overrides, the scenario or the arm.

    Examples
    --------
    >>> load_setup(None).title
    'dashboard · base · baseline'
    """
    if config is None:
        if overrides:
            raise ConfigError("dashboard: --set needs a CONFIG to override")
        experiment = ExperimentConfig(name="dashboard")
    else:
        experiment = load_config(config, overrides)
    return Setup.build(experiment, scenario=scenario, arm=arm)


class DashboardModel(ShopperModel):
    """The shopper model built from a :class:`Setup` and the dashboard's control values.

    Parameters
    ----------
    setup : Setup
        Base model, strategies and seed.
    replication : int
        The run's random numbers: replication ``replication`` of the config's seed.
    **kwargs
        Control values by keyword (:meth:`Setup.defaults`).

    Attributes
    ----------
    setup : Setup
    control_values : dict
        Every control's value in this run, by keyword.

    Examples
    --------
    >>> setup = Setup.build(ExperimentConfig(name="demo", model={"population": {"size": 300}}))
    >>> model = DashboardModel(setup=setup, use_coupons=True, replication=1)
    >>> [s.kind for s in model.params.strategies]
    ['coupons']
    """

    def __init__(self, *, setup: Setup, replication: int = 0, **kwargs: Any) -> None:
        # ``**kwargs``, by that name: Mesa's SolaraViz accepts controls that are not
        # named parameters only when the constructor has it
        self.setup = setup
        self.control_values = {**setup.defaults(), "replication": replication, **kwargs}
        params = setup.params(self.control_values)
        super().__init__(params, rng=replication_seed(setup.master_seed, int(replication)))
