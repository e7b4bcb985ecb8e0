"""Plots of the order-log summaries: cohort activity curves and the spend Lorenz curve.

Every function takes ``ax=None`` (a new figure without pyplot) and returns the Axes,
drawn in the survey style inside :func:`survey.fonts.plot_style` (Chinese labels in
Noto Sans CJK SC). The models' plots (holdout fit, P(alive) matrix) are in
:mod:`survey.orders.btyd_plots`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from survey.fonts import plot_style
from survey.plots import STYLE, _axes

_MAX_CURVES = 12  # cohorts drawn; larger logs show the largest ones


def plot_cohort_curves(cohorts: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Active share of each monthly cohort by months since the first purchase.

    Parameters
    ----------
    cohorts : DataFrame
        From :func:`survey.orders.cohorts.cohort_retention`.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        One line per cohort (the 12 largest when there are more), labelled with its n.

    Examples
    --------
    >>> cohorts = pd.DataFrame({"cohort": ["2024-01", "2024-01", "2024-02"],
    ...     "months_since_first": [0, 1, 0], "n": [10, 10, 5], "active_share": [1.0, 0.6, 1.0]})
    >>> plot_cohort_curves(cohorts).get_title()
    'Active share by monthly cohort'
    """
    sizes = cohorts.groupby("cohort", sort=True)["n"].first()
    shown = sizes.nlargest(_MAX_CURVES).index if len(sizes) > _MAX_CURVES else sizes.index
    with plot_style(STYLE):
        ax = _axes(ax)
        for cohort, curve in cohorts[cohorts["cohort"].isin(shown)].groupby("cohort", sort=True):
            ax.plot(
                curve["months_since_first"],
                curve["active_share"],
                marker="o",
                markersize=3,
                label=f"{cohort} (n={sizes[cohort]})",
            )
        ax.set_ylim(0, 1.05)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("months since first purchase")
        ax.set_ylabel("share active (bought within the churn window)")
        ax.set_title("Active share by monthly cohort")
        if len(shown):
            ax.legend(fontsize="small", ncol=2)
        else:
            ax.text(0.5, 0.5, "no month end observed", ha="center", transform=ax.transAxes)
    return ax


def plot_lorenz_curve(lorenz: pd.DataFrame, gini: float, ax: Axes | None = None) -> Axes:
    """The Lorenz curve of spend with the line of equality and the Gini in the legend.

    Parameters
    ----------
    lorenz : DataFrame
        From :func:`survey.orders.concentration.lorenz_curve`.
    gini : float
        The Gini coefficient, shown in the legend.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot, with the top 20% customers' share marked.

    Examples
    --------
    >>> lorenz = pd.DataFrame({"customer_share": [0, 0.5, 1], "revenue_share": [0, 0.2, 1]})
    >>> plot_lorenz_curve(lorenz, 0.3).get_title()
    'Spend concentration (Lorenz curve)'
    """
    top = 1 - float(np.interp(0.8, lorenz["customer_share"], lorenz["revenue_share"]))
    with plot_style(STYLE):
        ax = _axes(ax)
        ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="equality")
        ax.plot(lorenz["customer_share"], lorenz["revenue_share"], label=f"spend (Gini {gini:.3f})")
        ax.axvline(0.8, color="grey", linewidth=0.8)
        ax.annotate(f"top 20%: {top:.0%} of revenue", (0.8, 1 - top), xytext=(0.3, 0.75))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("share of customers (lowest spenders first)")
        ax.set_ylabel("share of revenue")
        ax.set_title("Spend concentration (Lorenz curve)")
        ax.legend(loc="upper left")
    return ax
