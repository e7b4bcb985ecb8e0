"""The adapter gives the project's own column names whatever pingouin calls them."""

import numpy as np
import pandas as pd

from survey import _pingouin


def test_old_and_new_pingouin_names_are_both_renamed():
    old = pd.DataFrame({"p-val": [0.1], "CI95%": [np.array([0.2, 0.4])]})
    new = pd.DataFrame({"p_val": [0.1], "CI2.5": [0.2], "CI97.5": [0.4]})
    for table in (old, new):
        tidy = _pingouin._tidy(table)
        assert list(tidy.columns) == ["p_val", "ci_low", "ci_high"]
        assert tidy.iloc[0].tolist() == [0.1, 0.2, 0.4]


def test_every_wrapper_returns_project_columns(bank):
    data = bank.assign(band=np.where(bank["imag1"] < 8, "low", "high"))
    assert list(_pingouin.welch_anova(data, "sat1", "band").columns) == [
        "ddof1",
        "ddof2",
        "F",
        "p_unc",
        "np2",
    ]
    assert "p_corr" in _pingouin.mann_whitney_pairs(data, "sat1", "band", "holm").columns
    assert {"ci_low", "ci_high", "p_val"} <= set(
        _pingouin.linear_regression(data[["sat1"]], data["loy1"], 0.95).columns
    )
    assert list(_pingouin.mediation(data, "qual1", "sat1", "loy1", 20, 1, 0.95).columns) == [
        "path",
        "coef",
        "se",
        "p_val",
        "ci_low",
        "ci_high",
        "sig",
    ]


def test_pairwise_mann_whitney_equals_pingouin_pairwise_tests(bank):
    import pingouin as pg

    data = bank.assign(
        band=np.select([bank["imag1"] < 7, bank["imag1"] < 9], ["low", "mid"], "high")
    )
    columns = ["A", "B", "U_val", "p_unc", "p_corr", "hedges"]
    expected = pg.pairwise_tests(
        data=data, dv="sat1", between="band", parametric=False, padjust="holm", effsize="hedges"
    )[columns]
    pd.testing.assert_frame_equal(
        _pingouin.mann_whitney_pairs(data, "sat1", "band", "holm"), expected, check_dtype=False
    )
