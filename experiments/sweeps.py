"""Parameter sweeps: sample points of a parameter space, each becoming a scenario.

Grid, Latin hypercube, Sobol (Saltelli) and Morris designs; the last three come from
SALib, with the problem kept as plain data (names and bounds).

Examples
--------
>>> from experiments.config import Sweep
>>> sweep = Sweep(method="grid", samples=3,
...               parameters={"acquisition.innovation_per_year": (0.01, 0.05)})
>>> sample_points(sweep, seed=0).ravel().tolist()
[0.01, 0.03, 0.05]
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from SALib.sample import latin, morris, sobol

from experiments.config import Sweep
from experiments.overrides import get_path


def salib_problem(sweep: Sweep) -> dict[str, Any]:
    """The SALib problem of a sweep: ``num_vars``, ``names``, ``bounds``.

    Parameters
    ----------
    sweep : Sweep

    Returns
    -------
    dict

    Examples
    --------
    >>> salib_problem(Sweep(method="latin", parameters={"a.b": (0, 1)}))["names"]
    ['a.b']
    """
    return {
        "num_vars": len(sweep.parameters),
        "names": list(sweep.parameters),
        "bounds": [list(bounds) for bounds in sweep.parameters.values()],
    }


def sample_points(sweep: Sweep, seed: int) -> np.ndarray:
    """The sweep's design matrix, one row per point, one column per parameter.

    ``grid``: ``samples`` evenly spaced levels per parameter, all combinations.
    ``latin``: ``samples`` Latin-hypercube points. ``sobol``: Saltelli's design with
    base size ``samples`` (``samples * (D + 2)`` points, first-order and total
    indices). ``morris``: ``samples`` trajectories (``samples * (D + 1)`` points).

    Parameters
    ----------
    sweep : Sweep
        The sweep.
    seed : int
        Seed of the random designs.

    Returns
    -------
    numpy.ndarray
    """
    problem = salib_problem(sweep)
    if sweep.method == "grid":
        axes = [np.linspace(low, high, sweep.samples) for low, high in problem["bounds"]]
        return np.array(list(itertools.product(*axes)), dtype=float)
    if sweep.method == "latin":
        return latin.sample(problem, sweep.samples, seed=seed)
    if sweep.method == "sobol":
        return sobol.sample(problem, sweep.samples, calc_second_order=False, seed=seed)
    return morris.sample(problem, sweep.samples, num_levels=sweep.levels, seed=seed)


def sweep_scenarios(
    sweep: Sweep, seed: int, model: dict[str, Any]
) -> dict[str, dict[str, float | int]]:
    """One scenario per sweep point: ``sweep_0000`` -> {parameter path: value}.

    A parameter whose value in ``model`` is an integer is rounded to one.

    Parameters
    ----------
    sweep : Sweep
        The sweep.
    seed : int
        Seed of the random designs.
    model : dict
        The base model parameters (to find each parameter's type).

    Returns
    -------
    dict

    Examples
    --------
    >>> sweep = Sweep(method="grid", samples=2, parameters={"group_buy.group_size": (2, 5)})
    >>> sweep_scenarios(sweep, 0, {"group_buy": {"group_size": 3}})
    {'sweep_0000': {'group_buy.group_size': 2}, 'sweep_0001': {'group_buy.group_size': 5}}
    """
    integer = {
        path: isinstance(get_path(model, path), int) and not isinstance(get_path(model, path), bool)
        for path in sweep.parameters
    }
    scenarios = {}
    for index, row in enumerate(sample_points(sweep, seed)):
        scenarios[f"sweep_{index:04d}"] = {
            path: int(round(value)) if integer[path] else float(value)
            for path, value in zip(sweep.parameters, row, strict=True)
        }
    return scenarios
