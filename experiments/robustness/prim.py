"""Scenario discovery: the PRIM box of where a condition holds (EMA Workbench's PRIM).

PRIM (Friedman & Fisher 1999, *Statistics and Computing* 9:123-143) peels a box off
the parameter space a small share (``peel_alpha``) at a time, keeping the peel that
raises the share of cases inside most, then pastes back what it can. Each step of
the peeling trajectory is a box with

* coverage: the share of all cases of interest that lie in the box;
* density: the share of the points in the box that are cases;
* mass: the share of all points in the box.

The box reported is chosen on the trajectory by a stated rule: **the densest box
whose coverage is at least ``min_coverage`` (0.5)**, the larger coverage winning a
tie; so a box describes at least half the cases, as purely as the trajectory
allows. PRIM can peel on noise when points are few, so each restriction is then
tested: its quasi-p-value (Bryant & Lempert 2010, *Technol. Forecast. Soc. Change*
77:34-49) is the binomial probability of the box's density or more, were the
density that of the box without that restriction. Restrictions with a quasi-p
above ``max_quasi_p`` (0.05) are dropped one at a time (the least significant
first) and the box's statistics recomputed. This module is the only one that
touches ``ema_workbench``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> x = pd.DataFrame(np.random.default_rng(0).random((400, 2)), columns=["a", "b"])
>>> box = find_box(x, (x["a"] > 0.6).to_numpy())
>>> list(box.limits), round(box.limits["a"][0], 1), box.density > 0.9
(['a'], 0.6, True)
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

#: Threshold of a case for ema_workbench (y is 0 or 1).
_CASE = 1e-9

#: Default rule: the densest box covering at least this share of the cases.
MIN_COVERAGE = 0.5

#: Restrictions less significant than this (quasi-p-value) are dropped.
MAX_QUASI_P = 0.05


@dataclass(frozen=True)
class Box:
    """A PRIM box and its statistics.

    Attributes
    ----------
    limits : dict
        Restricted parameter -> (low, high), in the data's values (parameters the
        box does not restrict are left out).
    quasi_p : dict
        Restricted parameter -> quasi-p-value of its restriction.
    coverage, density, mass : float
        Share of the cases inside; share of the box's points that are cases; share
        of all points inside.
    n : int
        Points inside the box.
    cases : int
        Cases of interest in all the data.
    points : int
        All points.
    note : str
        Why there is no box (no case, or every point a case), else empty.
    """

    limits: dict[str, tuple[float, float]] = field(default_factory=dict)
    quasi_p: dict[str, float] = field(default_factory=dict)
    coverage: float = np.nan
    density: float = np.nan
    mass: float = np.nan
    n: int = 0
    cases: int = 0
    points: int = 0
    note: str = ""


def _prim_class() -> type:
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": not used here
        from ema_workbench.analysis.prim import Prim
    return Prim


def _inside(x: pd.DataFrame, limits: dict[str, tuple[float, float]]) -> np.ndarray:
    inside = np.ones(len(x), dtype=bool)
    for name, (low, high) in limits.items():
        inside &= x[name].between(low, high).to_numpy()
    return inside


def quasi_p(x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]]) -> dict:
    """Quasi-p-value of each restriction of a box (Bryant & Lempert 2010).

    The probability, under a binomial model, of the box's number of cases or more
    among its points, were the density that of the box without the restriction.

    Parameters
    ----------
    x : pandas.DataFrame
        The points.
    y : numpy.ndarray of bool
        Cases.
    limits : dict
        Restricted parameter -> (low, high).

    Returns
    -------
    dict
        Parameter -> quasi-p-value.

    Examples
    --------
    >>> x = pd.DataFrame({"a": np.linspace(0, 1, 100)})
    >>> quasi_p(x, x["a"].to_numpy() > 0.5, {"a": (0.5, 1.0)})["a"] < 1e-10
    True
    """
    inside = _inside(x, limits)
    n, k = int(inside.sum()), int(y[inside].sum())
    values = {}
    for name in limits:
        without = _inside(x, {other: v for other, v in limits.items() if other != name})
        density = float(y[without].mean())
        values[name] = float(stats.binom.sf(k - 1, n, density))
    return values


def _significant(
    x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]], max_p: float
) -> tuple[dict[str, tuple[float, float]], dict[str, float]]:
    """Drop the least significant restriction until every quasi-p is at most ``max_p``."""
    limits = dict(limits)
    while limits:
        values = quasi_p(x, y, limits)
        worst = max(values, key=values.get)
        if values[worst] <= max_p:
            return limits, values
        del limits[worst]
    return limits, {}


def find_box(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    min_coverage: float = MIN_COVERAGE,
    max_quasi_p: float = MAX_QUASI_P,
    peel_alpha: float = 0.05,
) -> Box:
    """The PRIM box of where ``y`` holds, chosen by the densest-with-coverage rule.

    Parameters
    ----------
    x : pandas.DataFrame
        One row per point, one numeric column per parameter.
    y : numpy.ndarray of bool
        Whether the condition holds at each point.
    min_coverage : float
        The box chosen is the densest on the peeling trajectory with at least this
        coverage.
    max_quasi_p : float
        Restrictions whose quasi-p-value is above this are dropped (1 keeps all).
    peel_alpha : float
        Share of the points peeled at each step.

    Returns
    -------
    Box
        With ``note`` and no limits if no point, or every point, is a case.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in length or ``min_coverage`` is outside (0, 1].

    Examples
    --------
    >>> x = pd.DataFrame({"a": [0.1, 0.2, 0.3]})
    >>> find_box(x, np.array([False, False, False])).note
    'never: no design point is a case'
    """
    y = np.asarray(y, dtype=bool)
    if len(y) != len(x):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)} values")
    if not 0 < min_coverage <= 1:
        raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage}")
    cases, points = int(y.sum()), len(y)
    if cases == 0:
        return Box(points=points, note="never: no design point is a case")
    if cases == points:
        return Box(
            coverage=1.0,
            density=1.0,
            mass=1.0,
            n=points,
            cases=cases,
            points=points,
            note="everywhere: every design point is a case, no restriction",
        )
    data = x.astype(float).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside ema_workbench
        # a case is y >= threshold, and a box is kept if its density reaches it: a
        # threshold just above 0 counts the 1s and always keeps the peeled box
        prim = _prim_class()(data, y.astype(float), threshold=_CASE, peel_alpha=peel_alpha)
        box = prim.find_box()
    trajectory = box.peeling_trajectory
    eligible = trajectory[trajectory["coverage"] >= min_coverage - 1e-12]
    step = eligible.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0]
    limits, initial = box.box_lims[step], prim.box_init
    restricted = {
        name: (float(limits.loc[0, name]), float(limits.loc[1, name]))
        for name in data.columns
        if limits.loc[0, name] > initial.loc[0, name] or limits.loc[1, name] < initial.loc[1, name]
    }
    restricted, values = _significant(data, y, restricted, max_quasi_p)
    inside = _inside(data, restricted)
    n, k = int(inside.sum()), int(y[inside].sum())
    return Box(
        limits=restricted,
        quasi_p=values,
        coverage=k / cases,
        density=k / n,
        mass=n / points,
        n=n,
        cases=cases,
        points=points,
    )
