import pandas as pd
from matplotlib.axes import Axes
from matplotlib.image import imread

from experiments.optimise.plots import plot_pareto, save_pareto

TRIALS = pd.DataFrame(
    {
        "specs": ["a", "b", "c", "a"],
        "cost_year": [1e4, 5e4, 2e5, 3e4],
        "profit_uplift": [10.0, 30, 50, 5],
        "retained_uplift": [1.0, 2, 3, 4],
        "feasible": [True, True, False, True],
        "on_front": [True, True, False, True],
    }
)
BEST = TRIALS.iloc[[1]].assign(
    profit_uplift_ci_low=20.0,
    profit_uplift_ci_high=40.0,
    retained_uplift_ci_low=1.0,
    retained_uplift_ci_high=3.0,
)


def test_the_plot_draws_the_budget_line_and_the_chosen_mixes_with_their_cis():
    ax = plot_pareto(TRIALS, "profit", budget=1e5, best=BEST)
    assert isinstance(ax, Axes)
    labels = ax.get_legend_handles_labels()[1]
    assert "budget 100,000 CNY" in labels and "front" in labels
    assert any("95% CI" in label for label in labels)
    assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [1e5]


def test_both_objectives_are_drawn_side_by_side(tmp_path):
    path = save_pareto(TRIALS, ["profit", "retained"], 1e5, tmp_path / "plots" / "pareto.png")
    height, width = imread(path).shape[:2]
    assert width > 1.8 * height
