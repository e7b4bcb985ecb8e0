"""Calibration with behavioural targets only: no survey, targets from the config or a file."""

import json

import pandas as pd
import pytest
import yaml

from experiments.calibration import worker
from experiments.calibration.config import (
    BEHAVIOURAL_SCHEMA,
    candidate_parameters,
    load_calibration_config,
    parse_calibration_config,
    read_behavioural_targets,
    shipped_config,
)
from experiments.calibration.fit import calibrate
from experiments.calibration.report import OUTPUTS, write_calibration
from experiments.calibration.targets import example_targets
from experiments.cli import main
from experiments.errors import ConfigError

#: Two free parameters, two behavioural targets, 400 shoppers for 20 days, 4 candidates.
NO_SURVEY = {
    "name": "market_tiny",
    "horizon": 20,
    "model": {"population": {"size": 400}},
    "free": {
        "population.order_value_scale": {"low": 0.8, "high": 1.6},
        "population.purchase_rate_scale": {"low": 1.5, "high": 5.0},
    },
    "targets": {
        "behavioural": {
            "aov": {"value": 53.0, "se": 1.5, "derivation": "GMV / orders"},
            "orders_per_buyer": {"value": 3.0, "se": 0.5},
        }
    },
    "budget": {"trials": 4, "batch": 2, "replications": 1, "startup_trials": 2, "seed": 5},
    "execution": {"workers": 1},
}

FILE_TARGETS = {
    "schema": BEHAVIOURAL_SCHEMA,
    "source": "annual report",
    "targets": {
        "aov": {"value": 50.0, "se": 2.0, "derivation": "GMV / orders"},
        "mau_ratio": {"value": 0.8, "se": 0.02, "derivation": "Q4 MAU / annual buyers"},
    },
}


def _config(**changes) -> dict:
    data = json.loads(json.dumps(NO_SURVEY))
    data.update(changes)
    return data


def _write(folder, data, name="calibrate.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _one_line(message: str) -> str:
    assert "\n" not in message and "Traceback" not in message
    return message


def _cli_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("shoplab: error: ")
    return err


# --- the config -------------------------------------------------------------------------


def test_a_config_without_survey_fits_behavioural_targets_and_has_no_design():
    config = parse_calibration_config(_config())
    assert config.survey is None
    assert list(config.targets.behavioural) == ["aov", "orders_per_buyer"]
    params, design = candidate_parameters(config, {"population.order_value_scale": 1.2})
    assert params["population"]["order_value_scale"] == 1.2 and design == {}


@pytest.mark.parametrize("targets", [{}, {"behavioural": {}}])
def test_neither_survey_nor_behavioural_target_is_one_line_naming_the_field(targets):
    with pytest.raises(ConfigError) as err:
        parse_calibration_config(_config(targets=targets), "calibrate.yaml")
    message = _one_line(str(err.value))
    assert message.startswith("calibrate.yaml: survey: required unless a behavioural target")
    assert "targets.behavioural_file" in message


def test_survey_design_parameters_and_constructs_need_a_survey():
    free = {**NO_SURVEY["free"], "survey.item_noise": {"low": 0.01, "high": 0.3}}
    with pytest.raises(ConfigError, match=r"free\.survey\.item_noise: .*no survey"):
        parse_calibration_config(_config(free=free), "c.yaml")
    targets = {**NO_SURVEY["targets"], "constructs": ["Satisfaction"]}
    with pytest.raises(ConfigError, match=r"targets\.constructs: .*no survey"):
        parse_calibration_config(_config(targets=targets), "c.yaml")


def test_a_behavioural_target_needs_a_positive_se():
    targets = {"behavioural": {"aov": {"value": 53.0, "se": 0}}}
    with pytest.raises(ConfigError, match=r"targets\.behavioural\.aov\.se: .*greater than 0"):
        parse_calibration_config(_config(targets=targets), "c.yaml")


# --- the behavioural targets file --------------------------------------------------------


def test_the_file_is_read_relative_to_the_config_and_merged(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "market.json").write_text(json.dumps(FILE_TARGETS))
    targets = {
        "behavioural_file": "market.json",
        "behavioural": {"aov": {"value": 55.0, "se": 1.0}},  # the config's own entry wins
    }
    config = load_calibration_config(_write(tmp_path / "sub", _config(targets=targets)))
    found = config.targets.behavioural
    assert list(found) == ["aov", "mau_ratio"]
    assert (found["aov"].value, found["aov"].se, found["aov"].derivation) == (55.0, 1.0, None)
    assert found["mau_ratio"].derivation == "Q4 MAU / annual buyers"
    assert config.behavioural_source == "annual report"


def test_the_file_alone_is_enough_without_survey(tmp_path):
    (tmp_path / "market.json").write_text(json.dumps(FILE_TARGETS))
    config = load_calibration_config(
        _write(tmp_path, _config(targets={"behavioural_file": str(tmp_path / "market.json")}))
    )
    assert sorted(config.targets.behavioural) == ["aov", "mau_ratio"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such behavioural targets file"),
        ("not json {", "not a readable JSON behavioural targets file"),
        ('["a list"]', "not a behavioural targets file: schema None"),
        (
            json.dumps({"schema": "shoplab.survey.targets/1"}),
            "not a behavioural targets file: schema 'shoplab.survey.targets/1'; allowed: "
            "'shoplab.market.targets/1'",
        ),
        (
            json.dumps({**FILE_TARGETS, "targets": {"aov": {"value": 1.0}}}),
            "targets.aov.se: Field required",
        ),
        (
            json.dumps({**FILE_TARGETS, "targets": {"aov": {"value": 1, "se": 1, "sd": 2}}}),
            "targets.aov.sd: unknown key",
        ),
        (json.dumps({**FILE_TARGETS, "targets": {}}), "targets: Dictionary should have at least"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(tmp_path, content, message):
    if content is not None:
        (tmp_path / "market.json").write_text(content)
    path = _write(tmp_path, _config(targets={"behavioural_file": "market.json"}))
    with pytest.raises(ConfigError) as err:
        load_calibration_config(path)
    text = _one_line(str(err.value))
    assert text.startswith(f"{path}: targets.behavioural_file: {tmp_path / 'market.json'}: ")
    assert message in text


def test_read_behavioural_targets_returns_source_and_derivations(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(FILE_TARGETS))
    read = read_behavioural_targets(path)
    assert read.source == "annual report"
    assert {k: (t.value, t.se) for k, t in read.targets.items()} == {
        "aov": (50.0, 2.0),
        "mau_ratio": (0.8, 0.02),
    }


# --- the fit ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    return calibrate(parse_calibration_config(_config()), progress=False)


def test_the_fit_compares_summary_fields_only(fitted):
    assert [s.name for s in fitted.observed] == ["summary.aov", "summary.orders_per_buyer"]
    assert len(fitted.trials) == 4
    for sims in fitted.simulated.values():
        assert set(sims) == {"summary.aov", "summary.orders_per_buyer"}
    assert any("no survey (behavioural targets only)" in note for note in fitted.notes)


def test_no_survey_is_administered(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the virtual survey was administered")

    monkeypatch.setattr(worker.ShopperModel, "survey", refuse)
    result = calibrate(parse_calibration_config(_config()), progress=False)
    assert len(result.trials) == 4


def test_the_same_config_gives_the_same_fit(fitted):
    again = calibrate(parse_calibration_config(_config()), progress=False)
    pd.testing.assert_frame_equal(fitted.trials, again.trials, check_exact=True)


def test_survey_targets_are_refused_without_a_survey_and_required_with_one():
    with pytest.raises(ConfigError, match="the config has no survey"):
        calibrate(parse_calibration_config(_config()), example_targets("ecsi"), progress=False)
    with pytest.raises(ConfigError, match="the config has a survey"):
        calibrate(load_calibration_config(shipped_config()), progress=False)


def test_a_target_that_is_no_summary_field_names_the_closest():
    targets = {"behavioural": {"orders_per_buyr": {"value": 3.0, "se": 0.5}}}
    with pytest.raises(ConfigError) as err:
        calibrate(parse_calibration_config(_config(targets=targets)), progress=False)
    text = _one_line(str(err.value))
    assert text.startswith(
        "targets.behavioural.orders_per_buyr: not a field of the run summary "
        "(did you mean 'orders_per_buyer'?); allowed: days, shoppers,"
    )


def test_outputs_show_the_behavioural_targets_with_their_derivations(fitted, tmp_path):
    report = write_calibration(fitted, tmp_path, "behavioural targets in the config")
    for name in OUTPUTS:
        assert (tmp_path / name).exists(), name
    text = report.read_text()
    assert "Behavioural targets (run summary)" in text and "GMV / orders" in text
    fit = pd.read_csv(tmp_path / "fit.csv")
    assert fit["target"].tolist() == ["summary.aov", "summary.orders_per_buyer"]
    assert len(pd.read_csv(tmp_path / "trials.csv")) == 4
    assert pd.read_csv(tmp_path / "parameters.csv")["parameter"].tolist() == list(NO_SURVEY["free"])
    fragment = yaml.safe_load((tmp_path / "calibrated.yaml").read_text())
    assert set(fragment["population"]) == {"order_value_scale", "purchase_rate_scale"}
    table = fitted.behavioural_table()
    assert table["derivation"].tolist() == ["GMV / orders", ""]


# --- the command line ---------------------------------------------------------------------


def test_cli_calibrates_without_targets_when_the_config_has_no_survey(tmp_path, capsys):
    path = _write(tmp_path, _config())
    assert main(["calibrate", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    assert "of 2 target statistics within their observed 95% CI" in capsys.readouterr().out
    header = (tmp_path / "out" / "calibrated.yaml").read_text()
    assert "# targets: behavioural targets in the config;" in header


def test_cli_refuses_targets_without_survey(tmp_path, capsys):
    path = _write(tmp_path, _config())
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps(example_targets("ecsi")))
    assert main(["calibrate", str(path), "--targets", str(targets)]) == 2
    assert "--targets: the config has no survey" in _cli_error(capsys)


def test_cli_requires_targets_when_the_config_has_a_survey(capsys):
    assert main(["calibrate", str(shipped_config())]) == 2
    assert "--targets is required: the config has a survey" in _cli_error(capsys)


def test_cli_refuses_a_config_with_nothing_to_fit(tmp_path, capsys):
    path = _write(tmp_path, _config(targets={}))
    assert main(["calibrate", str(path)]) == 2
    assert f"{path}: survey: required unless a behavioural target" in _cli_error(capsys)


def test_cli_names_a_missing_behavioural_file(tmp_path, capsys):
    path = _write(tmp_path, _config(targets={"behavioural_file": "gone.json"}))
    assert main(["calibrate", str(path)]) == 2
    assert f"{tmp_path / 'gone.json'}: no such behavioural targets file" in _cli_error(capsys)
