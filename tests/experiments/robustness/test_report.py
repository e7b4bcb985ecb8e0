import pandas as pd

from experiments.robustness.report import describe_findings


def test_findings_name_the_top_parameter_and_each_arms_box():
    sensitivity = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "(best arm)",
            "outcome": "is_best",
            "parameter": ["x", "y"],
            "ST": [0.2, 0.7],
            "n": 48,
        }
    )
    scenarios = pd.DataFrame(
        {
            "scenario": "base",
            "question": ["best", "best", "loses_money"],
            "strategy": ["a", "b", "a"],
            "parameter": ["y", None, "x"],
            "low": [0.4, None, 0.0],
            "high": [0.9, None, 0.1],
            "coverage": [0.8, None, 1.0],
            "density": [0.9, None, 1.0],
            "n": [20, 0, 5],
            "cases": [24, 0, 5],
            "points": 48,
            "note": ["", "never: ...", ""],
        }
    )
    lines = describe_findings(sensitivity, scenarios).splitlines()
    assert lines[0].startswith(
        "base: which arm is best depends most on y (total Sobol index ST 0.70"
    )
    assert lines[1] == (
        "  a: best at 24 of 48 points (50%); "
        "PRIM box y in [0.4, 0.9] (coverage 0.80, density 0.90)."
    )
    assert lines[2] == "  b: never best."


def test_a_scenario_where_one_arm_always_wins_says_nothing_changes_it():
    sensitivity = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "a",
            "outcome": "is_best",
            "parameter": [None],
            "ST": [None],
            "n": 48,
            "note": "no variation",
        }
    )
    scenarios = pd.DataFrame(
        {
            "scenario": "base",
            "question": "best",
            "strategy": ["a"],
            "parameter": [None],
            "low": None,
            "high": None,
            "coverage": 1.0,
            "density": 1.0,
            "n": 48,
            "cases": 48,
            "points": 48,
            "note": "everywhere: every design point is a case, no restriction",
        }
    )
    lines = describe_findings(sensitivity, scenarios).splitlines()
    assert "the same arm is best at every design point" in lines[0]
    assert lines[1].startswith("  a: best at 48 of 48 points (100%); everywhere")


def test_a_top_index_near_zero_is_not_reported_as_deciding():
    sensitivity = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "(best arm)",
            "outcome": "is_best",
            "parameter": ["x", "y"],
            "ST": [0.01, 0.0],
            "n": 48,
        }
    )
    scenarios = pd.DataFrame(
        {
            "scenario": "base",
            "question": "best",
            "strategy": ["a"],
            "parameter": [None],
            "low": None,
            "high": None,
            "coverage": 1.0,
            "density": 1.0,
            "n": 48,
            "cases": 47,
            "points": 48,
            "note": "no significant restriction: ...",
        }
    )
    first = describe_findings(sensitivity, scenarios).splitlines()[0]
    assert first.startswith("base: no assumption has a total Sobol index of 0.05 or more")


def test_a_top_index_above_one_is_called_sampling_noise():
    sensitivity = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "(best arm)",
            "outcome": "is_best",
            "parameter": ["x", "y"],
            "ST": [0.3, 1.4],
            "n": 96,
        }
    )
    never = pd.DataFrame(
        {
            "scenario": ["base"],
            "question": ["best"],
            "strategy": ["a"],
            "parameter": [None],
            "low": [None],
            "high": [None],
            "coverage": [None],
            "density": [None],
            "n": [0],
            "cases": [0],
            "points": [96],
            "note": ["never: ..."],
        }
    )
    first = describe_findings(sensitivity, never).splitlines()[0]
    assert "depends most on y (total Sobol index ST 1.40" in first
    assert "above 1 is sampling noise" in first
