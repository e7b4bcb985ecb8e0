"""The results of an experiment: tidy tables, comparisons and plots in one object.

Examples
--------
>>> results = ExperimentResults.load("results/quickstart")  # doctest: +SKIP
>>> results.ranked().head()  # doctest: +SKIP
>>> results.plot("uplift", metric="profit")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.axes import Axes

from experiments import plots
from experiments.analysis import METRICS, compare_arms, ranked_table
from experiments.config import Sweep
from experiments.errors import ConfigError
from experiments.sensitivity import SENSITIVITY_METRICS, sweep_sensitivity
from experiments.store import RunStore

#: Plot kinds of :meth:`ExperimentResults.plot`.
PLOT_KINDS = (
    "active",
    "active_uplift",
    "retention",
    "uplift",
    "frontier",
    "segments",
    "sensitivity",
)


@dataclass
class ExperimentResults:
    """Tables of a finished experiment and its manifest.

    Attributes
    ----------
    timeseries : pandas.DataFrame
        One row per run per day.
    summary : pandas.DataFrame
        One row per run.
    cohorts : pandas.DataFrame
        Cohort retention per run and day.
    manifest : dict
        Resolved config, hash, seeds, versions, times.
    """

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    cohorts: pd.DataFrame
    manifest: dict[str, Any]

    @classmethod
    def load(cls, folder: str | Path) -> ExperimentResults:
        """Read the results saved in an experiment folder.

        Parameters
        ----------
        folder : str or Path
            The ``--out`` folder of ``shoplab run``.

        Returns
        -------
        ExperimentResults
        """
        store = RunStore(folder)
        return cls(**store.read_tables(), manifest=store.read_manifest() or {})

    @property
    def scenarios(self) -> list[str]:
        """The named scenarios (sweep points excluded), in config order."""
        named = self.manifest.get("config", {}).get("scenarios")
        present = dict.fromkeys(self.summary["scenario"])
        return [s for s in named if s in present] if named else list(present)

    @property
    def named_summary(self) -> pd.DataFrame:
        """Summary rows of the named scenarios (sweep points excluded)."""
        return self.summary[self.summary["scenario"].isin(self.scenarios)]

    def to_df(self, table: str = "summary") -> pd.DataFrame:
        """A table: ``summary``, ``timeseries``, ``cohorts``, ``comparison`` or ``sensitivity``.

        Parameters
        ----------
        table : str

        Returns
        -------
        pandas.DataFrame
        """
        tables = {
            "summary": lambda: self.summary,
            "timeseries": lambda: self.timeseries,
            "cohorts": lambda: self.cohorts,
            "comparison": self.compare,
            "sensitivity": self.sensitivity,
        }
        if table not in tables:
            raise ConfigError(f"unknown table {table!r}; allowed: {', '.join(tables)}")
        return tables[table]()

    def compare(self, metrics: Sequence[str] = METRICS, confidence: float = 0.95) -> pd.DataFrame:
        """Means, CIs and paired differences vs the baseline.

        See :func:`experiments.analysis.compare_arms`.
        """
        return compare_arms(self.summary, metrics, confidence=confidence)

    def sensitivity(self, metrics: Sequence[str] = SENSITIVITY_METRICS) -> pd.DataFrame:
        """Sobol or Morris indices of the config's sweep, per arm and metric.

        See :func:`experiments.sensitivity.sweep_sensitivity` (empty without a Sobol
        or Morris sweep).
        """
        config = self.manifest.get("config", {})
        sweep = Sweep.model_validate(config["sweep"]) if config.get("sweep") else None
        return sweep_sensitivity(self.summary, sweep, config.get("seed", 0), metrics)

    def ranked(self, metric: str = "profit") -> pd.DataFrame:
        """Arms ranked by uplift in ``metric`` per named scenario.

        See :func:`experiments.analysis.ranked_table`.
        """
        return ranked_table(compare_arms(self.named_summary, [metric]), metric)

    def plot(self, kind: str, ax: Axes | None = None, **options: Any) -> Axes:
        """Draw one plot.

        Parameters
        ----------
        kind : str
            Per scenario (``scenario=``, default the first): ``"active"``,
            ``"active_uplift"``, ``"retention"``, ``"segments"`` (``prefix=``);
            across scenarios: ``"uplift"`` (``metric=``, default profit), ``"frontier"``,
            ``"sensitivity"`` (``metric=``; a Sobol or Morris sweep only).
        ax : Axes, optional
            Where to draw.
        **options
            Passed to the plot function of :mod:`experiments.plots`.

        Returns
        -------
        Axes
        """
        named = self.named_summary
        scenario = options.pop("scenario", self.scenarios[0])
        draw: dict[str, Callable[[], Axes]] = {
            "active": lambda: plots.plot_active(self.timeseries, scenario, ax=ax, **options),
            "active_uplift": lambda: plots.plot_active_uplift(
                self.timeseries, scenario, ax=ax, **options
            ),
            "retention": lambda: plots.plot_retention(self.cohorts, scenario, ax=ax, **options),
            "uplift": lambda: plots.plot_uplift(compare_arms(named), ax=ax, **options),
            "frontier": lambda: plots.plot_frontier(named, ax=ax, **options),
            "segments": lambda: plots.plot_segment_heatmap(
                self.summary, scenario, ax=ax, **options
            ),
            "sensitivity": lambda: plots.plot_sensitivity(
                self.sensitivity(), options.pop("metric", "profit"), ax=ax, **options
            ),
        }
        if kind not in draw:
            raise ConfigError(f"unknown plot kind {kind!r}; allowed: {', '.join(PLOT_KINDS)}")
        return draw[kind]()

    def _has(self, metric: str) -> bool:
        return metric in self.summary and bool(self.summary[metric].notna().any())

    def save_plots(self, folder: str | Path) -> list[Path]:
        """Draw every plot for the named scenarios as PNG and SVG.

        ``frontier``, ``uplift_<metric>`` (profit, retention_90, active_end) and, per
        named scenario, ``active_<s>``, ``active_uplift_<s>``, ``retention_<s>``,
        ``segments_<metric>_<s>``; with a Sobol or Morris sweep, ``sensitivity_<metric>``.
        Plots that compare arms are left out when there is
        only the baseline, metrics that are NaN everywhere (90-day retention of a
        shorter run) and the cohort plot before the first monthly cohort has closed.

        Parameters
        ----------
        folder : str or Path
            Where to write (created if needed).

        Returns
        -------
        list of Path
            The files written.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        compared = self.summary["strategy"].nunique() > 1
        measured = [m for m in ("profit", "retention_90", "active_end") if self._has(m)]
        jobs: list[tuple[str, str, dict[str, Any]]] = []
        if compared:  # arms besides the baseline
            jobs.append(("frontier", "frontier", {}))
            jobs += [(f"uplift_{m}", "uplift", {"metric": m}) for m in measured]
        swept = set(self.sensitivity()["metric"])
        jobs += [(f"sensitivity_{m}", "sensitivity", {"metric": m}) for m in sorted(swept)]
        for scenario in self.scenarios:
            jobs.append((f"active_{scenario}", "active", {"scenario": scenario}))
            if compared:
                jobs.append((f"active_uplift_{scenario}", "active_uplift", {"scenario": scenario}))
            if self.cohorts["day"].max() >= 30:  # the first monthly cohort has closed
                jobs.append((f"retention_{scenario}", "retention", {"scenario": scenario}))
            jobs += [
                (f"segments_{m}_{scenario}", "segments", {"scenario": scenario, "prefix": m})
                for m in ("active_end", "retention_90")
                if compared and m in measured
            ]
        written = []
        for name, kind, options in jobs:
            figure = self.plot(kind, **options).figure
            for suffix in ("png", "svg"):
                path = folder / f"{name}.{suffix}"
                plots.save_figure(figure, path)
                written.append(path)
        return written
