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
from experiments.ranking import ALL, rank_arms
from experiments.segments import SEGMENT_METRICS, compare_segments, segments_in
from experiments.sensitivity import SENSITIVITY_METRICS, sweep_sensitivity
from experiments.store import RunStore
from experiments.sweeps import sweep_scenarios

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

        Raises
        ------
        RunError
            If the folder holds no finished experiment, its manifest is unfinished
            (a run killed part-way), or its tables were merged from another config
            than the manifest's (a new run killed before the merge left old tables).
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
        """One table by name.

        ``summary``, ``timeseries``, ``cohorts``, ``comparison``, ``ranking``,
        ``segments`` or ``sensitivity``.

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
            "ranking": self.rank,
            "segments": self.segments,
            "sensitivity": self.sensitivity,
        }
        if table not in tables:
            raise ConfigError(f"unknown table {table!r}; allowed: {', '.join(tables)}")
        return tables[table]()

    def _sweep(self) -> Sweep | None:
        config = self.manifest.get("config", {})
        return Sweep.model_validate(config["sweep"]) if config.get("sweep") else None

    def sweep_values(self) -> pd.DataFrame:
        """Each sweep point's parameter values: scenario -> one column per swept path.

        Empty (no columns) without a sweep. The values are those the points ran with
        (integers rounded as the model's parameter is an integer).
        """
        sweep = self._sweep()
        if sweep is None:
            return pd.DataFrame(index=pd.Index([], name="scenario"))
        config = self.manifest["config"]
        points = sweep_scenarios(sweep, config.get("seed", 0), config.get("model", {}))
        return pd.DataFrame.from_dict(points, orient="index").rename_axis("scenario")

    def compare(self, metrics: Sequence[str] = METRICS, confidence: float = 0.95) -> pd.DataFrame:
        """Means, CIs and paired differences vs the baseline.

        See :func:`experiments.analysis.compare_arms`. With a sweep, one more column
        per swept parameter (its value at the sweep point; NaN for named scenarios),
        so the uplift can be plotted against it.
        """
        table = compare_arms(self.summary, metrics, confidence=confidence)
        values = self.sweep_values()
        return table.join(values, on="scenario") if len(values.columns) else table

    def rank(self) -> pd.DataFrame:
        """Expected uplift, 90% interval, P(beats the baseline), P(best) and regret.

        Per scenario, over every shopper and per segment. See
        :func:`experiments.ranking.rank_arms`; with a sweep, one more column per swept
        parameter, as in :meth:`compare`.
        """
        table = rank_arms(self.summary)
        values = self.sweep_values()
        return table.join(values, on="scenario") if len(values.columns) else table

    def segments(self, metrics: Sequence[str] = SEGMENT_METRICS) -> pd.DataFrame:
        """Paired uplift per segment with CI and p-value.

        See :func:`experiments.segments.compare_segments`.
        """
        return compare_segments(self.summary, metrics)

    def sensitivity(self, metrics: Sequence[str] = SENSITIVITY_METRICS) -> pd.DataFrame:
        """Sobol or Morris indices of the config's sweep, per arm and metric.

        See :func:`experiments.sensitivity.sweep_sensitivity` (empty without a Sobol
        or Morris sweep).
        """
        seed = self.manifest.get("config", {}).get("seed", 0)
        return sweep_sensitivity(self.summary, self._sweep(), seed, metrics)

    def ranked(self, metric: str = "profit") -> pd.DataFrame:
        """Arms ranked by uplift in ``metric`` per named scenario, with P(best) and n.

        See :func:`experiments.analysis.ranked_table`; ``p_best`` (profit), ``n`` and
        ``note`` come from :func:`experiments.ranking.rank_arms`.
        """
        named = self.named_summary
        ranked = ranked_table(compare_arms(named, [metric]), metric)
        decision = rank_arms(named, segments=False)
        decision = decision[decision["segment"] == ALL]
        keys = ["scenario", "strategy"]
        return ranked.merge(decision[[*keys, "p_best", "n", "note"]], on=keys, how="left")

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

    def plot_jobs(self) -> list[tuple[str, str, dict[str, Any]]]:
        """The plots of the named scenarios: (file stem, kind, options) in drawing order.

        ``frontier``, ``uplift_<metric>`` (profit, retention_90, active_end) and, per
        named scenario, ``active_<s>``, ``active_uplift_<s>``, ``retention_<s>``,
        ``segments_<metric>_<s>`` (active_end, retention_90, profit); with a Sobol or
        Morris sweep, ``sensitivity_<metric>`` (levels and ``<metric>_uplift``).
        Plots that compare arms are left out when there is
        only the baseline, metrics that are NaN everywhere (90-day retention of a
        shorter run) and the cohort plot before the first monthly cohort has closed.
        ``kind`` and ``options`` are the arguments of :meth:`plot`.

        Returns
        -------
        list of tuple
        """
        compared = self.summary["strategy"].nunique() > 1
        measured = [m for m in ("profit", "retention_90", "active_end") if self._has(m)]
        per_segment = [
            m for m in measured if any(self._has(f"{m}_{s}") for s in segments_in(self.summary))
        ]
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
                for m in ("active_end", "retention_90", "profit")
                if compared and m in per_segment
            ]
        return jobs

    def save_plots(self, folder: str | Path) -> list[Path]:
        """Draw every plot of :meth:`plot_jobs` as PNG and SVG.

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
        written = []
        for name, kind, options in self.plot_jobs():
            figure = self.plot(kind, **options).figure
            for suffix in ("png", "svg"):
                path = folder / f"{name}.{suffix}"
                plots.save_figure(figure, path)
                written.append(path)
        return written
