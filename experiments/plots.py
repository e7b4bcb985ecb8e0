"""Plots of an experiment: curves with CI bands, uplift forest, cost frontier, segment heatmap.

Every function takes tidy result tables and ``ax=None`` (a new figure is made
without pyplot, so no global matplotlib state changes and no GUI backend is needed)
and returns the Axes. The packaged style ``experiments.mplstyle`` is applied inside
:func:`survey.fonts.plot_style`, which draws Chinese labels in Noto Sans CJK SC. Bands
and error bars are 95% t-intervals across replications.

Examples
--------
>>> import pandas as pd
>>> comparison = pd.DataFrame({"strategy": ["points"], "scenario": ["base"],
...     "metric": ["profit"], "diff": [5.0], "diff_ci_low": [1.0], "diff_ci_high": [9.0]})
>>> plot_uplift(comparison).get_xlabel()
'uplift in profit vs baseline (CNY)'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from experiments.analysis import mean_ci, paired_daily_uplift
from experiments.config import BASELINE
from experiments.segments import segment_uplift_cells
from experiments.sensitivity import varied
from survey.fonts import plot_style

STYLE = Path(__file__).with_name("experiments.mplstyle")

#: Axis labels (with units) of the metrics.
LABELS = {
    "active": "active customers (shoppers)",
    "retention": "share of cohort still active",
    "retention_90": "90-day retention (share)",
    "retention_180": "180-day retention (share)",
    "retention_365": "365-day retention (share)",
    "active_end": "active customers at the end (shoppers)",
    "clv_mean": "mean customer lifetime value (CNY)",
    "revenue": "revenue (CNY)",
    "profit": "profit (CNY)",
    "roi": "return on spend (ratio)",
}


def _axes(ax: Axes | None, size: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    figure = Figure(figsize=size) if size else Figure()
    return figure.add_subplot()


def _legend_outside(ax: Axes, title: str) -> None:
    ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1), alignment="left")


def save_figure(figure: Figure, path: str | Path) -> None:
    """Save a figure with the packaged style (tight bounding box, resolution).

    An SVG of a figure with Chinese text draws it as outlines (:func:`survey.fonts.plot_style`).

    Parameters
    ----------
    figure : Figure
        The figure.
    path : str or Path
        File name; the suffix picks the format (``.png``, ``.svg``).
    """
    with plot_style(STYLE, saving=figure):
        figure.savefig(path)


def _label(metric: str) -> str:
    """The axis label of a metric, or of ``<metric>_uplift`` (its uplift over the baseline)."""
    if metric.endswith("_uplift") and metric.removesuffix("_uplift") in LABELS:
        name, unit = LABELS[metric.removesuffix("_uplift")].split(" (")
        return f"uplift in {name} over the baseline ({unit}"
    return LABELS.get(metric, metric)


def _name(metric: str) -> str:
    return _label(metric).split(" (")[0]


def _unit(metric: str) -> str:
    label = _label(metric)
    return label[label.rfind("(") + 1 : -1] if "(" in label else "-"


def _band(frame: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    rows = [(key, *mean_ci(group[y])) for key, group in frame.groupby(x, sort=True)]
    return pd.DataFrame(rows, columns=[x, "mean", "low", "high"])


def strategy_colours(strategies: Sequence[str]) -> dict[str, Any]:
    """One colour per strategy arm, the same in every plot: dark grey for the baseline.

    Parameters
    ----------
    strategies : sequence of str
        Arm names in config order.

    Returns
    -------
    dict
        Arm -> matplotlib colour (tab10, or tab20 beyond ten arms).

    Examples
    --------
    >>> strategy_colours(["baseline", "points"])["baseline"]
    '0.15'
    """
    others = [s for s in dict.fromkeys(strategies) if s != BASELINE]
    palette = matplotlib.colormaps["tab10" if len(others) <= 10 else "tab20"]
    return {BASELINE: "0.15", **{s: palette(i % palette.N) for i, s in enumerate(others)}}


def _curves(
    frame: pd.DataFrame, y: str, ax: Axes | None, title: str, ylabel: str, paired: bool = False
) -> Axes:
    """Mean of ``y`` by day per strategy with a 95% CI band, in the packaged style."""
    with plot_style(STYLE):
        ax = _axes(ax)
        colours = strategy_colours(frame["strategy"])
        for strategy, group in frame.groupby("strategy", sort=False):
            band = _band(group, "day", y)
            style = {"linestyle": "--", "zorder": 5} if strategy == BASELINE else {}
            colour = colours[strategy]
            ax.plot(band["day"], band["mean"], label=strategy, linewidth=1.6, color=colour, **style)
            ax.fill_between(band["day"], band["low"], band["high"], color=colour, alpha=0.12)
        if paired:
            ax.axhline(0, color="0.3", linewidth=1, linestyle="--")
        ax.set_title(title)
        ax.set_xlabel("day")
        ax.set_ylabel(ylabel)
        _legend_outside(
            ax, "strategy (band: 95% CI, paired)" if paired else "strategy (band: 95% CI)"
        )
    return ax


def plot_active(timeseries: pd.DataFrame, scenario: str, ax: Axes | None = None) -> Axes:
    """Active customers by day per strategy (mean and 95% CI band over replications).

    Parameters
    ----------
    timeseries : pandas.DataFrame
        ``strategy``, ``scenario``, ``replication``, ``day``, ``active``.
    scenario : str
        Scenario to draw.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    return _curves(
        timeseries[timeseries["scenario"] == scenario],
        "active",
        ax,
        f"Active customers by strategy, scenario '{scenario}'",
        LABELS["active"],
    )


def plot_active_uplift(timeseries: pd.DataFrame, scenario: str, ax: Axes | None = None) -> Axes:
    """Each arm's paired daily difference in active customers from the baseline, with 95% CI.

    Replication r of an arm and of the baseline share their random numbers, so this
    band is far narrower than the overlap of the level curves suggests.

    Parameters
    ----------
    timeseries : pandas.DataFrame
        ``strategy``, ``scenario``, ``replication``, ``day``, ``active``.
    scenario : str
        Scenario to draw.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    return _curves(
        paired_daily_uplift(timeseries, scenario),
        "uplift",
        ax,
        f"Active customers gained over the baseline, scenario '{scenario}'",
        "active customers vs baseline (shoppers)",
        paired=True,
    )


def plot_retention(
    cohorts: pd.DataFrame, scenario: str, cohort: int = 0, ax: Axes | None = None
) -> Axes:
    """Retention of one monthly acquisition cohort by day, per strategy, with 95% CI bands.

    Parameters
    ----------
    cohorts : pandas.DataFrame
        ``strategy``, ``scenario``, ``replication``, ``day``, ``cohort``, ``retention``.
    scenario : str
        Scenario to draw.
    cohort : int
        Cohort (month of acquisition, 0 = the first 30 days); drawn from the day it closes.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    start = 30 * (cohort + 1)
    rows = cohorts[
        (cohorts["scenario"] == scenario)
        & (cohorts["cohort"] == cohort)
        & (cohorts["day"] >= start)
    ]
    days = f"days {30 * cohort}-{30 * cohort + 29}"
    ax = _curves(
        rows,
        "retention",
        ax,
        f"Retention of customers acquired on {days}, scenario '{scenario}'",
        LABELS["retention"],
    )
    ax.set_ylim(0, 1.02)
    return ax


def plot_uplift(comparison: pd.DataFrame, metric: str = "profit", ax: Axes | None = None) -> Axes:
    """Forest plot: each arm's paired difference from the baseline with its 95% CI.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`experiments.analysis.compare_arms`.
    metric : str
        Metric to draw.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    rows = comparison[(comparison["metric"] == metric) & (comparison["strategy"] != BASELINE)]
    rows = rows.iloc[::-1].assign(position=np.arange(len(rows)))
    labels = [f"{s}  ({c})" for s, c in zip(rows["strategy"], rows["scenario"], strict=True)]
    with plot_style(STYLE):
        ax = _axes(ax, (8, 1.2 + 0.4 * max(len(rows), 2)))
        for scenario, group in reversed(list(rows.groupby("scenario", sort=False))):
            errors = np.vstack(
                [group["diff"] - group["diff_ci_low"], group["diff_ci_high"] - group["diff"]]
            )
            ax.errorbar(
                group["diff"], group["position"], xerr=errors, fmt="o", capsize=3, label=scenario
            )
        ax.axvline(0, color="0.3", linewidth=1, linestyle="--")
        ax.set_yticks(rows["position"], labels)
        _legend_outside(ax, "scenario")
        ax.set_xlabel(f"uplift in {_name(metric)} vs baseline ({_unit(metric)})")
        ax.set_title(f"Uplift in {_name(metric)} over the baseline (95% CI, paired)")
        ax.grid(axis="y", visible=False)
    return ax


def plot_frontier(summary: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Spend (strategy + acquisition) vs customers still active at the end, per arm.

    Points are means over replications with 95% CI error bars (colour: strategy,
    marker: scenario); the dashed line per scenario joins the efficient arms (no
    cheaper arm keeps more customers).

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per run with ``strategy_cost``, ``acquisition_cost``, ``active_end``.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    frame = summary.assign(cost=summary["strategy_cost"] + summary["acquisition_cost"])
    markers = dict(zip(dict.fromkeys(frame["scenario"]), "osD^v<>P*X", strict=False))
    with plot_style(STYLE):
        ax = _axes(ax, (9, 5.5))
        colours = strategy_colours(frame["strategy"])
        for scenario, rows in frame.groupby("scenario", sort=False):
            points = []
            for strategy, group in rows.groupby("strategy", sort=False):
                x, x_low, x_high = mean_ci(group["cost"])
                y, y_low, y_high = mean_ci(group["active_end"])
                points.append((x, y))
                ax.errorbar(
                    x,
                    y,
                    xerr=[[x - x_low], [x_high - x]],
                    yerr=[[y - y_low], [y_high - y]],
                    fmt=markers[scenario],
                    color=colours[strategy],
                    ecolor=colours[strategy],
                    elinewidth=0.8,
                    alpha=0.9,
                    capsize=2,
                    markersize=7,
                    zorder=3,
                )
            points.sort()
            xs, ys = np.array(points).T
            efficient = ys >= np.maximum.accumulate(ys)
            ax.plot(xs[efficient], ys[efficient], "--", color="0.5", linewidth=1, zorder=2)
        handles = [
            Line2D([], [], color=colour, marker="o", linestyle="", label=strategy)
            for strategy, colour in colours.items()
        ] + [
            Line2D([], [], color="0.4", marker=marker, linestyle="", label=f"scenario {scenario}")
            for scenario, marker in markers.items()
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1))
        ax.set_xlabel("strategy + acquisition spend per run (CNY)")
        ax.set_ylabel(LABELS["active_end"])
        ax.set_title("Spend vs retained customers (dashed: efficient frontier per scenario)")
    return ax


def plot_segment_heatmap(
    summary: pd.DataFrame, scenario: str, prefix: str = "active_end", ax: Axes | None = None
) -> Axes:
    """Heatmap of each arm's paired uplift over the baseline in each shopper segment.

    Cells whose 95% CI (paired by replication) includes 0 are not told from noise:
    they are drawn grey and hatched, and the title says so; only the others are
    coloured.

    Parameters
    ----------
    summary, scenario, prefix
        As :func:`experiments.segments.segment_uplift_cells`: the runs, the
        scenario to draw and the metric (``active_end``: customers, ``retention_90``:
        share, ``profit``: CNY).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
    """
    table, unsure = segment_uplift_cells(summary, scenario, prefix)
    values = table.to_numpy(dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    decimals = 0 if limit >= 10 else 1 if limit >= 1 else 3
    grey = unsure.to_numpy()
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad="0.88")
    with plot_style(STYLE):
        ax = _axes(ax, (2.5 + 1.1 * max(table.shape[1], 3), 1.8 + 0.5 * max(table.shape[0], 2)))
        image = ax.imshow(
            np.ma.masked_array(values, mask=grey),
            cmap=cmap,
            norm=TwoSlopeNorm(0, -limit, limit),
            aspect="auto",
        )
        ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
        ax.set_yticks(range(table.shape[0]), table.index)
        ax.grid(False)
        for (row, col), value in np.ndenumerate(values):
            if grey[row, col]:
                ax.add_patch(
                    Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, hatch="//", edgecolor="0.7")
                )
            ax.text(
                col,
                row,
                f"{value:+.{decimals}f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if abs(value) > 0.6 * limit and not grey[row, col] else "black",
            )
        ax.figure.colorbar(image, ax=ax, label=f"uplift vs baseline ({_unit(prefix)})")
        ax.set_xlabel("shopper segment")
        ax.set_title(
            f"Uplift in {_name(prefix)} by segment, scenario '{scenario}'\n"
            "(paired by replication; grey, hatched: 95% CI spans 0, not told from noise)"
        )
    return ax


def plot_sensitivity(sensitivity: pd.DataFrame, metric: str, ax: Axes | None = None) -> Axes:
    """Bars of each swept parameter's sensitivity index per arm (total Sobol or Morris mu*).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        Output of :func:`experiments.sensitivity.sweep_sensitivity`.
    metric : str
        Metric whose indices to draw.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes

    Raises
    ------
    ValueError
        If there are no indices of ``metric``.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": "baseline", "metric": "profit", "parameter": ["a", "b"],
    ...                       "index": "ST", "value": [0.7, 0.2], "conf": [0.1, 0.05]})
    >>> plot_sensitivity(table, "profit").get_xlabel()
    'total Sobol index ST (share of variance)'
    """
    of_metric = sensitivity[sensitivity["metric"] == metric]
    if of_metric.empty:
        raise ValueError(
            f"no sensitivity indices of {metric!r} (they need a Sobol or Morris sweep); "
            f"metrics with indices: {sorted(set(sensitivity['metric']))}"
        )
    flat = list(dict.fromkeys(of_metric.loc[of_metric["index"].isna(), "strategy"]))
    of_metric = varied(of_metric)
    index = "ST" if "ST" in set(of_metric["index"]) else "mu_star"
    rows = of_metric[of_metric["index"] == index]
    if rows.empty:
        with plot_style(STYLE):
            ax = _axes(ax, (8, 2.5))
            ax.text(
                0.5,
                0.5,
                f"no variation of {_name(metric)} at any sweep point\n"
                f"(arms: {', '.join(flat)}): nothing to apportion",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_xlabel("sensitivity index")
            ax.set_title(f"Sensitivity of {_name(metric)} to the swept parameters")
        return ax
    parameters = list(dict.fromkeys(rows["parameter"]))
    strategies = list(dict.fromkeys(rows["strategy"]))
    height = 0.8 / len(strategies)
    colours = strategy_colours(strategies)
    with plot_style(STYLE):
        ax = _axes(ax, (8, 1.5 + 0.3 * len(parameters) * len(strategies)))
        for k, (strategy, group) in enumerate(rows.groupby("strategy", sort=False)):
            group = group.set_index("parameter").reindex(parameters)
            positions = np.arange(len(parameters)) + (k - (len(strategies) - 1) / 2) * height
            ax.barh(
                positions,
                group["value"],
                height,
                xerr=group["conf"],
                error_kw={"ecolor": "0.3", "capsize": 2, "elinewidth": 0.8},
                color=colours[strategy],
                label=strategy,
            )
        ax.set_yticks(range(len(parameters)), parameters)
        ax.invert_yaxis()
        unit = "share of variance" if index == "ST" else _unit(metric)
        name = "total Sobol index ST" if index == "ST" else "Morris mu*"
        ax.set_xlabel(f"{name} ({unit})")
        same = f"; no variation: {', '.join(flat)}" if flat else ""
        ax.set_title(f"Sensitivity of {_name(metric)} to the swept parameters (95% CI{same})")
        _legend_outside(ax, "strategy")
    return ax
