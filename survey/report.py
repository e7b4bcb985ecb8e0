"""The self-contained HTML report and its plots.

The report embeds every table and every plot (PNG, base64), so it reads offline
and can be mailed as one file; the PNGs are also written to ``plots/``.
"""

from __future__ import annotations

import base64
import html
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.style
import pandas as pd
from matplotlib.axes import Axes

from survey.html import html_image, html_list, html_page
from survey.plots import (
    STYLE,
    plot_correlation_heatmap,
    plot_item_distributions,
    plot_path_diagram,
    plot_satisfaction_loyalty_curve,
    plot_segment_comparison,
)

if TYPE_CHECKING:
    from survey.analyze import SurveyAnalysis

#: Section titles of the tables, in report order.
TITLES: dict[str, str] = {
    "cleaning_summary": "Cleaning (entries and rows per rule; details in cleaning_log.csv)",
    "descriptives": "Item descriptives",
    "construct_scores": "Construct scores (mean of valid items)",
    "reliability": "Reliability per construct",
    "item_analysis": "Item analysis: item-rest correlation, alpha if dropped, loadings",
    "validity": "Discriminant validity: HTMT and Fornell-Larcker",
    "correlations": "Correlations of construct scores (95% CI)",
    "regression": "Regression of loyalty on satisfaction and drivers",
    "satisfaction_loyalty": "Satisfaction -> loyalty: correlation and simple slope",
    "mediation": "Mediation: quality -> satisfaction -> loyalty (bootstrap CI)",
    "segment_means": "Construct means by segment",
    "segment_tests": "Segment comparisons (Welch ANOVA, Kruskal-Wallis)",
    "segment_posthoc": "Segment post-hoc tests (Games-Howell; Mann-Whitney with Holm correction)",
    "nps": "Net Promoter Score",
    "curve": "Satisfaction -> loyalty: mean loyalty per satisfaction level",
    "curve_models": "Satisfaction -> loyalty: linear vs logistic curve (AIC, identification)",
    "curve_fit": "Satisfaction -> loyalty: logistic fit (identified)",
    "pls_paths": "PLS path coefficients",
    "pls_r2": "PLS R-squared",
    "pls_effects": "PLS direct, indirect and total effects",
    "pls_bootstrap": "PLS bootstrap: standard errors, t values and percentile CIs",
    "pls_outer": "PLS outer weights and loadings",
}


def _save(ax: Axes, path: Path) -> str:
    with matplotlib.style.context(STYLE), warnings.catch_warnings():
        # Without a CJK font installed Chinese labels show as boxes (the style lists CJK
        # fonts to fall back on); the report tables keep the full text, so no warning per glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        ax.figure.savefig(path, format="png")
    return base64.b64encode(path.read_bytes()).decode("ascii")


def draw_plots(analysis: SurveyAnalysis, folder: Path) -> dict[str, str]:
    """Draw every plot of an analysis into ``folder`` as PNG.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The analysis.
    folder : Path
        Where the PNG files go (created if needed).

    Returns
    -------
    dict
        Plot title → base64-encoded PNG.

    Examples
    --------
    >>> import tempfile
    >>> from survey.analyze import run_analysis
    >>> from survey.datasets import load_example
    >>> analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    >>> len(draw_plots(analysis, Path(tempfile.mkdtemp())))
    4
    """
    folder.mkdir(parents=True, exist_ok=True)
    codebook, cleaned, tables = analysis.codebook, analysis.cleaned, analysis.tables
    images = {
        "Item distributions": _save(
            plot_item_distributions(
                cleaned.items, codebook.item_names, codebook.scale.min, codebook.scale.max
            ),
            folder / "item_distributions.png",
        ),
    }
    if "correlations" in tables:
        images["Construct correlations"] = _save(
            plot_correlation_heatmap(tables["correlations"]), folder / "correlation_heatmap.png"
        )
    if "curve" in tables:
        images["Satisfaction -> loyalty curve"] = _save(
            plot_satisfaction_loyalty_curve(
                tables["curve"],
                tables.get("curve_fit"),
                xlabel=codebook.roles.satisfaction or "",
                ylabel=codebook.roles.loyalty or "",
            ),
            folder / "satisfaction_loyalty_curve.png",
        )
    if "segment_tests" in tables:
        for column in cleaned.segments.columns:
            images[f"Segments: {column}"] = _save(
                plot_segment_comparison(cleaned.scores, cleaned.segments[column]),
                folder / f"segment_comparison_{column}.png",
            )
    if analysis.pls is not None:
        images["PLS path model"] = _save(
            plot_path_diagram(analysis.pls.paths, analysis.pls.r2), folder / "path_diagram.png"
        )
    return images


def _reliability_lines(alpha: pd.Series) -> list[str]:
    """Range of standardised alpha over the constructs where it is defined."""
    lines = []
    defined = alpha.dropna()
    if not defined.empty:
        lines.append(
            f"Standardised Cronbach's alpha from {defined.min():.3f} ({defined.idxmin()}) "
            f"to {defined.max():.3f} ({defined.idxmax()})."
        )
    negative = defined[defined < 0]
    if not negative.empty:
        lines.append(
            "Negative alpha for "
            + ", ".join(f"{name} ({value:.3f})" for name, value in negative.items())
            + ": the items correlate negatively on average, usually an item worded or "
            "stored in reverse and not declared under `reverse:` (see Warnings)."
        )
    undefined = list(alpha.index[alpha.isna()])
    if undefined:
        lines.append(f"Cronbach's alpha undefined for {', '.join(map(str, undefined))}.")
    return lines


def _htmt_lines(validity: pd.DataFrame) -> list[str]:
    """Highest defined HTMT, and the pairs where HTMT is undefined."""
    lines = []
    defined = validity.dropna(subset=["htmt"])
    if not defined.empty:
        worst = defined.sort_values("htmt").iloc[-1]
        lines.append(
            f"Highest HTMT {worst['htmt']:.3f} ({worst['construct_a']}-"
            f"{worst['construct_b']}); above 0.85 signals weak discriminant validity."
        )
    undefined = validity[validity["htmt"].isna()]
    if not undefined.empty:
        pairs = ", ".join(
            f"{a}-{b}"
            for a, b in zip(undefined["construct_a"], undefined["construct_b"], strict=True)
        )
        lines.append(
            f"HTMT undefined for {pairs}: a construct's items correlate negatively on "
            "average (see Warnings)."
        )
    return lines


def _curve_line(tables: dict[str, pd.DataFrame]) -> str:
    """The curve result: the logistic parameters only when identified."""
    logistic = tables["curve_models"].set_index("model").loc["logistic"]
    if "curve_fit" not in tables:
        return str(logistic["note"])
    est = tables["curve_fit"].set_index("parameter")["estimate"]
    return (
        f"logistic from {est['lower']:.2f} to {est['upper']:.2f}, midpoint "
        f"{est['midpoint']:.2f}, slope {est['slope']:.2f} (AIC {logistic['aic']:.1f}, "
        "below the linear fit's)"
    )


def key_results(tables: dict[str, pd.DataFrame]) -> list[str]:
    """One line per headline number an analyst reports first.

    Parameters
    ----------
    tables : dict
        The tables of a :class:`survey.analyze.SurveyAnalysis`.

    Returns
    -------
    list of str
        Reliability range, weakest discriminant validity, satisfaction-loyalty link,
        curve, NPS and the R² of the PLS model, for the tables present. NaN never
        ranks: undefined values are left out of highest/lowest and named on a line
        of their own; a negative alpha gets its likely cause.

    Examples
    --------
    >>> nps = pd.DataFrame({"nps": [14.0], "ci_low": [4.4], "ci_high": [23.6], "n": [250]})
    >>> key_results({"nps": nps})
    ['NPS 14.0 (95% CI 4.4 to 23.6), n = 250.']
    >>> validity = pd.DataFrame({"construct_a": ["A", "A"], "construct_b": ["B", "C"],
    ...                          "htmt": [0.5, float("nan")]})
    >>> key_results({"validity": validity})[0]
    'Highest HTMT 0.500 (A-B); above 0.85 signals weak discriminant validity.'
    """
    lines = []
    if "reliability" in tables:
        lines += _reliability_lines(tables["reliability"].set_index("construct")["alpha_std"])
    if "validity" in tables:
        lines += _htmt_lines(tables["validity"])
    if "satisfaction_loyalty" in tables:
        link = tables["satisfaction_loyalty"].iloc[0]
        lines.append(
            f"{link['satisfaction']} -> {link['loyalty']}: r = {link['r']:.3f} "
            f"(95% CI {link['ci_low']:.3f} to {link['ci_high']:.3f}), slope "
            f"{link['slope']:.3f} per scale point, n = {int(link['n'])}."
        )
    if "nps" in tables:
        nps = tables["nps"].iloc[0]
        lines.append(
            f"NPS {nps['nps']:.1f} (95% CI {nps['ci_low']:.1f} to "
            f"{nps['ci_high']:.1f}), n = {int(nps['n'])}."
        )
    if "curve_models" in tables:
        lines.append(f"Satisfaction -> loyalty curve: {_curve_line(tables)}.")
    if "pls_r2" in tables:
        r2 = ", ".join(f"{row.construct} {row.r2:.3f}" for row in tables["pls_r2"].itertuples())
        lines.append(f"PLS R-squared: {r2}.")
    return lines


def _table_html(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p class='note'>Nothing to report.</p>"
    return table.to_html(
        index=False, float_format=lambda v: f"{v:.4g}", na_rep="", border=0, escape=True
    )


def write_report(analysis: SurveyAnalysis, out_dir: Path, plots: bool = True) -> Path:
    """Write ``report.html`` (and ``plots/*.png``) for an analysis.

    Parameters
    ----------
    analysis : SurveyAnalysis
        The analysis.
    out_dir : Path
        Output folder.
    plots : bool, default True
        Draw and embed the plots.

    Returns
    -------
    Path
        The report file.

    Examples
    --------
    >>> import tempfile
    >>> from survey.analyze import run_analysis
    >>> from survey.datasets import load_example
    >>> analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    >>> write_report(analysis, Path(tempfile.mkdtemp()), plots=False).name
    'report.html'
    """
    images = draw_plots(analysis, out_dir / "plots") if plots else {}
    cleaned = analysis.cleaned
    parts = [
        f"<p>{cleaned.n_read} rows read, {len(cleaned.items)} kept after cleaning. "
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by shoplab.</p>",
        *(
            ["<h2>Warnings</h2>", html_list(analysis.warnings, css_class="warning")]
            if analysis.warnings
            else []
        ),
        "<h2>Key results</h2>",
        html_list(key_results(analysis.tables)),
        "<h2>Conventions and notes</h2>",
        html_list(analysis.notes, css_class="note"),
    ]
    for name, table in analysis.tables.items():
        parts += [f"<h2>{html.escape(TITLES.get(name, name))}</h2>", _table_html(table)]
    if images:
        parts.append("<h2>Plots</h2>")
    parts += [html_image(title, data) for title, data in images.items()]
    path = out_dir / "report.html"
    page = html_page(f"Survey report: {Path(analysis.source).name}", parts)
    path.write_text(page, encoding="utf-8")
    return path
