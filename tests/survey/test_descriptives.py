import pytest
from scipy import stats

from survey.descriptives import item_descriptives
from survey.errors import DataError


def test_descriptives_match_pandas_and_scipy(ecsi):
    row = item_descriptives(ecsi, ["CUSL3"], scale_max=10).iloc[0]
    values = ecsi["CUSL3"]
    assert row["n"] == 250
    assert row["mean"] == pytest.approx(values.mean())
    assert row["sd"] == pytest.approx(values.std(ddof=1))
    # pandas skew/kurt are the adjusted G1 / G2 estimators (as SPSS and Excel).
    assert row["skewness"] == pytest.approx(values.skew())
    assert row["kurtosis"] == pytest.approx(values.kurt())
    assert row["skewness"] == pytest.approx(stats.skew(values, bias=False))
    assert row["top_box"] == pytest.approx((values >= 9).mean())


def test_top_three_box(ecsi):
    row = item_descriptives(ecsi, ["CUSA1"], scale_max=10, top_box=3).iloc[0]
    assert row["top_box"] == pytest.approx((ecsi["CUSA1"] >= 8).mean())


def test_text_column_is_refused_by_name(ecsi):
    with pytest.raises(DataError, match="'gender' holds text"):
        item_descriptives(ecsi.assign(gender="f"), ["gender"], scale_max=10)
