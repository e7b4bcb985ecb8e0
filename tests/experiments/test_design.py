import time
import tracemalloc

import pytest

from experiments.config import MAX_SCENARIOS, ExperimentConfig, parse_config
from experiments.design import (
    BYTES_PER_ARM,
    BYTES_PER_PARAMS,
    arm_params,
    check_plan_size,
    plan_runs,
)
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


def test_arms_share_their_scenario_blocks_and_equal_fully_validated_parameters(tiny):
    # issue 15: 5,000 scenarios took validate 39 s and 1.4 GB, every arm in every scenario
    # a full copy of the model; now a scenario is validated once and its arms share it.
    tiny["strategies"]["coupons"] = [{"kind": "coupons", "discount": 0.2}]
    config = ExperimentConfig.model_validate(tiny)
    runs = plan_runs(config)
    for scenario, overrides in config.scenarios.items():
        arms = [run for run in runs if run.scenario == scenario and run.replication == 0]
        assert len({id(run.params.population) for run in arms}) == 1
        for run in arms:
            assert run.params == arm_params(config, run.strategy, overrides)


def test_a_sweep_past_the_scenario_cap_is_refused_before_it_is_sampled():
    # issue 15: a Sobol sweep of N = 100,000 went past 4 GB. Saltelli's design without
    # second-order indices has N x (D + 2) points: 100,000 x 4 = 400,000 scenarios.
    parameters = {"loyalty.winback_rate": (0, 0.01), "market.price_sensitivity_mean": (0, 1)}
    tracemalloc.start()
    sweep = {"method": "sobol", "samples": 100_000, "parameters": parameters}
    with pytest.raises(ConfigError, match=r"sweep: samples: the sobol design has 400,000 points"):
        parse_config({"name": "x", "sweep": sweep})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10**7
    # a grid of 100 levels on 5 parameters has 10^10 points: counted, never enumerated
    grid = {f"platforms.{k}.quality": (0, 1) for k in range(5)}
    with pytest.raises(ConfigError, match=r"10,000,000,000 points"):
        parse_config({"name": "x", "sweep": {"method": "grid", "samples": 100, "parameters": grid}})


def test_a_study_past_the_run_cap_or_the_memory_is_refused_before_planning(tiny):
    tiny["replications"] = 10_000
    tiny["strategies"].update({f"arm{k}": [] for k in range(60)})  # 62 arms x 2 scenarios
    with pytest.raises(ConfigError, match=r"^replications: 62 arms x 2 scenarios x 10,000"):
        plan_runs(ExperimentConfig.model_validate(tiny))
    tiny["replications"] = 3
    config = ExperimentConfig.model_validate(tiny)
    # 2 scenarios x 32 kB + 124 arm-scenarios x 1.5 kB + 372 runs x 250 B = 0.34 MB
    with pytest.raises(ConfigError, match=r"planning 372 runs needs about 0\.0 GB"):
        check_plan_size(config, scenarios=2, memory=300_000)
    check_plan_size(config, scenarios=2, memory=400_000)


def test_named_scenarios_past_the_cap_are_refused_naming_the_count(tiny):
    tiny["scenarios"] = {f"s{k}": {} for k in range(MAX_SCENARIOS + 1)}
    with pytest.raises(ConfigError, match=r"^scenarios: 20,001 scenarios"):
        plan_runs(ExperimentConfig.model_validate(tiny))


@pytest.mark.slow
def test_five_thousand_scenarios_plan_within_seconds_and_half_a_gigabyte(tiny):
    # issue 15: 39 s and 1.4 GB before; 2 arms x 5,000 scenarios share 5,000 models
    tiny["scenarios"] = {
        f"s{k}": {"platforms.assortment_leader.price_index": 0.8 + k * 1e-6} for k in range(5000)
    }
    tiny["replications"] = 1
    config = ExperimentConfig.model_validate(tiny)
    tracemalloc.start()
    start = time.perf_counter()
    runs = plan_runs(config)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(runs) == 10_000
    assert peak < 5000 * (BYTES_PER_PARAMS + 2 * BYTES_PER_ARM) * 2  # 0.35 GB
    assert seconds < 60  # under tracing, on a shared machine; about 20 s at a load of 15
