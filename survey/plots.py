"""Plots of the survey analysis.

Every function takes ``ax=None`` (a new figure is made, without pyplot, so no global
matplotlib state changes and no GUI backend is needed) and returns the Axes. The
packaged style ``survey.mplstyle`` is applied inside :func:`survey.fonts.plot_style`,
which draws Chinese labels in Noto Sans CJK SC.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from survey.atomic import atomic_output
from survey.curve import predict_logistic_curve
from survey.fonts import plot_style
from survey.html import png_file_base64
from survey.redact import shorten

STYLE = Path(__file__).with_name("survey.mplstyle")
#: Longest label from data (item, construct, segment names) a plot draws whole.
MAX_LABEL_CHARS = 40


def save_png(ax: Axes, path: Path) -> str:
    """Save ``ax``'s figure as PNG in the package style; return the PNG base64-encoded.

    Chinese labels are drawn in Noto Sans CJK SC (:mod:`survey.fonts`), whatever
    fonts the machine has.

    Parameters
    ----------
    ax : Axes
        A plot.
    path : Path
        The PNG file to write.

    Returns
    -------
    str
        The file's bytes, base64-encoded, for :func:`survey.html.html_image`.

    Examples
    --------
    >>> import base64, tempfile
    >>> ax = _axes(None)
    >>> encoded = save_png(ax, Path(tempfile.mkdtemp()) / "empty.png")
    >>> base64.b64decode(encoded)[1:4]
    b'PNG'
    """
    with plot_style(STYLE), atomic_output(path) as temporary:
        ax.figure.savefig(temporary, format="png")
    return png_file_base64(path)


def short_label(text: object, limit: int = MAX_LABEL_CHARS) -> str:
    """A label from data as a plot draws it: its first ``limit`` characters, then ``…``.

    Segment levels, item and construct names come from files; a 10,000-character
    level made matplotlib allocate gigabytes for one legend. Tables in the report keep
    the full text.

    Parameters
    ----------
    text : object
        The label (converted with ``str``).
    limit : int, default :data:`MAX_LABEL_CHARS` (40)
        Characters kept.

    Returns
    -------
    str
        The label, cut if longer than ``limit``.

    Examples
    --------
    >>> short_label("x" * 10_000, limit=5)
    'xxxxx…'
    >>> short_label("满意度")
    '满意度'
    """
    return shorten(str(text), limit)


def _axes(ax: Axes | None, size: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    figure = Figure(figsize=size) if size else Figure()
    FigureCanvasAgg(figure)  # the Agg canvas, whatever backend pyplot may be using
    return figure.add_subplot()


def plot_item_distributions(
    data: pd.DataFrame,
    items: Sequence[str],
    scale_min: float,
    scale_max: float,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars of the share of each answer code, one bar per item.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        Items to show, top to bottom.
    scale_min, scale_max : float
        Answer scale; codes are rounded to whole points.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 2, 5], "q2": [3, 3, 4, 5]})
    >>> plot_item_distributions(df, ["q1", "q2"], 1, 5).get_title()
    'Answer distribution per item'
    """
    codes = np.arange(int(np.floor(scale_min)), int(np.ceil(scale_max)) + 1)
    shares = (
        pd.DataFrame(
            {item: data[item].dropna().round().value_counts(normalize=True) for item in items}
        )
        .reindex(codes)
        .fillna(0)
        .T
    )
    with plot_style(STYLE):
        ax = _axes(ax, (7, 0.3 * len(items) + 1.5))
        colours = matplotlib.colormaps["RdYlGn"](np.linspace(0.05, 0.95, len(codes)))
        left = np.zeros(len(items))
        rows = np.arange(len(items))
        for code, colour in zip(codes, colours, strict=True):
            ax.barh(rows, shares[code], left=left, color=colour, label=str(code))
            left += shares[code].to_numpy()
        ax.set_yticks(rows, [short_label(item) for item in items])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of valid answers")
        ax.set_title("Answer distribution per item")
        ax.legend(
            title="answer",
            ncols=min(len(codes), 11),
            loc="upper center",
            # just below the x label: 0.6 inch under the axes, whatever the figure height
            bbox_to_anchor=(0.5, -0.6 / (ax.get_position().height * ax.figure.get_figheight())),
            fontsize=7,
        )
        ax.grid(False)
    return ax


def plot_correlation_heatmap(correlations: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heatmap of construct correlations.

    Parameters
    ----------
    correlations : DataFrame
        Tidy table from :func:`survey.correlation.correlations` (``x``, ``y``, ``r``).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot, each cell annotated with r.

    Examples
    --------
    >>> table = pd.DataFrame({"x": ["a"], "y": ["b"], "r": [0.5]})
    >>> plot_correlation_heatmap(table).get_title()
    'Construct correlations'
    """
    names = list(dict.fromkeys([*correlations["x"], *correlations["y"]]))
    matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for row in correlations.itertuples():
        matrix.loc[row.x, row.y] = matrix.loc[row.y, row.x] = row.r
    with plot_style(STYLE):
        ax = _axes(ax, (1 + 0.8 * len(names), 0.6 + 0.7 * len(names)))
        image = ax.imshow(matrix.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
        labels = [short_label(name) for name in names]
        ax.set_xticks(range(len(names)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), labels)
        for i in range(len(names)):
            for j in range(len(names)):
                ax.text(j, i, f"{matrix.iat[i, j]:.2f}", ha="center", va="center", fontsize=7)
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label="Pearson r")
        ax.grid(False)
        ax.set_title("Construct correlations")
    return ax


def plot_satisfaction_loyalty_curve(
    levels: pd.DataFrame,
    fit: pd.DataFrame | None = None,
    ax: Axes | None = None,
    xlabel: str = "satisfaction",
    ylabel: str = "loyalty",
) -> Axes:
    """Mean loyalty at each satisfaction level with CIs, and the fitted curve.

    Parameters
    ----------
    levels : DataFrame
        From :func:`survey.curve.loyalty_by_satisfaction`.
    fit : DataFrame, optional
        From :func:`survey.curve.fit_logistic_curve`.
    ax : Axes, optional
        Where to draw.
    xlabel, ylabel : str
        Axis labels.

    Returns
    -------
    Axes
        The plot.

    Examples
    --------
    >>> levels = pd.DataFrame({"level": [1.0, 2.0], "n": [3, 4], "mean": [2.0, 3.0],
    ...                        "ci_low": [1.0, 2.5], "ci_high": [3.0, 3.5]})
    >>> plot_satisfaction_loyalty_curve(levels).get_xlabel()
    'satisfaction'
    """
    with plot_style(STYLE):
        ax = _axes(ax)
        error = np.vstack([levels["mean"] - levels["ci_low"], levels["ci_high"] - levels["mean"]])
        ax.errorbar(
            levels["level"],
            levels["mean"],
            yerr=np.nan_to_num(error),
            fmt="o",
            capsize=3,
            label="mean with 95% CI",
        )
        for row in levels.itertuples():
            ax.annotate(
                f"n={row.n}",
                (row.level, row.mean),
                textcoords="offset points",
                xytext=(4, -10),
                fontsize=6,
                color="grey",
            )
        if fit is not None:
            grid = np.linspace(levels["level"].min(), levels["level"].max(), 200)
            ax.plot(grid, predict_logistic_curve(fit, grid), label="logistic fit")
        ax.set_xlabel(short_label(xlabel))
        ax.set_ylabel(short_label(ylabel))
        ax.set_title("Satisfaction → loyalty")
        ax.legend()
    return ax


def plot_segment_comparison(
    scores: pd.DataFrame, segment: pd.Series, ax: Axes | None = None
) -> Axes:
    """Mean construct score per segment with 95% t intervals.

    Parameters
    ----------
    scores : DataFrame
        Construct scores, one column per construct.
    segment : Series
        Segment of each respondent (same index).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot: one group of points per construct, one colour per segment.

    Examples
    --------
    >>> scores = pd.DataFrame({"Sat": [1.0, 2, 3, 4]})
    >>> plot_segment_comparison(scores, pd.Series(["a", "a", "b", "b"])).get_ylabel()
    'mean score'
    """
    from scipy import stats

    levels = sorted(segment.dropna().unique(), key=str)
    width = 0.8 / max(len(levels), 1)
    with plot_style(STYLE):
        ax = _axes(ax)
        for k, level in enumerate(levels):
            group = scores[segment == level]
            mean, n = group.mean(), group.count()
            half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * group.std() / np.sqrt(n)
            x = np.arange(scores.shape[1]) - 0.4 + width * (k + 0.5)
            label = f"{short_label(level)} (n={len(group)})"
            ax.errorbar(x, mean, yerr=half, fmt="o", capsize=3, label=label)
        columns = [short_label(column) for column in scores.columns]
        ax.set_xticks(range(scores.shape[1]), columns, rotation=30, ha="right")
        ax.set_ylabel("mean score")
        ax.set_title(f"Construct means by {short_label(segment.name or 'segment')}")
        ax.legend()
    return ax


def plot_path_diagram(
    paths: pd.DataFrame, r2: pd.DataFrame | None = None, ax: Axes | None = None
) -> Axes:
    """Diagram of a structural model with path coefficients and R².

    Parameters
    ----------
    paths : DataFrame
        ``source``, ``target``, ``coefficient`` (e.g. :attr:`PLSResult.paths`).
    r2 : DataFrame, optional
        ``construct``, ``r2``; shown under each endogenous construct.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The plot: constructs on an ellipse in the order they first appear in
        ``paths``, arrows as thick as the coefficient is large.

    Examples
    --------
    >>> paths = pd.DataFrame({"source": ["A"], "target": ["B"], "coefficient": [0.5]})
    >>> plot_path_diagram(paths).get_title()
    'PLS path model'
    """
    names = list(dict.fromkeys([*paths["source"], *paths["target"]]))
    angles = np.pi - 2 * np.pi * np.arange(len(names)) / len(names)
    position = {
        name: (1.6 * np.cos(angle), np.sin(angle))
        for name, angle in zip(names, angles, strict=True)
    }
    r2_of = {} if r2 is None else dict(zip(r2["construct"], r2["r2"], strict=True))
    with plot_style(STYLE):
        ax = _axes(ax, (8, 5.5))
        for row in paths.itertuples():
            (x0, y0), (x1, y1) = position[row.source], position[row.target]
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0, y0),
                arrowprops={
                    "arrowstyle": "-|>",
                    "shrinkA": 28,
                    "shrinkB": 28,
                    "lw": 0.6 + 3 * abs(row.coefficient),
                    "color": "0.35",
                },
            )
            ax.text(
                x0 + 0.55 * (x1 - x0),
                y0 + 0.55 * (y1 - y0),
                f"{row.coefficient:.2f}",
                fontsize=7,
                ha="center",
                va="center",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            )
        for name, (x, y) in position.items():
            label = short_label(name)
            label += f"\nR²={r2_of[name]:.2f}" if name in r2_of else ""
            ax.text(
                x,
                y,
                label,
                ha="center",
                va="center",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.4", "fc": "#dbe9f6", "ec": "#1b6ca8"},
            )
        ax.set_xlim(-2.1, 2.1)
        ax.set_ylim(-1.3, 1.3)
        ax.set_axis_off()
        ax.set_title("PLS path model")
    return ax
