import math

import numpy as np
import pandas as pd
import pytest

from experiments.robustness.analysis import BEST_ARM, point_outcomes, sobol_indices
from experiments.robustness.design import sobol_design
from experiments.uncertainty import UncertainParameter
from sim.priors import Uniform


def _ishigami_truth(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """First-order and total indices of the Ishigami function, in closed form.

    Ishigami & Homma (1990); the variances as in Saltelli et al. (2008), *Global
    Sensitivity Analysis: The Primer*, section 4.6: S1 = (0.3139, 0.4424, 0) and
    ST = (0.5576, 0.4424, 0.2437) for a = 7, b = 0.1.
    """
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return [v1 / total, v2 / total, 0.0], [(v1 + v13) / total, v2 / total, v13 / total]


def test_indices_of_the_ishigami_function_match_the_closed_form():
    names = ["x1", "x2", "x3"]
    parameters = {n: UncertainParameter(n, Uniform(low=-math.pi, high=math.pi)) for n in names}
    design = sobol_design(parameters, samples=1024, seed=1)
    x1, x2, x3 = (design[n].to_numpy() for n in names)
    y = np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    outcomes = pd.DataFrame(
        {"scenario": "base", "strategy": "a", "design_point": range(len(y)), "profit_uplift": y}
    )
    table = sobol_indices(outcomes, names, seed=0).set_index("parameter")
    first, total = _ishigami_truth()
    assert table["S1"].to_numpy() == pytest.approx(first, abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(total, abs=0.05)
    assert (table["S1_ci_low"] <= table["S1"]).all() and (table["ST"] <= table["ST_ci_high"]).all()
    assert (table["n"] == 1024 * 5).all()


def _summary(profits: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {
            "strategy": arm,
            "scenario": "base",
            "replication": r,
            "design_point": p,
            "profit": value,
            "active_end": 10.0,
        }
        for arm, values in profits.items()
        for p, value in enumerate(values)
        for r in range(2)
    ]
    return pd.DataFrame(rows)


def test_best_arm_is_the_most_profitable_and_uplift_is_paired_with_the_baseline():
    outcomes = point_outcomes(_summary({"baseline": [5, 5, 5], "a": [9, 1, 5], "b": [6, 7, 2]}))
    best = outcomes.pivot(index="design_point", columns="strategy", values="is_best")
    assert best[["baseline", "a", "b"]].to_numpy().tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    uplift = outcomes.pivot(index="design_point", columns="strategy", values="profit_uplift")
    assert uplift["a"].tolist() == [4, -4, 0]
    assert (outcomes["replications"] == 2).all()


def test_an_outcome_without_variation_says_so_instead_of_indices_of_zero():
    outcomes = point_outcomes(_summary({"baseline": [5.0] * 4, "a": [9.0] * 4}))
    table = sobol_indices(outcomes, ["x"], seed=0)
    flat = table[table["outcome"] == "active_end_uplift"]
    assert flat["note"].str.startswith("no variation").all() and flat["ST"].isna().all()
    assert BEST_ARM not in set(table["strategy"])  # nothing varies: nothing to aggregate


def test_salib_warnings_are_reported_in_words():
    parameters = {"x": UncertainParameter("x", Uniform(low=0, high=1))}
    design = sobol_design(parameters, samples=6, seed=0)  # not a power of 2: SALib warns
    outcomes = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "a",
            "design_point": range(len(design)),
            "profit_uplift": design["x"].to_numpy(),
        }
    )
    table = sobol_indices(outcomes, ["x"], seed=0, note=design.attrs["note"])
    assert table["note"].str.contains("sample size is not a power of 2").all()
    assert sobol_design(parameters, samples=8, seed=0).attrs["note"] == ""


def test_the_design_note_stays_the_same_after_an_outcome_without_variation():
    outcomes = point_outcomes(_summary({"baseline": [5.0] * 6, "a": [9.0, 1, 5, 7, 2, 3]}))
    table = sobol_indices(outcomes, ["x"], seed=0, note="design note")
    varied = table[table["parameter"].notna() & (table["strategy"] != BEST_ARM)]
    assert varied["note"].str.startswith("design note").all()
