"""Chinese text in plots: Noto Sans CJK SC from mplfonts as the fallback after DejaVu Sans.

Every test fails if the font is not registered: the machines this project runs on have no
CJK font (DejaVu Sans, matplotlib's default, has no Chinese glyph), so without
:func:`survey.fonts.plot_style` a Chinese label draws as boxes and matplotlib warns
"Glyph ... missing from font(s) DejaVu Sans".
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from experiments import plots as experiment_plots
from experiments.cli import main
from survey import plots
from survey.fonts import (
    CJK_FAMILY,
    cjk_characters,
    cjk_fallback_rc,
    cjk_font_path,
    plot_style,
)
from survey.html import EMBEDDED_CJK_FAMILY

LABEL = "满意度与忠诚度 (n = 120)"


def _glyph_problems(records: list[warnings.WarningMessage], caplog) -> list[str]:
    """Warnings and log lines of missing glyphs or fonts (what a box in a plot comes with)."""
    messages = [str(record.message) for record in records]
    messages += [record.getMessage() for record in caplog.records]
    wrong = ("missing from font", "not found", "Failed to find")
    return [m for m in messages if any(w in m for w in wrong)]


def _draw(label: str, rc: dict | None = None) -> np.ndarray:
    """Render ``label`` alone in black on white; return the pixels (grey levels)."""
    figure = Figure(figsize=(1.2, 0.6), dpi=100)
    canvas = FigureCanvasAgg(figure)
    with matplotlib.rc_context(rc or {}):
        figure.text(0.5, 0.5, label, fontsize=24, ha="center", va="center")
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def test_the_font_file_is_noto_sans_cjk_sc_under_the_sil_open_font_license():
    with TTFont(cjk_font_path(), lazy=True) as font:
        names = font["name"]
        assert names.getDebugName(1).startswith("Noto Sans CJK SC")
        # name ID 13 is the licence description the foundry wrote into the font
        assert "SIL Open Font License, Version 1.1" in names.getDebugName(13)


def test_a_chinese_label_draws_with_no_missing_glyph_warning(caplog, tmp_path):
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        with plot_style(plots.STYLE):
            ax = plots._axes(None)
            ax.bar(["满意度", "忠诚度"], [5.2, 4.8])
            ax.set_title(LABEL)
            ax.figure.savefig(tmp_path / "zh.png")
    assert _glyph_problems(records, caplog) == []


def test_without_the_fallback_the_same_label_misses_glyphs(caplog):
    """The control: the check above can fail on this machine."""
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        _draw(LABEL, {"font.family": ["DejaVu Sans"]})
    assert any("missing from font" in m for m in _glyph_problems(records, caplog))


def test_chinese_characters_come_from_the_noto_file_and_digits_from_the_default_font():
    with plot_style(plots.STYLE):
        family = Figure().add_subplot().set_title(LABEL).get_fontfamily()
    assert family == ["DejaVu Sans", CJK_FAMILY]
    files = [
        font_manager.findfont(font_manager.FontProperties(family=[name]), fallback_to_default=False)
        for name in family
    ]
    assert Path(files[1]) == cjk_font_path()
    default, cjk = (font_manager.get_font(path).get_charmap() for path in files)
    # matplotlib takes each character from the first font of the list that has it
    assert all(ord(c) in default for c in "0123456789n=()")
    assert all(ord(c) not in default and ord(c) in cjk for c in "满意度与忠诚")


def test_different_characters_draw_differently_only_with_the_fallback():
    """A missing glyph draws as the same box whatever the character: compare two."""
    rc = cjk_fallback_rc()
    assert not np.array_equal(_draw("满", rc), _draw("忠", rc))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxes = [_draw(c, {"font.family": ["DejaVu Sans"]}) for c in "满忠"]
    assert np.array_equal(*boxes)


def test_plot_style_leaves_the_global_settings_as_they_were():
    before = list(matplotlib.rcParams["font.family"])
    with plot_style(plots.STYLE):
        assert matplotlib.rcParams["font.family"][-1] == CJK_FAMILY
    assert matplotlib.rcParams["font.family"] == before


def test_a_label_drawn_in_the_style_keeps_its_fonts_when_saved_outside(caplog, tmp_path):
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    with plot_style(plots.STYLE):
        ax = plots._axes(None)
        ax.set_title(LABEL)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        ax.figure.savefig(tmp_path / "later.png")
    assert _glyph_problems(records, caplog) == []


@pytest.mark.parametrize(("title", "keeps_text"), [("满意度", False), ("Satisfaction", True)])
def test_an_svg_draws_chinese_text_as_outlines_and_keeps_latin_text(title, keeps_text, tmp_path):
    """The experiments' style writes SVG text as text (svg.fonttype: none), which a viewer
    without a CJK font shows as boxes; a figure with Chinese text is saved as outlines."""
    with plot_style(experiment_plots.STYLE):
        ax = experiment_plots._axes(None)
        ax.set_title(title)
    experiment_plots.save_figure(ax.figure, tmp_path / "plot.svg")
    svg = (tmp_path / "plot.svg").read_text(encoding="utf-8")
    assert ("<text" in svg) is keeps_text


def _chinese_survey(folder: Path) -> tuple[Path, Path]:
    """A small survey whose constructs, items and segment are named in Chinese."""
    rng = np.random.default_rng(14)
    n = 90
    quality = rng.normal(0, 1, n)
    satisfaction = 0.7 * quality + rng.normal(0, 0.7, n)
    loyalty = 0.6 * satisfaction + rng.normal(0, 0.8, n)
    columns = {}
    for prefix, latent in (("质量", quality), ("满意", satisfaction), ("忠诚", loyalty)):
        for k in (1, 2, 3):
            answer = 4 + 1.2 * latent + rng.normal(0, 0.6, n)
            columns[f"{prefix}{k}"] = np.clip(np.rint(answer), 1, 7).astype(int)
    columns["城市"] = np.repeat(["一线城市", "二线城市", "三线城市"], n // 3)
    data = folder / "问卷.csv"
    pd.DataFrame(columns).to_csv(data, index=False, encoding="utf-8")
    book = {
        "scale": {"min": 1, "max": 7},
        "constructs": {
            "感知质量": {"items": ["质量1", "质量2", "质量3"]},
            "满意度": {"items": ["满意1", "满意2", "满意3"]},
            "忠诚度": {"items": ["忠诚1", "忠诚2", "忠诚3"]},
        },
        "segments": ["城市"],
        "roles": {
            "satisfaction": "满意度",
            "loyalty": "忠诚度",
            "quality": "感知质量",
            "drivers": ["感知质量"],
        },
        "pls": {"paths": {"满意度": ["感知质量"], "忠诚度": ["满意度"]}},
    }
    codebook = folder / "codebook.yaml"
    codebook.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    return data, codebook


def test_a_survey_with_chinese_constructs_gives_plots_without_missing_glyphs(
    caplog, tmp_path, capsys
):
    data, codebook = _chinese_survey(tmp_path)
    out = tmp_path / "out"
    caplog.set_level(logging.DEBUG, logger="matplotlib")
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        status = main(
            ["survey", "analyze", str(data), "--codebook", str(codebook), "--out", str(out)]
            + ["--bootstrap", "0", "--quiet"]
        )
    assert status == 0, capsys.readouterr().err
    assert _glyph_problems(records, caplog) == []
    assert len(list((out / "plots").glob("*.png"))) >= 3
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "满意度" in report
    assert f'@font-face{{font-family:"{EMBEDDED_CJK_FAMILY}"' in report  # glyphs embedded


def test_cjk_characters_are_the_wide_ones():
    assert cjk_characters("NPS：满意度 a1 ａ") == "度意满：ａ"  # U+FF1A before U+FF41
