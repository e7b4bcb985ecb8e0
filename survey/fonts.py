"""Chinese (CJK) text in plots on a machine that has no CJK font installed.

The font is **Noto Sans CJK SC Regular**, the file ``fonts/NotoSansCJKsc-Regular.otf`` of
the ``mplfonts`` package (a dependency, installed from PyPI). The font's own name table
says (name ID 13): "This Font Software is licensed under the SIL Open Font License,
Version 1.1" (Adobe, 2014-2015, for Google's Noto project). ``mplfonts`` also ships
SimHei, which is not openly licensed: it is never used. No font file is kept in this
repository.

:func:`plot_style` is the one way the plots of ``survey`` and ``experiments`` apply their
packaged style: it registers the font with matplotlib's font manager (once) and puts it
AFTER the style's default font in ``font.family``. Matplotlib (3.6 and later) falls back
glyph by glyph along that list, so numbers and Latin text stay in the default font
(DejaVu Sans) and only the characters it lacks come from Noto Sans CJK SC. The family
names are written out (not the generic ``sans-serif``), so a text drawn in the context
keeps its fonts when the figure is saved later outside it. An SVG of a figure with
Chinese text draws its text as outlines (``plot_style(..., saving=figure)``).

The HTML reports embed the glyphs of their Chinese characters, cut from the same file
(:func:`survey.html.cjk_font_face`).
"""

from __future__ import annotations

import importlib.util
import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import matplotlib
import matplotlib.style
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

#: The distribution that ships the font, and the font file inside its package.
FONT_PACKAGE = "mplfonts"
FONT_FILE = "fonts/NotoSansCJKsc-Regular.otf"

#: The family name matplotlib reads from the font file.
CJK_FAMILY = "Noto Sans CJK SC"


class _RegularOnly(logging.Filter):
    """Drop matplotlib's notice that the CJK font has no bold face (titles are bold).

    The file is the Regular weight only, so bold Chinese text is drawn Regular; said once
    here rather than on every command's standard error.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.getMessage().startswith("findfont: Failed to find font weight")
            and CJK_FAMILY in record.getMessage()
        )


@cache
def cjk_font_path() -> Path:
    """The path of the Noto Sans CJK SC file inside the installed ``mplfonts`` package.

    The package is located without importing it (its import pulls in a command-line tool).

    Returns
    -------
    Path
        ``.../site-packages/mplfonts/fonts/NotoSansCJKsc-Regular.otf``.

    Raises
    ------
    FileNotFoundError
        If ``mplfonts`` is not installed or lacks the file; the message says how to fix it.

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / FONT_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"the CJK font {FONT_FILE} of the {FONT_PACKAGE} package is missing: "
        f"reinstall shoplab (pip install -e .) or run pip install {FONT_PACKAGE}"
    )


def register_cjk_font() -> str:
    """Add Noto Sans CJK SC to matplotlib's font manager, unless it is there already.

    It has one weight (Regular): matplotlib's log line that bold text falls back to it
    is filtered out.

    Returns
    -------
    str
        The family name to put in ``font.family``: ``'Noto Sans CJK SC'``.

    Examples
    --------
    >>> register_cjk_font()
    'Noto Sans CJK SC'
    >>> from matplotlib import font_manager
    >>> prop = font_manager.FontProperties(family=[CJK_FAMILY])
    >>> Path(font_manager.findfont(prop, fallback_to_default=False)) == cjk_font_path()
    True
    """
    path = cjk_font_path()
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    logger = logging.getLogger(font_manager.__name__)
    if not any(isinstance(f, _RegularOnly) for f in logger.filters):
        logger.addFilter(_RegularOnly())
    return CJK_FAMILY


def default_family() -> str:
    """The family of the font the current ``rcParams`` draw text in (the default font).

    Returns
    -------
    str
        E.g. ``'DejaVu Sans'``, matplotlib's own default.

    Examples
    --------
    >>> with matplotlib.rc_context({"font.family": "sans-serif",
    ...                             "font.sans-serif": ["DejaVu Sans"]}):
    ...     default_family()
    'DejaVu Sans'
    """
    prop = font_manager.FontProperties(family=matplotlib.rcParams["font.family"])
    return font_manager.get_font(font_manager.findfont(prop)).family_name


def cjk_fallback_rc() -> dict[str, list[str]]:
    """``rcParams`` that draw text in the current default font, then Noto Sans CJK SC.

    Returns
    -------
    dict
        ``{"font.family": [default family, "Noto Sans CJK SC"]}``.

    Examples
    --------
    >>> with matplotlib.rc_context({"font.family": "sans-serif",
    ...                             "font.sans-serif": ["DejaVu Sans"]}):
    ...     cjk_fallback_rc()
    {'font.family': ['DejaVu Sans', 'Noto Sans CJK SC']}
    """
    cjk = register_cjk_font()
    default = default_family()
    return {"font.family": [default] if default == cjk else [default, cjk]}


@contextmanager
def plot_style(style: str | Path, *, saving: Figure | None = None) -> Iterator[None]:
    """Apply a packaged matplotlib style with Noto Sans CJK SC as the fallback font.

    Use it instead of ``matplotlib.style.context(style)`` around drawing and saving.
    Global ``rcParams`` are restored on exit; the font stays registered.

    Parameters
    ----------
    style : str or Path
        A style name or ``.mplstyle`` file, as for :func:`matplotlib.style.context`.
    saving : Figure, optional
        The figure about to be saved. If it has CJK text, SVG files draw their text as
        outlines (``svg.fonttype: path``): an SVG whose text names its fonts shows boxes
        on a machine without a CJK font. Figures in Latin script keep their text.

    Yields
    ------
    None

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> with plot_style("default"):
    ...     ax = Figure().add_subplot()
    ...     label = ax.set_title("满意度 2024")
    >>> label.get_fontfamily()
    ['DejaVu Sans', 'Noto Sans CJK SC']
    >>> with plot_style({"svg.fonttype": "none"}, saving=ax.figure):
    ...     matplotlib.rcParams["svg.fonttype"]
    'path'
    """
    with matplotlib.style.context(style), matplotlib.rc_context(cjk_fallback_rc()):
        if saving is not None and has_cjk_text(saving):
            with matplotlib.rc_context({"svg.fonttype": "path"}):
                yield
        else:
            yield


def has_cjk_text(figure: Figure) -> bool:
    """Whether any text of ``figure`` (tick labels and legends included) has CJK characters.

    Tick labels are read through the Axes, which sets them (a categorical axis names its
    ticks only then); nothing is drawn.

    Parameters
    ----------
    figure : Figure

    Returns
    -------
    bool

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> _ = ax.bar(["a", "b"], [1, 2])
    >>> has_cjk_text(ax.figure)
    False
    >>> _ = ax.bar(["忠诚度"], [3])
    >>> has_cjk_text(ax.figure)
    True
    """
    texts = list(figure.findobj(Text))
    for ax in figure.axes:
        texts += [*ax.get_xticklabels(), *ax.get_yticklabels()]
    return any(cjk_characters(text.get_text()) for text in texts)


def cjk_characters(text: str) -> str:
    """The distinct wide (East Asian) characters of ``text``, in code-point order.

    These are the characters a Latin font lacks: Chinese, Japanese and Korean script and
    full-width punctuation (Unicode East Asian Width ``W`` or ``F``).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str

    Examples
    --------
    >>> cjk_characters("满意度 (n = 90), 忠诚度：7")
    '度忠意满诚：'
    """
    return "".join(sorted({c for c in text if unicodedata.east_asian_width(c) in "WF"}))
