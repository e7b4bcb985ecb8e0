import base64
import json
import logging
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from survey.analyze import analyze_survey, run_analysis, write_outputs
from survey.codebook import parse_codebook
from survey.datasets import example_paths, load_example
from survey.io import SurveyTable
from survey.report import key_results
from survey.targets import SCHEMA

PHONES = [f"139{k:08d}" for k in range(250)]
NAMES = [f"王小{chr(0x4E00 + k)}" for k in range(250)]
IPS = [f"198.51.{k // 100}.{k % 100 + 1}" for k in range(250)]


@pytest.fixture(scope="module")
def bank_with_identities(bank, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bank")
    data = bank.assign(ip_address=IPS, phone=PHONES, name=NAMES, duration=np.arange(250) + 30)
    path = folder / "bank.csv"
    data.to_csv(path, index=False)
    raw = parse_codebook(
        yaml.safe_load(example_paths("bank").codebook.read_text(encoding="utf-8"))
    ).model_dump(exclude_defaults=True)
    raw.update(
        identifying=["ip_address", "phone", "name"],
        speeders={"column": "duration", "min_seconds": 40},
        nps={"item": "loy1", "promoters_min": 9, "detractors_max": 6},
    )
    out = folder / "out"
    analysis = analyze_survey(path, parse_codebook(raw), out, n_boot=20, seed=3)
    return analysis, out


def test_every_output_file_is_written(bank_with_identities):
    _, out = bank_with_identities
    for name in [
        "report.html",
        "reliability.csv",
        "validity.csv",
        "statistics.xlsx",
        "cleaning_log.csv",
        "targets.json",
    ]:
        assert (out / name).is_file(), name
    plots = {path.name for path in (out / "plots").iterdir()}
    assert plots == {
        "item_distributions.png",
        "correlation_heatmap.png",
        "satisfaction_loyalty_curve.png",
        "segment_comparison_gender.png",
        "path_diagram.png",
    }


def _all_text(out):
    texts = {}
    for path in out.rglob("*"):
        if path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            texts[path.name] = " ".join(
                str(cell)
                for sheet in book
                for row in sheet.iter_rows(values_only=True)
                for cell in row
            )
        elif path.is_file():
            texts[path.name] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def test_identifying_columns_never_reach_any_output(bank_with_identities):
    _, out = bank_with_identities
    texts = _all_text(out)
    assert len(texts) >= 11
    for name, text in texts.items():
        for value in [*PHONES[:50], *NAMES[:50], *IPS[:50]]:
            assert value not in text, (name, value)


def test_speeders_are_logged_and_dropped(bank_with_identities):
    analysis, out = bank_with_identities
    log = pd.read_csv(out / "cleaning_log.csv")
    speeders = log[log["what"] == "speeder"]
    # durations are 30..279 s, threshold 40 s: the first 10 rows (spreadsheet rows 2-11).
    assert list(speeders["row"]) == list(range(2, 12))
    assert len(analysis.cleaned.items) == 240
    assert analysis.targets["n_respondents"] == 240


def test_targets_follow_the_schema(bank_with_identities):
    analysis, out = bank_with_identities
    targets = json.loads((out / "targets.json").read_text(encoding="utf-8"))
    assert targets["schema"] == SCHEMA
    scores = analysis.cleaned.scores
    assert targets["constructs"]["Loyalty"] == pytest.approx(
        {"mean": scores["Loyalty"].mean(), "sd": scores["Loyalty"].std(), "n": 240}
    )
    female = targets["segments"]["gender"]["female"]
    assert female["n"] == int((analysis.cleaned.segments["gender"] == "female").sum())
    link = targets["satisfaction_loyalty"]
    slope = np.polyfit(scores["Satisfaction"], scores["Loyalty"], 1)[0]
    assert link["slope"] == pytest.approx(slope)
    assert link["correlation"] == pytest.approx(scores["Satisfaction"].corr(scores["Loyalty"]))
    assert sum(level["n"] for level in targets["curve"]["levels"]) == 240
    shares = targets["nps"]
    assert shares["promoters"] + shares["passives"] + shares["detractors"] == pytest.approx(1)


def test_report_is_self_contained(bank_with_identities):
    _, out = bank_with_identities
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "src='http" not in html and "href=" not in html
    images = html.split("data:image/png;base64,")[1:]
    assert len(images) == 5
    assert base64.b64decode(images[0].split("'")[0])[:4] == b"\x89PNG"
    assert "standardised" in html  # the alpha convention is stated


def test_workbook_has_one_sheet_per_table(bank_with_identities):
    analysis, out = bank_with_identities
    sheets = load_workbook(out / "statistics.xlsx", read_only=True).sheetnames
    assert sheets == [*analysis.tables, "cleaning_log"]


def test_mediation_bootstrap_is_seeded():
    table, codebook = load_example("ecsi")
    first = run_analysis(table, codebook, n_boot=10, seed=7).tables["mediation"]
    again = run_analysis(table, codebook, n_boot=10, seed=7).tables["mediation"]
    pd.testing.assert_frame_equal(first, again)


def test_no_bootstrap_skips_mediation_and_says_so():
    analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    assert "mediation" not in analysis.tables
    assert any("Mediation skipped" in note for note in analysis.notes)


def test_curve_without_a_fit_keeps_the_level_means():
    # Only two satisfaction levels: the logistic curve cannot be fitted.
    table, codebook = load_example("ecsi")
    two_levels = table.data.copy()
    for item in ["CUSA1", "CUSA2", "CUSA3"]:
        two_levels[item] = np.where(table.data["CUSA1"] > 7, 9, 5)
    table.data = two_levels
    analysis = run_analysis(table, codebook, n_boot=0)
    assert "curve_fit" not in analysis.tables and len(analysis.tables["curve"]) == 2
    assert analysis.targets["curve"]["logistic"] is None
    assert any("no logistic fit" in note for note in analysis.notes)


def test_segment_levels_too_small_to_compare_are_left_out_with_a_note(bank):
    table, codebook = load_example("bank")
    table.data = table.data.copy()
    table.data.loc[table.data.index[0], "gender"] = "other"  # one respondent only
    analysis = run_analysis(table, codebook, n_boot=0)
    assert set(analysis.tables["segment_posthoc"]["A"]) == {"female"}
    # below survey.cleaning.MIN_SEGMENT_SIZE: suppressed in cleaning, counted in the log
    assert "other" not in analysis.targets["segments"]["gender"]
    summary = analysis.cleaned.summary().set_index("what")
    assert summary.loc["small segment suppressed", "rows"] == 1


def test_segment_without_variance_keeps_the_rank_test_and_says_why():
    table, codebook = load_example("bank")
    data = table.data.copy()
    for item in codebook.items_of("Loyalty"):
        data.loc[data["gender"] == "female", item] = 8
    table.data = data
    analysis = run_analysis(table, codebook, n_boot=0)
    tests = analysis.tables["segment_tests"]
    loyalty = tests[tests["dv"] == "Loyalty"]
    assert list(loyalty["method"]) == ["kruskal"]
    assert any("does not vary within segment" in note for note in analysis.notes)


def _reversed_cusl1():
    """ECSI with CUSL1 stored as 11 - x and the codebook not told."""
    table, codebook = load_example("ecsi")
    table.data = table.data.assign(CUSL1=11 - table.data["CUSL1"])
    return table, codebook


def test_forgotten_reverse_code_is_named_and_nan_never_ranks():
    table, codebook = _reversed_cusl1()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analysis = run_analysis(table, codebook, n_boot=0)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    (warning,) = [w for w in analysis.warnings if w.startswith("Loyalty:")]
    assert "CUSL1" in warning and "reverse:" in warning and "CUSL3" not in warning
    lines = key_results(analysis.tables)
    assert not any(re.search(r"\bnan\b", line, re.IGNORECASE) for line in lines)
    assert any(line.startswith("Negative alpha for Loyalty") for line in lines)
    assert any(line.startswith("HTMT undefined for") and "Loyalty" in line for line in lines)
    highest = next(line for line in lines if line.startswith("Highest HTMT"))
    assert "Loyalty" not in highest


def test_forgotten_reverse_code_reaches_console_and_report(tmp_path, caplog):
    table, codebook = _reversed_cusl1()
    data = tmp_path / "ecsi_reversed.csv"
    table.data.to_csv(data, index=False)
    with caplog.at_level(logging.WARNING, logger="survey"):
        analyze_survey(data, codebook, tmp_path / "out", n_boot=0, plots=False)
    assert any("CUSL1" in record.getMessage() for record in caplog.records)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Warnings</h2>" in html and "`reverse:`" in html


def test_shipped_ecsi_has_no_warnings():
    assert run_analysis(*load_example("ecsi"), n_boot=0).warnings == []


def test_unidentified_logistic_is_not_reported(tmp_path):
    # On ECSI the logistic runs off the scale (lower asymptote in the thousands).
    analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    assert "curve_fit" not in analysis.tables
    models = analysis.tables["curve_models"].set_index("model")
    assert not models.loc["logistic", "reported"]
    assert models.loc["logistic", "note"].startswith("logistic not identified")
    assert analysis.targets["curve"]["logistic"] is None
    assert analysis.targets["curve"]["logistic_note"].startswith("logistic not identified")
    line = next(line for line in key_results(analysis.tables) if "curve" in line)
    assert "not identified" in line and "midpoint" in line  # the reason, not a result
    write_outputs(analysis, tmp_path, plots=False)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "logistic fit (identified)" not in html


def test_identified_logistic_is_reported():
    rng = np.random.default_rng(3)
    n = 600
    sat = rng.integers(1, 11, n)
    s1, s2 = (np.clip(sat + rng.integers(-1, 2, n), 1, 10) for _ in range(2))
    loyalty = 2 + 7 / (1 + np.exp(-1.5 * ((s1 + s2) / 2 - 6)))
    l1, l2 = (np.clip(np.round(loyalty + rng.normal(0, 0.7, n)), 1, 10) for _ in range(2))
    data = pd.DataFrame({"s1": s1, "s2": s2, "l1": l1, "l2": l2})
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 10},
            "constructs": {
                "Satisfaction": {"items": ["s1", "s2"]},
                "Loyalty": {"items": ["l1", "l2"]},
            },
            "roles": {"satisfaction": "Satisfaction", "loyalty": "Loyalty"},
        }
    )
    analysis = run_analysis(SurveyTable(data=data, source="s_shape.csv"), codebook, n_boot=0)
    estimates = analysis.tables["curve_fit"].set_index("parameter")["estimate"]
    assert estimates[["lower", "upper", "midpoint"]].to_numpy() == pytest.approx(
        [2, 9, 6], abs=0.15
    )
    assert analysis.targets["curve"]["logistic"]["midpoint"] == pytest.approx(estimates["midpoint"])
    assert analysis.targets["curve"]["logistic_note"] is None
    line = next(line for line in key_results(analysis.tables) if "curve" in line)
    assert "midpoint 6.0" in line


def test_a_10000_character_segment_level_is_plotted_with_a_short_label(bank, tmp_path):
    # issue 15: a 10,000-character segment name went past 3 GB while plotting (and a
    # 1 M-character level made matplotlib refuse an image too large)
    import tracemalloc

    level = "长" * 10_000
    data = bank.assign(gender=bank["gender"].where(bank["gender"] == "male", level))
    codebook = parse_codebook({**_bank_raw_codebook(), "segments": ["gender"], "pls": None})
    analysis = run_analysis(SurveyTable(data=data, source="bank.csv"), codebook, n_boot=0)
    tracemalloc.start()
    out = write_outputs(analysis, tmp_path / "out", plots=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 300_000_000
    names = sorted(p.name for p in (out / "plots").iterdir())
    assert "segment_comparison_gender.png" in names and all(len(n) < 80 for n in names)
    assert level in (out / "report.html").read_text(encoding="utf-8")  # the table keeps it


def _bank_raw_codebook():
    return yaml.safe_load(example_paths("bank").codebook.read_text(encoding="utf-8"))
