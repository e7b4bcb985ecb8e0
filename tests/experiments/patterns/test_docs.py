"""docs/validation.md cannot drift from the pattern definitions in code."""

import re
from pathlib import Path

import pytest

from experiments.patterns.checks import PATTERNS, RunRecord, evaluate
from experiments.patterns.report import PAGE_COLUMNS, parse_page_table, validation_page

PAGE = Path(__file__).resolve().parents[3] / "docs" / "validation.md"


@pytest.fixture(scope="module")
def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def test_the_pages_table_matches_the_patterns_in_code(page):
    rows = parse_page_table(page)
    assert [r["pattern"] for r in rows] == [p.name for p in PATTERNS]
    assert [r["source"] for r in rows] == [p.source for p in PATTERNS]
    assert [r["range"] for r in rows] == [p.range_text() for p in PATTERNS]
    for row, pattern in zip(rows, PATTERNS, strict=True):
        allowed = {"yes", "no"} if pattern.required else {"not required"}
        assert row["ok"] in allowed, row


def test_the_page_explains_every_pattern_in_order(page):
    headings = re.findall(r"^### (\d+)\. (.+)$", page, flags=re.MULTILINE)
    assert headings == [(str(i), p.name) for i, p in enumerate(PATTERNS, start=1)]
    for p in PATTERNS:
        assert p.definition in page
        assert f"`{p.quantity}`" in page


def test_the_page_says_how_to_regenerate_it(page):
    assert "shoplab patterns" in page and "--markdown docs/validation.md" in page
    assert "Grimm et al. 2005" in page


def test_a_generated_page_reads_back():
    table = evaluate([RunRecord(0, {"take_rate": 0.03})])
    text = validation_page(table, "2 shoppers", "shoplab patterns --markdown x.md", "defaults")
    rows = parse_page_table(text)
    assert list(rows[0]) == list(PAGE_COLUMNS)
    assert rows[7]["model value"] == "0.03" and rows[7]["ok"] == "yes"
    assert rows[0]["model value"] == "n/a" and rows[0]["ok"] == "no"
