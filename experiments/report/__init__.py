"""The experiment report: one self-contained ``report.html`` per results folder.

``shoplab run`` writes it next to the results and ``shoplab report DIR`` rebuilds
it from the folder alone, byte for byte the same. In order it gives the question
and the answer in one sentence per scenario (from ``ranking.csv``), the ranking
with CIs, Holm-corrected p-values, P(best) and regret, the curves, uplift and
cost-frontier plots, which strategy pays for which segment, the scenarios side by
side, sweeps and sensitivity when there are any, and the manifest. Plots are
embedded as base64 PNG and the table sorter is inline: the page needs no network
and reads when mailed. It is built with :mod:`survey.html`, as the survey,
order-log and calibration reports are.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> from experiments.runner import run_experiment
>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> _ = run_experiment(ExperimentConfig(name="demo", horizon=3, replications=2,
...     model={"population": {"size": 200}}, outputs={"plots": False},
...     strategies={"points": [{"kind": "loyalty_points"}]}), folder, progress=False)
>>> write_report(folder).name
'report.html'
"""

from __future__ import annotations

from pathlib import Path

from experiments.calibration.report import write_atomic
from experiments.report.data import ReportData, load_report_data
from experiments.report.optimise import build_optimise_report, is_optimise_folder
from experiments.report.robustness import build_robustness_report
from experiments.report.sections import BUILDERS
from experiments.store import RunStore
from survey.html import html_page

__all__ = ["REPORT", "ReportData", "build_report", "load_report_data", "write_report"]

#: File name of the report in a results folder.
REPORT = "report.html"


def build_report(data: ReportData) -> str:
    """The report page of loaded results: every section in order.

    Parameters
    ----------
    data : ReportData
        From :func:`load_report_data`.

    Returns
    -------
    str
        The self-contained HTML page.
    """
    name = str(data.results.manifest.get("name", "experiment"))
    return html_page(f"Experiment report: {name}", [build(data) for build in BUILDERS])


def write_report(folder: str | Path) -> Path:
    """Build the report of a finished experiment's folder and write ``report.html`` there.

    A ``shoplab robustness`` or ``shoplab optimise`` folder gets its own page
    (:func:`experiments.report.robustness.build_robustness_report`,
    :func:`experiments.report.optimise.build_optimise_report`).

    The file is written under a temporary name and renamed, so a killed build
    leaves the earlier report (or none), never half of one.

    Parameters
    ----------
    folder : str or Path
        The ``--out`` folder of ``shoplab run``, ``robustness`` or ``optimise``.

    Returns
    -------
    Path
        The report.

    Raises
    ------
    RunError
        If the folder holds no finished experiment or its manifest does not match
        its tables (see :func:`load_report_data`).
    """
    folder = Path(folder)
    path = folder / REPORT
    manifest = RunStore(folder).read_manifest()
    if manifest is None and is_optimise_folder(folder):  # shoplab optimise
        page = build_optimise_report(folder)
    elif "robustness" in (manifest or {}):  # shoplab robustness
        page = build_robustness_report(folder)
    else:
        page = build_report(load_report_data(folder))
    write_atomic(page, path)
    return path
