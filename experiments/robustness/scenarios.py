"""Scenario discovery over the design: PRIM boxes of where each arm is best or loses money.

For every scenario and arm two conditions are located in the space of the uncertain
parameters, one design point at a time:

* ``best``: the arm has the highest mean profit of all arms (``is_best``);
* ``loses_money``: its profit uplift over the baseline is below 0 (not asked of the
  baseline).

Each gets the PRIM box of :func:`experiments.robustness.prim.find_box` (the densest
box on the peeling trajectory covering at least half the cases).

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> design = pd.DataFrame({"x": rng.random(200), "y": rng.random(200)})
>>> outcomes = pd.DataFrame({"scenario": "base", "strategy": "a", "design_point": range(200),
...     "profit_uplift": design["x"] - 0.5, "is_best": (design["x"] > 0.5).astype(float)})
>>> boxes = scenario_boxes(outcomes, design)
>>> boxes[["question", "parameter"]].values.tolist()
[['best', 'x'], ['loses_money', 'x']]
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from experiments.config import BASELINE
from experiments.robustness.analysis import IS_BEST
from experiments.robustness.design import DESIGN_POINT
from experiments.robustness.prim import MIN_COVERAGE, find_box

#: Columns of :func:`scenario_boxes`.
SCENARIO_COLUMNS = (
    "scenario",
    "question",
    "strategy",
    "parameter",
    "low",
    "high",
    "range_low",
    "range_high",
    "coverage",
    "density",
    "mass",
    "quasi_p",
    "n",
    "cases",
    "points",
    "note",
)


def _conditions(rows: pd.DataFrame, strategy: str) -> dict[str, np.ndarray]:
    conditions = {"best": rows[IS_BEST].to_numpy() > 0.5}
    if strategy != BASELINE and "profit_uplift" in rows:
        conditions["loses_money"] = rows["profit_uplift"].to_numpy() < 0
    return conditions


def scenario_boxes(
    outcomes: pd.DataFrame, design: pd.DataFrame, min_coverage: float = MIN_COVERAGE
) -> pd.DataFrame:
    """The PRIM box of each arm's ``best`` and ``loses_money`` region, per scenario.

    Parameters
    ----------
    outcomes : pandas.DataFrame
        From :func:`experiments.robustness.analysis.point_outcomes`.
    design : pandas.DataFrame
        The design's values, one row per design point (in point order).
    min_coverage : float
        The box rule's least coverage.

    Returns
    -------
    pandas.DataFrame
        One row per restricted parameter of each box: ``scenario``, ``question``
        (``best`` or ``loses_money``), ``strategy``, ``parameter``, ``low``,
        ``high`` (the box's limits), ``range_low``, ``range_high`` (the parameter's
        range over the design), ``coverage``, ``density``, ``mass``, ``quasi_p`` (of
        the parameter's restriction), ``n`` (points in the box), ``cases`` (points
        where the condition holds), ``points`` (design points), ``note``. A box that
        restricts nothing (the condition never or always holds, or no restriction is
        significant) has one row with
        no parameter and its note.
    """
    x = design.reset_index(drop=True)
    ranges = x.agg(["min", "max"])
    rows = []
    for (scenario, strategy), group in outcomes.groupby(["scenario", "strategy"], sort=False):
        group = group.sort_values(DESIGN_POINT)
        for question, y in _conditions(group, strategy).items():
            box = find_box(x, y, min_coverage=min_coverage)
            stats = {k: v for k, v in asdict(box).items() if k not in ("limits", "quasi_p")}
            if not box.limits and not box.note:
                stats["note"] = (
                    "no significant restriction: the cases are spread over the whole space"
                )
            head = {"scenario": scenario, "question": question, "strategy": strategy}
            limits = box.limits or {None: (np.nan, np.nan)}
            for parameter, (low, high) in limits.items():
                span = {"range_low": np.nan, "range_high": np.nan}
                if parameter is not None:
                    span = {
                        "range_low": ranges.loc["min", parameter],
                        "range_high": ranges.loc["max", parameter],
                    }
                significance = {"quasi_p": box.quasi_p.get(parameter, np.nan)}
                rows.append(
                    {
                        **head,
                        "parameter": parameter,
                        "low": low,
                        "high": high,
                        **span,
                        **significance,
                        **stats,
                    }
                )
    return pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))
