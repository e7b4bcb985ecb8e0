"""Self-contained HTML pages, the shell every shoplab report shares.

A report builds its body as HTML strings (headings, tables from
:func:`html_table`, embedded plots from :func:`html_image` or side by side from
:func:`html_figures`, sections from :func:`html_section`) and :func:`html_page`
wraps them in one page: doctype, UTF-8 charset, the escaped title as ``<title>`` and
``<h1>``, the shared stylesheet :data:`DEFAULT_CSS` and the table sorter
:data:`SORT_SCRIPT`. Plots are embedded as base64 PNG and the script is inline, so
the page reads offline, fetches nothing and can be mailed as one file. The survey,
order-log, calibration and experiment reports use it, so all have one look;
survey/ imports neither ``sim`` nor ``experiments``, so any part of the project can.

Examples
--------
>>> page = html_page("Demo", "<p>Hello</p>")
>>> page.startswith("<!DOCTYPE html>"), page.endswith("</body></html>")
(True, True)
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Family name of the Chinese glyphs a page embeds (:func:`cjk_font_face`).
EMBEDDED_CJK_FAMILY = "shoplab CJK"

#: Fonts of every report: first the Chinese glyphs the page embeds (only Chinese
#: characters: Latin text and numbers fall through), then the system's interface font,
#: then fonts that cover Chinese (simplified) on Linux, macOS and Windows. The embedded
#: font comes first because Chromium, with no CJK font installed, draws boxes for a
#: line that starts with a Chinese character when it is listed after an installed font.
FONT_STACK = (
    f'"{EMBEDDED_CJK_FAMILY}", system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", '
    '"Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)

#: Characters whose glyphs a page embeds: CJK radicals, punctuation, kana and
#: ideographs (with extensions A to F and compatibility forms), and full-width forms.
CJK_CHARACTERS = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0002fa1f]"
)

#: The stylesheet of every report: a readable width, the CJK-covering
#: :data:`FONT_STACK`, compact tables (labels in the first column left, the rest
#: right-aligned, tabular figures, cells unwrapped) whose headers sort on click,
#: images no wider than the page, side-by-side figures (``class='grid'``), a
#: highlighted answer (``class='headline'``), muted notes (``class='note'``),
#: warnings (``class='warning'``) and table cells marked good, bad or unsure.
DEFAULT_CSS = (
    f"body{{font-family:{FONT_STACK};max-width:1240px;margin:2em auto;padding:0 1em;"
    "color:#1f2933;line-height:1.45}\n"
    "h1{font-size:1.6em;margin:0 0 .3em}\n"
    "h2{border-bottom:2px solid #1b6ca8;padding-bottom:.15em;margin-top:1.8em}\n"
    "h3{font-size:1.05em;margin:1.2em 0 .4em}\n"
    "table{border-collapse:collapse;font-size:12px;margin:0.5em 0 1.5em;max-width:100%;"
    "overflow-x:auto;display:block;width:max-content;font-variant-numeric:tabular-nums}\n"
    "td,th{border:1px solid #d5dbe3;padding:3px 5px;text-align:right}\n"
    "td{white-space:nowrap} td:first-child,th:first-child{text-align:left}\n"
    "th{background:#eef3f8} tbody tr:nth-child(even){background:#f8fafc}\n"
    "table.sortable th{cursor:pointer} table.sortable th:hover{background:#dde8f3}\n"
    "th[aria-sort=ascending]::after{content:' \\25B2'}\n"
    "th[aria-sort=descending]::after{content:' \\25BC'}\n"
    "img{max-width:100%} figure{margin:0}\n"
    "figcaption{font-weight:600;font-size:13px;margin:.3em 0}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:1em}\n"
    ".headline{font-size:1.12em;background:#f1f7fd;border-left:4px solid #1b6ca8;"
    "padding:.5em 1em;margin:.6em 0}\n"
    ".note{color:#555;font-size:13px} .warning{color:#9a3412}\n"
    "td.good{color:#17703a;font-weight:600} td.bad{color:#b42318} td.unsure{color:#8a6100}\n"
    "nav{font-size:13px} nav a{margin-right:1em;color:#1b6ca8}\n"
    "details>summary{cursor:pointer;color:#1b6ca8;margin:.4em 0}\n"
    "pre{background:#f6f8fa;padding:.8em;overflow:auto;font-size:12px}"
)

#: Inline script of every page: a click on a header of a ``table.sortable`` sorts
#: its rows by that column, ascending then descending. Cells are compared as
#: numbers when they read as one (``+1,234``, ``-0.5``, ``<0.001``, ``12k``, ``3.4M``,
#: ``56%``, the lower bound of ``[+1, +2]``), as text otherwise; numbers come before
#: text and blank cells last. No library, no network.
SORT_SCRIPT = """(function () {
  var scale = {k: 1e3, K: 1e3, M: 1e6, "%": 1};
  function key(cell) {
    var text = cell ? cell.textContent.trim() : "";
    if (text === "") return null;
    var m = text.replace(/[,\\s]/g, "").replace(/\\u2212/g, "-")
      .match(/^[<>\\u2264\\u2265]?\\[?([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)([kKM%]?)/);
    return m ? parseFloat(m[1]) * (scale[m[2]] || 1) : text;
  }
  function compare(a, b) {
    if (a === null || b === null) return (a === null) - (b === null);
    if (typeof a === "number" && typeof b === "number") return a - b;
    if (typeof a === "number") return -1;
    if (typeof b === "number") return 1;
    return a.localeCompare(b);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, column) {
      th.title = "sort by this column";
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        if (!body) return;
        var down = th.getAttribute("aria-sort") === "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          return {row: row, key: key(row.cells[column]), i: i};
        });
        rows.sort(function (a, b) {
          var c = compare(a.key, b.key);
          if (a.key !== null && b.key !== null && down) c = -c;
          return c || a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  });
})();"""


@lru_cache(maxsize=32)
def _subset_font(characters: str) -> str:
    """Noto Sans CJK SC cut down to ``characters``, as base64 OpenType (same bytes each time)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from survey.fonts import cjk_font_path

    options = subset.Options()
    options.name_IDs = ["*"]  # keeps the font's copyright and SIL OFL notice
    options.hinting = False
    options.notdef_outline = True
    font = TTFont(cjk_font_path(), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def cjk_font_face(text: str) -> str:
    """A CSS ``@font-face`` that embeds the glyphs of the CJK characters in ``text``.

    Browsers on a machine without a Chinese font would draw boxes: the page carries
    its own glyphs instead, cut from Noto Sans CJK SC (SIL OFL 1.1, shipped by the
    ``mplfonts`` dependency, see :mod:`survey.fonts`) down to the characters the
    page uses (a few kB), as family :data:`EMBEDDED_CJK_FAMILY`, which
    :data:`FONT_STACK` lists first (it has no Latin glyph, so Latin text and numbers
    fall through to the system font).

    Parameters
    ----------
    text : str
        The page's text.

    Returns
    -------
    str
        The rule (the font as a base64 ``data:`` URL), or ``""`` when ``text`` has
        no CJK character.

    Examples
    --------
    >>> cjk_font_face("no Chinese here")
    ''
    >>> cjk_font_face("满意度 and 忠诚度").startswith(
    ...     '@font-face{font-family:"shoplab CJK";src:url(data:font/otf;base64,')
    True
    """
    characters = "".join(sorted(set(CJK_CHARACTERS.findall(text))))
    if not characters:
        return ""
    return (
        f'@font-face{{font-family:"{EMBEDDED_CJK_FAMILY}";'
        f'src:url(data:font/otf;base64,{_subset_font(characters)}) format("opentype")}}'
    )


def html_page(title: str, body: str | Sequence[str], css: str | None = None) -> str:
    """A complete, self-contained HTML page.

    Parameters
    ----------
    title : str
        Plain text (escaped here): the page's ``<title>`` and its ``<h1>`` heading.
    body : str or sequence of str
        The page content as HTML, one string or a sequence of sections (joined with
        newlines). It is inserted as it is, not escaped: escape any text from data
        with :func:`html.escape` (``DataFrame.to_html`` escapes cell text itself).
    css : str, optional
        A stylesheet for the ``<style>`` element; default :data:`DEFAULT_CSS`. When
        the page has Chinese (CJK) text, :func:`cjk_font_face` is added to it.

    Returns
    -------
    str
        The page, ready to write as UTF-8; :data:`SORT_SCRIPT` ends its body, so
        the tables of :func:`html_table` sort on a click.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"arm": ["points"], "uplift": [2.5]}).to_html(index=False)
    >>> page = html_page("Results: A & B", ["<h2>Uplift</h2>", table], css="td{color:red}")
    >>> print(page[: page.index("<h2>")].rstrip())
    <!DOCTYPE html><html><head><meta charset='utf-8'>
    <title>Results: A &amp; B</title>
    <style>td{color:red}</style></head><body>
    <h1>Results: A &amp; B</h1>
    """
    sections = [body] if isinstance(body, str) else list(body)
    heading = html.escape(title)
    style = DEFAULT_CSS if css is None else css
    face = cjk_font_face(heading + "".join(sections))
    style = f"{style}\n{face}" if face else style
    return "\n".join(
        [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{heading}</title>",
            f"<style>{style}</style></head><body>",
            f"<h1>{heading}</h1>",
            *sections,
            f"<script>{SORT_SCRIPT}</script>",
            "</body></html>",
        ]
    )


def png_file_base64(path: str | Path) -> str:
    r"""A PNG file's bytes, base64-encoded, for :func:`html_image` and :func:`html_figures`.

    Parameters
    ----------
    path : str or Path
        The PNG file.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "tiny.png"
    >>> _ = path.write_bytes(b"\x89PNG")
    >>> png_file_base64(path)
    'iVBORw=='
    """
    return base64.b64encode(Path(path).read_bytes()).decode("ascii")


def html_image(title: str, png_base64: str) -> str:
    """A titled plot embedded in the page as a base64 PNG (no file beside the page).

    Parameters
    ----------
    title : str
        Plain text (escaped here): an ``<h3>`` above the image and its ``alt`` text.
    png_base64 : str
        The PNG file's bytes, base64-encoded (:func:`png_file_base64`).

    Returns
    -------
    str
        HTML for :func:`html_page`'s body.

    Examples
    --------
    >>> print(html_image("Fit <1>", "iVBORw0KGgo="))
    <h3>Fit &lt;1&gt;</h3>
    <img alt='Fit &lt;1&gt;' src='data:image/png;base64,iVBORw0KGgo='>
    """
    label = html.escape(title)
    return f"<h3>{label}</h3>\n<img alt='{label}' src='data:image/png;base64,{png_base64}'>"


def html_list(items: Sequence[str], css_class: str | None = None) -> str:
    """A bulleted list of plain-text lines (each escaped), e.g. key results or notes.

    Parameters
    ----------
    items : sequence of str
        The lines, as plain text.
    css_class : str, optional
        Class of the ``<ul>``, e.g. ``"note"`` for :data:`DEFAULT_CSS`'s muted notes.

    Returns
    -------
    str
        HTML for :func:`html_page`'s body.

    Examples
    --------
    >>> print(html_list(["alpha < 0.7", "n = 250"], css_class="note"))
    <ul class='note'>
    <li>alpha &lt; 0.7</li>
    <li>n = 250</li>
    </ul>
    """
    opening = "<ul>" if css_class is None else f"<ul class='{html.escape(css_class)}'>"
    return "\n".join([opening, *[f"<li>{html.escape(item)}</li>" for item in items], "</ul>"])


def html_table(table: pd.DataFrame, cell_classes: Mapping[str, str] | None = None) -> str:
    """A sortable table without its index, numbers to 4 significant digits, text escaped.

    Parameters
    ----------
    table : DataFrame
        The table; an empty one gives a muted "Nothing to report." line.
    cell_classes : mapping of str to str, optional
        Cell text -> CSS class of the cells whose whole text it is, e.g.
        ``{"pays": "good", "loses": "bad"}`` (:data:`DEFAULT_CSS` colours ``good``,
        ``bad`` and ``unsure``).

    Returns
    -------
    str
        The ``<table class="dataframe sortable">`` (missing values blank; a click on
        a header sorts it, see :data:`SORT_SCRIPT`), or the note, for a page's body.

    Examples
    --------
    >>> import pandas as pd
    >>> print(html_table(pd.DataFrame({"arm": ["a<b"], "uplift": [2.54321]})))
    <table class="dataframe sortable">
      <thead>
        <tr style="text-align: right;">
          <th>arm</th>
          <th>uplift</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>a&lt;b</td>
          <td>2.543</td>
        </tr>
      </tbody>
    </table>
    >>> html_table(pd.DataFrame())
    "<p class='note'>Nothing to report.</p>"
    >>> "<td class='bad'>loses</td>" in html_table(pd.DataFrame({"verdict": ["loses"]}),
    ...                                            cell_classes={"loses": "bad"})
    True
    """
    if table.empty:
        return "<p class='note'>Nothing to report.</p>"
    markup = table.to_html(
        index=False,
        float_format=lambda v: f"{v:.4g}",
        na_rep="",
        border=0,
        escape=True,
        classes="sortable",
    )
    for text, css_class in (cell_classes or {}).items():
        cell = f"<td>{html.escape(text)}</td>"
        markup = markup.replace(cell, f"<td class='{html.escape(css_class)}'>{cell[4:]}")
    return markup


def html_plots(images: Mapping[str, str]) -> list[str]:
    """The "Plots" section: a heading and each titled plot, nothing when there are none.

    Parameters
    ----------
    images : mapping of str to str
        Title -> base64 PNG, in page order.

    Returns
    -------
    list of str
        HTML sections for :func:`html_page`'s body.

    Examples
    --------
    >>> html_plots({})
    []
    >>> for section in html_plots({"Fit": "iVBORw0KGgo="}):
    ...     print(section)
    <h2>Plots</h2>
    <h3>Fit</h3>
    <img alt='Fit' src='data:image/png;base64,iVBORw0KGgo='>
    """
    if not images:
        return []
    return ["<h2>Plots</h2>", *[html_image(title, data) for title, data in images.items()]]


def html_figures(images: Mapping[str, str]) -> str:
    """Plots side by side, each with its caption, wrapping to the page's width.

    Parameters
    ----------
    images : mapping of str to str
        Caption (plain text, escaped here) -> base64 PNG, in reading order.

    Returns
    -------
    str
        A ``<div class='grid'>`` of ``<figure>`` elements (empty string without
        images), for a page's body.

    Examples
    --------
    >>> print(html_figures({"base <1>": "QUJD", "price war": "REVG"}))
    <div class='grid'>
    <figure><figcaption>base &lt;1&gt;</figcaption><img alt='base &lt;1&gt;' \
src='data:image/png;base64,QUJD'></figure>
    <figure><figcaption>price war</figcaption><img alt='price war' \
src='data:image/png;base64,REVG'></figure>
    </div>
    >>> html_figures({})
    ''
    """
    if not images:
        return ""
    figures = []
    for caption, data in images.items():
        label = html.escape(caption)
        figures.append(
            f"<figure><figcaption>{label}</figcaption><img alt='{label}' "
            f"src='data:image/png;base64,{data}'></figure>"
        )
    return "\n".join(["<div class='grid'>", *figures, "</div>"])


def html_section(title: str, body: str | Sequence[str], anchor: str) -> str:
    """A titled ``<section>`` that a link ``#anchor`` jumps to.

    Parameters
    ----------
    title : str
        Plain text (escaped here): the section's ``<h2>``.
    body : str or sequence of str
        The section's HTML (inserted as it is; escape text from data first).
    anchor : str
        The section's ``id`` (escaped here).

    Returns
    -------
    str
        HTML for :func:`html_page`'s body.

    Examples
    --------
    >>> print(html_section("Ranking & CIs", ["<p>a</p>", "<p>b</p>"], "ranking"))
    <section id='ranking'><h2>Ranking &amp; CIs</h2>
    <p>a</p>
    <p>b</p>
    </section>
    """
    parts = [body] if isinstance(body, str) else list(body)
    opening = f"<section id='{html.escape(anchor)}'><h2>{html.escape(title)}</h2>"
    return "\n".join([opening, *parts, "</section>"])
