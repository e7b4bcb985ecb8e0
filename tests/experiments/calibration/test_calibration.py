"""Calibration: config validation, statistics, determinism, outputs, CLI."""

import json
import math
import warnings

import optuna
import pandas as pd
import pytest

from experiments.calibration.config import (
    Behavioural,
    TargetSpec,
    load_calibration_config,
    parse_calibration_config,
    shipped_config,
)
from experiments.calibration.fit import calibrate, make_sampler
from experiments.calibration.moments import behavioural_statistics, statistics
from experiments.calibration.report import OUTPUTS, write_calibration
from experiments.calibration.targets import example_targets
from experiments.cli import main
from experiments.errors import ConfigError
from experiments.loader import read_yaml

TINY = [
    "model.population.size=400",
    "horizon=15",
    "survey.respondents=80",
    "budget.trials=4",
    "budget.batch=2",
    "budget.replications=1",
    "budget.startup_trials=2",
    "execution.workers=1",
]


@pytest.fixture(scope="module")
def ecsi_targets():
    return example_targets("ecsi")


def test_standard_errors_follow_their_formulas():
    targets = {
        "constructs": {"Sat": {"mean": 7.0, "sd": 2.0, "n": 101}},
        "satisfaction_loyalty": {"correlation": 0.5, "slope": 0.8, "n": 103},
        "nps": {"promoters": 0.3, "detractors": 0.2, "n": 100},
    }
    got = {s.name: s.se for s in statistics(targets, ["Sat"], TargetSpec())}
    assert got["mean[Sat]"] == pytest.approx(2.0 / math.sqrt(101))
    assert got["sd[Sat]"] == pytest.approx(2.0 / math.sqrt(200))
    # Fisher: (1 - r^2) / sqrt(n - 3)
    assert got["correlation[satisfaction,loyalty]"] == pytest.approx(0.75 / 10)
    # slope: |b| sqrt((1/r^2 - 1) / (n - 2)) = 0.8 sqrt(3 / 101)
    assert got["slope[loyalty~satisfaction]"] == pytest.approx(0.8 * math.sqrt(3 / 101))
    assert got["nps.promoters"] == pytest.approx(math.sqrt(0.21 / 100))


def test_behavioural_figures_become_targets():
    spec = TargetSpec(behavioural={"retention_365": Behavioural(value=0.55, se=0.03)})
    (stat,) = behavioural_statistics(spec)
    assert (stat.name, stat.value, stat.se) == ("summary.retention_365", 0.55, 0.03)


@pytest.mark.parametrize(
    ("free", "message"),
    [
        ({"platforms.0.qualty": {"low": 0, "high": 1}}, "unknown key 'qualty'"),
        ({"platforms.9.quality": {"low": 0, "high": 1}}, "not an index"),
        ({"loyalty.curve_midpoint": {"low": 1, "high": 0}}, "low must be below high"),
        ({"survey.noise": {"low": 0, "high": 1}}, "allowed: ['loading', 'item_noise'"),
        ({"loyalty": {"low": 0, "high": 1}}, "is not a number"),
    ],
)
def test_bad_free_parameters_name_the_field(free, message):
    data = read_yaml(shipped_config())
    data["free"] = free
    with pytest.raises(ConfigError) as err:
        parse_calibration_config(data, "calibrate.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("calibrate.yaml: ")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("override", "message"),
    [("budget.trials=0", "budget.trials"), ("budget.sampler=grid", "budget.sampler")],
)
def test_bad_budget_names_the_field(override, message):
    with pytest.raises(ConfigError, match=message):
        load_calibration_config(shipped_config(), [override])


def test_unknown_target_construct_names_the_allowed_ones(ecsi_targets):
    config = load_calibration_config(shipped_config(), [*TINY, "targets.constructs=[Image]"])
    with pytest.raises(ConfigError, match="not answered by the model"):
        calibrate(config, ecsi_targets, progress=False)


def test_same_config_same_fit_whatever_the_workers(ecsi_targets):
    one = load_calibration_config(shipped_config(), TINY)
    two = load_calibration_config(shipped_config(), [*TINY, "execution.workers=2"])
    a = calibrate(one, ecsi_targets, progress=False).trials
    b = calibrate(two, ecsi_targets, progress=False).trials
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_outputs_are_written_and_the_fragment_runs_through_shoplab_run(tmp_path, ecsi_targets):
    config = load_calibration_config(shipped_config(), TINY)
    result = calibrate(config, ecsi_targets, progress=False)
    report = write_calibration(result, tmp_path / "cal", "ecsi example")
    for name in OUTPUTS:
        assert (tmp_path / "cal" / name).exists(), name
    assert (tmp_path / "cal" / "plots" / "fit.png").exists()
    assert "data:image/png;base64," in report.read_text()
    fit = pd.read_csv(tmp_path / "cal" / "fit.csv")
    assert {"target", "observed", "fitted", "within_ci", "verdict"} <= set(fit.columns)
    experiment = tmp_path / "experiment.yaml"
    experiment.write_text(
        "name: with_calibration\nhorizon: 10\nreplications: 1\n"
        "model:\n  include: cal/calibrated.yaml\n  population: {size: 300}\n"
    )
    assert main(["run", str(experiment), "--out", str(tmp_path / "run"), "--workers", "1"]) == 0
    summary = pd.read_parquet(tmp_path / "run" / "summary.parquet")
    assert len(summary) == 1


def test_cli_calibrates_from_a_targets_file(tmp_path, ecsi_targets, capsys):
    targets = tmp_path / "targets.json"
    targets.write_text(json.dumps(ecsi_targets))
    args = [
        "calibrate",
        str(shipped_config()),
        "--targets",
        str(targets),
        "--quiet",
        "--out",
        str(tmp_path / "out"),
    ]
    for override in TINY:
        args += ["--set", override]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "within their observed 95% CI" in out
    assert (tmp_path / "out" / "calibrated.yaml").exists()


def test_cli_refuses_a_file_that_is_not_targets(tmp_path, capsys):
    bad = tmp_path / "t.json"
    bad.write_text('{"hello": 1}')
    assert main(["calibrate", str(shipped_config()), "--targets", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "not a calibration targets file" in err and "Traceback" not in err
    assert main(["calibrate", str(shipped_config()), "--targets", str(tmp_path / "no.json")]) == 2


def test_calibration_leaves_optuna_logging_and_warnings_filters_as_they_were(ecsi_targets):
    config = load_calibration_config(shipped_config(), [*TINY, "budget.sampler=tpe"])
    optuna.logging.set_verbosity(optuna.logging.DEBUG)
    try:
        before = (optuna.logging.get_verbosity(), list(warnings.filters))
        calibrate(config, ecsi_targets, progress=False)
        make_sampler(config)
        assert (optuna.logging.get_verbosity(), list(warnings.filters)) == before
    finally:
        optuna.logging.set_verbosity(optuna.logging.INFO)
