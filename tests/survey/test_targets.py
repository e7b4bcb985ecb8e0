import numpy as np
import pandas as pd
import pytest

from survey.errors import DataError
from survey.targets import SCHEMA, calibration_targets, read_targets, write_targets


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
