"""The self-contained HTML report and its plots.

The report embeds every table and every plot (PNG, base64), so it reads offline
and can be mailed as one file; the PNGs are also written to ``plots/``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from survey.atomic import output_folder, write_text_atomic
from survey.html import html_list, html_page, html_plots, html_table
from survey.plots import (
    MAX_LABEL_CHARS,
    plot_correlation_heatmap,
    plot_item_distributions,
    plot_path_diagram,
    plot_satisfaction_loyalty_curve,
    plot_segment_comparison,
    save_png,
    short_label,
)

if TYPE_CHECKING:
    from survey.analyze import SurveyAnalysis

#: Section titles of the tables, in report order.
TITLES: dict[str, str] = {
    "cleaning_summary": "Cleaning (entries and rows per rule; details in cleaning_log.csv)",
    "missing_items": "Data quality: missing answers per item",
    "missing_constructs": "Data quality: missing answers per construct",
    "missing_mcar": "Data quality: Little's MCAR test",
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


def _file_stem(name: object, used: set[str], number: int) -> str:
    """A file-name part for a column name: word characters only, short, not used before."""
    stem = re.sub(r"[^\w-]+", "_", str(name))[:MAX_LABEL_CHARS] or str(number)
    if stem in used:
        stem = f"{stem}_{number}"
    used.add(stem)
    return stem


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
    output_folder(folder)
    codebook, cleaned, tables = analysis.codebook, analysis.cleaned, analysis.tables
    images = {
        "Item distributions": save_png(
            plot_item_distributions(
                cleaned.items, codebook.item_names, codebook.scale.min, codebook.scale.max
            ),
            folder / "item_distributions.png",
        ),
    }
    if "correlations" in tables:
        images["Construct correlations"] = save_png(
            plot_correlation_heatmap(tables["correlations"]), folder / "correlation_heatmap.png"
        )
    if "curve" in tables:
        images["Satisfaction -> loyalty curve"] = save_png(
            plot_satisfaction_loyalty_curve(
                tables["curve"],
                tables.get("curve_fit"),
                xlabel=codebook.roles.satisfaction or "",
                ylabel=codebook.roles.loyalty or "",
            ),
            folder / "satisfaction_loyalty_curve.png",
        )
    if "segment_tests" in tables:
        used: set[str] = set()
        for number, column in enumerate(cleaned.segments.columns, start=1):
            stem = _file_stem(column, used, number)
            images[f"Segments: {short_label(column)}"] = save_png(
                plot_segment_comparison(cleaned.scores, cleaned.segments[column]),
                folder / f"segment_comparison_{stem}.png",
            )
    if analysis.pls is not None:
        images["PLS path model"] = save_png(
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


#: Columns holding the number of respondents a statistic used.
N_COLUMNS: tuple[str, ...] = ("n", "n_min", "n_ave_a", "n_ave_b")

#: Tables not checked by :func:`low_n_lines`: they describe the data, or their ``n``
#: counts a group (a satisfaction level, a segment), not missing answers.
N_UNCHECKED: tuple[str, ...] = (
    "cleaning_summary",
    "missing_items",
    "missing_constructs",
    "missing_mcar",
    "curve",
    "segment_means",
    "segment_posthoc",
)


def low_n_lines(
    tables: dict[str, pd.DataFrame], n_respondents: int, threshold: float = 0.8
) -> list[str]:
    """Flag statistics computed on fewer than ``threshold`` of the respondents.

    Parameters
    ----------
    tables : dict
        The tables of a :class:`survey.analyze.SurveyAnalysis`.
    n_respondents : int
        Respondents kept after cleaning.
    threshold : float, default 0.8
        Share of the respondents below which a statistic is flagged.

    Returns
    -------
    list of str
        One line per table with such rows, naming the rows (by their text
        columns) and the smallest ``n`` they used (columns :data:`N_COLUMNS`;
        tables in :data:`N_UNCHECKED` are skipped).

    Examples
    --------
    >>> rel = pd.DataFrame({"construct": ["A", "B"], "n": [240, 150], "alpha": [0.8, 0.7]})
    >>> low_n_lines({"reliability": rel}, 250)
    ['Reliability per construct: B (n = 150, 60%) use under 80% of the 250 respondents.']
    """
    lines = []
    for name, table in tables.items():
        columns = [column for column in N_COLUMNS if column in table.columns]
        if name in N_UNCHECKED or not columns:
            continue
        used = table[columns].apply(pd.to_numeric, errors="coerce").min(axis=1)
        low = table[used < threshold * n_respondents]
        if low.empty:
            continue
        labels = [
            c
            for c in table.columns
            if not (is_numeric_dtype(table[c]) or is_bool_dtype(table[c])) and c not in columns
        ]
        flagged = [
            f"{'-'.join(str(row[c]) for c in labels) or f'row {index}'} "
            f"(n = {int(used[index])}, {used[index] / n_respondents:.0%})"
            for index, row in low.iterrows()
        ]
        shown = ", ".join(flagged[:8]) + (
            f" and {len(flagged) - 8} more" if len(flagged) > 8 else ""
        )
        lines.append(
            f"{TITLES.get(name, name)}: {shown} use under {threshold:.0%} of the "
            f"{n_respondents} respondents."
        )
    return lines


def data_quality_lines(tables: dict[str, pd.DataFrame], n_respondents: int) -> list[str]:
    """Missing answers, Little's MCAR test and statistics on few respondents.

    Parameters
    ----------
    tables : dict
        The tables of a :class:`survey.analyze.SurveyAnalysis` (``missing_*``
        from :mod:`survey.missingness`).
    n_respondents : int
        Respondents kept after cleaning.

    Returns
    -------
    list of str
        The share of missing answers (most-missing item and construct), the MCAR
        test's result and :func:`low_n_lines`.

    Examples
    --------
    >>> items = pd.DataFrame({"construct": ["A"], "item": ["a1"], "n": [250],
    ...                       "n_missing": [0], "share_missing": [0.0]})
    >>> data_quality_lines({"missing_items": items}, 250)
    ['No missing answers.']
    """
    lines = []
    items = tables.get("missing_items")
    if items is not None and not items.empty:
        if items["n_missing"].sum() == 0:
            lines.append("No missing answers.")
        else:
            share = items["n_missing"].sum() / (len(items) * n_respondents)
            worst = items.loc[items["share_missing"].idxmax()]
            lines.append(
                f"{share:.1%} of the item answers are missing; most in {worst['item']} "
                f"({worst['construct']}, {worst['share_missing']:.1%})."
            )
            blocks = tables.get("missing_constructs")
            if blocks is not None and not blocks.empty:
                worst = blocks.loc[blocks["share_incomplete"].idxmax()]
                lines.append(
                    f"{worst['construct']}: {worst['share_incomplete']:.1%} of respondents "
                    f"skipped at least one item (reliability uses its {int(worst['n_complete'])} "
                    "complete cases)."
                )
    if "missing_mcar" in tables:
        test = tables["missing_mcar"].iloc[0]
        verdict = (
            "missingness depends on the answers (not MCAR): statistics on complete or "
            "pairwise cases may be biased"
            if test["p_val"] < 0.05
            else "no evidence against missing completely at random (which it does not prove)"
        )
        line = (
            f"Little's MCAR test: chi2 = {test['statistic']:.2f}, df = {int(test['df'])}, "
            f"p = {test['p_val']:.4f}, n = {int(test['n'])}, "
            f"{int(test['missing_patterns'])} missing patterns: {verdict}"
        )
        if test["n"] < 5 * test["missing_patterns"]:
            line += (
                " (fewer than 5 respondents per pattern on average: the chi-square "
                "approximation is rough, more so for non-normal rating scales; read the "
                "p-value as indicative)"
            )
        lines.append(line + ".")
    return lines + low_n_lines(tables, n_respondents)


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
        "<h2>Data quality</h2>",
        html_list(data_quality_lines(analysis.tables, len(cleaned.items))),
        "<h2>Conventions and notes</h2>",
        html_list(analysis.notes, css_class="note"),
    ]
    for name, table in analysis.tables.items():
        parts += [f"<h2>{html.escape(TITLES.get(name, name))}</h2>", html_table(table)]
    parts += html_plots(images)
    path = out_dir / "report.html"
    page = html_page(f"Survey report: {Path(analysis.source).name}", parts)
    write_text_atomic(page, path)
    return path
