"""The experiment report (``report.html`` of ``shoplab run``) in a real browser, from a
tiny experiment: two strategy arms and the baseline, two scenarios, two replications."""

from __future__ import annotations

import pytest

from experiments.cli import main
from tests.browser.conftest import assert_opens_cleanly, headings, open_report

CONFIG = """\
name: tiny
horizon: 20
replications: 2
seed: 7
model:
  population: {size: 300}
scenarios:
  base: {}
  price_war:
    platforms.assortment_leader.price_index: 0.85
strategies:
  baseline: []
  recommendation:
    - {kind: recommendation}
  coupons_at_risk:
    - {kind: coupons, discount: 0.10, target: {kind: at_risk}}
execution: {workers: 1}
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experiment")
    (folder / "tiny.yaml").write_text(CONFIG, encoding="utf-8")
    assert main(["run", str(folder / "tiny.yaml"), "--out", str(folder / "out")]) == 0
    return folder / "out" / "report.html"


def test_the_experiment_report_opens_cleanly_with_its_images_and_key_tables(page, report):
    open_report(page, report)
    assert_opens_cleanly(page, min_images=5)
    sections = headings(page)
    for key in (
        "The question and the answer",
        "Ranking",
        "Which strategy pays for whom",
        "Scenarios side by side",
        "Manifest",
    ):
        assert any(s.startswith(key) for s in sections), key
    ranking = page.locator("table.sortable").first
    assert set(ranking.locator("tbody td:nth-child(2)").all_inner_texts()) == {
        "baseline",
        "recommendation",
        "coupons_at_risk",
    }


def _profits(table) -> list[float]:
    column = table.locator("thead th").all_inner_texts().index("profit (CNY)") + 1
    cells = table.locator(f"tbody td:nth-child({column})").all_inner_texts()
    return [float(c.replace(",", "")) for c in cells]


def test_a_ranking_table_sorts_by_a_column_in_the_browser(page, report):
    open_report(page, report)
    table = page.locator("table.sortable").first
    header = table.locator("thead th", has_text="profit (CNY)")
    header.click()
    assert _profits(table) == sorted(_profits(table))
    header.click()
    assert _profits(table) == sorted(_profits(table), reverse=True)
    assert list(page.problems) == []
