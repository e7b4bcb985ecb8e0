import pytest
from scipy import stats
from statsmodels.stats.oneway import anova_oneway

from survey.errors import DataError
from survey.segments import compare_segments, posthoc_segments


@pytest.fixture(scope="module")
def three_groups(bank):
    return bank.assign(
        band=bank["imag1"].map(lambda v: "low" if v < 7 else ("mid" if v < 9 else "high"))
    )


def test_welch_anova_matches_statsmodels(three_groups):
    row = compare_segments(three_groups, "sat1", "band").iloc[0]
    groups = [g["sat1"] for _, g in three_groups.groupby("band")]
    expected = anova_oneway(groups, use_var="unequal")
    assert row["statistic"] == pytest.approx(expected.statistic)
    assert row["p_val"] == pytest.approx(expected.pvalue)
    assert (row["k"], row["n"], row["effect_name"]) == (3, 250, "np2")


def test_kruskal_matches_scipy_with_epsilon_squared(three_groups):
    row = compare_segments(three_groups, "sat1", "band", method="kruskal").iloc[0]
    groups = [g["sat1"] for _, g in three_groups.groupby("band")]
    h, p = stats.kruskal(*groups)
    assert row["statistic"] == pytest.approx(h)
    assert row["p_val"] == pytest.approx(p)
    assert row["effect_size"] == pytest.approx((h - 3 + 1) / (250 - 3))


def test_games_howell_has_one_row_per_pair(three_groups):
    table = posthoc_segments(three_groups, "sat1", "band")
    assert len(table) == 3 and set(table["method"]) == {"welch"}
    assert (table["p_val"].between(0, 1)).all()


def test_mann_whitney_holm_is_at_least_uncorrected(three_groups):
    table = posthoc_segments(three_groups, "sat1", "band", method="kruskal")
    pair = three_groups[three_groups["band"].isin([table["A"].iloc[0], table["B"].iloc[0]])]
    a, b = (g["sat1"] for _, g in pair.groupby("band"))
    assert table["p_val"].iloc[0] >= stats.mannwhitneyu(a, b).pvalue - 1e-12


def test_single_segment_is_refused_by_column(bank):
    with pytest.raises(DataError, match="'gender' needs at least 2 segments"):
        compare_segments(bank.assign(gender="x"), "sat1", "gender")


def test_unknown_method_lists_allowed(bank):
    with pytest.raises(ValueError, match=r"allowed: \['welch', 'kruskal'\]"):
        compare_segments(bank, "sat1", "gender", method="anova")


def test_welch_refuses_a_segment_without_variance_and_kruskal_still_runs(bank):
    data = bank.assign(sat1=bank["sat1"].where(bank["gender"] == "male", 7))
    with pytest.raises(DataError, match=r"does not vary within segment\(s\) \['female'\]"):
        compare_segments(data, "sat1", "gender")
    assert compare_segments(data, "sat1", "gender", method="kruskal")["p_val"].iloc[0] < 1
