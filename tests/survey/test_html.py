from html.parser import HTMLParser

import pandas as pd

from survey.html import DEFAULT_CSS, html_image, html_list, html_page, html_plots, html_table


class _Outline(HTMLParser):
    """Start tags in order and the text inside <title>, <h1> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._open = tag

    def handle_data(self, data):
        if self._open in ("title", "h1", "style"):
            self.text[self._open] = self.text.get(self._open, "") + data

    def handle_endtag(self, tag):
        self._open = None


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_page_has_doctype_charset_title_heading_and_default_css():
    page = html_page("Survey <report> & more", "<p>body</p>")
    outline = _outline(page)
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>")
    assert outline.tags[:6] == ["html", "head", "meta", "title", "style", "body"]
    assert "<meta charset='utf-8'>" in page
    # the title is plain text: escaped in the markup, read back unchanged
    assert outline.text["title"] == outline.text["h1"] == "Survey <report> & more"
    assert "&lt;report&gt; &amp; more" in page
    assert outline.text["style"] == DEFAULT_CSS


def test_body_sections_are_inserted_as_html_in_order():
    page = html_page("t", ["<h2>A</h2>", "<table><tr><td>1</td></tr></table>", "<p>end</p>"])
    body = page[page.index("<body>") :]
    assert body.index("<h2>A</h2>") < body.index("<table>") < body.index("<p>end</p>")
    assert html_page("t", "<h2>A</h2>") == html_page("t", ["<h2>A</h2>"])


def test_css_replaces_the_default():
    page = html_page("t", "", css="td{color:red}")
    assert _outline(page).text["style"] == "td{color:red}" and DEFAULT_CSS not in page


def test_image_is_embedded_with_an_escaped_title():
    snippet = html_image("Quality -> loyalty's curve", "QUJD")
    outline = _outline(snippet)
    assert outline.tags == ["h3", "img"]
    assert "src='data:image/png;base64,QUJD'" in snippet
    assert "alt='Quality -&gt; loyalty&#x27;s curve'" in snippet


def test_list_escapes_each_line_and_sets_the_class():
    snippet = html_list(["a < b", "<script>"], css_class="note")
    assert snippet.splitlines() == [
        "<ul class='note'>",
        "<li>a &lt; b</li>",
        "<li>&lt;script&gt;</li>",
        "</ul>",
    ]
    assert html_list([]) == "<ul>\n</ul>"


def test_table_rounds_to_four_digits_escapes_cells_and_says_when_empty():
    snippet = html_table(pd.DataFrame({"arm": ["a<b"], "uplift": [2.54321], "ci": [float("nan")]}))
    assert "<td>2.543</td>" in snippet and "<td>a&lt;b</td>" in snippet
    assert "<td></td>" in snippet  # missing shown as blank, not NaN
    assert html_table(pd.DataFrame()) == "<p class='note'>Nothing to report.</p>"


def test_plots_section_heads_the_images_in_order_and_is_empty_without_them():
    sections = html_plots({"B": "QkI=", "A": "QUE="})
    assert sections[0] == "<h2>Plots</h2>"
    assert [_outline(s).tags for s in sections[1:]] == [["h3", "img"], ["h3", "img"]]
    assert sections[1].startswith("<h3>B</h3>")
    assert html_plots({}) == []


def test_font_stack_covers_chinese_after_the_default_font():
    from survey.html import FONT_STACK

    families = [f.strip().strip('"') for f in FONT_STACK.split(",")]
    assert families[0] == "shoplab CJK"  # Chinese only: Chromium boxes it when later
    assert families[1] == "system-ui" and families[-1] == "sans-serif"  # Latin, numbers
    assert {"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "shoplab CJK"} <= set(families)
    assert f"font-family:{FONT_STACK}" in DEFAULT_CSS


def test_a_chinese_page_embeds_exactly_its_glyphs_and_the_same_bytes_each_time():
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from survey.html import _subset_font

    page = html_page("满意度 report", html_table(pd.DataFrame({"构念": ["忠诚度"], "n": [3]})))
    face = re.search(r"src:url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", page)
    font = TTFont(io.BytesIO(base64.b64decode(face.group(1))))
    covered = {chr(code) for code in font.getBestCmap()}
    assert covered == set("满意度构念忠诚")  # Latin stays in the system font
    assert "SIL Open Font License" in font["name"].getDebugName(13)
    first = html_page("满意度 report", "")
    _subset_font.cache_clear()  # cut the font again: the same bytes
    assert html_page("满意度 report", "") == first
    assert "@font-face" not in html_page("satisfaction", "<p>no Chinese</p>")


def test_every_page_sorts_its_tables_with_an_inline_script():
    from survey.html import SORT_SCRIPT

    page = html_page("t", html_table(pd.DataFrame({"a": [2, 1]})))
    assert '<table class="dataframe sortable">' in page
    assert page.endswith(f"<script>{SORT_SCRIPT}</script>\n</body></html>")
    assert "http" not in SORT_SCRIPT and "src=" not in SORT_SCRIPT  # nothing fetched


def test_figures_sit_side_by_side_and_sections_carry_their_anchor():
    from survey.html import html_figures, html_section

    grid = html_figures({"base": "QUJD", "价格战": "REVG"})
    assert grid.startswith("<div class='grid'>") and grid.count("<figure>") == 2
    assert "<figcaption>价格战</figcaption>" in grid
    section = html_section("A < B", "<p>x</p>", "a")
    assert section.startswith("<section id='a'><h2>A &lt; B</h2>")
