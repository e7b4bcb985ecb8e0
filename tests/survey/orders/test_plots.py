"""Cohort curves and the Lorenz curve: drawn from the tables, without pyplot state."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from survey.orders.plots import plot_cohort_curves, plot_lorenz_curve


def _cohorts(n_cohorts):
    return pd.DataFrame(
        {
            "cohort": np.repeat([f"2024-{m:02d}" for m in range(1, n_cohorts + 1)], 3),
            "months_since_first": np.tile([0, 1, 2], n_cohorts),
            "n": np.repeat(np.arange(1, n_cohorts + 1) * 10, 3),
            "active_share": np.tile([1.0, 0.5, 0.3], n_cohorts),
        }
    )


def test_cohort_curves_draw_one_line_per_cohort_up_to_twelve_largest():
    assert len(plot_cohort_curves(_cohorts(3)).get_lines()) == 3
    ax = plot_cohort_curves(_cohorts(14))
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 12 and "2024-01 (n=10)" not in labels  # the two smallest left out


def test_cohort_curves_of_a_log_shorter_than_a_month_say_so():
    empty = _cohorts(1).iloc[:0]
    ax = plot_cohort_curves(empty)
    assert [text.get_text() for text in ax.texts] == ["no month end observed"]


def test_lorenz_curve_marks_the_top_20_percent_share():
    lorenz = pd.DataFrame({"customer_share": [0, 0.8, 1.0], "revenue_share": [0, 0.36, 1.0]})
    ax = plot_lorenz_curve(lorenz, gini=0.5)
    assert "top 20%: 64% of revenue" in [text.get_text() for text in ax.texts]
    assert "spend (Gini 0.500)" in [line.get_label() for line in ax.get_lines()]


def test_plots_leave_pyplot_alone():
    before = plt.get_fignums()
    plot_cohort_curves(_cohorts(2))
    assert plt.get_fignums() == before
