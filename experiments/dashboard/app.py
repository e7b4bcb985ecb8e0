"""The dashboard's page: Mesa's SolaraViz on one run of the shopper model.

A thin view, as in Mesa's examples (``model.py`` / ``app.py``): the sidebar holds
Mesa's controls (step, play, reset) and the model's sliders and strategy switches
(:meth:`experiments.dashboard.model.Setup.user_params`; a change applies on Reset);
the main area shows the run's headline figures, plots of its daily metrics
(:mod:`experiments.dashboard.plots`) and a sample of its social network coloured by
state. ``shoplab dashboard`` serves it; the setup comes from the environment
variable :data:`experiments.dashboard.cli.SETUP_ENV` (the command's arguments).

Examples
--------
>>> Page  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd
import solara
from matplotlib.axes import Axes
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from experiments.dashboard.cli import SETUP_ENV
from experiments.dashboard.model import DashboardModel, Setup, load_setup
from experiments.dashboard.network_sample import NetworkSample, snowball_sample, spring_positions
from experiments.dashboard.plots import (
    plot_customers,
    plot_experience,
    plot_money,
    plot_network,
    plot_nps,
    plot_segments,
)
from sim.states import OUTSIDE

#: Shoppers in the network view, and the shoppers its snowball starts from.
NETWORK_SAMPLE_SIZE = 150
NETWORK_SAMPLE_SEEDS = 3

matplotlib.use("Agg")


def setup_from_environment() -> Setup:
    """The setup named by :data:`SETUP_ENV` (JSON of the command's arguments), or the default.

    Returns
    -------
    Setup

    Examples
    --------
    >>> setup_from_environment().title  # doctest: +SKIP
    'dashboard · base · baseline'
    """
    arguments = json.loads(os.environ.get(SETUP_ENV, "{}"))
    return load_setup(**arguments)


def _frame(model: DashboardModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


@solara.component
def Figure(model: DashboardModel, draw: Callable[[pd.DataFrame], Axes]) -> None:
    """A plot of the run's metrics, redrawn at each update of the model."""
    update_counter.get()
    ax = draw(_frame(model))
    solara.FigureMatplotlib(ax.figure, format="png", bbox_inches="tight")


def figure(draw: Callable[[pd.DataFrame], Axes]) -> Callable[[DashboardModel], None]:
    """A SolaraViz component (a function of the model) showing ``draw(metrics)``.

    Parameters
    ----------
    draw : callable
        A plot function of :mod:`experiments.dashboard.plots` taking the metrics frame.

    Returns
    -------
    callable
    """

    def component(model: DashboardModel) -> None:
        return Figure(model, draw)

    return component


def headline_rows(model: DashboardModel) -> list[tuple[str, str]]:
    """The run's figures so far, as (name, value) rows.

    Parameters
    ----------
    model : DashboardModel

    Returns
    -------
    list of tuple
        Day, active and churned customers, NPS, revenue and profit so far.

    Examples
    --------
    >>> from experiments.config import ExperimentConfig
    >>> setup = Setup.build(ExperimentConfig(name="d", model={"population": {"size": 300}}))
    >>> headline_rows(DashboardModel(setup=setup))[0]
    ('Day', '0 of 365')
    """
    frame = _frame(model)
    last = frame.iloc[-1]
    return [
        ("Day", f"{int(last['day']) + 1} of {model.params.horizon_days}"),
        ("Active customers", f"{int(last['active']):,}"),
        ("Churned customers", f"{int(last['churned']):,}"),
        ("NPS", f"{last['nps']:+.1f}"),
        ("Revenue so far", f"{frame['revenue'].sum():,.0f} CNY"),
        ("Profit so far", f"{frame['profit'].sum():,.0f} CNY"),
    ]


def settings_rows(model: DashboardModel) -> list[tuple[str, str]]:
    """The settings the run was built with (Mesa's sliders show no numbers).

    Parameters
    ----------
    model : DashboardModel

    Returns
    -------
    list of tuple
        The replication, every model slider's value, and each strategy switched on
        with its main parameter.

    Examples
    --------
    >>> from experiments.config import ExperimentConfig
    >>> setup = Setup.build(ExperimentConfig(name="d", model={"population": {"size": 300}}))
    >>> settings_rows(DashboardModel(setup=setup))[:2]
    [('Replication', '0'), ('Shoppers (population size)', '300')]
    """
    values = model.control_values
    rows = [("Replication", str(values["replication"]))]
    rows += [(c.label, f"{values[c.name]:,.6g}") for c in model.setup.controls]
    for spec in model.params.strategies:
        slider = model.setup.strategy_controls.get(spec.kind)
        shown = "on" if slider is None else f"on, {slider.path} {getattr(spec, slider.path):.4g}"
        rows.append((f"Strategy: {spec.kind.replace('_', ' ')}", shown))
    if not model.params.strategies:
        rows.append(("Strategies", "none (baseline)"))
    return rows


_TABLE_STYLE = (
    "<style>.shoplab-run th{text-align:left;font-weight:normal;color:#555;"
    "padding:2px 16px 2px 0}.shoplab-run td{text-align:right;font-weight:600}</style>"
)


def _rows_table(title: str, rows: list[tuple[str, str]]) -> None:
    cells = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    with solara.Card(title):
        solara.HTML(
            tag="div", unsafe_innerHTML=f"{_TABLE_STYLE}<table class='shoplab-run'>{cells}</table>"
        )


@solara.component
def Headline(model: DashboardModel) -> None:
    """The run's figures so far."""
    update_counter.get()
    _rows_table("This run", headline_rows(model))


@solara.component
def Settings(model: DashboardModel) -> None:
    """The settings the run was built with."""
    update_counter.get()
    _rows_table("Settings (set in the sidebar, applied on Reset)", settings_rows(model))


@solara.component
def Segments(model: DashboardModel) -> None:
    """The per-segment breakdown, one measure at a time (buttons choose it)."""
    update_counter.get()
    measure, set_measure = solara.use_state("active")
    solara.ToggleButtonsSingle(
        value=measure, values=["active", "satisfaction", "loyalty"], on_value=set_measure
    )
    ax = plot_segments(_frame(model), model.segment_names, measure)
    solara.FigureMatplotlib(ax.figure, format="png", bbox_inches="tight")


def network_view(model: DashboardModel) -> tuple[NetworkSample, np.ndarray] | None:
    """A snowball sample of the model's network and where to draw it (None: fully mixed).

    The sample is drawn by its own generator (seed 0), not the model's streams, so
    watching the network changes nothing in the run.

    Parameters
    ----------
    model : DashboardModel

    Returns
    -------
    tuple or None
        The sample and its positions.
    """
    if model.network.fully_mixed:
        return None
    sample = snowball_sample(
        model.network.adjacency,
        size=NETWORK_SAMPLE_SIZE,
        seeds=NETWORK_SAMPLE_SEEDS,
        rng=np.random.default_rng(0),
        eligible=model.shoppers.state != OUTSIDE,
    )
    return sample, spring_positions(sample, seed=0)


@solara.component
def Network(model: DashboardModel) -> None:
    """The sampled shoppers coloured by their current state."""
    update_counter.get()
    view = solara.use_memo(lambda: network_view(model), dependencies=[model])
    if view is None:
        solara.Markdown("The population is fully mixed (no network to draw).")
        return
    sample, positions = view
    ax = plot_network(sample, positions, model.shoppers.state)
    solara.FigureMatplotlib(ax.figure, format="png", bbox_inches="tight")


def build_page(setup: Setup, model: DashboardModel) -> solara.Element:
    """The SolaraViz page of a setup, starting from ``model``.

    Parameters
    ----------
    setup : Setup
    model : DashboardModel
        The run shown first (Reset builds the next one from the controls).

    Returns
    -------
    solara.Element
        Mesa's SolaraViz with the controls and the components of this view.
    """
    components = [
        Headline,
        figure(plot_customers),
        figure(plot_money),
        figure(plot_experience),
        figure(plot_nps),
        Segments,
        Network,
        Settings,
    ]
    return SolaraViz(
        model,
        components=components,
        model_params=setup.user_params(),
        name=f"shoplab · {setup.title}",
        play_interval=50,
        render_interval=7,
    )


@solara.component
def Page() -> None:
    """The page Solara serves: each browser session gets its own run."""
    setup = solara.use_memo(setup_from_environment, dependencies=[])
    model = solara.use_memo(
        lambda: DashboardModel(setup=setup, **setup.defaults()), dependencies=[setup]
    )
    build_page(setup, model)
