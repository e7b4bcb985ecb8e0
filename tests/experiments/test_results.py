"""ExperimentResults: named scenarios, tables, ranking and plots of a finished experiment."""

import pandas as pd
import pytest

from experiments.analysis import compare_arms
from experiments.errors import ConfigError, RunError
from experiments.results import ExperimentResults
from experiments.store import RunStore


def _summary() -> pd.DataFrame:
    rows = []
    profits = {
        ("baseline", "base"): [10.0, 12.0],
        ("points", "base"): [13.0, 16.0],
        ("coupons", "base"): [9.0, 10.0],
        ("baseline", "war"): [8.0, 9.0],
        ("points", "war"): [7.0, 7.5],
        ("coupons", "war"): [9.0, 11.0],
        ("baseline", "sweep_0000"): [1.0, 1.0],
        ("points", "sweep_0000"): [99.0, 99.0],
    }
    for (strategy, scenario), values in profits.items():
        for replication, profit in enumerate(values):
            rows.append((strategy, scenario, replication, profit, 100 + profit))
    return pd.DataFrame(
        rows, columns=["strategy", "scenario", "replication", "profit", "active_end"]
    )


def _results(manifest=None) -> ExperimentResults:
    empty = pd.DataFrame({"strategy": [], "scenario": [], "replication": [], "day": []})
    config = {"scenarios": {"war": {}, "base": {}}}
    return ExperimentResults(
        timeseries=empty,
        summary=_summary(),
        cohorts=empty,
        manifest={"config": config} if manifest is None else manifest,
    )


def test_named_scenarios_follow_the_config_and_leave_sweep_points_out():
    results = _results()
    assert results.scenarios == ["war", "base"]
    assert set(results.named_summary["scenario"]) == {"war", "base"}
    # without a manifest: every scenario, in order of appearance
    assert _results(manifest={}).scenarios == ["base", "war", "sweep_0000"]


def test_ranking_is_per_named_scenario_by_paired_uplift():
    ranked = _results().ranked("profit")
    # (scenarios in the order of the summary; the sweep point, where points wins by 98, is out)
    assert ranked[["scenario", "rank", "strategy"]].values.tolist() == [
        ["base", 1, "points"],  # +3.5 over the baseline, paired by replication
        ["base", 2, "baseline"],
        ["base", 3, "coupons"],  # -1.5
        ["war", 1, "coupons"],  # +1.5
        ["war", 2, "baseline"],
        ["war", 3, "points"],  # -1.25
    ]
    assert ranked.set_index(["scenario", "strategy"]).loc[("base", "points"), "uplift"] == 3.5


def test_tables_by_name():
    results = _results()
    assert results.to_df("summary") is results.summary
    pd.testing.assert_frame_equal(results.to_df("comparison"), compare_arms(results.summary))
    assert results.to_df("sensitivity").empty  # no Sobol or Morris sweep in the config
    with pytest.raises(ConfigError, match="allowed: summary, timeseries, cohorts, comparison"):
        results.to_df("runs")


def test_unknown_plot_kind_lists_the_kinds():
    with pytest.raises(ConfigError, match="unknown plot kind 'pie'; allowed: active, "):
        _results().plot("pie")


def _store_finished(results: ExperimentResults, folder, tables_hash: str = "abc") -> RunStore:
    store = RunStore(folder)
    store.write_tables(
        {"timeseries": results.timeseries, "cohorts": results.cohorts, "summary": results.summary},
        config_sha256=tables_hash,
    )
    store.write_manifest(results.manifest)
    return store


def test_load_reads_what_the_store_wrote(tmp_path):
    manifest = {"config": {"scenarios": {"war": {}, "base": {}}}}
    results = _results({**manifest, "config_sha256": "abc", "finished": "2026-01-01"})
    _store_finished(results, tmp_path)
    loaded = ExperimentResults.load(tmp_path)
    pd.testing.assert_frame_equal(loaded.summary, results.summary)
    assert loaded.manifest == results.manifest and loaded.scenarios == ["war", "base"]
    with pytest.raises(RunError, match="no finished experiment here"):
        ExperimentResults.load(tmp_path / "elsewhere")


def test_load_refuses_tables_merged_from_another_config_than_the_manifest(tmp_path):
    # issue 15: a new config run into a finished folder and killed before the merge
    # left its manifest beside the old tables, and `shoplab plot` plotted the old ones
    manifest = {"config_sha256": "new", "finished": "2026-01-01"}
    _store_finished(_results(manifest), tmp_path, tables_hash="old")
    with pytest.raises(
        RunError, match=r"timeseries.parquet: merged from another config \(hash old\)"
    ):
        ExperimentResults.load(tmp_path)


def test_load_refuses_an_unfinished_manifest(tmp_path):
    _store_finished(_results({"config_sha256": "abc", "finished": None}), tmp_path)
    with pytest.raises(RunError, match="did not finish; run it again with --resume"):
        ExperimentResults.load(tmp_path)


def test_a_baseline_only_experiment_draws_no_comparison_plots(finished, tmp_path):
    def baseline(frame):
        return frame[frame["strategy"] == "baseline"]

    alone = ExperimentResults(
        timeseries=baseline(finished.timeseries),
        summary=baseline(finished.summary),
        cohorts=baseline(finished.cohorts),
        manifest=finished.manifest,
    )
    names = {path.stem for path in alone.save_plots(tmp_path)}
    assert names == {"active_base", "active_price_war", "retention_base", "retention_price_war"}
