"""Which searched mixes are on the cost-benefit front, and which are re-evaluated.

Examples
--------
>>> import pandas as pd
>>> trials = pd.DataFrame({"trial": [0, 1, 2, 3], "mix": ["a", "b", "c", "d"],
...     "cost_year": [10.0, 20, 30, 5], "profit_uplift": [5.0, 4, 9, 1],
...     "feasible": [True, True, True, True]})
>>> on_front(trials, ("profit_uplift",)).tolist()  # b costs more than a and gains less
[True, False, True, True]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def non_dominated(better: np.ndarray) -> np.ndarray:
    """Rows no other row dominates (at least as good in every column, better in one).

    Parameters
    ----------
    better : numpy.ndarray
        Points by rows; larger is better in every column.

    Returns
    -------
    numpy.ndarray
        Boolean, one per row. Equal rows do not dominate each other.

    Examples
    --------
    >>> non_dominated(np.array([[1, 2], [2, 1], [0, 0], [1, 2]])).tolist()
    [True, True, False, True]
    """
    points = np.asarray(better, dtype=float)
    at_least = (points[:, None, :] >= points[None, :, :]).all(axis=2)
    strictly = (points[:, None, :] > points[None, :, :]).any(axis=2)
    dominated_by = at_least & strictly  # [i, j]: row i dominates row j
    return ~dominated_by.any(axis=0)


def on_front(trials: pd.DataFrame, objectives: Sequence[str]) -> np.ndarray:
    """Feasible trials that no feasible trial beats at no more cost a year.

    A trial is on the front when it is within budget and no other trial within
    budget costs at most as much and does at least as well on every objective
    (and strictly better on one of these).

    Parameters
    ----------
    trials : pandas.DataFrame
        ``cost_year``, ``feasible`` and the objective columns.
    objectives : sequence of str
        Columns maximised.

    Returns
    -------
    numpy.ndarray
        Boolean, one per trial.
    """
    result = np.zeros(len(trials), dtype=bool)
    feasible = trials["feasible"].to_numpy(dtype=bool)
    if feasible.any():
        rows = trials.loc[feasible]
        better = np.column_stack([-rows["cost_year"], *(rows[c] for c in objectives)])
        result[feasible] = non_dominated(better)
    return result


def choose(trials: pd.DataFrame, objectives: Sequence[str], count: int) -> pd.DataFrame:
    """The feasible mixes to re-evaluate: the best ``count`` by the objective, or the front.

    With one objective, the best feasible mix of each set of levers (the best
    parameters of coupons alone, of coupons + points, ...), the ``count`` sets of
    highest value: alternatives that differ in what is done, not in a decimal. With
    two, the distinct feasible mixes no feasible mix beats on both objectives; if
    there are more than ``count``, ``count`` of them spread evenly along the front
    (its two ends included). A mix with no lever on (the baseline) is never chosen.

    Parameters
    ----------
    trials : pandas.DataFrame
        Output of :func:`~.search.search` (``mix``, ``specs``, ``feasible`` and the
        objective columns).
    objectives : sequence of str
        Columns maximised.
    count : int
        Most mixes chosen.

    Returns
    -------
    pandas.DataFrame
        The chosen trials' rows, best first (by the first objective); empty if no
        feasible mix switches a lever on.

    Examples
    --------
    >>> trials = pd.DataFrame({"trial": [0, 1, 2, 3], "mix": ["a", "a", "b", "a"],
    ...     "specs": ["1", "1", "2", "3"], "cost_year": [1.0, 1, 2, 1],
    ...     "profit_uplift": [3.0, 3, 5, 4], "feasible": True})
    >>> choose(trials, ("profit_uplift",), 5)["trial"].tolist()
    [2, 3]
    """
    rows = trials[trials["feasible"] & (trials["mix"] != "none")]
    rows = rows.drop_duplicates(subset="specs")
    if len(objectives) > 1 and len(rows):
        rows = rows[non_dominated(rows[list(objectives)].to_numpy())]
        rows = rows.sort_values(list(objectives), ascending=False, kind="stable")
        if len(rows) > count:
            picks = np.unique(np.round(np.linspace(0, len(rows) - 1, count)).astype(int))
            rows = rows.iloc[picks]
        return rows
    ranked = rows.sort_values(list(objectives), ascending=False, kind="stable")
    return ranked.drop_duplicates(subset="mix").head(count)
