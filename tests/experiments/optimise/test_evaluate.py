import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.config import Outputs
from experiments.design import arm_params
from experiments.executors import LocalExecutor
from experiments.optimise.config import parse_optimise_config
from experiments.optimise.evaluate import ModelEvaluator, mixes_config, score_mixes
from experiments.runner import run_experiment
from experiments.seeds import replication_seed
from sim import simulate

COUPONS = {"coupons": [{"kind": "coupons", "discount": 0.1}]}


def test_the_baseline_runs_once_per_replication_whatever_the_batches(tiny):
    config = parse_optimise_config(tiny)
    with LocalExecutor(1) as executor:
        evaluate = ModelEvaluator(config, executor)
        first = evaluate({"t0": COUPONS}, range(2))
        assert evaluate.runs == 4
        second = evaluate({"t1": {"recommendation": [{"kind": "recommendation"}]}}, range(2))
        assert evaluate.runs == 6  # the baseline's two runs are kept
    baseline = first[first["strategy"] == "baseline"].reset_index(drop=True)
    assert baseline.equals(second[second["strategy"] == "baseline"].reset_index(drop=True))


def test_every_mix_runs_on_the_replication_seeds_of_the_master_seed(tiny):
    config = parse_optimise_config(tiny)
    with LocalExecutor(1) as executor:
        summary = ModelEvaluator(config, executor)({"t0": COUPONS}, [1])
    params = mixes_config(config, {"t0": COUPONS}, 2)
    expected = simulate(arm_params(params, "t0", {}), rng=replication_seed(5, 1), days=20)
    row = summary[summary["strategy"] == "t0"].iloc[0]
    assert row["replication"] == 1 and row["profit"] == expected.summary["profit"]


def test_a_mix_with_no_strategy_is_the_baseline_exactly_common_random_numbers(tiny):
    config = parse_optimise_config(tiny)
    with LocalExecutor(1) as executor:
        summary = ModelEvaluator(config, executor)({"none": {}, "t0": COUPONS}, range(2))
    scores = score_mixes(summary, horizon=20)
    assert scores.loc["none", ["profit_uplift", "retained_uplift", "cost_year"]].tolist() == [
        0,
        0,
        0,
    ]
    assert scores.loc["t0", "cost_year"] > 0


def test_scores_are_paired_differences_with_t_intervals_and_the_cost_scaled_to_a_year():
    summary = pd.DataFrame(
        {
            "strategy": ["baseline"] * 3 + ["m"] * 3,
            "scenario": "base",
            "replication": [0, 1, 2] * 2,
            "profit": [10.0, 20, 30, 13, 21, 35],
            "active_end": [5, 6, 7, 5, 6, 7],
            "strategy_cost": [0.0, 0, 0, 10, 20, 30],
        }
    )
    row = score_mixes(summary, horizon=73).loc["m"]  # a year is 5 horizons of 73 days
    differences = np.array([3.0, 1, 5])
    half = stats.t.ppf(0.975, 2) * differences.std(ddof=1) / np.sqrt(3)
    assert row["n"] == 3 and row["profit_uplift"] == pytest.approx(3.0)
    assert row["profit_uplift_ci_low"] == pytest.approx(3.0 - half)
    assert row["cost_year"] == pytest.approx(100.0)
    assert row["retained_uplift"] == 0 and row["retained_uplift_ci_high"] == 0


def test_uncertain_parameters_are_drawn_per_replication_as_in_shoplab_run(tiny, tmp_path):
    tiny["uncertain"] = {
        "strategies.recommendation.purchase_rate_mult": {"dist": "uniform", "low": 1.0, "high": 2.0}
    }
    config = parse_optimise_config(tiny)
    mix = {"recommendation": [{"kind": "recommendation"}]}
    with LocalExecutor(1) as executor:
        found = ModelEvaluator(config, executor)({"t0": mix}, range(2))
    experiment = mixes_config(config, {"t0": mix}, 2).model_copy(
        update={"outputs": Outputs(plots=False)}
    )
    expected = run_experiment(experiment, tmp_path, progress=False).summary
    assert found["profit"].tolist() == expected["profit"].tolist()
    # the draws differ between replications, so the uplift is not that of the fixed 1.1
    without = parse_optimise_config({k: v for k, v in tiny.items() if k != "uncertain"})
    with LocalExecutor(1) as executor:
        fixed = ModelEvaluator(without, executor)({"t0": mix}, range(2))
    assert fixed["profit"].tolist() != found["profit"].tolist()
