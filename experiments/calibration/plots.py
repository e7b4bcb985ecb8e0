"""Plots of a calibration: fitted vs observed, convergence, distance profiles.

Each function takes ``ax=None`` (a new figure is made without pyplot) and returns
the Axes; the experiments' packaged style is applied inside a style context.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"target": ["mean[Sat]"], "z": [0.5], "within_ci": [True]})
>>> plot_fit(table).get_xlabel()
'(fitted − observed) / standard error of the observed value'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from experiments.plots import STYLE
from survey.fonts import plot_style


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    return ax if ax is not None else Figure(figsize=size).add_subplot()


def plot_fit(fit_table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Standardised difference of each fitted statistic from its observed value.

    The shaded band is ±1.96: a statistic inside it lies within the observed
    value's 95% confidence interval.
    """
    with plot_style(STYLE):
        ax = _axes(ax, (7, 0.45 * len(fit_table) + 1.5))
        y = np.arange(len(fit_table))[::-1]
        colors = np.where(fit_table["within_ci"], "#2a7ab0", "#c8553d")
        ax.axvspan(-1.96, 1.96, color="#dde8f0", zorder=0)
        ax.axvline(0, color="#555", lw=0.8)
        ax.scatter(fit_table["z"].clip(-12, 12), y, c=colors, zorder=3)
        ax.set_yticks(y, fit_table["target"])
        ax.set_xlabel("(fitted − observed) / standard error of the observed value")
        ax.set_title("Fitted vs observed (shaded: observed 95% CI; red: outside; clipped at ±12)")
    return ax


def plot_convergence(trials: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Distance of every candidate, and the best so far, by trial."""
    with plot_style(STYLE):
        ax = _axes(ax, (7, 4))
        ax.scatter(trials["trial"], trials["distance"], s=12, color="#999", label="candidate")
        ax.plot(trials["trial"], trials["distance"].cummin(), color="#2a7ab0", label="best so far")
        ax.set_yscale("log")
        ax.set_xlabel("candidate (trial number)")
        ax.set_ylabel("distance D (sum of squared z)")
        ax.set_title("Convergence")
        ax.legend()
    return ax


def plot_profile(trials: pd.DataFrame, parameter: str, ax: Axes | None = None) -> Axes:
    """Distance against one parameter; the 95% confidence set is highlighted."""
    with plot_style(STYLE):
        ax = _axes(ax, (5, 3.5))
        inside = trials["in_confidence_set"]
        ax.scatter(
            trials.loc[~inside, parameter],
            trials.loc[~inside, "distance"],
            s=12,
            color="#bbb",
            label="candidate",
        )
        ax.scatter(
            trials.loc[inside, parameter],
            trials.loc[inside, "distance"],
            s=16,
            color="#2a7ab0",
            label="95% confidence set",
        )
        best = trials.loc[trials["distance"].idxmin()]
        ax.scatter(
            [best[parameter]],
            [best["distance"]],
            marker="*",
            s=120,
            color="#c8553d",
            label="estimate",
            zorder=4,
        )
        ax.set_yscale("log")
        ax.set_xlabel(parameter)
        ax.set_ylabel("distance D")
        ax.legend(fontsize="small")
    return ax
