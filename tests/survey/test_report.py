from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.datasets import load_example
from survey.report import (
    TITLES,
    data_quality_lines,
    draw_plots,
    key_results,
    low_n_lines,
    write_report,
)


@pytest.fixture(scope="module")
def analysis():
    return run_analysis(*load_example("ecsi"), n_boot=0)


def test_report_lists_every_table_and_convention(analysis, tmp_path):
    html = write_report(analysis, tmp_path, plots=False).read_text(encoding="utf-8")
    for name in analysis.tables:
        assert escape(TITLES[name]) in html
    assert "principal-axis" in html and "Mode A" in html and "1-10 scale" in html


def test_plots_are_written_as_png(analysis, tmp_path):
    images = draw_plots(analysis, tmp_path / "plots")
    files = sorted(Path(tmp_path / "plots").glob("*.png"))
    assert len(images) == len(files) == 4  # ECSI has no segment column


def test_cell_text_is_escaped(analysis, tmp_path):
    analysis.tables["cleaning_summary"].loc[0] = ["<script>alert(1)</script>", 1, 1]
    html = write_report(analysis, tmp_path, plots=False).read_text(encoding="utf-8")
    # the page may carry its own scripts (the table sorter); the cell's never runs
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_key_results_quote_the_tables(analysis):
    lines = key_results(analysis.tables)
    alpha = analysis.tables["reliability"]["alpha_std"]
    assert f"{alpha.min():.3f} (Expectations)" in lines[0]
    link = analysis.tables["satisfaction_loyalty"].iloc[0]
    assert any(f"r = {link['r']:.3f}" in line for line in lines)
    assert lines[-1].startswith("PLS R-squared: Expectations")


def test_key_results_skip_undefined_values():
    reliability = pd.DataFrame({"construct": ["A", "B", "C"], "alpha_std": [0.8, -0.5, np.nan]})
    lines = key_results({"reliability": reliability})
    assert lines[0] == "Standardised Cronbach's alpha from -0.500 (B) to 0.800 (A)."
    assert lines[1].startswith("Negative alpha for B (-0.500): ")
    assert lines[2] == "Cronbach's alpha undefined for C."
    validity = pd.DataFrame(
        {"construct_a": ["A", "A"], "construct_b": ["B", "C"], "htmt": [np.nan, np.nan]}
    )
    assert key_results({"validity": validity})[0].startswith("HTMT undefined for A-B, A-C")


@pytest.fixture(scope="module")
def holed_analysis():
    """ECSI with MCAR 10% in Quality/Satisfaction/Complaints, 30% in Loyalty (seeded)."""
    import dataclasses

    table, codebook = load_example("ecsi")
    data = table.data.copy()
    rng = np.random.default_rng(7)
    for name in codebook.constructs:
        if name in ("Image", "Expectations", "Value"):
            continue
        for item in codebook.items_of(name):
            data.loc[rng.random(len(data)) < (0.3 if name == "Loyalty" else 0.1), item] = np.nan
    return run_analysis(dataclasses.replace(table, data=data), codebook, n_boot=0)


def test_every_statistic_table_gives_its_n(holed_analysis):
    tables = holed_analysis.tables
    for name in [
        "descriptives",
        "construct_scores",
        "reliability",
        "item_analysis",
        "correlations",
    ]:
        assert "n" in tables[name].columns, name
    assert {"n_min", "n_max", "n", "n_ave_a", "n_ave_b"} <= set(tables["validity"].columns)
    assert tables["missing_mcar"]["n"].iloc[0] == 250


def test_htmt_of_complete_constructs_unchanged_in_the_analysis(analysis, holed_analysis):
    def pairs(a):
        return a.tables["validity"].set_index(["construct_a", "construct_b"])

    full, holed = pairs(analysis), pairs(holed_analysis)
    for pair in [("Image", "Expectations"), ("Image", "Value"), ("Expectations", "Value")]:
        assert holed.loc[pair, "htmt"] == pytest.approx(full.loc[pair, "htmt"], abs=1e-12)
        assert holed.loc[pair, "correlation"] == pytest.approx(full.loc[pair, "correlation"])
    assert holed.loc[("Image", "Expectations"), "htmt"] == pytest.approx(0.88803042750925)


def test_data_quality_section_flags_statistics_on_few_respondents(holed_analysis, tmp_path):
    html = write_report(holed_analysis, tmp_path, plots=False).read_text(encoding="utf-8")
    assert "<h2>Data quality</h2>" in html
    lines = data_quality_lines(holed_analysis.tables, 250)
    assert lines[0].startswith("8.1% of the item answers are missing; most in CUSL")
    assert any(line.startswith("Little's MCAR test: chi2 = ") for line in lines)
    reliability = next(line for line in lines if line.startswith("Reliability per construct"))
    assert "Loyalty (n = 90, 36%)" in reliability and "Image" not in reliability
    validity = next(line for line in lines if line.startswith("Discriminant validity"))
    assert "Image-Expectations" not in validity and "Image-Loyalty (n = 90" in validity
    assert not any(line.startswith("Satisfaction -> loyalty: mean") for line in lines)


def test_complete_data_has_no_data_quality_flags(analysis):
    assert data_quality_lines(analysis.tables, 250) == ["No missing answers."]
    assert "missing_mcar" not in analysis.tables
    assert "No missing answers: Little's MCAR test is not needed." in analysis.notes
    assert low_n_lines(analysis.tables, 250) == []
