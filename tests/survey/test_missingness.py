from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.errors import DataError
from survey.missingness import little_mcar_test, missing_by_construct, missing_by_item

AIRQUALITY = Path(__file__).parent / "data" / "airquality.csv"  # R datasets::airquality


def test_little_mcar_equals_naniar_on_airquality():
    # naniar tests/testthat/test-mcar-test.R: mcar_test(airquality). naniar stops EM
    # at norm's default relative criterion 1e-4; we iterate to 1e-10, hence rel=1e-5.
    result = little_mcar_test(pd.read_csv(AIRQUALITY)).iloc[0]
    assert result["statistic"] == pytest.approx(35.1061288689702, rel=1e-5)
    assert result["df"] == 14
    assert result["p_val"] == pytest.approx(0.00141778113856683, rel=1e-4)
    assert result["missing_patterns"] == 4
    assert result["n"] == 153


def test_little_mcar_leaves_out_respondents_without_answers():
    data = pd.read_csv(AIRQUALITY)
    empty = pd.DataFrame({column: [np.nan] for column in data.columns})
    result = little_mcar_test(pd.concat([data, empty], ignore_index=True)).iloc[0]
    assert result["statistic"] == pytest.approx(35.1061229683641, rel=1e-5)
    assert result["n"] == 153


def test_little_mcar_separates_mcar_from_missing_by_value(ecsi, ecsi_blocks):
    items = ecsi_blocks["Image"] + ecsi_blocks["Loyalty"]
    rng = np.random.default_rng(3)
    mcar = ecsi[items].copy()
    mcar.loc[rng.random(len(mcar)) < 0.3, "CUSL1"] = np.nan
    assert little_mcar_test(mcar)["p_val"].iloc[0] > 0.05
    mnar = ecsi[items].copy()
    mnar.loc[mnar["IMAG1"] <= mnar["IMAG1"].quantile(0.3), "CUSL1"] = np.nan
    assert little_mcar_test(mnar)["p_val"].iloc[0] < 0.001


def test_little_mcar_on_complete_data_has_no_degrees_of_freedom(ecsi):
    result = little_mcar_test(ecsi, ["IMAG1", "IMAG2"]).iloc[0]
    assert result["df"] == 0 and np.isnan(result["p_val"]) and result["missing_patterns"] == 1


def test_little_mcar_needs_answers():
    with pytest.raises(DataError, match="at least 2 respondents"):
        little_mcar_test(pd.DataFrame({"a": [np.nan, np.nan, 1.0]}))


def test_missing_shares_per_item_and_construct():
    data = pd.DataFrame({"a": [1, np.nan, 3, np.nan], "b": [1, 2, np.nan, np.nan], "c": [1.0] * 4})
    items = missing_by_item(data, {"A": ["a", "b"], "C": ["c"]})
    assert items["share_missing"].tolist() == [0.5, 0.5, 0.0]
    blocks = missing_by_construct(data, {"A": ["a", "b"], "C": ["c"]}).set_index("construct")
    assert blocks.loc["A", ["n_complete", "n_scored"]].tolist() == [1, 3]
    assert blocks.loc["A", "share_incomplete"] == 0.75
    assert blocks.loc["A", "share_cells_missing"] == 0.5
    assert blocks.loc["C", "n_complete"] == 4
