import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from experiments.plots import plot_segment_heatmap, plot_sensitivity
from experiments.results import PLOT_KINDS


def test_every_plot_kind_has_a_title_and_labelled_axes(finished):
    before = dict(matplotlib.rcParams)
    for kind in set(PLOT_KINDS) - {"sensitivity"}:  # (no sweep here: tests/test_sensitivity.py)
        ax = finished.plot(kind)
        assert isinstance(ax, Axes)
        assert ax.get_title() and ax.get_xlabel(), kind
        assert ax.get_ylabel() or kind in ("uplift", "segments"), kind
    assert dict(matplotlib.rcParams) == before


def test_plots_draw_on_the_axes_they_are_given(finished):
    ax = Figure().add_subplot()
    assert finished.plot("uplift", ax=ax, metric="active_end") is ax
    assert ax.get_xlabel() == "uplift in active customers at the end vs baseline (shoppers)"


def test_save_plots_writes_png_and_svg_for_named_scenarios(finished, tmp_path):
    written = finished.save_plots(tmp_path / "plots")
    names = {path.name for path in written}
    assert all(path.stat().st_size > 0 for path in written)
    assert {"active_base.png", "active_base.svg", "retention_price_war.png"} <= names
    assert {"active_uplift_base.png", "active_uplift_price_war.svg"} <= names
    assert {"uplift_profit.svg", "frontier.png", "segments_active_end_price_war.png"} <= names
    assert "segments_retention_90_base.png" not in names  # no 90-day retention in 35 days


def test_sensitivity_plot_without_a_sweep_says_why(finished):
    with pytest.raises(ValueError, match="need a Sobol or Morris sweep"):
        finished.plot("sensitivity")


def test_unknown_plot_kind_lists_the_kinds(finished):
    with pytest.raises(ValueError, match="allowed: active, active_uplift, retention, uplift"):
        finished.plot("pie")


def test_segment_heatmap_greys_out_noise_and_colours_a_real_difference(noisy_segments):
    ax = plot_segment_heatmap(noisy_segments, "base")
    masked = np.ma.getmaskarray(ax.images[0].get_array())
    assert masked.tolist() == [[True, False]]  # young (CI spans 0) grey, rural coloured
    hatched = [patch for patch in ax.patches if patch.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_xy() == (-0.5, -0.5)
    assert "grey, hatched: 95% CI spans 0" in ax.get_title()


def test_sensitivity_plot_of_an_outcome_without_variation_says_so():
    table = pd.DataFrame(
        {"strategy": "points", "metric": "profit_uplift", "parameter": [np.nan],
         "index": [np.nan], "value": [np.nan], "conf": [np.nan],
         "note": ["no variation: 0 at every sweep point, nothing to apportion"]}
    )  # fmt: skip
    ax = plot_sensitivity(table, "profit_uplift")
    assert not ax.patches
    assert "no variation of uplift in profit over the baseline" in ax.texts[0].get_text()
