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
