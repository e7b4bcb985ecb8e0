from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.datasets import load_example
from survey.report import TITLES, draw_plots, key_results, write_report


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
    assert "<script>" not in html and "&lt;script&gt;" in html


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
