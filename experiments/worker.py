"""What a worker does with one run: simulate it and tag its tables.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> from experiments.design import plan_runs
>>> config = ExperimentConfig(name="demo", horizon=5, replications=1,
...                           model={"population": {"size": 300}})
>>> output = execute_run(plan_runs(config)[0])
>>> len(output.timeseries), list(output.summary.columns[:4])
(5, ['strategy', 'scenario', 'replication', 'days'])
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments.design import RunSpec
from sim import simulate

#: Columns that say which run a row belongs to, first in every table.
RUN_COLUMNS = ("strategy", "scenario", "replication")


@dataclass
class RunOutput:
    """The tables of one finished run, each tagged with strategy, scenario, replication.

    Attributes
    ----------
    key : str
        The run's key (:attr:`RunSpec.key`).
    timeseries : pandas.DataFrame
        One row per day.
    summary : pandas.DataFrame
        One row: the run's metrics, then its swept and uncertain parameters' values
        (:attr:`RunSpec.inputs`, columns named by their paths).
    cohorts : pandas.DataFrame
        Cohort retention by day.
    orders : pandas.DataFrame or None
        When the spec records orders, the run's focal-platform order log (the
        platform's own CRM log, which ``shoplab orders analyze`` reads as a real
        one), an order frame (:mod:`survey.orders.frame`), untagged (one file per
        run).
    """

    key: str
    timeseries: pd.DataFrame
    summary: pd.DataFrame
    cohorts: pd.DataFrame
    orders: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The three tables by name, summary last (it marks the run as finished)."""
        return {"timeseries": self.timeseries, "cohorts": self.cohorts, "summary": self.summary}


def _tag(frame: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    values = (spec.strategy, spec.scenario, spec.replication)
    tags = pd.DataFrame(dict(zip(RUN_COLUMNS, values, strict=True)), index=frame.index)
    return pd.concat([tags, frame], axis=1)


def execute_run(spec: RunSpec) -> RunOutput:
    """Run the model for one (arm, scenario, replication) and tag its results.

    Parameters
    ----------
    spec : RunSpec
        The run.

    Returns
    -------
    RunOutput
    """
    result = simulate(
        spec.params, rng=spec.seed, days=spec.horizon, record_orders=spec.record_orders
    )
    return RunOutput(
        key=spec.key,
        timeseries=_tag(result.daily, spec),
        summary=_tag(pd.DataFrame([{**result.summary, **spec.inputs}]), spec),
        cohorts=_tag(result.cohorts, spec),
        orders=None if result.orders is None else _focal(result.orders, spec),
    )


def _focal(orders: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    focal = orders["channel"] == spec.params.platforms[0].name
    return orders[focal].reset_index(drop=True)
