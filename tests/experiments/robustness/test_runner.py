from collections.abc import Callable, Iterable, Iterator

import pandas as pd
import pytest

from experiments.config import ExperimentConfig
from experiments.errors import RunError
from experiments.executors import Executor, LocalExecutor
from experiments.robustness.analysis import BEST_ARM
from experiments.robustness.runner import run_robustness
from tests.experiments.robustness.conftest import DECIDING, IRRELEVANT

#: Files whose content must not depend on workers or interruptions.
OUTPUTS = ("sensitivity.csv", "scenarios.csv", "design.csv")


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
    """In-process executor that records what it runs."""

    def __init__(self) -> None:
        super().__init__(1)
        self.executed: list = []

    def map_unordered(self, fn: Callable, items: Iterable) -> Iterator:
        items = list(items)
        self.executed.extend(items)
        return super().map_unordered(fn, items)


def _same_outputs(one, two) -> None:
    for name in OUTPUTS:
        assert (one / name).read_text() == (two / name).read_text(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(one / "summary.parquet"), pd.read_parquet(two / "summary.parquet")
    )


def test_the_parameter_that_alone_decides_the_best_arm_gets_the_largest_total_index(toy, tmp_path):
    results = run_robustness(ExperimentConfig.model_validate(toy), tmp_path, progress=False)
    table = results.sensitivity
    best = table[(table["strategy"] == BEST_ARM)].set_index("parameter")
    # the irrelevant parameter changes no run, so its total index is exactly 0
    # (Jansen's estimator sums f(A) - f(A_B^i) = 0); the deciding one carries all of it
    assert best.loc[DECIDING, "ST"] > 0.5
    assert best.loc[IRRELEVANT, "ST"] == pytest.approx(0, abs=1e-12)
    uplift = table[(table["strategy"] == "reco") & (table["outcome"] == "profit_uplift")]
    assert uplift.set_index("parameter")["ST"].idxmax() == DECIDING
    # and PRIM places the arm's best region on the deciding parameter only, at its top
    boxes = results.scenarios
    reco_best = boxes[(boxes["strategy"] == "reco") & (boxes["question"] == "best")]
    assert list(reco_best["parameter"]) == [DECIDING]
    assert reco_best["high"].iloc[0] == reco_best["range_high"].iloc[0]
    assert (reco_best["density"] == 1).all()


def test_every_design_point_reuses_the_same_replication_seeds_for_every_arm(toy, tmp_path):
    toy["uncertain"].pop(DECIDING)  # nothing that matters varies: all points identical
    toy["strategies"]["reco"] = []
    results = run_robustness(ExperimentConfig.model_validate(toy), tmp_path, progress=False)
    profit = results.summary.groupby("strategy")["profit"]
    assert (profit.nunique() == 1).all()
    assert results.sensitivity["note"].str.startswith("no variation").all()


def test_summary_has_the_design_values_as_columns(toy, tmp_path):
    results = run_robustness(ExperimentConfig.model_validate(toy), tmp_path, progress=False)
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert len(summary) == 2 * 4 * (2 + 2)  # arms x N (D + 2)
    design = results.design.reset_index()
    joined = summary.merge(design, on="design_point", suffixes=("", "_design"))
    pd.testing.assert_series_equal(
        joined[DECIDING], joined[f"{DECIDING}_design"], check_names=False
    )
    assert results.manifest["robustness"]["design_points"] == 16


def test_interrupted_run_resumes_without_redoing_finished_runs_to_identical_outputs(toy, tmp_path):
    config = ExperimentConfig.model_validate(toy)
    run_robustness(config, tmp_path / "whole", progress=False)
    with pytest.raises(_Killed):
        run_robustness(config, tmp_path / "killed", progress=False, executor=KilledAfter(11))
    counting = Counting()
    resumed = run_robustness(
        config, tmp_path / "killed", resume=True, progress=False, executor=counting
    )
    assert len(counting.executed) == 32 - 11
    assert len(resumed.manifest["resumed"]) == 1
    _same_outputs(tmp_path / "whole", tmp_path / "killed")


def test_resume_refuses_a_design_of_another_size(toy, tmp_path):
    run_robustness(ExperimentConfig.model_validate(toy), tmp_path, progress=False)
    toy["robustness"]["samples"] = 8
    with pytest.raises(RunError, match="different config"):
        run_robustness(ExperimentConfig.model_validate(toy), tmp_path, resume=True, progress=False)


def test_outputs_do_not_depend_on_the_worker_count(toy, tmp_path):
    config = ExperimentConfig.model_validate(toy)
    run_robustness(config, tmp_path / "one", progress=False, executor=LocalExecutor(1))
    run_robustness(config, tmp_path / "two", progress=False, executor=LocalExecutor(2))
    _same_outputs(tmp_path / "one", tmp_path / "two")
