"""The sections of the experiment report, in page order, each a function to HTML.

Each section function (:data:`BUILDERS`) takes the loaded results
(:class:`experiments.report.data.ReportData`) and returns one ``<section>`` whose
``id`` and title are its entry of :data:`SECTIONS`. Every string from the data (arm,
scenario and segment names, config values) is escaped: tables go through
:func:`survey.html.html_table`, text through :func:`html.escape`.

Examples
--------
>>> [anchor for anchor, _ in SECTIONS]
['answer', 'ranking', 'plots', 'segments', 'scenarios', 'sweeps', 'manifest']
>>> from experiments.results import ExperimentResults
>>> results = ExperimentResults(pd.DataFrame(), pd.DataFrame({"scenario": ["base"]}),
...     pd.DataFrame(), manifest={"name": "demo", "config": {"scenarios": {"base": {}}}})
>>> data = ReportData(results, *[pd.DataFrame()] * 4, plots={})
>>> print(sweeps_section(data))
<section id='sweeps'><h2>Sweeps and sensitivity</h2>
<p class='note'>This experiment has no sweep (sweep: in the config), so there is no \
sensitivity analysis; shoplab robustness CONFIG asks which assumptions would change \
the answer.</p>
</section>
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import yaml

from experiments.config import BASELINE
from experiments.report.answer import (
    LOSES,
    PAYS,
    UNSURE,
    answers,
    customers_sentence,
    scenario_rows,
    segment_summary,
    segment_winners,
    verdict,
)
from experiments.report.data import ReportData
from experiments.report.formats import (
    format_ci,
    format_count,
    format_money,
    format_p,
    format_share,
)
from survey.html import html_figures, html_list, html_section, html_table

#: Section anchors and titles, in page order.
SECTIONS = (
    ("answer", "The question and the answer"),
    ("ranking", "Ranking: profit uplift over the baseline, how sure"),
    ("plots", "Curves, uplift and cost"),
    ("segments", "Which strategy pays for whom"),
    ("scenarios", "Scenarios side by side"),
    ("sweeps", "Sweeps and sensitivity"),
    ("manifest", "Manifest: config, seed, versions, run time"),
)

TITLES = dict(SECTIONS)

#: CSS class of a verdict cell (:func:`experiments.report.answer.verdict`).
VERDICT_CLASSES = {PAYS: "good", LOSES: "bad", UNSURE: "unsure"}


def _p(text: str, css_class: str | None = None) -> str:
    """A paragraph of plain text (escaped)."""
    opening = "<p>" if css_class is None else f"<p class='{css_class}'>"
    return f"{opening}{html.escape(text)}</p>"


def _figures(data: ReportData, plots: Sequence[tuple[str, str]]) -> str:
    """The plots of ``(file stem, caption)`` that the experiment has, side by side."""
    return html_figures(
        {caption: data.plots[name] for name, caption in plots if name in data.plots}
    )


def _intervals(frame: pd.DataFrame, low: str, high: str) -> list[str]:
    """Each row's interval ``[low, high]`` in CNY (``-`` where missing)."""
    return [format_ci(a, b) for a, b in zip(frame[low], frame[high], strict=True)]


def _uncertainty_line(config: dict) -> str:
    drawn = list(config.get("uncertain") or {})
    if config.get("strategy_priors"):
        drawn.append("the strategies' effect sizes (their default priors)")
    if not drawn:
        return (
            "No assumption is drawn (no uncertain: parameters, no strategy priors): the "
            "intervals are Monte Carlo noise only, not what we do not know about the "
            "market or the strategies' effects."
        )
    return (
        f"Each replication draws the uncertain assumptions ({', '.join(drawn)}), shared "
        "by every arm, so the intervals include what we do not know about them."
    )


def answer_section(data: ReportData) -> str:
    """Section 1: the question, the design, and the answer per scenario from ``ranking.csv``."""
    config = data.config
    arms = [s for s in dict.fromkeys(data.ranking["strategy"]) if s != BASELINE]
    size = config.get("model", {}).get("population", {}).get("size", 0)
    replications = config.get("replications")
    design = (
        f"{len(arms)} strategy arms against the baseline in {len(data.scenarios)} "
        f"scenario(s) ({', '.join(data.scenarios)}), {replications} paired replications of "
        f"{size:,} shoppers over {config.get('horizon')} days. Money is the platform's "
        "profit in CNY: its take-rate revenue less what it pays for acquisition and the "
        "strategies."
    )
    parts = [
        "<p><b>Which retention strategy pays, for which shoppers, and how sure are we?</b></p>",
        _p(design),
    ]
    horizon = int(config.get("horizon", 0))
    for scenario, sentence in zip(
        data.scenarios, answers(data.ranking, data.scenarios, horizon), strict=True
    ):
        parts.append(_p(sentence, "headline"))
        kept = customers_sentence(scenario_rows(data.ranking, scenario))
        if kept:
            parts.append(_p(kept))
        winners = segment_winners(data.ranking, scenario)
        if not winners.empty:
            parts.append(_p(segment_summary(winners, scenario)))
    parts.append(
        _p(
            "How sure: a 95% CI is the t-interval of the mean paired uplift over the "
            "replications (replication r of every arm shares its random numbers); P(best) "
            "is the share of replications in which the arm made the most profit. "
            + _uncertainty_line(config),
            "note",
        )
    )
    links = " ".join(
        f"<a href='#{anchor}'>{k}. {html.escape(title)}</a>"
        for k, (anchor, title) in enumerate(SECTIONS, start=1)
    )
    parts.append(f"<nav>{links}</nav>")
    return html_section(TITLES["answer"], parts, "answer")


def _comparison_rows(data: ReportData, metric: str) -> pd.DataFrame:
    table = data.comparison
    return table[table["metric"] == metric].set_index(["scenario", "strategy"])


def ranking_table(data: ReportData, scenario: str) -> pd.DataFrame:
    """The formatted ranking of one scenario: uplift, CI, Holm p, P(best), regret, customers.

    Parameters
    ----------
    data : ReportData
    scenario : str

    Returns
    -------
    pandas.DataFrame
        One row per arm, best first; numbers as text (CNY with thousands separators).
    """
    rows = scenario_rows(data.ranking, scenario)
    profit = _comparison_rows(data, "profit")
    keys = list(zip(rows["scenario"], rows["strategy"], strict=True))
    mean = profit["mean"].reindex(keys).to_numpy() if len(profit) else [float("nan")] * len(rows)
    p_holm = profit["p_holm"].reindex(keys).to_numpy() if len(profit) else mean
    return pd.DataFrame(
        {
            "rank": rows["rank"].to_numpy(),
            "strategy": rows["strategy"].to_numpy(),
            "profit (CNY)": [format_money(v).lstrip("+") for v in mean],
            "uplift (CNY)": rows["profit_uplift"].map(format_money).to_numpy(),
            "95% CI": _intervals(rows, "profit_uplift_ci_low", "profit_uplift_ci_high"),
            "p (Holm)": [format_p(p) for p in p_holm],
            "verdict": [
                "-" if s == BASELINE else verdict(row)
                for s, (_, row) in zip(rows["strategy"], rows.iterrows(), strict=True)
            ],
            "90% of replications": _intervals(rows, "profit_uplift_p05", "profit_uplift_p95"),
            "P(beats baseline)": rows["p_beats_baseline"].map(format_share).to_numpy(),
            "P(best)": rows["p_best"].map(format_share).to_numpy(),
            "regret (CNY)": [format_money(v).lstrip("+") for v in rows["expected_regret"]],
            "customers kept": rows["retained_uplift"].map(format_count).to_numpy(),
            "customers 95% CI": _intervals(
                rows, "retained_uplift_ci_low", "retained_uplift_ci_high"
            ),
            "P(most customers)": rows["p_best_retained"].map(format_share).to_numpy(),
        }
    )


def ranking_section(data: ReportData) -> str:
    """Section 2: per scenario, the arms ranked by profit uplift with CIs, Holm p and P(best)."""
    parts = []
    for scenario in data.scenarios:
        parts += [
            f"<h3>Scenario {html.escape(scenario)}</h3>",
            html_table(ranking_table(data, scenario), VERDICT_CLASSES),
        ]
    notes = sorted({n for n in data.ranking.get("note", pd.Series(dtype=str)) if n})
    parts.append(
        html_list(
            [
                "uplift: mean over replications of the arm's profit minus the baseline's in "
                "the same replication; 95% CI: t-interval of that mean; p (Holm): paired "
                "t-test, Holm-corrected over every arm and scenario (comparison.csv).",
                "verdict: pays (CI above 0), loses (CI below 0) or not told from the "
                "baseline (CI spans 0).",
                "90% of replications: where one replication's uplift lands (5th to 95th "
                "percentile); P(beats baseline): share of replications with an uplift > 0; "
                "P(best): share in which the arm made the most profit, the baseline "
                "included; regret: mean of what the arm loses against the best arm of each "
                "replication.",
                "customers kept: uplift in customers active at the end, with its CI and the "
                "share of replications in which the arm kept the most (ranking.csv).",
                *notes,
            ],
            css_class="note",
        )
    )
    return html_section(TITLES["ranking"], parts, "ranking")


def plots_section(data: ReportData) -> str:
    """Section 3: uplift forest plots, the cost frontier and the curves per scenario."""
    scenarios = data.scenarios
    groups = [
        (
            "Profit uplift and what it costs",
            [("uplift_profit", "Profit uplift (95% CI)"), ("frontier", "Spend vs customers kept")],
        ),
        (
            "Customers kept",
            [
                ("uplift_active_end", "Uplift in active customers at the end"),
                ("uplift_retention_90", "Uplift in 90-day retention"),
            ],
        ),
        (
            "Active customers over the run, uplift over the baseline",
            [(f"active_uplift_{s}", f"Scenario {s}") for s in scenarios],
        ),
        ("Active customers over the run", [(f"active_{s}", f"Scenario {s}") for s in scenarios]),
        (
            "Retention of monthly cohorts",
            [(f"retention_{s}", f"Scenario {s}") for s in scenarios],
        ),
    ]
    parts = []
    for title, plots in groups:
        figures = _figures(data, plots)
        if figures:
            parts += [f"<h3>{html.escape(title)}</h3>", figures]
    if not parts and not data.config.get("outputs", {}).get("plots", True):
        text = (
            "No plots: the config turned them off (outputs.plots: false); "
            "shoplab plot DIR draws them and rebuilds this report."
        )
        parts.append(_p(text, "note"))
    elif not parts:
        parts.append(_p("No plots: the experiment has only the baseline.", "note"))
    parts.append(_p("Bands and error bars: 95% t-intervals over the replications.", "note"))
    return html_section(TITLES["plots"], parts, "plots")


def segment_table(data: ReportData) -> pd.DataFrame:
    """Per segment and scenario, the arm that pays most there and how sure.

    Parameters
    ----------
    data : ReportData

    Returns
    -------
    pandas.DataFrame
        One row per segment; per scenario, the best arm by mean profit uplift in the
        segment, the uplift, its 95% CI, P(best) and the verdict. Empty without segments.
    """
    columns = {}
    segments: list[str] = []
    for scenario in data.scenarios:
        winners = segment_winners(data.ranking, scenario).set_index("segment")
        segments += [s for s in winners.index if s not in segments]
        columns[scenario] = winners
    if not segments:
        return pd.DataFrame()
    table = pd.DataFrame({"segment": segments})
    several = len(data.scenarios) > 1
    for scenario, winners in columns.items():
        rows = winners.reindex(segments)
        tag = f" ({scenario})" if several else ""
        table[f"best arm{tag}"] = rows["strategy"].fillna("-").to_numpy()
        table[f"profit uplift{tag}"] = rows["profit_uplift"].map(format_money).to_numpy()
        table[f"95% CI{tag}"] = _intervals(rows, "profit_uplift_ci_low", "profit_uplift_ci_high")
        table[f"P(best){tag}"] = rows["p_best"].map(format_share).to_numpy()
        table[f"verdict{tag}"] = rows["verdict"].fillna("-").to_numpy()
    return table


def _segments_csv_table(segments: pd.DataFrame) -> pd.DataFrame:
    arms = segments[segments["strategy"] != BASELINE]
    money = arms["metric"] == "profit"

    def number(value: float, is_money: bool) -> str:
        return format_money(value) if is_money else f"{value:+.4g}"

    return pd.DataFrame(
        {
            "scenario": arms["scenario"],
            "strategy": arms["strategy"],
            "segment": arms["segment"],
            "metric": arms["metric"],
            "n": arms["n"],
            "uplift": [number(v, m) for v, m in zip(arms["diff"], money, strict=True)],
            "95% CI low": [number(v, m) for v, m in zip(arms["diff_ci_low"], money, strict=True)],
            "95% CI high": [number(v, m) for v, m in zip(arms["diff_ci_high"], money, strict=True)],
            "p (Holm)": arms["p_holm"].map(format_p),
        }
    )


def segments_section(data: ReportData) -> str:
    """Section 4: which strategy pays for whom: best arm per segment, heatmaps, segments.csv."""
    table = segment_table(data)
    if table.empty:
        text = "The model has no shopper segments, so there is no per-segment view."
        return html_section(TITLES["segments"], _p(text, "note"), "segments")
    parts = [_p(segment_summary(segment_winners(data.ranking, s), s)) for s in data.scenarios]
    parts += [
        "<h3>The arm that pays most in each segment (profit, CNY)</h3>",
        html_table(table, VERDICT_CLASSES),
    ]
    for prefix, title in (
        ("profit", "Profit uplift by segment (CNY)"),
        ("active_end", "Uplift in active customers at the end by segment"),
        ("retention_90", "Uplift in 90-day retention by segment"),
    ):
        figures = _figures(
            data, [(f"segments_{prefix}_{s}", f"Scenario {s}") for s in data.scenarios]
        )
        if figures:
            parts += [f"<h3>{html.escape(title)}</h3>", figures]
    parts.append(
        _p(
            "Heatmaps: paired uplift over the baseline; grey, hatched cells have a 95% CI "
            "that spans 0 and are not told from noise.",
            "note",
        )
    )
    if not data.segments.empty:
        parts += [
            "<details><summary>Every arm, segment and metric (segments.csv; click a "
            "header to sort)</summary>",
            html_table(_segments_csv_table(data.segments)),
            "</details>",
        ]
    return html_section(TITLES["segments"], parts, "segments")


def _overrides(overrides: dict) -> str:
    if not overrides:
        return "(the market as configured)"
    return "; ".join(f"{path} = {value}" for path, value in overrides.items())


def scenarios_section(data: ReportData) -> str:
    """Section 5: the scenarios side by side: their markets and every arm's uplift in each."""
    scenarios = data.scenarios
    defined = data.config.get("scenarios", {})
    profit = _comparison_rows(data, "profit")
    kept = _comparison_rows(data, "active_end")
    best = {}
    for scenario in scenarios:
        arms = scenario_rows(data.ranking, scenario)
        arms = arms[arms["strategy"] != BASELINE]
        best[scenario] = arms.iloc[0] if len(arms) else None
    market = pd.DataFrame(
        {
            "scenario": scenarios,
            "what changes": [_overrides(defined.get(s, {})) for s in scenarios],
            "baseline profit (CNY)": [
                format_money(profit["mean"].get((s, BASELINE), float("nan"))).lstrip("+")
                for s in scenarios
            ],
            "baseline customers at the end": [
                format_count(kept["mean"].get((s, BASELINE), float("nan"))).lstrip("+")
                for s in scenarios
            ],
            "best arm": [b["strategy"] if b is not None else "-" for b in best.values()],
            "its verdict": [verdict(b) if b is not None else "-" for b in best.values()],
        }
    )
    parts = [html_table(market, VERDICT_CLASSES)]
    names = {b["strategy"] for b in best.values() if b is not None}
    if len(scenarios) > 1 and len(names) == 1:
        parts.insert(
            0, _p(f"The same arm has the highest profit uplift in every scenario: {names.pop()}.")
        )
    elif len(scenarios) > 1:
        which = ", ".join(f"{s}: {b['strategy']}" for s, b in best.items() if b is not None)
        parts.insert(
            0, _p(f"The arm with the highest profit uplift changes with the scenario ({which}).")
        )
    arms = list(dict.fromkeys(data.ranking["strategy"]))
    side = pd.DataFrame({"strategy": arms})
    for scenario in scenarios:
        rows = scenario_rows(data.ranking, scenario).set_index("strategy").reindex(arms)
        side[f"uplift ({scenario})"] = rows["profit_uplift"].map(format_money).to_numpy()
        side[f"95% CI ({scenario})"] = _intervals(
            rows, "profit_uplift_ci_low", "profit_uplift_ci_high"
        )
        side[f"rank ({scenario})"] = rows["rank"].to_numpy()
        side[f"P(best) ({scenario})"] = rows["p_best"].map(format_share).to_numpy()
    parts += ["<h3>Profit uplift of every arm in each scenario (CNY)</h3>", html_table(side)]
    return html_section(TITLES["scenarios"], parts, "scenarios")


def sweeps_section(data: ReportData) -> str:
    """Section 6: the sweep's points and the sensitivity indices, when the config has a sweep."""
    sweep = data.config.get("sweep")
    if not sweep:
        text = (
            "This experiment has no sweep (sweep: in the config), so there is no "
            "sensitivity analysis; shoplab robustness CONFIG asks which assumptions "
            "would change the answer."
        )
        return html_section(TITLES["sweeps"], _p(text, "note"), "sweeps")
    method = sweep.get("method", "")
    parameters = ", ".join(sweep.get("parameters", {}))
    parts = [_p(f"A {method} sweep over {parameters}: each point is a scenario of its own.")]
    named = set(data.scenarios)
    points = data.comparison[
        (data.comparison["metric"] == "profit")
        & ~data.comparison["scenario"].isin(named)
        & (data.comparison["strategy"] != BASELINE)
    ]
    if len(points):
        swept = [c for c in sweep.get("parameters", {}) if c in points.columns]
        table = points[["scenario", *swept, "strategy"]].copy()
        table["uplift (CNY)"] = points["diff"].map(format_money)
        table["95% CI"] = _intervals(points, "diff_ci_low", "diff_ci_high")
        table["p (Holm)"] = points["p_holm"].map(format_p)
        parts += [
            "<details open><summary>Profit uplift at each sweep point</summary>",
            html_table(table),
            "</details>",
        ]
    if not data.sensitivity.empty:
        parts += ["<h3>Sensitivity indices (sensitivity.csv)</h3>", html_table(data.sensitivity)]
    figures = _figures(
        data,
        [
            (name, name.removeprefix("sensitivity_"))
            for name in data.plots
            if name.startswith("sensitivity_")
        ],
    )
    if figures:
        parts += ["<h3>Sensitivity per metric</h3>", figures]
    return html_section(TITLES["sweeps"], parts, "sweeps")


def _run_time(manifest: dict) -> str:
    try:
        started = datetime.fromisoformat(manifest["started"])
        finished = datetime.fromisoformat(manifest["finished"])
    except (KeyError, TypeError, ValueError):
        return "-"
    seconds = int((finished - started).total_seconds())
    text = f"{seconds // 60} min {seconds % 60} s"
    resumed = manifest.get("resumed") or []
    if resumed:
        text += f" from first start to finish (resumed {len(resumed)} time(s))"
    return text


def manifest_section(data: ReportData) -> str:
    """Section 7: what ran: name, config hash, seed, runs, times, versions, the whole config."""
    return html_section(TITLES["manifest"], manifest_parts(data.results.manifest), "manifest")


def manifest_parts(manifest: dict) -> list[str]:
    """The manifest as HTML: a table of facts, one of versions, the config (folded).

    Parameters
    ----------
    manifest : dict
        An experiment's ``manifest.json`` (of ``shoplab run`` or ``shoplab robustness``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> parts = manifest_parts({"name": "demo", "versions": {"python": "3.11.7"},
    ...     "started": "2026-01-01T10:00:00+00:00", "finished": "2026-01-01T10:02:05+00:00"})
    >>> "<td>2 min 5 s</td>" in parts[0], "<th>python</th>" in parts[2]
    (True, True)
    """
    config = manifest.get("config", {})
    seeds = manifest.get("seeds", {})
    facts = pd.DataFrame(
        {
            "field": [
                "experiment",
                "config hash (SHA-256)",
                "master seed",
                "replications (seed spawn keys)",
                "horizon (days)",
                "runs",
                "started (UTC)",
                "finished (UTC)",
                "run time",
            ],
            "value": [
                str(manifest.get("name", "")),
                str(manifest.get("config_sha256", "")),
                str(seeds.get("entropy", config.get("seed", ""))),
                f"{config.get('replications')} ({len(seeds.get('spawn_keys', []))} spawn keys)",
                str(config.get("horizon", "")),
                str(manifest.get("runs", "")),
                str(manifest.get("started", "")),
                str(manifest.get("finished", "")),
                _run_time(manifest),
            ],
        }
    )
    versions = pd.DataFrame([manifest.get("versions", {})])
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    return [
        html_table(facts),
        "<h3>Versions</h3>",
        html_table(versions),
        "<details><summary>The resolved config (manifest.json)</summary>",
        f"<pre>{html.escape(text)}</pre>",
        "</details>",
    ]


#: The section builders, in page order.
BUILDERS = (
    answer_section,
    ranking_section,
    plots_section,
    segments_section,
    scenarios_section,
    sweeps_section,
    manifest_section,
)
