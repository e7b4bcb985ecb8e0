import copy
from importlib.resources import files

import pytest

from experiments.errors import ConfigError
from experiments.optimise.config import (
    load_optimise_config,
    parse_optimise_config,
    set_spec_values,
    spec_path,
)
from tests.experiments.optimise.conftest import TINY

SHIPPED = files("experiments") / "configs" / "optimise_budget.yaml"


def refusal(change) -> str:
    data = copy.deepcopy(TINY)
    change(data)
    with pytest.raises(ConfigError) as err:
        parse_optimise_config(data, "tiny.yaml")
    message = str(err.value)
    assert "\n" not in message and message.startswith("tiny.yaml")
    return message


def test_every_arm_but_the_baseline_is_a_lever_and_the_first_scenario_is_searched():
    config = parse_optimise_config(copy.deepcopy(TINY))
    assert config.levers == ["coupons", "recommendation"]
    assert config.scenario == "base" and config.fresh_replications == 2


def test_an_unknown_key_in_the_optimise_block_is_refused_naming_the_allowed_keys():
    message = refusal(lambda d: d["optimise"].update(budjet=5))
    assert "optimise.budjet" in message and "budget" in message


def test_a_missing_optimise_block_is_refused():
    assert "optimise: required" in refusal(lambda d: d.pop("optimise"))


def test_a_range_for_an_arm_that_is_not_in_strategies_is_refused():
    message = refusal(lambda d: d["optimise"]["ranges"].update(points={"earn_rate": [1, 2]}))
    assert "optimise.ranges.points" in message and "allowed: coupons, recommendation" in message


def test_a_range_end_the_strategy_refuses_is_named_with_its_value():
    message = refusal(lambda d: d["optimise"]["ranges"]["coupons"].update(discount=[0.1, 1.5]))
    assert "optimise.ranges.coupons.discount = 1.5 is refused" in message


def test_a_parameter_the_strategy_does_not_have_is_refused():
    message = refusal(lambda d: d["optimise"]["ranges"]["coupons"].update(depth=[0.1, 0.2]))
    assert "optimise.ranges.coupons.depth" in message and "unknown key" in message


def test_a_choice_targeting_an_unknown_segment_is_refused_naming_the_segments():
    choices = {"choices": [{"kind": "everyone"}, {"kind": "segment", "segments": ["yuong"]}]}
    message = refusal(lambda d: d["optimise"]["ranges"]["coupons"].update(target=choices))
    assert "unknown segment(s) ['yuong']" in message and "young" in message


def test_an_empty_or_reversed_range_is_refused():
    assert "low must be below high" in refusal(
        lambda d: d["optimise"]["ranges"]["coupons"].update(discount=[0.3, 0.1])
    )


def test_cmaes_cannot_optimise_two_objectives():
    message = refusal(lambda d: d["optimise"].update(sampler="cmaes", objective="both"))
    assert "CMA-ES optimises one objective" in message


def test_an_unknown_scenario_is_refused_naming_the_scenarios():
    assert "allowed: base" in refusal(lambda d: d["optimise"].update(scenario="war"))


def test_a_config_with_no_lever_is_refused():
    assert "no arm to switch on" in refusal(lambda d: d.update(strategies={"baseline": []}))


def test_an_arm_of_several_strategies_needs_the_index_in_its_paths():
    specs = [{"kind": "loyalty_points"}, {"kind": "winback"}]
    with pytest.raises(ConfigError, match="start the path with the strategy's index"):
        spec_path(specs, "mix", "earn_rate")
    assert set_spec_values(specs, "mix", {"1.winback_add": 0.01})[1]["winback_add"] == 0.01


def test_the_shipped_config_loads_with_a_range_per_tuned_lever():
    config = load_optimise_config(SHIPPED)
    assert config.optimise.budget == 100_000 and config.experiment.model.population.size == 20_000
    assert set(config.optimise.ranges) <= set(config.levers)
    assert config.optimise.sampler_name == "tpe"


def test_a_boolean_or_infinite_budget_is_refused():
    assert "a boolean where a number is expected" in refusal(
        lambda d: d["optimise"].update(budget=True)
    )
    assert "finite number" in refusal(lambda d: d["optimise"].update(budget=float("inf")))
