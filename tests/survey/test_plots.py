import matplotlib
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from survey import plots
from survey.curve import fit_logistic_curve, loyalty_by_satisfaction
from survey.pls import pls_sem
from survey.scoring import construct_scores


@pytest.fixture(scope="module")
def scores(ecsi, ecsi_blocks):
    return construct_scores(ecsi, ecsi_blocks)


def _all_plots(ecsi, ecsi_blocks, ecsi_codebook, scores):
    correlations = pd.DataFrame(
        {"x": ["Image", "Image"], "y": ["Value", "Loyalty"], "r": [0.5, 0.3]}
    )
    model = pls_sem(ecsi, ecsi_blocks, ecsi_codebook.pls.paths)
    return [
        lambda ax: plots.plot_item_distributions(ecsi, ecsi_blocks["Image"], 1, 10, ax=ax),
        lambda ax: plots.plot_correlation_heatmap(correlations, ax=ax),
        lambda ax: plots.plot_satisfaction_loyalty_curve(
            loyalty_by_satisfaction(scores, "Satisfaction", "Loyalty"),
            fit_logistic_curve(scores, "Satisfaction", "Loyalty"),
            ax=ax,
        ),
        lambda ax: plots.plot_segment_comparison(
            scores, pd.Series(ecsi["CUSCO"] > 7, name="complainer"), ax=ax
        ),
        lambda ax: plots.plot_path_diagram(model.paths, model.r2, ax=ax),
    ]


def test_every_plot_returns_axes_and_leaves_rcparams_alone(
    ecsi, ecsi_blocks, ecsi_codebook, scores
):
    before = dict(matplotlib.rcParams)
    for draw in _all_plots(ecsi, ecsi_blocks, ecsi_codebook, scores):
        made = draw(None)
        assert isinstance(made, Axes) and made.has_data() or made.texts
        given = Figure().add_subplot()
        assert draw(given) is given
    assert dict(matplotlib.rcParams) == before


def test_style_is_packaged():
    assert plots.STYLE.is_file() and plots.STYLE.suffix == ".mplstyle"
