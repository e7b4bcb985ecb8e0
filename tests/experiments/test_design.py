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


def test_combined_discounts_are_refused_at_plan_time_naming_the_arm(tiny):
    # issue 15: ten 30% coupons failed inside run after the earlier arms had finished.
    tiny["strategies"]["coupons"] = [{"kind": "coupons", "discount": 0.3}] * 10
    with pytest.raises(ConfigError, match=r"arm 'coupons'.*discounts add up to 300%"):
        plan_runs(ExperimentConfig.model_validate(tiny))


def test_an_uncertain_draw_that_pushes_discounts_past_100_percent_is_refused(tiny):
    tiny["strategies"]["coupons"] = [{"kind": "coupons", "discount": 0.5}] * 2
    tiny["strategies"]["coupons"][0] = {"kind": "coupons", "discount": 0.1}
    assert plan_runs(ExperimentConfig.model_validate(tiny))
    prior = {"dist": "uniform", "low": 0.5, "high": 0.6}
    tiny["uncertain"] = {"strategies.coupons.discount": prior}
    with pytest.raises(ConfigError, match=r"arm 'coupons', replication 0.*add up to"):
        plan_runs(ExperimentConfig.model_validate(tiny))


def test_runs_that_cannot_fit_in_memory_are_refused_before_the_first(tiny, monkeypatch):
    # issue 15: population.size had no maximum; the bound depends on the machine too.
    # 603 bytes a shopper: the README's benchmark, (784 - 241) MB / 900,000 shoppers.
    tiny["model"]["population"] = {"size": 1_000_000}
    tiny["execution"] = {"workers": 4}
    config = ExperimentConfig.model_validate(tiny)
    monkeypatch.setattr("experiments.design.physical_memory", lambda: 3 * 10**9)
    assert len(plan_runs(config)) == 12  # 4 x 0.603 GB = 2.4 GB fit in 3 GB
    monkeypatch.setattr("experiments.design.physical_memory", lambda: 2 * 10**9)
    with pytest.raises(ConfigError, match=r"1,000,000 shoppers x 4 workers need about 2.4 GB"):
        plan_runs(config)
    monkeypatch.setattr("experiments.design.physical_memory", lambda: None)
    assert len(plan_runs(config)) == 12
