import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.analysis import (
    compare_arms,
    mean_ci,
    paired_daily_uplift,
    paired_test,
    ranked_table,
)


def _summary(baseline, arm):
    n = len(baseline)
    return pd.DataFrame(
        {
            "strategy": ["baseline"] * n + ["arm"] * n,
            "scenario": "base",
            "replication": list(range(n)) * 2,
            "profit": list(baseline) + list(arm),
        }
    )


def test_mean_ci_is_t_based_across_replications():
    # 2 +- t(0.975, df=2) * s / sqrt(3), s = 1: t = 4.302653 (scipy.stats.t.ppf)
    mean, low, high = mean_ci([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302653 / np.sqrt(3), rel=1e-6)
    assert low == pytest.approx(2 * mean - high)


def test_identical_arm_has_difference_exactly_zero_and_p_one():
    table = compare_arms(_summary([10.0, 12.0, 9.0], [10.0, 12.0, 9.0]), ["profit"])
    arm = table[table["strategy"] == "arm"].iloc[0]
    assert (arm["diff"], arm["diff_ci_low"], arm["diff_ci_high"]) == (0.0, 0.0, 0.0)
    assert arm["p_value"] == 1.0 and arm["p_holm"] == 1.0


def test_difference_is_paired_by_replication():
    # the arm is the baseline plus 1 +- 0.1: paired CI is narrow although levels vary a lot
    baseline = [100.0, 300.0, 200.0, 400.0]
    arm = [101.1, 300.9, 201.0, 401.0]
    row = compare_arms(_summary(baseline, arm), ["profit"]).iloc[1]
    differences = np.subtract(arm, baseline)
    expected = stats.ttest_rel(arm, baseline)
    assert row["diff"] == pytest.approx(differences.mean())
    assert row["p_value"] == pytest.approx(expected.pvalue)
    assert row["diff_ci_high"] - row["diff_ci_low"] < 1
    assert row["ci_high"] - row["ci_low"] > 100


def test_constant_nonzero_difference_has_a_point_ci_and_p_zero():
    row = compare_arms(_summary([1.0, 2.0, 3.0], [3.0, 4.0, 5.0]), ["profit"]).iloc[1]
    assert (row["diff"], row["diff_ci_low"], row["diff_ci_high"], row["p_value"]) == (2, 2, 2, 0)


def test_holm_correction_within_a_metric():
    # Holm: sorted p (p1 <= p2) -> (2 p1, max(2 p1, p2)) (Holm 1979)
    summary = pd.concat(
        [
            _summary([1.0, 2.0, 3.0, 4.0], [1.5, 2.1, 3.9, 4.3]),
            _summary([1.0, 2.0, 3.0, 4.0], [1.1, 2.0, 3.2, 4.0]).replace({"arm": "arm2"}),
        ]
    ).drop_duplicates(["strategy", "replication"])
    table = compare_arms(summary, ["profit"]).set_index("strategy")
    p = table.loc[["arm", "arm2"], "p_value"].to_numpy()
    low, high = np.sort(p)
    expected = {low: min(1, 2 * low), high: min(1, max(2 * low, high))}
    assert table.loc[["arm", "arm2"], "p_holm"].tolist() == pytest.approx([expected[v] for v in p])


def test_missing_metric_values_are_dropped_not_propagated():
    summary = _summary([1.0, np.nan, 3.0], [2.0, 5.0, 4.0])
    row = compare_arms(summary, ["profit"]).iloc[1]
    assert row["diff"] == 1.0


def test_paired_test_needs_two_differences():
    assert np.isnan(paired_test([0.5]))


def test_ranked_table_orders_by_uplift_within_scenario():
    summary = pd.concat(
        [
            _summary([10.0, 11.0], [12.0, 14.0]),
            _summary([10.0, 11.0], [8.0, 9.0]).assign(scenario="war"),
        ]
    )
    ranked = ranked_table(compare_arms(summary, ["profit"]))
    assert ranked[["scenario", "rank", "strategy"]].values.tolist() == [
        ["base", 1, "arm"],
        ["base", 2, "baseline"],
        ["war", 1, "baseline"],
        ["war", 2, "arm"],
    ]


def test_active_uplift_is_paired_by_replication(finished):
    uplift = paired_daily_uplift(finished.timeseries, "price_war")
    assert set(uplift["strategy"]) == {"points"}
    rows = finished.timeseries.set_index(["strategy", "scenario", "replication", "day"])["active"]
    day_30 = uplift.set_index(["replication", "day"]).loc[(1, 30), "uplift"]
    assert day_30 == rows[("points", "price_war", 1, 30)] - rows[("baseline", "price_war", 1, 30)]
