import io
import json
import re
from collections.abc import Callable, Iterable, Iterator

import pandas as pd
import pytest
from distributed import LocalCluster

from experiments.analysis import COMPARISON_COLUMNS
from experiments.cli import main
from experiments.config import ExperimentConfig
from experiments.errors import RunError
from experiments.executors import Executor, LocalExecutor
from experiments.runner import run_experiment


def _summary(folder) -> pd.DataFrame:
    return pd.read_parquet(folder / "summary.parquet")


class _Killed(Exception):
    pass


class KilledAfter(Executor):
    """Runs in-process and dies (like a killed job) after ``k`` runs."""

    def __init__(self, k: int) -> None:
        self.k = k

    def map_unordered(self, fn: Callable, items: Iterable) -> Iterator:
        for done, item in enumerate(items):
            if done == self.k:
                raise _Killed
            yield fn(item)


class Counting(LocalExecutor):
    """A local executor that records the runs it was given."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.executed: list = []

    def map_unordered(self, fn: Callable, items: Iterable) -> Iterator:
        items = list(items)
        self.executed.extend(items)
        return super().map_unordered(fn, items)


def test_results_do_not_depend_on_worker_count(tiny, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    one = run_experiment(config, tmp_path / "one", progress=False, executor=LocalExecutor(1))
    two = run_experiment(config, tmp_path / "two", progress=False, executor=LocalExecutor(2))
    pd.testing.assert_frame_equal(_summary(tmp_path / "one"), _summary(tmp_path / "two"))
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    assert len(one.summary) == 2 * 2 * 3


def test_results_do_not_depend_on_backend(tiny, tiny_config, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    run_experiment(config, tmp_path / "local", progress=False, executor=LocalExecutor(1))
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask"
        args = ["run", str(tiny_config), "--out", str(out), "--no-progress"]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    pd.testing.assert_frame_equal(_summary(tmp_path / "local"), _summary(tmp_path / "dask"))
    assert (
        json.loads((out / "manifest.json").read_text())["config"]["execution"]["backend"] == "dask"
    )


def test_killed_experiment_resumes_to_exactly_the_uninterrupted_runs(tiny, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    run_experiment(config, tmp_path / "whole", progress=False, executor=LocalExecutor(1))
    with pytest.raises(_Killed):
        run_experiment(config, tmp_path / "killed", progress=False, executor=KilledAfter(5))
    assert len(list((tmp_path / "killed" / "runs" / "summary").glob("*.parquet"))) == 5
    resumed = run_experiment(config, tmp_path / "killed", resume=True, progress=False)
    pd.testing.assert_frame_equal(_summary(tmp_path / "whole"), _summary(tmp_path / "killed"))
    assert len(resumed.manifest["resumed"]) == 1


def test_resume_runs_only_the_missing_runs(tiny, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    with pytest.raises(_Killed):
        run_experiment(config, tmp_path, progress=False, executor=KilledAfter(10))
    counting = Counting(1)
    run_experiment(config, tmp_path, resume=True, progress=False, executor=counting)
    assert len(counting.executed) == 12 - 10


def test_resume_refuses_results_of_another_config(tiny, tmp_path):
    run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    tiny["seed"] = 12
    with pytest.raises(RunError, match="different config"):
        run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, resume=True, progress=False)


def test_manifest_records_config_hash_seeds_versions_and_times(tiny, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    run_experiment(config, tmp_path, progress=False)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["config_sha256"] == config.fingerprint()
    assert manifest["seeds"] == {"entropy": 11, "spawn_keys": [[0], [1], [2]]}
    assert manifest["config"]["model"]["population"]["size"] == 400
    assert {"numpy", "mesa", "pandas", "python"} <= set(manifest["versions"])
    assert manifest["started"] <= manifest["finished"]
    assert ExperimentConfig.model_validate(manifest["config"]).fingerprint() == config.fingerprint()


def test_tables_are_tidy_with_one_row_per_run_and_per_run_day(tiny, tmp_path):
    results = run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    assert len(results.summary) == 12
    assert len(results.timeseries) == 12 * 40
    assert list(results.timeseries.columns[:4]) == ["strategy", "scenario", "replication", "day"]
    assert not results.summary.duplicated(["strategy", "scenario", "replication"]).any()
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert set(comparison["metric"]) >= {"retention_90", "profit", "roi", "clv_mean"}
    assert len(comparison[comparison["metric"] == "profit"]) == 2 * 2


def test_arms_identical_to_the_baseline_differ_by_exactly_zero(tiny, tmp_path):
    tiny["strategies"] = {
        "empty": [],
        "worthless_points": [{"kind": "loyalty_points", "earn_rate": 0, "point_value": 0}],
    }
    results = run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    comparison = results.compare().dropna(subset=["mean"])  # retention_90 is NaN at 40 days
    assert set(comparison["metric"]) >= {"profit", "active_end", "clv_mean", "revenue", "roi"}
    assert (comparison["diff"] == 0).all()
    assert (comparison[["diff_ci_low", "diff_ci_high"]] == 0).all().all()
    assert (comparison.loc[comparison["strategy"] != "baseline", "p_value"] == 1).all()


def test_sweep_points_run_as_scenarios_but_stay_out_of_the_ranking(tiny, tmp_path):
    tiny["replications"] = 2
    tiny["scenarios"] = {"base": {}}
    tiny["sweep"] = {
        "method": "grid",
        "samples": 2,
        "parameters": {"loyalty.winback_rate": [0, 0.01]},
    }
    results = run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    assert list(dict.fromkeys(results.summary["scenario"])) == ["base", "sweep_0000", "sweep_0001"]
    assert set(results.ranked()["scenario"]) == {"base"}
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert set(comparison["scenario"]) == {"base", "sweep_0000", "sweep_0001"}
    # each sweep point says where it was: one column per swept path, NaN for named ones
    assert list(comparison.columns) == [*COMPARISON_COLUMNS, "loyalty.winback_rate"]
    values = comparison.groupby("scenario", dropna=False)["loyalty.winback_rate"].first()
    assert values.isna()["base"] and values[["sweep_0000", "sweep_0001"]].tolist() == [0, 0.01]
    ranking = pd.read_csv(tmp_path / "ranking.csv").query("segment == 'all'")
    assert ranking.groupby("scenario")["loyalty.winback_rate"].first()["sweep_0001"] == 0.01
    summary = _summary(tmp_path).groupby("scenario")["loyalty.winback_rate"].first()
    assert summary[["sweep_0000", "sweep_0001"]].tolist() == [0, 0.01]


def test_csv_copies_are_written_on_request(tiny, tmp_path):
    tiny.update(replications=1, outputs={"csv": True, "plots": False})
    run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    for name in ("summary", "timeseries", "cohorts"):
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / f"{name}.csv"),
            pd.read_parquet(tmp_path / f"{name}.parquet"),
            check_dtype=False,
        )


def test_decision_tables_are_written_beside_an_unchanged_comparison(tiny, tmp_path):
    results = run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    comparison = pd.read_csv(tmp_path / "comparison.csv")
    assert list(comparison.columns) == list(COMPARISON_COLUMNS)  # no sweep: no extra column
    ranking = pd.read_csv(tmp_path / "ranking.csv")
    pd.testing.assert_frame_equal(
        ranking.drop(columns="note"), results.rank().drop(columns="note"), check_dtype=False
    )
    segments = pd.read_csv(tmp_path / "segments.csv")
    assert set(segments["metric"]) == {"active_end", "profit"}  # no 90-day retention in 40 days
    assert set(segments["strategy"]) == {"points"}


def test_running_into_finished_runs_without_resume_is_refused_and_keeps_them(tiny, tmp_path):
    # issue 15: re-running without --resume deleted 32 finished runs, exit 0
    config = ExperimentConfig.model_validate(tiny)
    with pytest.raises(_Killed):
        run_experiment(config, tmp_path, progress=False, executor=KilledAfter(4))
    with pytest.raises(RunError) as err:
        run_experiment(config, tmp_path, progress=False)
    assert str(err.value) == (
        f"{tmp_path} holds 4 finished runs of tiny: --resume to continue them, "
        "--overwrite to start over"
    )
    assert len(list((tmp_path / "runs" / "summary").glob("*.parquet"))) == 4
    with pytest.raises(RunError, match="give one"):
        run_experiment(config, tmp_path, resume=True, overwrite=True, progress=False)


def test_overwrite_starts_over(tiny, tmp_path):
    config = ExperimentConfig.model_validate(tiny)
    with pytest.raises(_Killed):
        run_experiment(config, tmp_path, progress=False, executor=KilledAfter(4))
    counting = Counting(1)
    run_experiment(config, tmp_path, overwrite=True, progress=False, executor=counting)
    assert len(counting.executed) == 12


def test_resume_redoes_runs_whose_files_are_truncated_or_empty(tiny, tmp_path, capsys):
    # issue 15: --resume counted them as finished and the merge failed (ArrowInvalid)
    config = ExperimentConfig.model_validate(tiny)
    run_experiment(config, tmp_path / "whole", progress=False)
    with pytest.raises(_Killed):
        run_experiment(config, tmp_path / "killed", progress=False, executor=KilledAfter(6))
    runs = tmp_path / "killed" / "runs"
    first, second = sorted((runs / "summary").glob("*.parquet"))[:2]
    (runs / "timeseries" / first.name).write_bytes(b"")
    summary = second.read_bytes()
    second.write_bytes(summary[: len(summary) // 2])
    run_experiment(config, tmp_path / "killed", resume=True, progress=False)
    assert capsys.readouterr().err.strip() == (
        f"shoplab: 2 run(s) in {runs} had a truncated or incomplete file and will run "
        f"again (e.g. {first.stem})"
    )
    pd.testing.assert_frame_equal(_summary(tmp_path / "whole"), _summary(tmp_path / "killed"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("quiet", [[], ["--quiet"]])
def test_run_draws_its_bar_of_runs_on_a_terminal_unless_quiet(
    quiet, tiny, write_config, tmp_path, monkeypatch, capsys
):
    tiny.update(horizon=5, replications=2, scenarios={"base": {}})  # 2 arms x 2: 4 runs
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)  # the bar goes to standard error
    out = tmp_path / "out"
    assert main(["run", str(write_config(tiny)), "--workers", "1", "--out", str(out), *quiet]) == 0
    drawn = re.search(r"tiny: .*4/4 \[\d\d:\d\d<\d\d:\d\d", terminal.getvalue())
    assert bool(drawn) is (not quiet)  # done/total [elapsed<left]
    assert f"Results in {out}" in capsys.readouterr().out  # where the outputs are
