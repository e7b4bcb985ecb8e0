"""The report of a ``shoplab optimise`` folder: the best strategy mix under a budget.

One self-contained page, as the experiment report: what was searched (the header
of ``best.yaml``), the chosen mixes re-evaluated on fresh replications
(``best.csv``) with the verdict of their 95% CI, the Pareto plot
(``plots/pareto.png``), every mix tried (``pareto.csv``, folded) and ``best.yaml``.
An optimisation writes no manifest, so the page is built from these files as they
are; rebuilding gives the same bytes.

Examples
--------
>>> page = build_optimise_report("results/optimise_budget-optimise")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from experiments.errors import RunError
from experiments.report.data import read_csv_table
from experiments.report.formats import format_ci, format_cny, format_count, format_money
from survey.html import html_figures, html_page, html_section, html_table, png_file_base64

#: Section anchors and titles of the optimisation report, in page order.
OPTIMISE_SECTIONS = (
    ("answer", "The best mix under the budget"),
    ("mixes", "The chosen mixes on fresh replications"),
    ("front", "Every mix tried"),
    ("config", "The chosen mixes as an experiment config (best.yaml)"),
)


def is_optimise_folder(folder: str | Path) -> bool:
    """Whether ``folder`` holds the outputs of ``shoplab optimise``.

    Examples
    --------
    >>> import tempfile
    >>> is_optimise_folder(tempfile.mkdtemp())
    False
    """
    folder = Path(folder)
    return (folder / "best.csv").exists() and (folder / "pareto.csv").exists()


def best_sentence(best: pd.DataFrame) -> str:
    """One sentence: the best mix within the budget, its uplift with 95% CI, its cost.

    Parameters
    ----------
    best : pandas.DataFrame
        ``best.csv`` (best first).

    Returns
    -------
    str
        That the best mix within budget pays (CI above 0), is not told from the
        baseline, or loses; that no mix is within the budget.

    Examples
    --------
    >>> best = pd.DataFrame({"arm": ["mix_1"], "mix": ["recommendation + referral_rewards"],
    ...     "within_budget": [True], "n": [6], "cost_year": [67_794.0],
    ...     "profit_uplift": [322_901.0], "profit_uplift_ci_low": [313_726.0],
    ...     "profit_uplift_ci_high": [332_076.0]})
    >>> print(best_sentence(best))
    The best mix within the budget, recommendation + referral_rewards, pays: +323k CNY \
against the baseline [95% CI +314k, +332k] on 6 fresh replications, for 67.8k CNY a year.
    """
    kept = best[best["within_budget"].astype(str).str.lower() == "true"]
    if kept.empty:
        return "No mix that switches a strategy on is within the budget: keep the baseline."
    top = kept.iloc[0]
    low, high = top["profit_uplift_ci_low"], top["profit_uplift_ci_high"]
    verdict = (
        "has no CI (one replication)"
        if pd.isna(low)
        else "pays"
        if low > 0
        else "loses money"
        if high < 0
        else "is not told from the baseline"
    )
    ci = format_ci(low, high, short=True).strip("[]")
    return (
        f"The best mix within the budget, {top['mix']}, {verdict}: "
        f"{format_cny(top['profit_uplift'])} CNY against the baseline [95% CI {ci}] on "
        f"{int(top['n'])} fresh replications, for {format_cny(top['cost_year']).lstrip('+')} "
        "CNY a year."
    )


def _best_table(best: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": best["rank"],
            "mix": best["mix"],
            "within budget": best["within_budget"]
            .astype(str)
            .str.lower()
            .map({"true": "yes", "false": "no"}),
            "cost a year (CNY)": [format_money(v).lstrip("+") for v in best["cost_year"]],
            "profit uplift (CNY)": best["profit_uplift"].map(format_money),
            "95% CI": [
                format_ci(a, b)
                for a, b in zip(
                    best["profit_uplift_ci_low"], best["profit_uplift_ci_high"], strict=True
                )
            ],
            "customers kept": best["retained_uplift"].map(format_count),
            "n": best["n"],
        }
    )


def build_optimise_report(folder: str | Path) -> str:
    """The report page of a ``shoplab optimise`` folder.

    Parameters
    ----------
    folder : str or Path
        Its ``--out`` folder.

    Returns
    -------
    str
        The self-contained HTML page.

    Raises
    ------
    RunError
        If ``best.csv``, ``pareto.csv`` or ``best.yaml`` is missing or unreadable.
    """
    folder = Path(folder)
    best = read_csv_table(folder / "best.csv")
    pareto = read_csv_table(folder / "pareto.csv")
    config_path = folder / "best.yaml"
    if not config_path.exists():
        raise RunError(f"{config_path}: missing; run shoplab optimise again to write it")
    text = config_path.read_text(encoding="utf-8")
    header = [line[2:].replace("`", "") for line in text.splitlines() if line.startswith("# ")]
    plot = folder / "plots" / "pareto.png"
    images = (
        {"Cost a year vs uplift: every mix tried": png_file_base64(plot)} if plot.exists() else {}
    )
    shown = pareto.drop(columns=[c for c in ("specs",) if c in pareto.columns])
    bodies = [
        [
            f"<p>{html.escape(' '.join(header[:2]))}</p>",
            f"<p class='headline'>{html.escape(best_sentence(best))}</p>",
        ],
        [
            html_table(_best_table(best)) if len(best) else "<p class='note'>No mix chosen.</p>",
            html_figures(images),
        ],
        ["<details><summary>pareto.csv</summary>", html_table(shown), "</details>"],
        ["<details><summary>best.yaml</summary>", f"<pre>{html.escape(text)}</pre>", "</details>"],
    ]
    sections = [
        html_section(title, body, anchor)
        for (anchor, title), body in zip(OPTIMISE_SECTIONS, bodies, strict=True)
    ]
    name = header[0].rsplit(" ", 1)[-1].rstrip(":") if header else folder.name
    return html_page(f"Optimisation report: {name}", sections)
