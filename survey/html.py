"""Self-contained HTML pages, the shell every shoplab report shares.

A report builds its body as HTML strings (headings, tables from
``DataFrame.to_html``, embedded plots from :func:`html_image`) and
:func:`html_page` wraps them in one page: doctype, UTF-8 charset, the escaped title
as ``<title>`` and ``<h1>``, and a stylesheet. Plots are embedded as base64 PNG, so
the page reads offline and can be mailed as one file. The survey report and the
calibration report use it; survey/ imports neither ``sim`` nor ``experiments``, so
any part of the project can.

Examples
--------
>>> page = html_page("Demo", "<p>Hello</p>")
>>> page.startswith("<!DOCTYPE html>"), page.endswith("</body></html>")
(True, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: The stylesheet of every report: a readable width, compact right-aligned tables,
#: images no wider than the page, and muted notes (``class='note'``).
DEFAULT_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}\n"
    "table{border-collapse:collapse;font-size:12px;margin:0.5em 0 1.5em}\n"
    "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}\n"
    "th{background:#eef3f8} img{max-width:100%} .note{color:#555;font-size:13px}"
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
        A stylesheet for the ``<style>`` element; default :data:`DEFAULT_CSS`.

    Returns
    -------
    str
        The page, ready to write as UTF-8.

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
    return "\n".join(
        [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{heading}</title>",
            f"<style>{DEFAULT_CSS if css is None else css}</style></head><body>",
            f"<h1>{heading}</h1>",
            *sections,
            "</body></html>",
        ]
    )


def html_image(title: str, png_base64: str) -> str:
    """A titled plot embedded in the page as a base64 PNG (no file beside the page).

    Parameters
    ----------
    title : str
        Plain text (escaped here): an ``<h3>`` above the image and its ``alt`` text.
    png_base64 : str
        The PNG file's bytes, base64-encoded (``base64.b64encode(data).decode()``).

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


def html_table(table: pd.DataFrame) -> str:
    """A table without its index, numbers to 4 significant digits, cell text escaped.

    Parameters
    ----------
    table : DataFrame
        The table; an empty one gives a muted "Nothing to report." line.

    Returns
    -------
    str
        The ``<table>`` (missing values blank), or the note, for a page's body.

    Examples
    --------
    >>> import pandas as pd
    >>> print(html_table(pd.DataFrame({"arm": ["a<b"], "uplift": [2.54321]})))
    <table class="dataframe">
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
    """
    if table.empty:
        return "<p class='note'>Nothing to report.</p>"
    return table.to_html(
        index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0, escape=True
    )


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
