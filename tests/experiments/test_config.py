import pytest

from experiments.config import BASELINE, ExperimentConfig, load_config, parse_config
from experiments.errors import ConfigError
from sim.strategies import REGISTRY


def test_baseline_arm_is_added_first():
    config = ExperimentConfig(name="x", strategies={"points": [{"kind": "loyalty_points"}]})
    assert list(config.strategies) == [BASELINE, "points"]
    assert config.strategies[BASELINE] == []


def test_every_strategy_adds_one_arm_per_registered_kind():
    config = ExperimentConfig(name="x", every_strategy=True)
    assert set(config.strategies) == set(REGISTRY)
    assert config.strategies[BASELINE] == []


def test_unknown_key_lists_the_allowed_keys(tiny):
    tiny["model"]["network"] = {"degree": 4}
    with pytest.raises(ConfigError) as err:
        parse_config(tiny, "c.yaml")
    assert str(err.value) == (
        "c.yaml: model.network.degree: unknown key; allowed: kind, mean_degree, rewire_prob"
    )


def test_bad_strategy_kind_lists_the_registered_kinds(tiny):
    tiny["strategies"]["points"] = [{"kind": "lottery"}]
    with pytest.raises(ConfigError) as err:
        parse_config(tiny, "c.yaml")
    message = str(err.value)
    assert message.startswith("c.yaml: strategies.points.0: unknown kind 'lottery'; allowed:")
    assert all(kind in message for kind in REGISTRY)


def test_bad_strategy_parameter_names_its_path_without_union_tags(tiny):
    tiny["strategies"]["points"] = [{"kind": "loyalty_points", "earn_rate": -1}]
    with pytest.raises(ConfigError, match=r"strategies\.points\.0\.earn_rate: .*greater than"):
        parse_config(tiny, "c.yaml")


def test_out_of_range_value_names_field_and_value(tiny):
    tiny["replications"] = 0
    with pytest.raises(ConfigError, match=r"replications: .*greater than or equal to 1 \(got 0\)"):
        parse_config(tiny, "c.yaml")


def test_strategies_under_model_are_rejected(tiny):
    tiny["model"]["strategies"] = [{"kind": "loyalty_points"}]
    with pytest.raises(ConfigError, match="top-level 'strategies'"):
        parse_config(tiny, "c.yaml")


def test_non_empty_baseline_arm_is_rejected(tiny):
    tiny["strategies"]["baseline"] = [{"kind": "loyalty_points"}]
    with pytest.raises(ConfigError, match="baseline arm must be empty"):
        parse_config(tiny, "c.yaml")


def test_set_overrides_are_parsed_as_yaml_and_validated(tiny_config):
    config = load_config(
        tiny_config, ["model.population.size=2000", "replications=2", "scenarios.calm={}"]
    )
    assert config.model.population.size == 2000
    assert config.replications == 2
    assert "calm" in config.scenarios
    with pytest.raises(ConfigError, match="with --set horizon=-5.*horizon"):
        load_config(tiny_config, ["horizon=-5"])


def test_set_without_equals_sign_is_a_config_error(tiny_config):
    with pytest.raises(ConfigError, match="PATH=VALUE"):
        load_config(tiny_config, ["replications"])


def test_include_is_resolved_relative_to_the_including_file(write_config, tiny, tmp_path):
    (tmp_path / "fragments").mkdir()
    write_config({"acquisition": {"innovation_per_year": 0.04}}, "fragments/calibrated.yaml")
    write_config(
        {"include": "calibrated.yaml", "loyalty": {"winback_rate": 0.0}}, "fragments/m.yaml"
    )
    tiny["model"] = {"include": "fragments/m.yaml", "population": {"size": 300}}
    config = load_config(write_config(tiny))
    assert config.model.acquisition.innovation_per_year == 0.04
    assert config.model.loyalty.winback_rate == 0.0
    assert config.model.population.size == 300


def test_include_cycle_is_reported(write_config):
    write_config("include: b.yaml\n", "a.yaml")
    path = write_config("include: a.yaml\n", "b.yaml")
    with pytest.raises(ConfigError, match="include cycle"):
        load_config(path)


def test_yaml_syntax_error_names_file_and_line(write_config):
    path = write_config("name: x\nhorizon: [30\nreplications: 2\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert "line 3" in str(err.value)


def test_name_defaults_to_the_file_stem(write_config):
    assert load_config(write_config({"horizon": 10}, "my_study.yaml")).name == "my_study"


def test_fingerprint_ignores_execution_but_not_the_model(tiny):
    base = parse_config(tiny)
    assert parse_config({**tiny, "execution": {"workers": 3}}).fingerprint() == base.fingerprint()
    tiny["model"]["population"]["size"] = 401
    assert parse_config(tiny).fingerprint() != base.fingerprint()


def test_scheduler_needs_the_dask_backend(tiny):
    tiny["execution"] = {"scheduler": "tcp://127.0.0.1:8786"}
    with pytest.raises(ConfigError, match="set backend: dask"):
        parse_config(tiny, "c.yaml")
    tiny["execution"]["backend"] = "dask"
    assert parse_config(tiny).execution.scheduler == "tcp://127.0.0.1:8786"


def test_a_key_given_twice_is_an_error_with_its_line(write_config):
    path = write_config("name: x\nhorizon: 30\nscenarios: {}\nhorizon: 60\n")
    with pytest.raises(
        ConfigError, match=r"line 4, column 1: invalid YAML: key 'horizon' is given twice"
    ):
        load_config(path)


def test_validation_errors_name_the_line_of_the_field(write_config):
    path = write_config(
        "name: x\nmodel:\n  population:\n    size: 0\nstrategies:\n"
        "  a:\n    - {kind: loyalty_points, earn: 2}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"{path}, line 4: model.population.size: Input should be greater" in str(err.value)
    assert f"{path}, line 7: strategies.a.0.earn: unknown key; allowed: kind," in str(err.value)


def test_fields_set_outside_the_file_have_no_line(tiny_config):
    with pytest.raises(ConfigError) as err:
        load_config(tiny_config, ["model.network.kind=ring"])
    assert ", line" not in str(err.value)
    assert "model.network.kind: Input should be 'small_world'" in str(err.value)


@pytest.mark.parametrize(
    ("path", "value"),
    [(("horizon",), True), (("replications",), False), (("model", "population", "size"), True)],
)
def test_boolean_given_as_a_number_is_refused(tiny, path, value):
    # issue 15: `horizon: true` validated as "runs of 1 days".
    target = tiny
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    with pytest.raises(ConfigError, match=rf"{'.'.join(path)}: a boolean where a number"):
        parse_config(tiny, "c.yaml")


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_numbers_are_refused_in_the_model_and_the_sweep(tiny, value):
    # issue 15: `cost_per_acquisition: .inf` passed validate, then run stopped.
    tiny["model"]["acquisition"] = {"cost_per_acquisition": value}
    with pytest.raises(ConfigError, match=r"cost_per_acquisition: .*finite number"):
        parse_config(tiny, "c.yaml")
    del tiny["model"]["acquisition"]
    tiny["sweep"] = {"method": "grid", "parameters": {"loyalty.decay_rate": [0.0, value]}}
    with pytest.raises(ConfigError, match="finite number"):
        parse_config(tiny, "c.yaml")


def test_names_holding_the_run_key_separator_are_refused(tiny):
    # issue 15: arms a, a__b and scenarios c, b__c gave the run key a__b__c twice
    tiny["strategies"] = {"a": [], "a__b": []}
    tiny["scenarios"] = {"c": {}, "b__c": {}}
    with pytest.raises(ConfigError) as err:
        parse_config(tiny, "c.yaml")
    message = str(err.value)
    assert "\n" not in message
    assert "scenarios.b__c.[key]: may not contain '__'" in message
    assert "strategies.a__b.[key]: may not contain '__'" in message
    tiny["strategies"] = {"a": [], "a_b": []}
    tiny["scenarios"] = {"c": {}, "b_c": {}}
    assert list(parse_config(tiny, "c.yaml").strategies) == ["baseline", "a", "a_b"]
