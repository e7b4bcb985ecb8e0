import pandas as pd

from experiments.robustness.plots import plot_boxes, plot_sobol, save_plots


def _sensitivity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": "base",
            "strategy": ["a", "a", "b"],
            "outcome": "profit_uplift",
            "parameter": ["x", "y", None],
            "S1": [0.6, 0.1, None],
            "S1_ci_low": [0.5, 0.0, None],
            "S1_ci_high": [0.7, 0.2, None],
            "ST": [0.8, 0.2, None],
            "ST_ci_low": [0.7, 0.1, None],
            "ST_ci_high": [0.9, 0.3, None],
            "note": ["", "", "no variation: 0 at every point"],
        }
    )


def _scenarios() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": "base",
            "question": "best",
            "strategy": ["a", "a"],
            "parameter": ["x", "y"],
            "low": [2.0, 0.1],
            "high": [4.0, 0.5],
            "range_low": [0.0, 0.0],
            "range_high": [4.0, 1.0],
            "coverage": 0.8,
            "density": 0.9,
            "note": "",
        }
    )


def test_sobol_bars_show_s1_and_st_per_parameter_and_name_flat_arms():
    ax = plot_sobol(_sensitivity(), "base", "profit_uplift")
    widths = sorted(round(patch.get_width(), 3) for patch in ax.patches)
    assert widths == [0.1, 0.2, 0.6, 0.8]  # S1 and ST of x and y
    assert "no variation: b" in ax.get_title()


def test_box_plot_places_each_box_within_the_parameters_range():
    ax = plot_boxes(_scenarios(), "base", "best")
    boxes = [(round(p.get_x(), 3), round(p.get_width(), 3)) for p in ax.patches]
    assert (0.5, 0.5) in boxes and (0.1, 0.4) in boxes  # x: [2, 4] of [0, 4]; y: [0.1, 0.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a: x", "a: y"]


def test_every_plot_is_saved_as_png_and_svg(tmp_path):
    written = save_plots(_sensitivity(), _scenarios(), tmp_path)
    assert len(written) == 2 * (3 + 2) and all(path.stat().st_size > 0 for path in written)
