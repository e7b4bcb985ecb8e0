"""Plots of a robustness experiment: Sobol bars, and the PRIM boxes against the full ranges.

Each function takes a tidy table (``sensitivity.csv`` or ``scenarios.csv``) and
``ax=None`` and returns the Axes, drawn in the packaged ``experiments.mplstyle``
(the helpers of :mod:`experiments.plots`).

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"scenario": "base", "strategy": "a", "outcome": "profit_uplift",
...     "parameter": ["x", "y"], "S1": [0.6, 0.1], "S1_ci_low": [0.5, 0.0],
...     "S1_ci_high": [0.7, 0.2], "ST": [0.8, 0.2], "ST_ci_low": [0.7, 0.1],
...     "ST_ci_high": [0.9, 0.3], "note": ""})
>>> plot_sobol(table, "base", "profit_uplift").get_xlabel()
'Sobol index (share of variance; S1 dark, ST light, 95% CI)'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from experiments.plots import STYLE, _axes, _legend_outside, save_figure, strategy_colours
from survey.fonts import plot_style

#: What each outcome is, for titles.
OUTCOME_NAMES = {
    "profit_uplift": "the uplift in profit over the baseline",
    "active_end_uplift": "the uplift in retained customers over the baseline",
    "is_best": "whether the arm is the best (by profit)",
}

#: What each question of ``scenarios.csv`` is, for titles.
QUESTION_NAMES = {
    "best": "where each arm is the best",
    "loses_money": "where each arm loses money (profit uplift < 0)",
}

_ERRORS = {"ecolor": "0.3", "capsize": 2, "elinewidth": 0.8}


def _error(rows: pd.DataFrame, index: str) -> np.ndarray:
    value = rows[index].to_numpy(dtype=float)
    low, high = rows[f"{index}_ci_low"].to_numpy(float), rows[f"{index}_ci_high"].to_numpy(float)
    return np.vstack([value - low, high - value]).clip(min=0)


def plot_sobol(
    sensitivity: pd.DataFrame, scenario: str, outcome: str, ax: Axes | None = None
) -> Axes:
    """Bars of S1 (dark) and ST (light) with 95% CIs, per parameter and arm.

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        ``sensitivity.csv`` (:func:`experiments.robustness.analysis.sobol_indices`).
    scenario : str
        Scenario to draw.
    outcome : str
        ``profit_uplift``, ``active_end_uplift`` or ``is_best``.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        Arms whose outcome does not vary are named in the title.
    """
    rows = sensitivity[(sensitivity["scenario"] == scenario) & (sensitivity["outcome"] == outcome)]
    flat = list(dict.fromkeys(rows.loc[rows["parameter"].isna(), "strategy"]))
    rows = rows[rows["parameter"].notna()]
    parameters = list(dict.fromkeys(rows["parameter"]))
    strategies = list(dict.fromkeys(rows["strategy"]))
    colours = strategy_colours(strategies)
    height = 0.8 / max(len(strategies), 1)
    with plot_style(STYLE):
        ax = _axes(ax, (8, 1.5 + 0.3 * max(len(parameters) * len(strategies), 2)))
        for k, strategy in enumerate(strategies):
            group = rows[rows["strategy"] == strategy].set_index("parameter").reindex(parameters)
            positions = np.arange(len(parameters)) + (k - (len(strategies) - 1) / 2) * height
            colour = colours[strategy]
            ax.barh(
                positions,
                group["ST"],
                height,
                color=colour,
                alpha=0.4,
                xerr=_error(group, "ST"),
                error_kw=_ERRORS,
            )
            ax.barh(
                positions,
                group["S1"],
                height * 0.5,
                color=colour,
                label=strategy,
                xerr=_error(group, "S1"),
                error_kw=_ERRORS,
            )
        ax.set_yticks(range(len(parameters)), parameters)
        ax.invert_yaxis()
        ax.axvline(0, color="0.5", linewidth=0.8)
        ax.set_xlabel("Sobol index (share of variance; S1 dark, ST light, 95% CI)")
        same = f"; no variation: {', '.join(flat)}" if flat else ""
        ax.set_title(f"{scenario}: sensitivity of {OUTCOME_NAMES.get(outcome, outcome)}{same}")
        if strategies:
            _legend_outside(ax, "strategy")
    return ax


def plot_boxes(
    scenarios: pd.DataFrame, scenario: str, question: str, ax: Axes | None = None
) -> Axes:
    """Each arm's PRIM box: the restricted range of each parameter within its full range.

    Each bar spans the box's limits, placed on the parameter's full range over the
    design (0 to 1 on the axis, in grey), with the limits written beside it.

    Parameters
    ----------
    scenarios : pandas.DataFrame
        ``scenarios.csv`` (:func:`experiments.robustness.runner.scenario_boxes`).
    scenario : str
        Scenario to draw.
    question : str
        ``best`` or ``loses_money``.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes

    Examples
    --------
    >>> table = pd.DataFrame({"scenario": "base", "question": "best", "strategy": "a",
    ...     "parameter": ["x"], "low": [2.0], "high": [3.0], "range_low": [0.0],
    ...     "range_high": [4.0], "coverage": [0.9], "density": [0.95], "note": ""})
    >>> [t.get_text() for t in plot_boxes(table, "base", "best").get_yticklabels()]
    ['a: x']
    """
    rows = scenarios[(scenarios["scenario"] == scenario) & (scenarios["question"] == question)]
    rows = rows[rows["parameter"].notna() & (rows["parameter"] != "")]
    colours = strategy_colours(list(dict.fromkeys(rows["strategy"])))
    with plot_style(STYLE):
        ax = _axes(ax, (8, 1.5 + 0.35 * max(len(rows), 2)))
        width = (rows["range_high"] - rows["range_low"]).to_numpy(float)
        start = (rows["low"] - rows["range_low"]).to_numpy(float) / width
        end = (rows["high"] - rows["range_low"]).to_numpy(float) / width
        positions = np.arange(len(rows))
        ax.barh(positions, 1.0, 0.7, color="0.9")
        ax.barh(
            positions,
            end - start,
            0.7,
            left=start,
            color=[colours[strategy] for strategy in rows["strategy"]],
        )
        for i, row in enumerate(rows.itertuples()):  # a label per box limit
            ax.text(
                1.02,
                i,
                f"[{row.low:.3g}, {row.high:.3g}] cov {row.coverage:.2f} dens {row.density:.2f}",
                va="center",
            )
        labels = [f"{s}: {p}" for s, p in zip(rows["strategy"], rows["parameter"], strict=True)]
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("position in the parameter's range over the design (0 = lowest, 1 = highest)")
        if rows.empty:
            ax.text(
                0.5,
                0.5,
                "no box restricts any parameter",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
        ax.set_title(f"{scenario}: PRIM boxes of {QUESTION_NAMES.get(question, question)}")
    return ax


def save_plots(
    sensitivity: pd.DataFrame, scenarios: pd.DataFrame, folder: str | Path
) -> list[Path]:
    """Draw every Sobol and PRIM plot of a robustness experiment as PNG and SVG.

    Parameters
    ----------
    sensitivity, scenarios : pandas.DataFrame
        ``sensitivity.csv`` and ``scenarios.csv``.
    folder : str or Path
        Where to write (created).

    Returns
    -------
    list of Path
        The files written (``sobol_<scenario>_<outcome>`` and
        ``prim_<scenario>_<question>``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    drawings = [
        (f"sobol_{scenario}_{outcome}", plot_sobol, (sensitivity, scenario, outcome))
        for scenario in dict.fromkeys(sensitivity["scenario"])
        for outcome in OUTCOME_NAMES
    ] + [
        (f"prim_{scenario}_{question}", plot_boxes, (scenarios, scenario, question))
        for scenario in dict.fromkeys(scenarios["scenario"])
        for question in QUESTION_NAMES
    ]
    for name, draw, args in drawings:
        ax = draw(*args)
        for suffix in (".png", ".svg"):
            save_figure(ax.figure, folder / f"{name}{suffix}")
            written.append(folder / f"{name}{suffix}")
    return written
