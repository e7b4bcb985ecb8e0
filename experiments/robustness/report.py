"""The findings of a robustness experiment in words (what ``shoplab robustness`` prints).

Per scenario: the parameter that most decides which arm is best (the largest total
index ST of the best arm's identity), and the PRIM box of each arm's best region.

Examples
--------
>>> import pandas as pd
>>> sensitivity = pd.DataFrame({"scenario": "base", "strategy": "(best arm)",
...     "outcome": "is_best", "parameter": ["x", "y"], "ST": [0.9, 0.05], "n": 40})
>>> scenarios = pd.DataFrame({"scenario": "base", "question": "best", "strategy": ["a"],
...     "parameter": ["x"], "low": [0.5], "high": [1.0], "coverage": [0.9],
...     "density": [0.95], "n": [20], "cases": [21], "points": [40], "note": [""]})
>>> print(describe_findings(sensitivity, scenarios))
base: which arm is best depends most on x (total Sobol index ST 0.90; n = 40 points).
  a: best at 21 of 40 points (52%); PRIM box x in [0.5, 1] (coverage 0.90, density 0.95).
"""

from __future__ import annotations

import pandas as pd

from experiments.robustness.analysis import BEST_ARM, IS_BEST

#: A total index below this is reported as no influence on which arm is best.
MIN_INFLUENCE = 0.05


def _influence(sensitivity: pd.DataFrame, scenario: str) -> str:
    rows = sensitivity[
        (sensitivity["scenario"] == scenario)
        & (sensitivity["outcome"] == IS_BEST)
        & (sensitivity["strategy"] == BEST_ARM)
        & sensitivity["parameter"].notna()
    ]
    if rows.empty:
        return f"{scenario}: the same arm is best at every design point; no assumption changes it."
    top = rows.loc[rows["ST"].idxmax()]
    if top["ST"] < MIN_INFLUENCE:
        return (
            f"{scenario}: no assumption has a total Sobol index of {MIN_INFLUENCE} or more on "
            f"which arm is best (largest: {top['parameter']}, ST {top['ST']:.2f}; n = "
            f"{int(top['n'])} points): the few points where the winner changes form no "
            "pattern the design resolves."
        )
    text = (
        f"{scenario}: which arm is best depends most on {top['parameter']} "
        f"(total Sobol index ST {top['ST']:.2f}; n = {int(top['n'])} points)."
    )
    if top["ST"] > 1:
        text += (
            " An index above 1 is sampling noise of a small design: the order of the "
            "parameters is what it resolves; more --samples give the size."
        )
    return text


def _box(group: pd.DataFrame) -> str:
    first = group.iloc[0]
    share = f"{int(first['cases'])} of {int(first['points'])} points"
    share += f" ({first['cases'] / first['points']:.0%})"
    if first["cases"] == 0:
        return f"  {first['strategy']}: never best."
    if first["note"] and pd.isna(first["parameter"]):
        return f"  {first['strategy']}: best at {share}; {first['note']}."
    limits = ", ".join(
        f"{row.parameter} in [{row.low:.3g}, {row.high:.3g}]" for row in group.itertuples()
    )
    return (
        f"  {first['strategy']}: best at {share}; PRIM box {limits} "
        f"(coverage {first['coverage']:.2f}, density {first['density']:.2f})."
    )


def describe_findings(sensitivity: pd.DataFrame, scenarios: pd.DataFrame) -> str:
    """Per scenario, the most influential parameter on the best arm and each arm's best box.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        ``sensitivity.csv``.
    scenarios : pandas.DataFrame
        ``scenarios.csv``.

    Returns
    -------
    str
        Lines of text.
    """
    lines = []
    for scenario in dict.fromkeys(scenarios["scenario"]):
        lines.append(_influence(sensitivity, scenario))
        best = scenarios[(scenarios["scenario"] == scenario) & (scenarios["question"] == "best")]
        lines.extend(_box(group) for _, group in best.groupby("strategy", sort=False))
    return "\n".join(lines)
