import pytest

from experiments.config import ExperimentConfig
from experiments.design import plan_runs
from experiments.errors import ConfigError


def test_every_arm_and_scenario_shares_the_replication_seed(tiny):
    runs = plan_runs(ExperimentConfig.model_validate(tiny))
    assert len(runs) == 2 * 2 * 3
    for r in range(3):
        states = {tuple(run.seed.generate_state(4)) for run in runs if run.replication == r}
        assert len(states) == 1
    assert len({tuple(run.seed.generate_state(4)) for run in runs}) == 3


def test_scenario_overrides_reach_the_arm_parameters(tiny):
    runs = plan_runs(ExperimentConfig.model_validate(tiny))
    war = next(run for run in runs if run.scenario == "price_war" and run.strategy == "points")
    assert war.params.platforms[1].price_index == 0.8
    assert [s.kind for s in war.params.strategies] == ["loyalty_points"]


def test_invalid_scenario_value_names_the_scenario_and_field(tiny):
    tiny["scenarios"]["broken"] = {"platforms.focal.quality": 2}
    with pytest.raises(ConfigError, match=r"scenario 'broken'.*model\.platforms\.0\.quality"):
        plan_runs(ExperimentConfig.model_validate(tiny))


def test_targeting_an_unknown_segment_lists_the_segments(tiny):
    tiny["strategies"]["points"][0]["target"] = {"kind": "segment", "segments": ["students"]}
    with pytest.raises(ConfigError, match=r"unknown segment\(s\) \['students'\]; allowed: rural"):
        plan_runs(ExperimentConfig.model_validate(tiny))
