"""The robustness design: a Sobol design over the uncertain parameters, and its runs.

The design is SALib's Saltelli sample (``calc_second_order=False``: ``N x (D + 2)``
points for ``D`` parameters, first-order and total indices) in the unit hypercube,
mapped to values through each prior's quantile function. At every design point each
arm runs in each named scenario with replications ``0 .. R-1``, whose seeds are the
same at every point and for every arm: common random numbers across arms and across
points, so the indices are not blurred by Monte Carlo noise.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> config = ExperimentConfig(name="demo", horizon=5, replications=1,
...     strategy_priors=True, robustness={"samples": 2},
...     strategies={"reco": [{"kind": "recommendation"}]})
>>> design, runs = plan_robustness(config)
>>> design.shape, len(runs)
((8, 2), 16)
>>> runs[0].key
'baseline__base__p00000__r0000'
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.sample import sobol

from experiments.config import ExperimentConfig
from experiments.design import RunSpec, _check_not_overridden, arm_params, check_plan_size
from experiments.errors import ConfigError
from experiments.sensitivity import describe_warnings
from experiments.uncertainty import UncertainParameter, uncertain_parameters

#: Column of the summary that names a run's design point.
DESIGN_POINT = "design_point"

#: Unit-hypercube values are kept this far inside (0, 1), so unbounded priors stay finite.
_EDGE = 1e-9


@dataclass(frozen=True)
class PointRunSpec(RunSpec):
    """A run at one design point (its key names the point; its seed does not).

    Attributes
    ----------
    point : int
        Row of the design.
    """

    point: int = 0

    @property
    def key(self) -> str:
        """Unique name of the run (also its file name)."""
        return f"{self.strategy}__{self.scenario}__p{self.point:05d}__r{self.replication:04d}"


def salib_problem(parameters: Mapping[str, UncertainParameter]) -> dict:
    """The SALib problem of the unit hypercube over the uncertain parameters.

    Examples
    --------
    >>> salib_problem({"a": None})["bounds"]
    [[0.0, 1.0]]
    """
    return {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def sobol_design(
    parameters: Mapping[str, UncertainParameter], samples: int, seed: int
) -> pd.DataFrame:
    """The Sobol (Saltelli) design over the uncertain parameters, in their values.

    Parameters
    ----------
    parameters : mapping
        Path -> :class:`~experiments.uncertainty.UncertainParameter`.
    samples : int
        Base size N (a power of 2 keeps the Sobol sequence balanced; SALib warns
        otherwise, and the warning is passed on).
    seed : int
        Seed of the scrambled Sobol sequence.

    Returns
    -------
    pandas.DataFrame
        One row per design point (index ``design_point``, ``N x (D + 2)`` rows),
        one column per parameter path: the prior's quantile at the design's
        unit-hypercube value. ``attrs["note"]``: SALib's sampling warnings in words
        (empty if none).

    Examples
    --------
    >>> from sim.priors import Uniform
    >>> parameters = {"x": UncertainParameter("x", Uniform(low=10, high=20))}
    >>> design = sobol_design(parameters, samples=4, seed=0)
    >>> len(design), bool(design["x"].between(10, 20).all())
    (12, True)
    """
    problem = salib_problem(parameters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        unit = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    unit = np.clip(unit, _EDGE, 1 - _EDGE)
    values = {
        path: np.asarray(parameter.prior.ppf(unit[:, j]), dtype=float)
        for j, (path, parameter) in enumerate(parameters.items())
    }
    design = pd.DataFrame(values, index=pd.RangeIndex(len(unit), name=DESIGN_POINT))
    design.attrs["note"] = describe_warnings(caught)
    return design


def robust_parameters(config: ExperimentConfig) -> dict[str, UncertainParameter]:
    """The uncertain parameters of a config, refusing a config robustness cannot run.

    Raises
    ------
    ConfigError
        If the config has no uncertain parameter, or has a sweep.

    Examples
    --------
    >>> try:
    ...     robust_parameters(ExperimentConfig(name="x"))
    ... except ConfigError as err:
    ...     print(str(err)[:46])
    no uncertain parameter to explore: give the co
    """
    parameters = uncertain_parameters(config)
    if not parameters:
        raise ConfigError(
            "no uncertain parameter to explore: give the config an uncertain: "
            "{path: prior} block or strategy_priors: true (with arms that have priors, "
            "see shoplab strategies)"
        )
    if config.sweep is not None:
        raise ConfigError(
            "sweep: robustness explores the uncertain parameters, not a sweep; drop the "
            "sweep: block (or give its parameters priors under uncertain:)"
        )
    _check_not_overridden(parameters, config.scenarios)
    return parameters


def point_replications(config: ExperimentConfig) -> int:
    """Runs per arm, scenario and design point.

    Examples
    --------
    >>> config = ExperimentConfig(name="x", replications=8, robustness={"replications": 1})
    >>> point_replications(config)
    1
    """
    return config.robustness.replications or config.replications


def plan_robustness(config: ExperimentConfig) -> tuple[pd.DataFrame, list[PointRunSpec]]:
    """The design and every run of a robustness experiment.

    Parameters
    ----------
    config : ExperimentConfig
        The experiment: ``robustness.samples`` is the base size and
        ``robustness.replications`` (default ``replications``) the runs per point;
        its ``seed`` seeds the design and the runs; its named scenarios are run.

    Returns
    -------
    design : pandas.DataFrame
        From :func:`sobol_design`.
    runs : list of PointRunSpec
        Arm by arm, scenario by scenario, point by point, replication by
        replication; each run's inputs are its point (``design_point``) and the
        point's values, written into its summary row.

    Raises
    ------
    ConfigError
        If the config cannot be explored (see :func:`robust_parameters`) or an
        arm's parameters are invalid at some point (naming it).
    """
    parameters = robust_parameters(config)
    check_plan_size(  # before sampling: every arm gets its own model at every point
        config,
        scenarios=len(config.scenarios),
        points=config.robustness.samples * (len(parameters) + 2),
        params_per_scenario=len(config.strategies),
        replications=point_replications(config),
        field="robustness.samples",
    )
    design = sobol_design(parameters, config.robustness.samples, config.seed)
    points = design.to_dict(orient="index")
    replications = point_replications(config)
    runs = []
    for strategy in config.strategies:
        for scenario, overrides in config.scenarios.items():
            for point, values in points.items():
                try:
                    params = arm_params(config, strategy, overrides, values)
                except ConfigError as err:
                    where = f"scenario {scenario!r}, arm {strategy!r}, design point {point}"
                    raise ConfigError(f"{where} ({values}): {err}") from None
                inputs = {DESIGN_POINT: point, **values}
                runs.extend(
                    PointRunSpec(
                        strategy=strategy,
                        scenario=scenario,
                        replication=r,
                        params=params,
                        master_seed=config.seed,
                        horizon=config.horizon,
                        inputs=inputs,
                        point=point,
                    )
                    for r in range(replications)
                )
    return design, runs
