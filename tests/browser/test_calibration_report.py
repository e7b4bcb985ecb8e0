"""The calibration report (``fit_report.html``) in a real browser, from a tiny calibration
of the shipped market config (smaller than tests/experiments/calibration/test_market.py's)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from experiments.cli import main
from tests.browser.conftest import assert_opens_cleanly, headings, open_report

TINY = [
    "model.population.size=600",
    "horizon=40",
    "model.horizon_days=40",
    "budget.trials=4",
    "budget.batch=2",
    "budget.replications=1",
    "budget.startup_trials=2",
    "execution.workers=1",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibration")
    config = files("experiments") / "configs" / "calibrate_market.yaml"
    args = ["calibrate", str(config), "--quiet", "--out", str(out)]
    for override in TINY:
        args += ["--set", override]
    assert main(args) == 0
    return out / "fit_report.html"


def test_the_calibration_report_opens_cleanly_with_its_images_and_key_tables(page, report):
    open_report(page, report)
    assert_opens_cleanly(page, min_images=1)
    sections = headings(page)
    for key in ("Fitted parameters", "Fitted vs observed"):
        assert any(s.startswith(key) for s in sections), key
    fitted = page.locator("h2:has-text('Fitted parameters') + table")
    assert "base_churn_hazard" in fitted.inner_text()
