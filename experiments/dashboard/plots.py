"""The dashboard's plots of one run, drawn from the model's daily metrics.

Each function takes the metrics frame of :class:`sim.model.ShopperModel`'s data
collector (one row per day, the initial state first, columns of
:func:`sim.metrics.metric_names`), draws on ``ax`` (a new figure when None) inside
the packaged style (:data:`experiments.plots.STYLE`) and returns the Axes.

Examples
--------
>>> from sim import ShopperModel
>>> model = ShopperModel({"population": {"size": 300}}, rng=0)
>>> model.run(5)
>>> frame = model.datacollector.get_model_vars_dataframe()
>>> plot_customers(frame).get_ylabel()
'shoppers'
"""

from __future__ import annotations

import contextlib
import functools

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import rcsetup
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import EngFormatter

from experiments.dashboard.network_sample import NetworkSample
from experiments.plots import STYLE
from sim.states import STATE_NAMES
from survey.fonts import cjk_fallback_rc

#: Colour of each lifecycle state in the network view (index: state code).
STATE_COLOURS = ("#b8b8b8", "#3a9e5f", "#c44e52", "#1b6ca8", "#ececec")


@functools.cache
def _style_rc() -> dict[str, object]:
    values = matplotlib.rc_params_from_file(STYLE, use_default_template=False)
    return {key: rcsetup._validators[key](value) for key, value in values.items()}


def _style() -> contextlib.AbstractContextManager[None]:
    """The packaged style, as parsed values.

    Solara's server replaces matplotlib's ``RcParams`` by a per-session mapping that
    stores what it is given without parsing it, so ``matplotlib.style.context``
    there leaves strings (``"8, 5"``) where matplotlib expects numbers; the
    values are parsed here by matplotlib's own validators (idempotent on parsed
    values), once. Text falls back to Noto Sans CJK SC for Chinese segment names
    (:func:`survey.fonts.cjk_fallback_rc`).
    """
    return matplotlib.rc_context({**_style_rc(), **cjk_fallback_rc()})


def _axes(ax: Axes | None, size: tuple[float, float] = (6.0, 3.6)) -> Axes:
    return ax if ax is not None else Figure(figsize=size).add_subplot()


def _daily(
    frame: pd.DataFrame,
    lines: list[tuple[str, pd.Series, str | None]],
    *,
    title: str,
    ylabel: str,
    ax: Axes | None,
    ylim: tuple[float, float] | None = None,
) -> Axes:
    """Draw (label, values, colour) lines by day; a zero line when negatives show."""
    with _style():
        ax = _axes(ax)
        for label, values, colour in lines:
            ax.plot(frame["day"], values, label=label, color=colour)
        if ylim is not None:
            ax.set_ylim(*ylim)
        if ax.get_ylim()[0] < 0:
            ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_title(title, loc="left")
        ax.set_xlabel("day")
        ax.set_ylabel(ylabel)
        if len(lines) > 1:
            ax.legend(loc="best")
        return ax


def plot_customers(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Active customers and customers lost (``active``, ``churned``), day by day."""
    lines = [
        ("active customers", frame["active"], None),
        ("churned (lost)", frame["churned"], "#c44e52"),
    ]
    return _daily(frame, lines, title="Customers", ylabel="shoppers", ax=ax)


def plot_experience(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean ``satisfaction`` and ``loyalty`` of active customers (0-1 scales)."""
    lines = [
        ("satisfaction", frame["satisfaction"], None),
        ("loyalty", frame["loyalty"], None),
    ]
    title = "Satisfaction and loyalty (active customers)"
    return _daily(frame, lines, title=title, ylabel="mean, 0-1 scale", ax=ax, ylim=(0, 1))


def plot_nps(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Net Promoter Score (``nps``): % promoters (9-10) minus % detractors (0-6)."""
    lines = [("NPS", frame["nps"], "#8172b2")]
    return _daily(
        frame, lines, title="Net Promoter Score", ylabel="NPS (points)", ax=ax, ylim=(-100, 100)
    )


def plot_money(frame: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The platform's revenue, costs and profit, summed from day 0.

    Revenue (``revenue``) is the take on GMV; costs are ``acquisition_cost`` plus
    ``strategy_cost``; profit (``profit``) is revenue less costs (:mod:`sim.metrics`).
    """
    costs = frame["acquisition_cost"] + frame["strategy_cost"]
    lines = [
        ("revenue", frame["revenue"].cumsum(), None),
        ("costs (acquisition + strategies)", costs.cumsum(), None),
        ("profit", frame["profit"].cumsum(), "#3a9e5f"),
    ]
    ax = _daily(frame, lines, title="Platform money, cumulative", ylabel="CNY since day 0", ax=ax)
    ax.yaxis.set_major_formatter(EngFormatter(sep=""))
    return ax


def plot_segments(
    frame: pd.DataFrame, segments: list[str], measure: str = "active", ax: Axes | None = None
) -> Axes:
    """One line per shopper segment of a per-segment metric.

    Parameters
    ----------
    frame : pandas.DataFrame
        Daily metrics (``day`` and ``<measure>_<segment>`` columns).
    segments : list of str
        Segment names, in the model's order.
    measure : {"active", "satisfaction", "loyalty"}
        The per-segment metric.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        For a measure the model does not report per segment.
    """
    labels = {
        "active": "active customers (shoppers)",
        "satisfaction": "mean satisfaction, 0-1",
        "loyalty": "mean loyalty, 0-1",
    }
    if measure not in labels:
        raise ValueError(f"measure must be one of {sorted(labels)}, got {measure!r}")
    with _style():
        ax = _axes(ax)
        for segment in segments:
            ax.plot(frame["day"], frame[f"{measure}_{segment}"], label=segment)
        ax.set_title(f"By segment: {measure}", loc="left")
        ax.set_xlabel("day")
        ax.set_ylabel(labels[measure])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
        return ax


def plot_network(
    sample: NetworkSample,
    positions: np.ndarray,
    states: np.ndarray,
    ax: Axes | None = None,
) -> Axes:
    """The sampled shoppers and their ties, each coloured by lifecycle state.

    Parameters
    ----------
    sample : NetworkSample
        The sample (nodes and ties).
    positions : numpy.ndarray
        Shape (len(nodes), 2): where each sampled shopper is drawn.
    states : numpy.ndarray
        Every shopper's state code (:mod:`sim.states`); the sample's are shown.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    with _style():
        ax = _axes(ax, size=(6.0, 5.0))
        codes = states[sample.nodes]
        if sample.edges.size:
            ties = LineCollection(positions[sample.edges], colors="0.75", linewidths=0.5)
            ax.add_collection(ties)
        ax.scatter(
            positions[:, 0],
            positions[:, 1],
            c=np.asarray(STATE_COLOURS)[codes],
            s=28,
            edgecolors="white",
            linewidths=0.4,
            zorder=2,
        )
        counts = np.bincount(codes, minlength=len(STATE_NAMES))
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=STATE_COLOURS[k],
                label=f"{STATE_NAMES[k]} ({counts[k]})",
            )
            for k in range(len(STATE_NAMES))
            if counts[k]
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), title="state")
        ax.set_title(f"Social network: {len(sample.nodes)} sampled shoppers", loc="left")
        ax.set_axis_off()
        return ax
