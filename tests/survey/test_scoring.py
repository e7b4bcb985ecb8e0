import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from survey.errors import DataError
from survey.scoring import construct_scores, reverse_code

answers = data_frames(
    [column("a", elements=st.integers(1, 7)), column("b", elements=st.integers(1, 7))],
)


@settings(max_examples=40, deadline=None)
@given(answers)
def test_reverse_coding_twice_is_identity(frame):
    twice = reverse_code(reverse_code(frame, ["a"], 1, 7), ["a"], 1, 7)
    pd.testing.assert_frame_equal(twice, frame)


@settings(max_examples=40, deadline=None)
@given(answers)
def test_reverse_coding_stays_on_the_scale_and_leaves_other_items(frame):
    out = reverse_code(frame, ["b"], 1, 7)
    assert out["b"].between(1, 7).all()
    pd.testing.assert_series_equal(out["a"], frame["a"])


def test_reverse_coding_keeps_missing_values():
    out = reverse_code(pd.DataFrame({"q": [1.0, np.nan, 4.0]}), ["q"], 0, 10)
    assert out["q"].tolist()[0] == 9 and np.isnan(out["q"].iloc[1])


def test_reverse_coding_refuses_inverted_scale():
    with pytest.raises(DataError, match="scale_min"):
        reverse_code(pd.DataFrame({"q": [1]}), ["q"], 5, 1)


def test_construct_scores_are_means_of_valid_answers():
    data = pd.DataFrame({"a": [1.0, 4.0, np.nan], "b": [3.0, np.nan, np.nan], "c": [5.0, 6, 2]})
    scores = construct_scores(data, {"X": ["a", "b", "c"]}, min_valid={"X": 2})
    assert scores["X"].tolist()[:2] == [3.0, 5.0]
    assert np.isnan(scores["X"].iloc[2])


def test_unknown_item_names_the_allowed_columns():
    with pytest.raises(DataError, match=r"\['z'\] not in data; allowed: \['a'\]"):
        construct_scores(pd.DataFrame({"a": [1]}), {"X": ["z"]})
