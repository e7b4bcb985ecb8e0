"""The shipped market calibration: Pinduoduo's published 2019 figures, no survey."""

import json
import math
from pathlib import Path

import pytest
import yaml

from experiments.calibration.config import (
    BEHAVIOURAL_SCHEMA,
    load_calibration_config,
    read_behavioural_targets,
    shipped_config,
)
from experiments.calibration.targets import example_targets
from experiments.cli import main

CONFIGS = shipped_config().parent

#: The shipped market calibration at a tiny size.
TINY = [
    "model.population.size=1500",
    "horizon=60",
    "model.horizon_days=60",
    "budget.trials=4",
    "budget.batch=2",
    "budget.replications=1",
    "budget.startup_trials=2",
    "execution.workers=1",
]


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("calibrate_*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_calibration_config_validates_at_full_size(path):
    config = load_calibration_config(path)
    assert config.name == path.stem


def test_the_market_config_fits_five_parameters_to_the_targets_file_without_survey():
    config = load_calibration_config(shipped_config("market"))
    assert config.survey is None and config.targets.behavioural_file == "market_targets.json"
    assert (config.horizon, config.model.horizon_days) == (365, 365)
    assert config.model.population.size == 20_000
    assert list(config.free) == [
        "population.purchase_rate_scale",
        "population.order_value_scale",
        "loyalty.base_churn_hazard",
        "accounting.ltr_shift",
        "accounting.ltr_scale",
    ]
    assert config.execution.workers == 2


def test_the_shipped_defaults_lie_within_the_search_bounds():
    # the defaults in sim/params.py are this calibration's result
    config = load_calibration_config(shipped_config("market"))
    tree = config.model.model_dump()
    for path, bounds in config.free.items():
        block, name = path.split(".")
        assert bounds.low <= tree[block][name] <= bounds.high, path


def test_the_market_targets_follow_their_derivations():
    read = read_behavioural_targets(CONFIGS / "market_targets.json")
    raw = json.loads((CONFIGS / "market_targets.json").read_text())
    assert raw["schema"] == BEHAVIOURAL_SCHEMA
    t = read.targets
    assert all(target.derivation for target in t.values())
    # 50-54 M orders a day x 365 / 585.2 M annual active buyers; SE half the spread
    low, high = 50e6 * 365 / 585.2e6, 54e6 * 365 / 585.2e6
    assert t["orders_per_buyer"].value == pytest.approx((low + high) / 2, abs=0.1)
    assert t["orders_per_buyer"].se == pytest.approx((high - low) / 2, abs=0.3)
    # spending per active buyer / orders per buyer
    assert t["aov"].value == pytest.approx(1720.1 / 32.5, abs=0.1)
    # Q4 MAU / annual active buyers
    assert t["mau_ratio"].value == pytest.approx(481.5 / 585.2, abs=5e-4)
    # the ECSI survey's likelihood-to-recommend shares, binomial SEs
    nps = example_targets("ecsi")["nps"]
    shares = {"promoter_share_end": "promoters", "detractor_share_end": "detractors"}
    for field, share in shares.items():
        p, n = nps[share], nps["n"]
        assert t[field].value == pytest.approx(p)
        assert t[field].se == pytest.approx(math.sqrt(p * (1 - p) / n), abs=5e-4)


def test_the_market_calibration_runs_at_a_tiny_size(tmp_path, capsys):
    args = ["calibrate", str(shipped_config("market")), "--quiet", "--out", str(tmp_path)]
    for override in TINY:
        args += ["--set", override]
    assert main(args) == 0
    assert "of 5 target statistics within their observed 95% CI" in capsys.readouterr().out
    fragment = yaml.safe_load((tmp_path / "calibrated.yaml").read_text())
    assert {block: sorted(values) for block, values in fragment.items()} == {
        "population": ["order_value_scale", "purchase_rate_scale"],
        "loyalty": ["base_churn_hazard"],
        "accounting": ["ltr_scale", "ltr_shift"],
    }
    report = Path(tmp_path / "fit_report.html").read_text()
    assert "Pinduoduo Inc., fourth quarter and fiscal year 2019" in report
    assert "585.2 M annual active buyers" in report


@pytest.mark.slow
def test_the_shipped_calibration_reproduces_the_shipped_defaults(tmp_path):
    # the full shipped calibration (192 candidates x 2 runs of 20,000 shoppers, about
    # 8 minutes on 2 cores): the defaults in sim/params.py are its estimates, to 3
    # significant figures
    out = tmp_path / "market"
    assert main(["calibrate", str(shipped_config("market")), "--quiet", "--out", str(out)]) == 0
    fitted = yaml.safe_load((out / "calibrated.yaml").read_text())
    defaults = load_calibration_config(shipped_config("market")).model.model_dump()
    for block, values in fitted.items():
        for name, value in values.items():
            assert defaults[block][name] == pytest.approx(float(f"{value:.3g}"), rel=1e-12), name
