"""Write a calibration's outputs to a folder.

The files: calibrated.yaml, fit.csv, parameters.csv, trials.csv, fit_report.html
(self-contained) and plots/; the text files are written under a temporary name and
renamed when complete.

Examples
--------
>>> sorted(OUTPUTS)[:2]
['calibrated.yaml', 'fit.csv']
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

import yaml
from matplotlib.axes import Axes

from experiments.calibration.plots import plot_convergence, plot_fit, plot_profile
from experiments.calibration.result import CalibrationResult
from experiments.plots import STYLE
from survey.fonts import plot_style
from survey.html import html_image, html_list, html_page, html_table, png_file_base64

OUTPUTS = ("calibrated.yaml", "fit.csv", "parameters.csv", "trials.csv", "fit_report.html")


def write_atomic(text: str, path: Path) -> None:
    """Write a text file under a temporary name, then rename it into place.

    A process killed part-way leaves the old file (or none) and a hidden
    ``.NAME.tmp``, never a half-written file under the real name.

    Parameters
    ----------
    text : str
    path : Path

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "a.csv"
    >>> write_atomic("x,y", path)
    >>> path.read_text(), sorted(p.name for p in path.parent.iterdir())
    ('x,y', ['a.csv'])
    """
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _save(ax: Axes, folder: Path, name: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    with plot_style(STYLE, saving=ax.figure):
        for ext in ("png", "svg"):
            ax.figure.savefig(folder / f"{name}.{ext}", bbox_inches="tight")
    return png_file_base64(folder / f"{name}.png")


def write_calibration(result: CalibrationResult, out: Path, targets_source: str) -> Path:
    """Write every output of a calibration into ``out``; return the report path.

    Parameters
    ----------
    result : CalibrationResult
        The fit.
    out : Path
        Output folder (created).
    targets_source : str
        Where the targets came from (shown in the report and the fragment header):
        the survey's ``targets.json``, the behavioural targets file, or both.

    Returns
    -------
    Path
        ``out / "fit_report.html"``.
    """
    out.mkdir(parents=True, exist_ok=True)
    parameters, fit = result.parameters(), result.fit_table()
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    header = (
        f"# Calibrated by `shoplab calibrate` ({result.config.name}) on {stamp}\n"
        f"# targets: {targets_source}; distance {result.best['distance']:.4g}\n"
        "# Include it in an experiment config as  model: {include: calibrated.yaml}\n"
    )
    write_atomic(
        header + yaml.safe_dump(result.calibrated_fragment(), sort_keys=False),
        out / "calibrated.yaml",
    )
    write_atomic(fit.to_csv(index=False), out / "fit.csv")
    write_atomic(parameters.to_csv(index=False), out / "parameters.csv")
    write_atomic(result.trials.to_csv(index=False), out / "trials.csv")
    plots = out / "plots"
    images = {
        "Fitted vs observed": _save(plot_fit(fit), plots, "fit"),
        "Convergence": _save(plot_convergence(result.trials), plots, "convergence"),
    }
    for k, name in enumerate(result.config.free):
        images[f"Profile: {name}"] = _save(plot_profile(result.trials, name), plots, f"profile_{k}")
    reached = int(fit["within_ci"].sum())
    parts = [
        f"<p>Targets: {html.escape(targets_source)}. {len(result.trials)} candidates; "
        f"{reached} of {len(fit)} statistics within the observed 95% CI. Generated {stamp}.</p>",
        html_list(result.notes, css_class="note"),
        "<h2>Fitted parameters (95% interval)</h2>",
        html_table(parameters),
        "<h2>Fitted vs observed</h2>",
        html_table(fit),
    ]
    behavioural = result.behavioural_table()
    if len(behavioural):
        config = result.config
        kinds = [
            kind
            for kind, targets in (
                ("run summary", config.targets.behavioural),
                ("simulated order log", config.targets.orders),
            )
            if targets
        ]
        parts.append(f"<h2>Behavioural targets ({', '.join(kinds)})</h2>")
        for what, source in (
            ("Run summary", config.behavioural_source),
            ("Order log", config.orders_source),
        ):
            if source:
                parts.append(f"<p>{what}: {html.escape(source)}</p>")
        parts.append(html_table(behavioural))
    parts += [html_image(title, data) for title, data in images.items()]
    report = out / "fit_report.html"
    write_atomic(html_page(f"Calibration: {result.config.name}", parts), report)
    return report
