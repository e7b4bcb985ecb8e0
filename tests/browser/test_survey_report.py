"""The survey report in a real browser: a survey whose codebook names constructs in
Chinese (the ECSI mobile-phone answers, shipped with survey/, under Chinese names)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from experiments.cli import main
from tests.browser.conftest import assert_opens_cleanly, headings, open_report

CODEBOOK = """\
scale: {min: 1, max: 10}
constructs:
  满意度: {items: [CUSA1, CUSA2, CUSA3]}
  忠诚度: {items: [CUSL1, CUSL3]}
  感知质量: {items: [PERQ1, PERQ2, PERQ3]}
roles:
  satisfaction: 满意度
  loyalty: 忠诚度
  quality: 感知质量
  drivers: [感知质量]
nps: {item: CUSL3, promoters_min: 9, detractors_max: 6}
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey_zh")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    data = files("survey.datasets") / "ecsi_mobi.csv"
    args = ["survey", "analyze", str(data), "--codebook", str(folder / "codebook.yaml")]
    assert main([*args, "--out", str(folder / "out")]) == 0
    return folder / "out" / "report.html"


def test_the_survey_report_opens_cleanly_with_its_images_and_key_tables(page, report):
    open_report(page, report)
    assert_opens_cleanly(page, min_images=3)
    sections = headings(page)
    for key in ("Key results", "Reliability per construct", "Net Promoter Score"):
        assert any(s.startswith(key) for s in sections), key
    assert page.locator("table").count() >= 10
    reliability = page.locator("h2:text-is('Reliability per construct') + table")
    assert set("满意度忠诚感知质量") <= set(reliability.inner_text())


# A character missing from every font the page may use is drawn as the same empty box
# (the .notdef glyph) whatever the character: two different Chinese characters drawn
# alike mean boxes, drawn differently mean glyphs (as tests/survey/test_fonts.py does for
# matplotlib). The probe is drawn in the font the report gives its Chinese text.
PROBE = """([family, a, b]) => {
  for (const [id, text] of [["probe-a", a], ["probe-b", b]]) {
    const span = document.createElement("span");
    span.id = id; span.textContent = text;
    span.style.cssText = `font-family:${family};font-size:48px;display:inline-block;`
      + "padding:4px;background:white;color:black";
    document.body.prepend(span);
  }
}"""


def _draw_pair(page, family: str) -> tuple[bytes, bytes]:
    page.evaluate(PROBE, [family, "满", "忠"])
    page.evaluate("document.fonts.ready")
    shots = tuple(page.locator(f"#probe-{x}").screenshot() for x in "ab")
    page.evaluate("document.querySelectorAll('#probe-a, #probe-b').forEach(e => e.remove())")
    return shots


def test_the_chinese_construct_names_draw_as_glyphs_not_boxes(page, report):
    open_report(page, report)
    cell = page.locator("td", has_text="满意度").first
    family = cell.evaluate("e => getComputedStyle(e).fontFamily")
    first, second = _draw_pair(page, family)
    assert first != second
    # the control: in a font stack without the report's embedded font, the same two
    # characters are the same box on this machine (no system CJK font)
    # (a machine with a system CJK font draws glyphs there too, and has nothing to show)
    box_a, box_b = _draw_pair(page, "'DejaVu Sans', monospace")
    assert box_a == box_b or _has_system_cjk_font()


def _has_system_cjk_font() -> bool:
    from matplotlib import font_manager

    return any(
        "CJK" in font.name or "Hei" in font.name for font in font_manager.fontManager.ttflist
    )
