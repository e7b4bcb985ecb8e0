"""What the experiment report reads from a results folder, refused if stale.

The report is built from the folder alone, so ``shoplab run`` and ``shoplab report
DIR`` write the same bytes: the merged tables and manifest (through
:meth:`experiments.results.ExperimentResults.load`, which refuses an unfinished
folder or tables merged from another config), ``ranking.csv``, ``comparison.csv``,
``segments.csv`` and ``sensitivity.csv`` as written by the run, and the PNGs under
``plots/``. A plot missing there is drawn in memory (not written), unless the
config turned plots off (``outputs.plots: false``): then the report has none.

Examples
--------
>>> data = load_report_data("results/quickstart")  # doctest: +SKIP
>>> sorted(data.plots)[:2]  # doctest: +SKIP
['active_base', 'active_price_war']
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.errors import RunError
from experiments.plots import STYLE
from experiments.results import ExperimentResults
from survey.fonts import plot_style
from survey.html import png_file_base64

#: Columns read as text whatever they hold (an arm named ``1`` or ``NA`` stays a name).
TEXT_COLUMNS = {"scenario": str, "strategy": str, "segment": str, "metric": str, "note": str}


@dataclass(frozen=True)
class ReportData:
    """Everything a report section needs, loaded from one results folder.

    Attributes
    ----------
    results : ExperimentResults
        The merged tables and the manifest.
    ranking : pandas.DataFrame
        ``ranking.csv`` (:func:`experiments.ranking.rank_arms`).
    comparison : pandas.DataFrame
        ``comparison.csv`` (:func:`experiments.analysis.compare_arms`).
    segments : pandas.DataFrame
        ``segments.csv`` (empty without segments).
    sensitivity : pandas.DataFrame
        ``sensitivity.csv`` (empty without a Sobol or Morris sweep).
    plots : dict
        Plot file stem (:meth:`ExperimentResults.plot_jobs`) -> base64 PNG; empty
        when the config turned plots off and none were drawn since.
    """

    results: ExperimentResults
    ranking: pd.DataFrame
    comparison: pd.DataFrame
    segments: pd.DataFrame
    sensitivity: pd.DataFrame
    plots: dict[str, str]

    @property
    def config(self) -> dict:
        """The resolved config recorded in the manifest."""
        return self.results.manifest.get("config", {})

    @property
    def scenarios(self) -> list[str]:
        """The named scenarios (sweep points excluded), in config order."""
        return self.results.scenarios


def read_csv_table(path: Path, required: bool = True) -> pd.DataFrame:
    r"""A table the run wrote, names kept as text; empty if absent and not required.

    Parameters
    ----------
    path : Path
        The CSV file.
    required : bool
        Refuse a missing file (else an empty frame).

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    RunError
        If a required file is missing or a file is not readable CSV.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "ranking.csv"
    >>> _ = path.write_text("scenario,strategy,n\n1,NA,8\n")
    >>> read_csv_table(path).to_dict("records")
    [{'scenario': '1', 'strategy': 'NA', 'n': 8}]
    >>> read_csv_table(path.with_name("segments.csv"), required=False).empty
    True
    """
    if not path.exists():
        if required:
            raise RunError(
                f"{path}: missing; the experiment was run by an older shoplab or the file "
                "was removed: run it again with --resume to write it"
            )
        return pd.DataFrame()
    try:
        header = pd.read_csv(path, nrows=0).columns
        text = {c: kind for c, kind in TEXT_COLUMNS.items() if c in header}
        return pd.read_csv(
            path,
            dtype=text,
            keep_default_na=False,
            na_values={c: [""] for c in header if c not in text},
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise RunError(f"{path}: not a readable CSV table ({err})") from None


def png_base64(
    results: ExperimentResults, folder: Path, name: str, kind: str, options: dict
) -> str:
    """A plot's PNG as base64: the file ``folder/<name>.png``, else drawn in memory.

    Parameters
    ----------
    results : ExperimentResults
        The results (to draw a missing plot).
    folder : Path
        The ``plots/`` folder.
    name, kind, options
        One entry of :meth:`ExperimentResults.plot_jobs`.

    Returns
    -------
    str
    """
    path = folder / f"{name}.png"
    if path.exists():
        return png_file_base64(path)
    figure = results.plot(kind, **dict(options)).figure
    buffer = io.BytesIO()
    with plot_style(STYLE, saving=figure):
        figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def load_report_data(folder: str | Path) -> ReportData:
    """Load what the report needs from a finished experiment's folder.

    Parameters
    ----------
    folder : str or Path
        The ``--out`` folder of ``shoplab run``.

    Returns
    -------
    ReportData

    Raises
    ------
    RunError
        If the folder holds no finished experiment, its tables do not match its
        manifest, or ``ranking.csv`` / ``comparison.csv`` are missing or unreadable.
    """
    folder = Path(folder)
    results = ExperimentResults.load(folder)
    plots = folder / "plots"
    drawn = results.manifest.get("config", {}).get("outputs", {}).get("plots", True)
    jobs = [
        (name, kind, options)
        for name, kind, options in results.plot_jobs()
        if drawn or (plots / f"{name}.png").exists()
    ]
    return ReportData(
        results=results,
        ranking=read_csv_table(folder / "ranking.csv"),
        comparison=read_csv_table(folder / "comparison.csv"),
        segments=read_csv_table(folder / "segments.csv", required=False),
        sensitivity=read_csv_table(folder / "sensitivity.csv", required=False),
        plots={
            name: png_base64(results, plots, name, kind, options) for name, kind, options in jobs
        },
    )
