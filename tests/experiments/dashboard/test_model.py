from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from experiments.config import ExperimentConfig, load_config
from experiments.dashboard.model import DashboardModel, Setup, load_setup, strategy_control
from experiments.design import plan_runs
from experiments.errors import ConfigError
from sim.run import simulate

QUICKSTART = files("experiments") / "configs" / "quickstart.yaml"
TINY = ["model.population.size=500", "horizon=20"]


@pytest.fixture(scope="module")
def config() -> ExperimentConfig:
    return load_config(QUICKSTART, TINY)


def test_with_the_controls_as_they_start_a_run_is_that_replication_of_shoplab_run(config):
    # the dashboard claims to show replication r of an arm in a scenario: the runs
    # `shoplab run` plans for it are the reference
    setup = Setup.build(config, scenario="price_war", arm="points_and_winback")
    model = DashboardModel(setup=setup, **{**setup.defaults(), "replication": 1})
    model.run(30)
    spec = next(
        s
        for s in plan_runs(config)
        if (s.strategy, s.scenario, s.replication) == ("points_and_winback", "price_war", 1)
    )
    expected = simulate(spec.params, rng=spec.seed, days=spec.horizon).daily
    assert int(model.steps) == 20 and not model.running  # the config's horizon
    pd.testing.assert_frame_equal(model.daily_metrics(), expected)


def test_the_arm_switches_on_its_strategies_and_the_others_start_off(config):
    setup = Setup.build(config, arm="points_and_winback")
    assert setup.switched_on == ("loyalty_points", "winback")
    switches = {k: v for k, v in setup.defaults().items() if k.startswith("use_")}
    assert sum(switches.values()) == 2
    # every kind used by an arm is offered once, with the arm's values
    assert set(setup.strategies) == {
        "loyalty_points",
        "coupons",
        "tiering",
        "recommendation",
        "referral_rewards",
        "share_to_unlock",
        "winback",
    }
    assert setup.strategies["coupons"]["target"]["kind"] == "at_risk"
    assert setup.strategy_controls["loyalty_points"].value == 2  # quickstart's earn_rate


def test_sliders_and_switches_set_the_model_parameters(config):
    setup = Setup.build(config)
    values = {"shoppers": 700, "rival_price": 0.8, "use_coupons": True, "coupons_discount": 0.2}
    model = DashboardModel(setup=setup, **values)
    assert model.params.population.size == 700
    assert model.params.platforms[1].price_index == 0.8
    (coupons,) = model.params.strategies
    assert (coupons.kind, coupons.discount, coupons.target.kind) == ("coupons", 0.2, "at_risk")


def test_the_scenario_gives_the_starting_values_of_the_sliders(config):
    base = {c.name: c.value for c in Setup.build(config, scenario="base").controls}
    war = {c.name: c.value for c in Setup.build(config, scenario="price_war").controls}
    assert (base["rival_price"], war["rival_price"]) == (1.0, 0.85)
    assert base["shoppers"] == 500


def test_every_slider_starts_inside_its_range_on_its_own_kind_of_number(config):
    setup = Setup.build(config)
    for control in [*setup.controls, *setup.strategy_controls.values()]:
        slider = control.slider()
        assert slider.min <= slider.value <= slider.max, control.name
        assert slider.is_float_slider is not control.is_int
    assert (
        setup.controls[0].slider().value == 500 and not setup.controls[0].slider().is_float_slider
    )


def test_a_strategy_slider_spans_its_allowed_range_capped_at_four_times_its_default():
    # coupons.discount: [0, 1) allowed, default 0.05 -> 0 to 0.2; winback_add [0, 1], 0.005
    assert (strategy_control("coupons", {}).low, strategy_control("coupons", {}).high) == (0, 0.2)
    assert strategy_control("winback", {}).high == pytest.approx(0.02)
    assert strategy_control("loyalty_points", {"earn_rate": 3.0}).high == 12.0
    assert strategy_control("baseline", {}) is None


def test_without_a_config_every_strategy_is_offered_and_none_is_on():
    setup = load_setup()
    assert len(setup.strategies) == 13 and setup.switched_on == ()
    assert setup.title == "dashboard · base · baseline"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "boom"}, "unknown scenario 'boom'; allowed: base, price_war"),
        ({"arm": "magic"}, "unknown arm 'magic'; allowed: baseline, loyalty_points"),
    ],
)
def test_an_unknown_scenario_or_arm_is_one_line_naming_the_allowed(config, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        Setup.build(config, **kwargs)


def test_an_unknown_control_is_refused_naming_the_allowed(config):
    with pytest.raises(ConfigError, match=r"unknown control\(s\) \['speed'\]; allowed: "):
        Setup.build(config).params({"speed": 3})


def test_overrides_need_a_config():
    with pytest.raises(ConfigError, match="--set needs a CONFIG"):
        load_setup(None, ["horizon=3"])


def test_mesa_gets_the_setup_fixed_and_every_control_adjustable(config):
    setup = Setup.build(config)
    params = setup.user_params()
    assert params["setup"] is setup
    assert set(params) - {"setup"} == set(setup.defaults())
    assert params["use_winback"] == {
        "type": "Checkbox",
        "value": False,
        "label": "Strategy: winback",
    }
    assert np.isclose(params["rival_price"].value, 1.0)
