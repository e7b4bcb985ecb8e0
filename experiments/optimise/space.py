"""The search space of a strategy mix: each lever on or off, and its searched parameters.

A *mix* is the strategies of the levers switched on, as plain data: lever (arm)
name -> its list of strategy specs with the searched parameters set. Every
parameter is suggested in every trial (also when its lever is off), so the space
is the same for every trial and the samplers (TPE, NSGA-II, CMA-ES) see one fixed
set of dimensions; a parameter of a lever that is off has no effect and is left
out of the mix.

Examples
--------
>>> import optuna
>>> from experiments.optimise.config import parse_optimise_config
>>> config = parse_optimise_config({"name": "x", "strategies": {
...     "coupons": [{"kind": "coupons"}], "points": [{"kind": "loyalty_points"}]},
...     "optimise": {"ranges": {"coupons": {"discount": [0.02, 0.2]}}}})
>>> space = SearchSpace.from_config(config)
>>> trial = optuna.trial.FixedTrial({"coupons": True, "coupons.discount": 0.05, "points": False})
>>> mix = space.mix(space.suggest(trial))
>>> list(mix), mix["coupons"][0]["discount"]
(['coupons'], 0.05)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import optuna
from pydantic import TypeAdapter

from experiments.optimise.config import (
    Choices,
    OptimiseConfig,
    Range,
    set_spec_values,
    spec_path,
)
from experiments.overrides import get_path
from sim.strategies import StrategySpec

_SPEC: TypeAdapter[Any] = TypeAdapter(StrategySpec)

#: A strategy mix: lever (arm) name -> its strategy specs (plain data), levers on only.
Mix = dict[str, list[dict[str, Any]]]


def mix_key(mix: Mix) -> str:
    """A canonical text of a mix (equal mixes, equal keys), to evaluate each mix once.

    Examples
    --------
    >>> mix_key({"b": [{"kind": "x"}], "a": []}) == mix_key({"a": [], "b": [{"kind": "x"}]})
    True
    """
    return json.dumps(mix, sort_keys=True, separators=(",", ":"))


def describe_mix(mix: Mix) -> str:
    """A mix in one line, ``none`` when no lever is on.

    Examples
    --------
    >>> describe_mix({"coupons": [{"kind": "coupons", "discount": 0.05}]})
    'coupons'
    >>> describe_mix({})
    'none'
    """
    return " + ".join(mix) or "none"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class SearchSpace:
    """The levers, their specs in the config, and their searched parameters.

    Attributes
    ----------
    levers : dict
        Lever (arm) name -> its strategy specs in the config (plain data).
    ranges : dict
        Lever -> parameter path -> :class:`~.config.Range` or :class:`~.config.Choices`.
    integers : frozenset of str
        Dimensions (``<lever>.<path>``) whose parameter is a whole number.
    """

    levers: dict[str, list[dict[str, Any]]]
    ranges: dict[str, dict[str, Range | Choices]]
    integers: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config: OptimiseConfig) -> SearchSpace:
        """The search space of an optimise config."""
        strategies = config.experiment.strategies
        levers = {
            arm: [s.model_dump(mode="json") for s in strategies[arm]] for arm in config.levers
        }
        ranges = config.optimise.ranges
        space = cls(levers=levers, ranges=ranges)
        integers = frozenset(
            f"{arm}.{path}"
            for arm, searched in ranges.items()
            for path in searched
            if _is_int(space.value_in_config(arm, path))
        )
        return cls(levers=levers, ranges=ranges, integers=integers)

    def value_in_config(self, arm: str, path: str) -> Any:
        """The value a lever's parameter has in the config (defaults filled in)."""
        return self._as_validated(arm, path, None)

    def _as_validated(self, arm: str, path: str, value: Any) -> Any:
        """A value (None: the config's) as the validated spec holds it (defaults filled in)."""
        specs = self.levers[arm]
        if value is not None:
            specs = set_spec_values(specs, arm, {path: value})
        valid = [_SPEC.validate_python(spec).model_dump(mode="json") for spec in specs]
        return get_path({"s": valid}, f"s.{spec_path(valid, arm, path)}")

    def screen_points(self) -> list[dict[str, Any]]:
        """Each lever alone, with its parameters as in the config (where within their range).

        Returns
        -------
        list of dict
            Trial parameters for :meth:`optuna.Study.enqueue_trial`, one per lever;
            a parameter whose config value lies outside its range is left to the sampler.

        Examples
        --------
        >>> space = SearchSpace({"c": [{"kind": "coupons", "discount": 0.1}],
        ...                      "r": [{"kind": "recommendation"}]},
        ...                     {"c": {"discount": Range(low=0, high=0.2)},
        ...                      "r": {"target": Choices(choices=[{"kind": "tier", "tiers": [2]},
        ...                                                       {"kind": "everyone"}])}})
        >>> space.screen_points()
        [{'c': True, 'r': False, 'c.discount': 0.1}, {'c': False, 'r': True, 'r.target': 1}]
        """
        points = []
        for arm in self.levers:
            point: dict[str, Any] = {lever: lever == arm for lever in self.levers}
            for path, searched in self.ranges.get(arm, {}).items():
                value = self.value_in_config(arm, path)
                if isinstance(searched, Choices):
                    found = [self._as_validated(arm, path, c) for c in searched.choices]
                    if value in found:
                        point[f"{arm}.{path}"] = found.index(value)
                elif searched.low <= value <= searched.high:
                    point[f"{arm}.{path}"] = value
            points.append(point)
        return points

    @property
    def columns(self) -> list[str]:
        """Names of the dimensions: ``<lever>`` (on/off) and ``<lever>.<path>``."""
        names = []
        for arm in self.levers:
            names.append(arm)
            names.extend(f"{arm}.{path}" for path in self.ranges.get(arm, {}))
        return names

    def suggest(self, trial: optuna.trial.BaseTrial) -> dict[str, Any]:
        """Ask a trial for a value of every dimension.

        Parameters
        ----------
        trial : optuna.trial.BaseTrial
            The optimiser's trial.

        Returns
        -------
        dict
            Dimension name (:attr:`columns`) -> value; a choice is returned as the
            value itself, not its index.
        """
        point: dict[str, Any] = {}
        for arm in self.levers:
            point[arm] = trial.suggest_categorical(arm, [True, False])
            for path, searched in self.ranges.get(arm, {}).items():
                name = f"{arm}.{path}"
                if isinstance(searched, Choices):
                    index = trial.suggest_categorical(name, list(range(len(searched.choices))))
                    point[name] = searched.choices[index]
                elif name in self.integers:
                    point[name] = trial.suggest_int(
                        name, int(searched.low), int(searched.high), log=searched.log
                    )
                else:
                    point[name] = trial.suggest_float(
                        name, searched.low, searched.high, log=searched.log
                    )
        return point

    def mix(self, point: dict[str, Any]) -> Mix:
        """The strategies of a point: the levers on, their searched parameters set.

        Parameters
        ----------
        point : dict
            Output of :meth:`suggest`.

        Returns
        -------
        Mix
        """
        mix: Mix = {}
        for arm, specs in self.levers.items():
            if not point[arm]:
                continue
            values = {path: point[f"{arm}.{path}"] for path in self.ranges.get(arm, {})}
            mix[arm] = set_spec_values(specs, arm, values)
        return mix

    def row(self, point: dict[str, Any]) -> dict[str, Any]:
        """A point as a table row: parameters of levers that are off are left empty (None).

        Examples
        --------
        >>> space = SearchSpace({"c": [{"kind": "coupons"}]},
        ...                     {"c": {"discount": Range(low=0, high=0.2)}})
        >>> space.row({"c": False, "c.discount": 0.1})
        {'c': False, 'c.discount': None}
        """
        row: dict[str, Any] = {}
        for arm in self.levers:
            row[arm] = bool(point[arm])
            for path in self.ranges.get(arm, {}):
                value = point[f"{arm}.{path}"] if point[arm] else None
                row[f"{arm}.{path}"] = (
                    json.dumps(value) if isinstance(value, list | dict) else value
                )
        return row
