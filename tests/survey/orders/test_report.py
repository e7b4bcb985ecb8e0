"""report.html: key results name the published CDNOW fit; tables and notes are in the page."""

import pytest

from survey.orders.analyze import example_analysis
from survey.orders.report import key_results, write_report


@pytest.fixture(scope="module")
def analysis():
    return example_analysis()


def test_key_results_state_the_fits_and_their_n(analysis):
    lines = key_results(analysis)
    assert lines[0] == "2357 customers, 6919 orders, revenue 244,092"
    assert "b = 2.426, log-likelihood -9582.4 (n = 2357)" in lines[3]
    assert lines[4] == "Gamma-Gamma: p = 6.25, q = 3.74, gamma = 15.44 (n = 946 repeat buyers)"


def test_report_has_the_tables_and_notes_without_plots(analysis, tmp_path):
    page = write_report(analysis, tmp_path, plots=False).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Order-log report: CDNOW_sample.txt" in page
    for heading in [
        "Cleaning log",
        "Holdout: mean transactions",
        "Calibration targets",
        "Active share by monthly cohort",
    ]:
        assert heading in page
    assert "several orders of a customer on one day are one transaction" in page
    assert "<img" not in page
