"""Plots of the BTYD models: what each draws, on the CDNOW fit."""

import matplotlib.style
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit, p_alive
from survey.orders.btyd_plots import (
    plot_cumulative_tracking,
    plot_holdout_by_frequency,
    plot_p_alive_matrix,
)

FIT = BGNBDFit(0.243, 4.414, 0.793, 2.426, {}, np.eye(4), 0.0, 0, True)


@pytest.fixture
def tracking() -> pd.DataFrame:
    periods = np.arange(1, 7)
    return pd.DataFrame(
        {
            "period": periods,
            "calibration": periods <= 4,
            "actual": [1, 3, 2, 4, 2, 1],
            "expected": [1.5, 2.5, 2.5, 3.0, 2.0, 1.5],
            "actual_cumulative": np.cumsum([1, 3, 2, 4, 2, 1]),
            "expected_cumulative": np.cumsum([1.5, 2.5, 2.5, 3.0, 2.0, 1.5]),
        }
    )


def test_holdout_bars_pair_actual_and_expected_per_bucket():
    table = pd.DataFrame(
        {
            "bucket": ["0", "1", "2+"],
            "frequency": [0, 1, 2],
            "n": [10, 5, 3],
            "actual": [0.2, 0.7, 2.0],
            "expected": [0.25, 0.6, 2.1],
        }
    )
    ax = plot_holdout_by_frequency(table)
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [0.2, 0.7, 2.0, 0.25, 0.6, 2.1]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["0\nn=10", "1\nn=5", "2+\nn=3"]


def test_tracking_draws_both_curves_and_the_calibration_end(tracking):
    ax = plot_cumulative_tracking(tracking)
    actual, expected, line = ax.get_lines()
    assert actual.get_ydata().tolist() == tracking["actual_cumulative"].tolist()
    assert expected.get_ydata().tolist() == tracking["expected_cumulative"].tolist()
    assert line.get_xdata()[0] == 4


def test_tracking_per_period_uses_the_incremental_columns(tracking):
    ax = plot_cumulative_tracking(tracking, cumulative=False)
    assert ax.get_lines()[0].get_ydata().tolist() == tracking["actual"].tolist()
    assert ax.get_ylabel() == "repeat transactions"


def test_p_alive_matrix_shows_p_alive_with_frequency_zero_alive():
    ax = plot_p_alive_matrix(FIT, T=38.86, max_frequency=5)
    matrix = ax.get_images()[0].get_array()
    assert matrix.shape == (6, 101)
    assert np.all(matrix[0] == 1.0)
    assert matrix[3, -1] == pytest.approx(p_alive(FIT, 3, 38.86, 38.86))
    assert matrix[3, 0] < matrix[3, -1]


def test_plots_draw_on_a_given_axes_and_leave_the_global_style_alone(tracking):
    before = matplotlib.rcParams["axes.titleweight"]
    ax = Figure().add_subplot()
    assert plot_cumulative_tracking(tracking, ax=ax) is ax
    assert matplotlib.rcParams["axes.titleweight"] == before
    with matplotlib.style.context("default"):
        assert plot_p_alive_matrix(FIT, T=10.0, max_frequency=2).get_title()


def test_p_alive_matrix_needs_a_positive_t():
    with pytest.raises(DataError, match="allowed: T > 0"):
        plot_p_alive_matrix(FIT, T=0.0, max_frequency=3)
