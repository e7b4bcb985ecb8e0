"""The worker: one run simulated and tagged; its order log with outputs.orders."""

from importlib.resources import files

import pandas as pd
import pytest

from experiments.config import ExperimentConfig, load_config
from experiments.design import plan_runs
from experiments.runner import run_experiment
from experiments.worker import RUN_COLUMNS, execute_run
from survey.orders.frame import read_orders
from survey.orders.rfm import customer_summary

CONFIGS = files("experiments") / "configs"


def _config(**outputs) -> ExperimentConfig:
    return ExperimentConfig(
        name="tiny",
        horizon=10,
        replications=1,
        model={"population": {"size": 400}},
        outputs={"plots": False, **outputs},
    )


def test_a_run_is_tagged_with_its_arm_scenario_and_replication():
    output = execute_run(plan_runs(_config())[0])
    assert list(output.summary.columns[:3]) == list(RUN_COLUMNS)
    assert len(output.timeseries) == 10 and output.orders is None


def test_outputs_orders_gives_the_runs_focal_order_log_untagged():
    output = execute_run(plan_runs(_config(orders=True))[0])
    assert output.orders.columns[0] == "customer_id"  # an order frame, no run columns
    assert (output.orders["channel"] == "focal").all()  # the platform's own log
    assert len(output.orders) == output.timeseries["orders"].sum()


def test_recency_and_bgnbd_targeting_run_and_write_order_logs_survey_orders_reads(tmp_path):
    coupons = {"kind": "coupons", "discount": 0.1}
    config = ExperimentConfig(
        name="predictors",
        horizon=61,
        replications=1,
        model={"population": {"size": 1200}},
        strategies={
            "baseline": [],
            "recency": [{**coupons, "target": {"kind": "at_risk", "predictor": "recency"}}],
            "bgnbd": [{**coupons, "target": {"kind": "at_risk", "predictor": "bgnbd"}}],
        },
        outputs={"plots": False, "orders": True},
    )
    results = run_experiment(config, tmp_path, progress=False)
    summary = results.summary.set_index("strategy")
    assert summary.loc["bgnbd", "bgnbd_fits"] >= 1  # fitted at day 60 at the latest
    assert summary.loc["recency", "strategy_cost"] > 0
    assert pd.isna(summary.loc["recency", "bgnbd_fits"])
    for strategy in summary.index:
        orders = read_orders(tmp_path / "orders" / f"{strategy}__base__r0000.parquet")
        assert orders["amount"].sum() == pytest.approx(summary.loc[strategy, "gmv"], rel=1e-12)
        assert len(customer_summary(orders, calibration_end="2019-03-02")) > 0  # day 60


def test_the_shipped_predictors_config_compares_every_predictor_against_coupons_for_all():
    config = load_config(CONFIGS / "at_risk_predictors.yaml")
    predictors = {
        arm[0].target.predictor
        for arm in config.strategies.values()
        if arm and arm[0].target.kind == "at_risk"
    }
    assert predictors == {"recency", "bgnbd", "oracle"}
    assert "coupons_everyone" in config.strategies and not config.outputs.orders
