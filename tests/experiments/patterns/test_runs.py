"""Running the replications: snapshot at mid-horizon, paired runs, seeds, workers."""

import math

import pandas as pd
import pytest

from experiments.errors import ConfigError
from experiments.patterns.checks import CHURN_SCALE, evaluate, pattern_by_key
from experiments.patterns.runs import (
    PatternRun,
    lower_churn_params,
    pattern_params,
    run_patterns,
)
from sim import ModelParams, ParameterError


def test_the_snapshot_is_taken_at_mid_horizon_of_the_same_run(fake_model):
    records = run_patterns(None, PatternRun(shoppers=700, days=365, replications=2))
    # replication r: baseline run(182) then run(183) on one model; the pair run(365);
    # both on replication_seed(0, r), whose spawn key is (r,)
    assert fake_model.calls == [
        ((0,), 182),
        ((0,), 183),
        ((0,), 365),
        ((1,), 182),
        ((1,), 183),
        ((1,), 365),
    ]
    assert [r.replication for r in records] == [0, 1]
    first = records[0]
    assert first.ltr_n.tolist() == [0, 0, 0, 0, 200, 0, 0, 0, 200, 0, 200]
    # the first detractor churned and came back: not retained (39 of 200)
    assert first.ltr_retained.tolist() == [0, 0, 0, 0, 39, 0, 0, 0, 80, 0, 160]
    convexity = pattern_by_key("satisfaction_loyalty_convexity")
    assert convexity.measure_run(first).value == pytest.approx((0.8 - 0.4) / (0.4 - 0.195))


def test_an_odd_horizon_is_split_into_its_halves(fake_model):
    run_patterns(None, PatternRun(shoppers=700, days=5, replications=1))
    assert [days for _, days in fake_model.calls] == [2, 3, 5]


def test_the_pair_runs_with_a_lower_base_churn_hazard(fake_model):
    records = run_patterns(None, PatternRun(shoppers=700, days=10, replications=1))
    base, pair = fake_model.params_seen
    default = ModelParams().loyalty.base_churn_hazard
    assert base["loyalty"]["base_churn_hazard"] == default
    assert pair["loyalty"]["base_churn_hazard"] == pytest.approx(default * CHURN_SCALE)
    assert base["population"]["size"] == pair["population"]["size"] == 700
    assert records[0].counterpart["profit"] == 1150.0
    assert records[0].cost_per_acquisition == ModelParams().acquisition.cost_per_acquisition
    assert records[0].segments[0] == ("rural", 0.8)


def test_every_required_pattern_holds_on_the_fake(fake_model):
    table = evaluate(run_patterns(None, PatternRun(shoppers=700, days=10, replications=2)))
    assert table["in range"].all(), table[~table["in range"]]


def test_pattern_params_take_the_given_model_at_the_stated_size():
    model = ModelParams(population={"size": 50}, loyalty={"base_churn_hazard": 0.02})
    params = pattern_params(model, 1234)
    assert params["population"]["size"] == 1234
    assert params["loyalty"]["base_churn_hazard"] == 0.02
    assert model.population.size == 50  # the caller's object is untouched


def test_lower_churn_params_copy():
    params = {"loyalty": {"base_churn_hazard": 0.01, "decay_rate": 0.1}}
    lower = lower_churn_params(params, 0.5)
    assert lower["loyalty"] == {"base_churn_hazard": 0.005, "decay_rate": 0.1}
    assert params["loyalty"]["base_churn_hazard"] == 0.01


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shoppers", 0, "--shoppers: must be between 1"),
        ("days", 1, "--days: must be between 2"),
        ("replications", 0, "--replications: must be between 1"),
        ("seed", -1, "--seed: must be between 0"),
        ("workers", 0, "--workers: must be between 1"),
        ("days", 3.5, "--days: expected a whole number"),
    ],
)
def test_pattern_run_refuses_bad_numbers(field, value, message):
    with pytest.raises(ConfigError, match=message):
        PatternRun(**{field: value})


def test_a_bad_model_value_is_a_parameter_error():
    with pytest.raises(ParameterError):
        pattern_params(ModelParams(), -5)


def _frame(records) -> pd.DataFrame:
    rows = [
        {**r.summary, **{f"n{k}": v for k, v in enumerate(r.ltr_n)}, "replication": r.replication}
        for r in records
    ]
    pairs = [{**r.counterpart, "replication": r.replication} for r in records]
    return pd.concat([pd.DataFrame(rows), pd.DataFrame(pairs)], keys=["base", "pair"])


def test_results_do_not_depend_on_the_workers():
    setting = {"shoppers": 400, "days": 12, "replications": 2, "seed": 5}
    one = run_patterns(None, PatternRun(**setting, workers=1))
    two = run_patterns(None, PatternRun(**setting, workers=2))
    pd.testing.assert_frame_equal(_frame(one), _frame(two))
    assert not math.isnan(one[0].summary["days"])
