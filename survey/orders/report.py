"""``report.html`` of an order-log analysis: one self-contained page.

Key results, the cleaning log, the summary statistics, the model estimates with
their standard errors, the holdout check, the cohort table and the plots (PNG,
base64), in the page shell every shoplab report shares (:mod:`survey.html`).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from survey.atomic import output_folder, write_text_atomic
from survey.html import html_list, html_page, html_plots, html_table
from survey.orders.btyd_plots import (
    plot_cumulative_tracking,
    plot_holdout_by_frequency,
    plot_p_alive_matrix,
)
from survey.orders.plots import plot_cohort_curves, plot_lorenz_curve
from survey.plots import save_png

_P_ALIVE_MAX_FREQUENCY = 14  # rows of the P(alive) matrix


def draw_plots(analysis: object, folder: Path) -> dict[str, str]:
    """Draw the plots of an order-log analysis into ``folder`` as PNG.

    Parameters
    ----------
    analysis : OrderAnalysis
        From :func:`survey.orders.analyze.run_order_analysis`.
    folder : Path
        Where the PNG files go (created).

    Returns
    -------
    dict
        Plot title → base64-encoded PNG.

    Examples
    --------
    >>> import tempfile
    >>> from survey.orders.analyze import example_analysis
    >>> sorted(draw_plots(example_analysis(), Path(tempfile.mkdtemp())))[0]
    'Active share by monthly cohort'
    """
    output_folder(folder)
    tables = analysis.tables
    gini = float(tables["summary"].set_index("statistic").loc["gini", "value"])
    images = {
        "Active share by monthly cohort": save_png(
            plot_cohort_curves(tables["cohorts"]), folder / "cohort_curves.png"
        ),
        "Spend concentration (Lorenz curve)": save_png(
            plot_lorenz_curve(tables["lorenz"], gini), folder / "lorenz.png"
        ),
    }
    if "holdout" in tables:
        images["Holdout: transactions by calibration frequency"] = save_png(
            plot_holdout_by_frequency(tables["holdout"]), folder / "holdout_by_frequency.png"
        )
        images["Holdout: cumulative repeat transactions"] = save_png(
            plot_cumulative_tracking(tables["tracking"]), folder / "holdout_tracking.png"
        )
    if analysis.bgnbd is not None:
        calibration = analysis.customers
        frequency = int(min(calibration["frequency"].max(), _P_ALIVE_MAX_FREQUENCY))
        images["P(alive) by frequency and recency"] = save_png(
            plot_p_alive_matrix(
                analysis.bgnbd, T=float(calibration["T"].max()), max_frequency=max(frequency, 1)
            ),
            folder / "p_alive_matrix.png",
        )
    return images


def key_results(analysis: object) -> list[str]:
    """The headline lines of the report.

    Parameters
    ----------
    analysis : OrderAnalysis

    Returns
    -------
    list of str

    Examples
    --------
    >>> from survey.orders.analyze import example_analysis
    >>> key_results(example_analysis())[0]
    '2357 customers, 6919 orders, revenue 244,092'
    """
    summary = analysis.tables["summary"].set_index("statistic")
    value = summary["value"]
    window = analysis.settings.churn_window_days
    lines = [
        f"{int(value['customers'])} customers, {int(value['orders'])} orders, "
        f"revenue {value['revenue']:,.0f}",
        f"repeat-purchase rate {value['repeat_purchase_rate']:.1%} "
        f"(SE {summary.loc['repeat_purchase_rate', 'se']:.1%}); average order value "
        f"{value['aov']:.2f} (SE {summary.loc['aov', 'se']:.2f})",
        f"{value[f'inactive_share_{window}']:.1%} of customers made no order in the last "
        f"{window} days; the top 20% of customers bring {value['top20_spend_share']:.1%} "
        f"of revenue (Gini {value['gini']:.3f})",
    ]
    if analysis.bgnbd is not None:
        fit = analysis.bgnbd
        lines.append(
            f"BG/NBD: r = {fit.r:.3f}, alpha = {fit.alpha:.3f}, a = {fit.a:.3f}, "
            f"b = {fit.b:.3f}, log-likelihood {fit.loglik:.1f} (n = {fit.n})"
        )
    if analysis.gammagamma is not None:
        fit = analysis.gammagamma
        lines.append(
            f"Gamma-Gamma: p = {fit.p:.2f}, q = {fit.q:.2f}, gamma = {fit.gamma:.2f} "
            f"(n = {fit.n} repeat buyers)"
        )
    if "holdout" in analysis.tables:
        tracking = analysis.tables["tracking"]
        holdout = tracking[~tracking["calibration"]]
        lines.append(
            f"holdout check: {holdout['actual'].sum():.0f} repeat transactions in the holdout "
            f"periods, to {analysis.observation_end:%Y-%m-%d}, against "
            f"{holdout['expected'].sum():.0f} expected by BG/NBD; "
            f"{tracking['actual_cumulative'].iloc[-1]:.0f} against "
            f"{tracking['expected_cumulative'].iloc[-1]:.0f} from the start"
        )
    return lines


def _cohort_table(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Active share, one row per cohort, one column per month since the first purchase."""
    wide = cohorts.pivot(index="cohort", columns="months_since_first", values="active_share")
    wide.columns = [str(column) for column in wide.columns]
    sizes = cohorts.groupby("cohort")["n"].first()
    return wide.round(3).reset_index().assign(n=lambda d: d["cohort"].map(sizes))


def write_report(analysis: object, out_dir: Path, plots: bool = True) -> Path:
    """Write ``report.html`` (and ``plots/*.png``) of an order-log analysis.

    Parameters
    ----------
    analysis : OrderAnalysis
        From :func:`survey.orders.analyze.run_order_analysis`.
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
    >>> from survey.orders.analyze import example_analysis
    >>> write_report(example_analysis(), Path(tempfile.mkdtemp()), plots=False).name
    'report.html'
    """
    images = draw_plots(analysis, Path(out_dir) / "plots") if plots else {}
    cleaned = analysis.cleaned
    tables = analysis.tables
    targets = pd.DataFrame.from_dict(analysis.targets["targets"], orient="index")
    sections = [
        ("Summary statistics", tables["summary"]),
        ("Cleaning log", cleaned.log),
        ("BG/NBD (Fader, Hardie & Lee 2005): estimates and standard errors", tables["bgnbd"]),
        ("Gamma-Gamma (Fader & Hardie 2013): estimates and standard errors", tables["gammagamma"]),
        ("Holdout: mean transactions by calibration frequency", tables.get("holdout")),
        ("Calibration targets (targets.json)", targets.rename_axis("target").reset_index()),
        ("Active share by monthly cohort (columns: months since the first purchase)",
         _cohort_table(tables["cohorts"])),
    ]  # fmt: skip
    parts = [
        f"<p>{cleaned.n_read} rows read from {html.escape(Path(cleaned.source).name)}, "
        f"{len(cleaned.orders)} orders kept after cleaning. Generated "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC by shoplab orders analyze.</p>",
        "<h2>Key results</h2>",
        html_list(key_results(analysis)),
        "<h2>Conventions and notes</h2>",
        html_list(analysis.notes, css_class="note"),
    ]
    for title, table in sections:
        if table is not None:
            parts += [f"<h2>{html.escape(title)}</h2>", html_table(table)]
    parts += html_plots(images)
    path = Path(out_dir) / "report.html"
    page = html_page(f"Order-log report: {Path(cleaned.source).name}", parts)
    write_text_atomic(page, path)
    return path
