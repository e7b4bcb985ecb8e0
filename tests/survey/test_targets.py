import numpy as np
import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.cleaning import clean_survey
from survey.datasets import load_example
from survey.errors import DataError
from survey.targets import (
    SCHEMA,
    calibration_targets,
    read_targets,
    survey_targets,
    write_targets,
)


@pytest.fixture(scope="module")
def ecsi_table():
    return load_example("ecsi")


def test_moments_overall_and_per_segment():
    scores = pd.DataFrame({"Sat": [1.0, 2, 3, 4, np.nan]})
    segments = pd.DataFrame({"tier": ["a", "a", "b", "b", "b"]})
    targets = calibration_targets(scores, segments, source="s.csv", scale=(1, 5))
    assert targets["constructs"]["Sat"] == pytest.approx(
        {"mean": 2.5, "sd": np.std([1, 2, 3, 4], ddof=1), "n": 4}
    )
    assert targets["segments"]["tier"]["b"]["n"] == 3
    assert targets["segments"]["tier"]["b"]["constructs"]["Sat"]["n"] == 2
    assert targets["satisfaction_loyalty"] is None and targets["nps"] is None


def test_non_finite_numbers_become_null_and_round_trip(tmp_path):
    scores = pd.DataFrame({"Sat": [1.0]})  # SD of one answer is undefined
    targets = calibration_targets(
        scores, pd.DataFrame(index=scores.index), source="s.csv", scale=(1, 5)
    )
    assert targets["constructs"]["Sat"]["sd"] is None
    path = write_targets(targets, tmp_path / "targets.json")
    assert read_targets(path) == targets


def test_wrong_schema_is_refused(tmp_path):
    path = write_targets({"schema": "other/0"}, tmp_path / "t.json")
    with pytest.raises(DataError, match=f"allowed: '{SCHEMA}'"):
        read_targets(path)


def test_survey_targets_are_the_analysis_targets(ecsi_table):
    table, codebook = ecsi_table
    analysis = run_analysis(table, codebook, n_boot=0)
    targets = survey_targets(clean_survey(table, codebook), codebook, source="ecsi_mobi.csv")
    # the same statistics whether the analysis or the calibration asks; only the curve
    # (a report table the calibration does not compute) is left out
    assert targets == {**analysis.targets, "curve": None}
    assert analysis.targets["curve"]["n"] == 250


def test_survey_targets_take_tables_already_computed(ecsi_table):
    table, codebook = ecsi_table
    cleaned = clean_survey(table, codebook)
    nps = pd.DataFrame(
        {"item": ["CUSL3"], "promoters": [0.5], "passives": [0.3], "detractors": [0.2]}
    ).assign(nps=30.0, ci_low=20.0, ci_high=40.0, n=10)
    targets = survey_targets(cleaned, codebook, source="s", tables={"nps": nps})
    assert (targets["nps"]["promoters"], targets["nps"]["n"]) == (0.5, 10)


def test_survey_targets_without_roles_or_nps_hold_moments_only(ecsi_table):
    table, codebook = ecsi_table
    bare = codebook.model_copy(
        update={"roles": codebook.roles.model_copy(update={"loyalty": None}), "nps": None}
    )
    targets = survey_targets(clean_survey(table, bare), bare, source="s")
    assert targets["satisfaction_loyalty"] is None and targets["nps"] is None
    assert targets["constructs"]["Loyalty"]["n"] == 250
