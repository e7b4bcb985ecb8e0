"""The report of a ``shoplab robustness`` folder: what would change the answer.

One self-contained page, as the experiment report: the findings in words (the most
influential assumption on the best arm and where each arm is best, from
:func:`experiments.robustness.report.describe_findings`), the Sobol indices
(``sensitivity.csv``), the PRIM boxes (``scenarios.csv``), the plots under
``plots/`` and the manifest. It is built from the folder alone, so rebuilding gives
the same bytes.

Examples
--------
>>> build_robustness_report("results/uncertainty-robustness")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from pathlib import Path

from experiments.report.data import read_csv_table
from experiments.report.sections import manifest_parts
from experiments.robustness.report import describe_findings
from experiments.store import RunStore
from survey.html import (
    html_figures,
    html_list,
    html_page,
    html_section,
    html_table,
    png_file_base64,
)

#: Section anchors and titles of the robustness report, in page order.
ROBUSTNESS_SECTIONS = (
    ("findings", "What would change the answer"),
    ("plots", "Sobol indices and PRIM boxes, per scenario"),
    ("sobol", "Which assumptions move each arm's uplift (Sobol indices)"),
    ("boxes", "Where each arm is best or loses money (PRIM boxes)"),
    ("manifest", "Manifest: config, seed, versions, run time"),
)


def _folded(summary: str, table: str) -> list[str]:
    return [f"<details><summary>{html.escape(summary)}</summary>", table, "</details>"]


def build_robustness_report(folder: str | Path) -> str:
    """The report page of a finished ``shoplab robustness`` folder.

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
        If the experiment did not finish, or ``sensitivity.csv`` or ``scenarios.csv``
        is missing or unreadable.
    """
    folder = Path(folder)
    manifest = RunStore(folder).finished_manifest()
    sensitivity = read_csv_table(folder / "sensitivity.csv")
    scenarios = read_csv_table(folder / "scenarios.csv")
    record = manifest.get("robustness", {})
    design = (
        f"{record.get('design_points')} design points (Sobol, N = {record.get('samples')}) "
        f"over {len(record.get('parameters', []))} uncertain parameters "
        f"({', '.join(record.get('parameters', []))}), every arm at every point on common "
        "random numbers."
    )
    findings = describe_findings(sensitivity, scenarios).splitlines() if len(scenarios) else []
    images = {path.stem: png_file_base64(path) for path in sorted((folder / "plots").glob("*.png"))}
    bodies = [
        [f"<p>{html.escape(design)}</p>", html_list(findings)],
        [html_figures(images) or "<p class='note'>No plots (outputs.plots: false).</p>"],
        _folded("Every index with its 95% CI (sensitivity.csv)", html_table(sensitivity)),
        _folded("Every box with coverage and density (scenarios.csv)", html_table(scenarios)),
        manifest_parts(manifest),
    ]
    sections = [
        html_section(title, body, anchor)
        for (anchor, title), body in zip(ROBUSTNESS_SECTIONS, bodies, strict=True)
    ]
    return html_page(f"Robustness report: {manifest.get('name', '')}", sections)
