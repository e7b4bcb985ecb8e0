"""Plots of the buy-till-you-die models: holdout fit, tracking and the P(alive) matrix.

Every function takes ``ax=None`` (a new figure without pyplot) and returns the Axes,
drawn in the survey style inside :func:`survey.fonts.plot_style` (Chinese labels in
Noto Sans CJK SC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from survey.errors import DataError
from survey.fonts import plot_style
from survey.orders.bgnbd import BGNBDFit, p_alive
from survey.plots import STYLE, _axes


def plot_holdout_by_frequency(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Bars of actual and expected mean holdout transactions per calibration frequency.

    Parameters
    ----------
    table : DataFrame
        From :func:`survey.orders.holdout.holdout_by_frequency`.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot (Fader, Hardie & Lee 2005, Figure 4), each bucket labelled with its n.

    Examples
    --------
    >>> table = pd.DataFrame({"bucket": ["0", "1+"], "frequency": [0, 1], "n": [5, 2],
    ...                       "actual": [0.2, 1.5], "expected": [0.25, 1.4]})
    >>> plot_holdout_by_frequency(table).get_title()
    'Holdout transactions by calibration frequency'
    """
    positions = np.arange(len(table))
    with plot_style(STYLE):
        ax = _axes(ax)
        ax.bar(positions - 0.2, table["actual"], width=0.4, label="actual")
        ax.bar(positions + 0.2, table["expected"], width=0.4, label="BG/NBD expected")
        ax.set_xticks(
            positions, [f"{b}\nn={n}" for b, n in zip(table["bucket"], table["n"], strict=True)]
        )
        ax.set_xlabel("repeat transactions in the calibration period")
        ax.set_ylabel("mean transactions in the holdout period")
        ax.set_title("Holdout transactions by calibration frequency")
        ax.legend()
    return ax


def plot_cumulative_tracking(
    table: pd.DataFrame, ax: Axes | None = None, cumulative: bool = True
) -> Axes:
    """Actual and expected repeat transactions over time, with the end of calibration.

    Parameters
    ----------
    table : DataFrame
        From :func:`survey.orders.holdout.cumulative_tracking`.
    ax : Axes, optional
        Where to draw.
    cumulative : bool, default True
        Cumulative totals (Figure 3 of Fader, Hardie & Lee 2005) or per period
        (Figure 2).

    Returns
    -------
    Axes
        The plot, with a dashed vertical line at the last calibration period.

    Examples
    --------
    >>> table = pd.DataFrame({"period": [1, 2, 3], "calibration": [True, True, False],
    ...                       "actual": [1, 2, 1], "expected": [1.2, 1.8, 1.1],
    ...                       "actual_cumulative": [1, 3, 4],
    ...                       "expected_cumulative": [1.2, 3.0, 4.1]})
    >>> plot_cumulative_tracking(table).get_ylabel()
    'cumulative repeat transactions'
    """
    suffix = "_cumulative" if cumulative else ""
    with plot_style(STYLE):
        ax = _axes(ax)
        ax.plot(table["period"], table["actual" + suffix], label="actual")
        ax.plot(table["period"], table["expected" + suffix], linestyle="--", label="BG/NBD")
        calibration = table.loc[table["calibration"], "period"]
        if len(calibration):
            ax.axvline(calibration.max(), color="grey", linestyle=":", label="end of calibration")
        ax.set_xlabel("period since the first customer's first purchase")
        ax.set_ylabel(("cumulative " if cumulative else "") + "repeat transactions")
        ax.set_title("Repeat transactions: actual vs expected")
        ax.legend()
    return ax


def plot_p_alive_matrix(
    fit: BGNBDFit,
    *,
    T: float,  # noqa: N803 - the model's own name for the observation length
    max_frequency: int,
    ax: Axes | None = None,
) -> Axes:
    """Heat map of P(alive) by frequency and recency for customers observed for ``T``.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    T : float
        Length of observation (periods), e.g. the largest ``T`` of the summary.
    max_frequency : int
        Highest frequency shown (rows 0 .. max_frequency).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot: rows frequency (0 at the top), columns recency 0 .. T, colour
        :func:`survey.orders.bgnbd.p_alive` (customers with recent repeats alive,
        frequent buyers who stopped long ago not).

    Examples
    --------
    >>> from survey.orders.bgnbd import CDNOW_ESTIMATES as fit
    >>> plot_p_alive_matrix(fit, T=38.86, max_frequency=10).get_title()
    'P(alive) by frequency and recency'
    """
    if not T > 0 or int(max_frequency) != max_frequency or max_frequency < 1:
        raise DataError(
            f"T {T!r} and max_frequency {max_frequency!r} are not allowed; allowed: T > 0 and "
            "an integer max_frequency >= 1"
        )
    frequency = np.arange(max_frequency + 1)[:, None]
    recency = np.linspace(0, T, 101)[None, :]
    matrix = p_alive(fit, frequency, recency, T)
    with plot_style(STYLE):
        ax = _axes(ax)
        image = ax.imshow(
            matrix,
            aspect="auto",
            origin="upper",
            cmap="viridis",
            vmin=0,
            vmax=1,
            extent=(0, T, max_frequency + 0.5, -0.5),
        )
        ax.figure.colorbar(image, ax=ax, label="P(alive)")
        ax.set_xlabel(f"recency (periods; T = {T:.1f})")
        ax.set_ylabel("frequency (repeat transactions)")
        ax.set_title("P(alive) by frequency and recency")
        ax.grid(False)
    return ax
