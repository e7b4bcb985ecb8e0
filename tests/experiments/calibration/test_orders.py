"""Order-log targets: the simulated log measured by survey.orders, as the real log was."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.calibration.config import load_calibration_config, parse_calibration_config
from experiments.calibration.fit import calibrate
from experiments.calibration.orders import focal_orders, simulated_order_values
from experiments.calibration.report import write_calibration
from experiments.calibration.targets import example_targets
from experiments.calibration.worker import Task, evaluate
from experiments.cli import main
from experiments.errors import ConfigError
from experiments.seeds import replication_seed
from sim import ShopperModel
from survey.orders.analyze import OrderSettings, run_order_analysis
from survey.orders.cleaning import clean_orders
from survey.orders.frame import as_order_frame
from survey.orders.io import RawOrders
from survey.orders.targets import order_targets, summary_tables

DAYS = 40
WINDOW = 20
MODEL = {"population": {"size": 300}}
NAMES = [
    "orders_per_buyer",
    "aov",
    "repeat_purchase_rate",
    f"inactive_share_{WINDOW}",
    "top20_spend_share",
]


@pytest.fixture(scope="module")
def log_targets(tmp_path_factory):
    """targets.json of a 40-day simulated log, as `shoplab orders analyze` writes it."""
    model = ShopperModel(MODEL, rng=np.random.SeedSequence(99), record_orders=True)
    model.run(DAYS)
    cleaned = clean_orders(RawOrders(focal_orders(model), "log.parquet"))
    settings = OrderSettings("2019-01-31", churn_window_days=WINDOW, n_boot=50)
    targets = run_order_analysis(cleaned, settings).targets
    path = tmp_path_factory.mktemp("log") / "targets.json"
    path.write_text(json.dumps(targets))
    return path


def _config(path, **changes):
    data = {
        "name": "orders_tiny",
        "horizon": DAYS,
        "model": MODEL,
        "free": {"population.purchase_rate_scale": {"low": 2.0, "high": 8.0}},
        "targets": {"orders_file": str(path)},
        "budget": {"trials": 2, "batch": 2, "replications": 1, "startup_trials": 2, "seed": 1},
        "execution": {"workers": 1},
    }
    data.update(changes)
    return data


def _one_line(err) -> str:
    text = str(err.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# --- one code path --------------------------------------------------------------------------


def test_the_simulated_statistics_are_survey_orders_applied_to_the_recorded_log():
    spec = parse_calibration_config(
        _config(None, targets={"orders": {n: {"value": 1.0, "se": 0.1} for n in NAMES},
                               "orders_span_days": DAYS})
    ).targets  # fmt: skip
    task = Task(0, 1, MODEL, {}, None, 0, DAYS, 5, (), spec)
    _, _, found = evaluate(task)
    # the same run, recorded and analysed by hand as `shoplab orders analyze` would
    model = ShopperModel(MODEL, rng=replication_seed(5, 1), record_orders=True)
    model.run(DAYS)
    log = model.orders()
    focal = log[log["channel"] == model.focal.name]
    assert len(focal) < len(log)  # the rivals' orders are not the platform's log
    tables = summary_tables(focal, churn_window_days=WINDOW, n_boot=50, seed=0)
    expected = order_targets(tables, source="by hand")["targets"]
    assert sorted(found) == sorted(f"orders.{n}" for n in NAMES)
    for name in NAMES:
        assert found[f"orders.{name}"] == (expected[name]["value"], expected[name]["se"]), name


def test_a_share_at_its_bound_keeps_its_value_with_standard_error_zero():
    # one customer ordering every day: repeat rate 1, binomial SE 0 (the real side drops it)
    orders = as_order_frame(
        pd.DataFrame({"customer_id": "a", "date": pd.date_range("2019-01-01", periods=5)}).assign(
            amount=2.0
        )
    )
    assert simulated_order_values(orders, ["repeat_purchase_rate"]) == {
        "orders.repeat_purchase_rate": (1.0, 0.0)
    }


def test_the_rivals_orders_are_left_out_of_the_focal_log():
    model = ShopperModel(MODEL, rng=3, record_orders=True)
    model.run(10)
    focal = focal_orders(model)
    assert set(focal["channel"]) == {model.focal.name}
    assert np.isclose(focal["amount"].sum(), model.daily_metrics()["gmv"].sum(), rtol=1e-12)


# --- the config -----------------------------------------------------------------------------


def test_the_orders_file_is_read_with_its_span_and_the_config_entries_win(log_targets, tmp_path):
    override = {"aov": {"value": 40.0, "se": 2.0}}
    data = _config(log_targets.name, targets={"orders_file": log_targets.name, "orders": override})
    path = log_targets.parent / "calibrate.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_calibration_config(path)
    assert sorted(config.targets.orders) == sorted(NAMES)
    assert (config.targets.orders["aov"].value, config.targets.orders["aov"].se) == (40.0, 2.0)
    assert config.targets.orders["repeat_purchase_rate"].n > 0
    assert config.orders_source.endswith("2019-01-01 to 2019-02-09 (shoplab orders analyze)")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"horizon": 60},
            "horizon: 60 days, but the order log of targets.orders_file (LOG) spans 40 days; "
            "its statistics are compared over the same span: set horizon: 40",
        ),
        (
            {"targets": {"orders_file": "LOG", "orders": {"gini": {"value": 0.5, "se": 0.1}}}},
            "targets.orders_file (LOG): 'gini' is not a statistic of the simulated order log; "
            "allowed: orders_per_buyer, aov, repeat_purchase_rate, top20_spend_share, "
            "inactive_share_<W>",
        ),
        (
            {
                "targets": {
                    "orders_file": "LOG",
                    "orders": {"inactive_share_30": {"value": 0.5, "se": 0.1}},
                }
            },
            "targets.orders_file (LOG): several churn windows [20, 30]; allowed: one "
            "inactive_share_<W>",
        ),  # fmt: skip
        (
            {
                "targets": {
                    "orders": {"inactive_share_40": {"value": 0.5, "se": 0.1}},
                    "orders_span_days": 40,
                }
            },
            "targets.orders: inactive_share_40: the churn window must be shorter than the "
            "log's 40 days",
        ),  # fmt: skip
        (
            {"targets": {"orders": {"aov": {"value": 50.0, "se": 1.0}}}},
            "targets.orders_span_days: required: the order log's span in days is needed for "
            "targets.orders",
        ),
        (
            {"targets": {"orders_file": "missing.json"}},
            "targets.orders_file: missing.json: no such behavioural targets file",
        ),
    ],
)
def test_a_bad_combination_is_one_config_error_line(log_targets, changes, message):
    data = json.loads(
        json.dumps(_config(str(log_targets), **changes)).replace("LOG", str(log_targets))
    )
    with pytest.raises(ConfigError) as err:
        parse_calibration_config(data, "c.yaml")
    assert message.replace("LOG", str(log_targets)) in _one_line(err)


def test_an_order_log_file_given_as_run_summary_targets_points_to_orders_file(log_targets):
    data = _config(None, targets={"behavioural_file": str(log_targets)})
    with pytest.raises(ConfigError) as err:
        calibrate(parse_calibration_config(data), progress=False)
    assert "an order-log statistic: give the targets.json of `shoplab orders analyze` as " \
        "targets.orders_file" in _one_line(err)  # fmt: skip


# --- the fit --------------------------------------------------------------------------------


def test_order_log_targets_merge_with_a_survey_and_run_summary_targets(log_targets, tmp_path):
    data = _config(
        str(log_targets),
        survey={"codebook": "ecsi", "respondents": 60},
        targets={
            "orders_file": str(log_targets),
            "constructs": ["Satisfaction"],
            "satisfaction_loyalty": False,
            "nps": False,
            "behavioural": {"mau_ratio": {"value": 0.8, "se": 0.05}},
        },
    )
    result = calibrate(parse_calibration_config(data), example_targets("ecsi"), progress=False)
    names = [s.name for s in result.observed]
    assert names == [
        "mean[Satisfaction]",
        "sd[Satisfaction]",
        "summary.mau_ratio",
        *[f"orders.{n}" for n in NAMES],
    ]
    for sims in result.simulated.values():
        assert set(sims) == set(names)
    assert result.behavioural_table()["target"].tolist() == names[2:]
    report = write_calibration(result, tmp_path, "ecsi; order-log targets").read_text()
    assert "Behavioural targets (run summary, simulated order log)" in report
    assert "Order log: log.parquet" in report
    assert any("Order-log statistics" in note for note in result.notes)


def test_cli_fits_an_order_log_and_a_bad_window_exits_2(log_targets, tmp_path, capsys):
    path = tmp_path / "calibrate.yaml"
    path.write_text(yaml.safe_dump(_config(str(log_targets))))
    assert main(["calibrate", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 0
    assert "of 5 target statistics within their observed 95% CI" in capsys.readouterr().out
    header = (tmp_path / "out" / "calibrated.yaml").read_text()
    assert f"order-log targets from {log_targets}" in header
    assert main(["calibrate", str(path), "--set", "horizon=30", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "set horizon: 40" in err, err


def test_a_file_without_its_span_needs_orders_span_days(log_targets, tmp_path):
    data = json.loads(log_targets.read_text())
    (tmp_path / "hand.json").write_text(json.dumps({**data, "source": "a CRM export"}))
    config = _config(str(tmp_path / "hand.json"))
    with pytest.raises(ConfigError) as err:
        parse_calibration_config(config, "c.yaml")
    assert "the order log's span in days is not stated in the source of" in _one_line(err)
    config["targets"]["orders_span_days"] = DAYS
    assert parse_calibration_config(config).orders_source == "a CRM export"
