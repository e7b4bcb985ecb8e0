import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.correlation import correlations, satisfaction_loyalty_link
from survey.errors import DataError


def test_pearson_with_fisher_interval(ecsi):
    row = correlations(ecsi, ["CUSA1", "CUSL1"]).iloc[0]
    r, p = stats.pearsonr(ecsi["CUSA1"], ecsi["CUSL1"])
    # Fisher z interval by hand: tanh(atanh(r) +- 1.959964 / sqrt(n - 3)).
    half = stats.norm.ppf(0.975) / np.sqrt(250 - 3)
    assert row["r"] == pytest.approx(r)
    assert row["p_val"] == pytest.approx(p)
    assert row["ci_low"] == pytest.approx(np.tanh(np.arctanh(r) - half), abs=1e-12)
    assert row["ci_high"] == pytest.approx(np.tanh(np.arctanh(r) + half), abs=1e-12)


def test_spearman_and_all_pairs(ecsi):
    table = correlations(ecsi, ["CUSA1", "CUSA2", "CUSA3"], method="spearman", ci=0.9)
    assert list(zip(table["x"], table["y"], strict=True)) == [
        ("CUSA1", "CUSA2"),
        ("CUSA1", "CUSA3"),
        ("CUSA2", "CUSA3"),
    ]
    rho = stats.spearmanr(ecsi["CUSA2"], ecsi["CUSA3"]).statistic
    assert table["r"].iloc[2] == pytest.approx(rho)


def test_unknown_method_lists_allowed(ecsi):
    with pytest.raises(ValueError, match=r"allowed: \['pearson', 'spearman'\]"):
        correlations(ecsi, ["CUSA1", "CUSL1"], method="kendall")


def test_too_few_pairs_named(ecsi):
    sparse = ecsi.head(3)
    with pytest.raises(DataError, match="'CUSA1' and 'CUSL1'"):
        correlations(sparse, ["CUSA1", "CUSL1"])


def test_data_that_is_not_a_dataframe_is_a_type_error(ecsi):
    with pytest.raises(TypeError, match="pandas DataFrame, not ndarray"):
        correlations(ecsi.to_numpy(), ["CUSA1", "CUSL1"])


def test_satisfaction_loyalty_link_is_pearson_r_and_the_ols_line(ecsi):
    scores = pd.DataFrame(
        {"Sat": ecsi[["CUSA1", "CUSA2", "CUSA3"]].mean(axis=1), "Loy": ecsi["CUSL1"]}
    )
    link = satisfaction_loyalty_link(scores, "Sat", "Loy").iloc[0]
    # scipy's least-squares line of loyalty on satisfaction, and the Pearson r with it.
    line = stats.linregress(scores["Sat"], scores["Loy"])
    assert (link["satisfaction"], link["loyalty"], link["n"]) == ("Sat", "Loy", 250)
    assert link["r"] == pytest.approx(line.rvalue, abs=1e-12)
    assert link["slope"] == pytest.approx(line.slope, abs=1e-12)
    assert link["intercept"] == pytest.approx(line.intercept, abs=1e-12)
    assert link["ci_low"] < link["r"] < link["ci_high"]
