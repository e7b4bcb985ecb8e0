"""The search's plot: each mix's uplift against its cost a year, the budget and the front.

Examples
--------
>>> import pandas as pd
>>> trials = pd.DataFrame({"specs": ["a", "b", "c"], "cost_year": [1e4, 5e4, 2e5],
...     "profit_uplift": [10.0, 30, 50],
...     "feasible": [True, True, False], "on_front": [True, True, False]})
>>> plot_pareto(trials, "profit", budget=1e5).get_xlabel()
'strategy cost a year (CNY)'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from experiments.plots import STYLE, save_figure
from survey.fonts import plot_style

#: Axis label of each objective.
OBJECTIVE_LABELS = {
    "profit": "profit uplift over the baseline (CNY per run)",
    "retained": "retained-customer uplift (customers at the end)",
}


def plot_pareto(
    trials: pd.DataFrame,
    objective: str,
    budget: float,
    best: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Every mix tried: uplift in one objective against mean strategy cost a year.

    Mixes over budget are grey crosses, mixes within budget dots, the front
    (:func:`~.front.on_front`) red and joined; the budget is a dashed line. With
    ``best``, the re-evaluated mixes are drawn at their fresh values with 95% CIs.

    Parameters
    ----------
    trials : pandas.DataFrame
        The search table: ``specs``, ``cost_year``, ``<objective>_uplift``, ``feasible``,
        ``on_front``.
    objective : {"profit", "retained"}
        Which uplift is on the y axis.
    budget : float
        CNY a year.
    best : pandas.DataFrame, optional
        The re-evaluation (:func:`~.reevaluate.reevaluate`).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    y = f"{objective}_uplift"
    feasible = trials["feasible"].astype(bool)
    front = trials[trials["on_front"].astype(bool)].sort_values("cost_year")
    with plot_style(STYLE):
        if ax is None:
            ax = Figure(figsize=(7, 5)).add_subplot()
        over = trials[~feasible]
        ax.scatter(over["cost_year"], over[y], marker="x", color="0.6", label="over budget")
        within = trials[feasible]
        ax.scatter(
            within["cost_year"], within[y], color="#4c72b0", alpha=0.7, label="within budget"
        )
        ax.plot(front["cost_year"], front[y], "o-", color="#c8553d", label="front", zorder=3)
        if best is not None and len(best):
            ax.errorbar(
                best["cost_year"],
                best[y],
                yerr=[best[y] - best[f"{y}_ci_low"], best[f"{y}_ci_high"] - best[y]],
                fmt="*",
                markersize=12,
                color="#2a9d5c",
                capsize=3,
                label="chosen, fresh replications (95% CI)",
                zorder=4,
            )
        ax.axvline(budget, linestyle="--", color="0.3", label=f"budget {budget:,.0f} CNY")
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.set_xlabel("strategy cost a year (CNY)")
        ax.set_ylabel(OBJECTIVE_LABELS[objective])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.set_title(
            f"{trials['specs'].nunique()} mixes tried (front: none within budget is "
            "cheaper and better)"
        )
        ax.legend(fontsize="small")
    return ax


def save_pareto(
    trials: pd.DataFrame,
    objectives: list[str],
    budget: float,
    path: str | Path,
    best: pd.DataFrame | None = None,
) -> Path:
    """Draw :func:`plot_pareto` for every objective side by side and save it.

    Parameters
    ----------
    trials : pandas.DataFrame
        The search table.
    objectives : list of str
        ``["profit"]``, ``["retained"]`` or both.
    budget : float
        CNY a year.
    path : str or Path
        File to write (``.png``).
    best : pandas.DataFrame, optional
        The re-evaluation.

    Returns
    -------
    Path
    """
    figure = Figure(figsize=(7 * len(objectives), 5))
    for index, objective in enumerate(objectives):
        plot_pareto(
            trials, objective, budget, best, ax=figure.add_subplot(1, len(objectives), index + 1)
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_figure(figure, path)
    return path
