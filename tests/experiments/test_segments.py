import numpy as np
import pytest
from scipy import stats

from experiments.config import ExperimentConfig
from experiments.segments import (
    SEGMENT_COLUMNS,
    compare_segments,
    segment_uplift_cells,
    segments_in,
    spans_zero,
)


def test_segments_are_the_suffixes_of_active_end(noisy_segments):
    assert segments_in(noisy_segments) == ["young", "rural"]


def test_per_segment_uplift_is_paired_with_a_t_interval_and_test(noisy_segments):
    table = compare_segments(noisy_segments).set_index(["metric", "segment"])
    assert list(table.reset_index()[list(SEGMENT_COLUMNS)].columns) == list(SEGMENT_COLUMNS)
    row = table.loc[("active_end", "rural")]
    differences = 50 + np.array([1.5, -2.0, 0.5, -1.0])
    # paired t-interval: mean +- t(0.975, 3) * sd / sqrt(4) (scipy.stats.t.ppf)
    half = stats.t.ppf(0.975, 3) * differences.std(ddof=1) / 2
    assert row["diff"] == pytest.approx(49.75)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((49.75 - half, 49.75 + half))
    assert row["p_value"] == pytest.approx(stats.ttest_1samp(differences, 0).pvalue)
    assert row["n"] == 4
    # a constant -3 per replication: point interval, p = 0 (as compare_arms)
    constant = table.loc[("profit", "young")]
    assert (constant["diff"], constant["diff_ci_low"], constant["p_value"]) == (-3, -3, 0)


def test_holm_runs_over_every_segment_of_a_metric(noisy_segments):
    table = compare_segments(noisy_segments)
    active = table[table["metric"] == "active_end"].set_index("segment")
    p = active["p_value"].sort_values()
    # Holm with two tests: (2 p1, max(2 p1, p2)) (Holm 1979)
    assert active.loc[p.index[0], "p_holm"] == pytest.approx(min(1, 2 * p.iloc[0]))
    assert active.loc[p.index[1], "p_holm"] == pytest.approx(min(1, max(2 * p.iloc[0], p.iloc[1])))


def test_noise_spans_zero_and_a_real_difference_does_not(noisy_segments):
    table = compare_segments(noisy_segments, ["active_end"]).set_index("segment")
    assert spans_zero(table).to_dict() == {"young": True, "rural": False}


def test_a_summary_without_segments_gives_an_empty_table(noisy_segments):
    summary = noisy_segments[["strategy", "scenario", "replication"]]
    assert compare_segments(summary).empty


def test_heatmap_cells_are_the_paired_segment_uplift_of_a_real_run(finished):
    table, unsure = segment_uplift_cells(finished.summary, "base")
    assert list(table.index) == ["points"]
    assert list(table.columns) == [
        s.name for s in ExperimentConfig(name="x").model.population.segments
    ]
    summary = finished.summary.set_index(["strategy", "scenario", "replication"])
    expected = (
        summary.loc[("points", "base"), "active_end_young"]
        - summary.loc[("baseline", "base"), "active_end_young"]
    ).mean()
    assert table.loc["points", "young"] == pytest.approx(expected)
    assert unsure.shape == table.shape and unsure.dtypes.eq(bool).all()


def test_a_metric_not_measured_in_a_run_is_left_out(finished):
    # 35 days: no customer is 90 days old, retention_90_<segment> is NaN everywhere
    table = compare_segments(finished.summary)
    assert set(table["metric"]) == {"active_end", "profit"}
    assert (table["n"] == 3).all()
