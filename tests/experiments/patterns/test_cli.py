"""``shoplab patterns``: exit status, the CSV, bad input, the config's model block."""

import pandas as pd
import pytest

from experiments.cli import build_parser, main
from experiments.patterns.checks import PATTERNS
from experiments.patterns.report import parse_page_table

FAST = ["--shoppers", "700", "--days", "10", "--replications", "2", "--quiet"]


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("shoplab: error: ")
    return lines[0]


def test_patterns_is_a_command():
    assert "patterns" in build_parser().format_help()


def test_exit_0_when_every_required_pattern_holds(fake_model, tmp_path, capsys):
    assert main(["patterns", *FAST, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "700 shoppers x 10 days x 2 replications, seed 0, default parameters" in out
    assert "every required pattern holds" in out
    for p in PATTERNS:
        assert p.name in out


def test_the_csv_columns_and_rows(fake_model, tmp_path):
    assert main(["patterns", *FAST, "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "patterns.csv")
    assert list(table.columns[:6]) == ["pattern", "source", "low", "high", "model value", "ok"]
    assert {"min", "max", "definition", "required", "n"} <= set(table.columns)
    assert table["pattern"].tolist() == [p.name for p in PATTERNS]
    assert table["source"].tolist() == [p.source for p in PATTERNS]
    assert table["low"].tolist() == [p.low for p in PATTERNS]
    assert table["high"].tolist() == [p.high for p in PATTERNS]
    row = table.set_index("pattern").loc["take rate"]
    assert (row["model value"], row["min"], row["max"], row["ok"]) == (0.03, 0.03, 0.03, "yes")
    tested = table[~table["required"]]
    assert set(tested["ok"]) == {"not required"}
    per_replication = pd.read_csv(tmp_path / "replications.csv")
    assert len(per_replication) == 2 * len(PATTERNS)


def test_exit_1_names_the_failing_required_pattern(fake_model, tmp_path, capsys):
    fake_model.summary_override = {"take_rate": 0.05}
    assert main(["patterns", *FAST, "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 required pattern(s) do not hold" in out
    assert "take rate: model value 0.05, range [0.027, 0.031]" in out
    assert (tmp_path / "patterns.csv").exists()  # written all the same


def test_a_nan_model_value_fails_the_pattern(fake_model, tmp_path, capsys):
    fake_model.summary_override = {"mau_ratio": float("nan")}
    assert main(["patterns", *FAST, "--out", str(tmp_path)]) == 1
    assert "monthly actives / annual buyers: model value n/a" in capsys.readouterr().out


def test_a_pattern_that_is_not_required_does_not_fail_the_command(fake_model, tmp_path):
    fake_model.summary_override = {"revenue": 1.0}  # payback of an acquisition: centuries
    assert main(["patterns", *FAST, "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "patterns.csv").set_index("pattern")
    assert table.loc["payback of a paid acquisition", "ok"] == "not required"
    assert not table.loc["payback of a paid acquisition", "in range"]


def test_a_missing_config_is_one_line_with_status_2(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["patterns", str(missing), "--out", str(tmp_path)]) == 2
    line = _one_line_error(capsys)
    assert str(missing) in line and "no such file" in line


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--shoppers", "many", "--shoppers: expected a whole number, got 'many'"),
        ("--shoppers", "0", "--shoppers: must be between 1"),
        ("--days", "1", "--days: must be between 2"),
        ("--days", "36.5", "--days: expected a whole number"),
        ("--replications", "-2", "--replications: must be between 1"),
        ("--seed", "-1", "--seed: must be between 0"),
        ("--workers", "0", "--workers: must be between 1"),
    ],
)
def test_bad_numbers_are_one_line_with_status_2(option, value, expected, tmp_path, capsys):
    assert main(["patterns", option, value, "--out", str(tmp_path)]) == 2
    assert expected in _one_line_error(capsys)


def test_a_bad_model_value_in_the_config_is_one_line(write_config, tmp_path, capsys):
    path = write_config({"name": "x", "model": {"loyalty": {"base_churn_hazard": -1}}})
    assert main(["patterns", str(path), "--out", str(tmp_path)]) == 2
    line = _one_line_error(capsys)
    assert str(path) in line and "model.loyalty.base_churn_hazard" in line


def test_the_configs_model_block_is_used_at_the_stated_size(
    fake_model, write_config, tmp_path, capsys
):
    path = write_config(
        {
            "name": "x",
            "replications": 9,
            "model": {"population": {"size": 999}, "loyalty": {"base_churn_hazard": 0.02}},
        }
    )
    assert main(["patterns", str(path), *FAST, "--out", str(tmp_path)]) == 0
    assert f"the model: block of {path}" in capsys.readouterr().out
    sizes = {p["population"]["size"] for p in fake_model.params_seen}
    hazards = sorted({p["loyalty"]["base_churn_hazard"] for p in fake_model.params_seen})
    assert sizes == {700}
    assert hazards == pytest.approx([0.016, 0.02])
    assert len(fake_model.params_seen) == 4  # --replications 2, not the config's 9


def test_markdown_writes_the_page(fake_model, tmp_path, capsys):
    page = tmp_path / "docs" / "validation.md"
    assert main(["patterns", *FAST, "--out", str(tmp_path), "--markdown", str(page)]) == 0
    text = page.read_text()
    rows = parse_page_table(text)
    assert [r["pattern"] for r in rows] == [p.name for p in PATTERNS]
    assert rows[7]["model value"] == "0.03 (0.03 to 0.03)"
    command = f"shoplab patterns --shoppers 700 --days 10 --replications 2 --markdown {page}"
    assert command in text
    assert "12 of 12 required patterns hold" in text
