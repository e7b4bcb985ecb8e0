"""Evaluate strategy mixes by simulation, paired with the baseline on common random numbers.

Each mix becomes an arm of an experiment built from the optimise config (its model,
the scenario searched, its seed), planned by :func:`experiments.design.plan_runs`
and run by :func:`experiments.worker.execute_run` on the config's executor, so
every mix runs on the same replication seeds (:func:`experiments.seeds.replication_seed`)
and with whatever else a run carries. The baseline runs once per replication and
is kept for every later batch. :func:`score_mixes` turns the runs into the uplift of
each mix over the baseline, paired by replication, and its cost a year.

An *evaluator* is any callable ``(mixes, replications) -> summary`` with the
columns of :data:`SUMMARY_COLUMNS` (the baseline's rows included): the search and
the re-evaluation take one, so a closed-form evaluator can stand in for the model.

Examples
--------
>>> from experiments.optimise.config import parse_optimise_config
>>> config = parse_optimise_config({"name": "x", "horizon": 5, "replications": 2,
...     "model": {"population": {"size": 300}},
...     "strategies": {"coupons": [{"kind": "coupons"}]}, "optimise": {}})
>>> from experiments.executors import LocalExecutor
>>> with LocalExecutor(1) as executor:
...     evaluate = ModelEvaluator(config, executor)
...     summary = evaluate({"t0": {"coupons": [{"kind": "coupons"}]}}, range(2))
>>> sorted(set(summary["strategy"])), len(summary)
(['baseline', 't0'], 4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from experiments.analysis import compare_arms, mean_ci
from experiments.config import BASELINE, ExperimentConfig
from experiments.design import plan_runs
from experiments.executors import Executor
from experiments.optimise.config import OptimiseConfig
from experiments.optimise.space import Mix
from experiments.worker import execute_run

#: Columns an evaluator returns, one row per (arm, replication).
SUMMARY_COLUMNS = ("strategy", "scenario", "replication", "profit", "active_end", "strategy_cost")

#: An evaluator: named mixes and replication indices -> run summaries, baseline included.
Evaluator = Callable[[dict[str, Mix], Sequence[int]], pd.DataFrame]

#: Columns of :func:`score_mixes`.
SCORE_COLUMNS = (
    "n",
    "cost_year",
    "cost_year_ci_low",
    "cost_year_ci_high",
    "profit_uplift",
    "profit_uplift_ci_low",
    "profit_uplift_ci_high",
    "retained_uplift",
    "retained_uplift_ci_low",
    "retained_uplift_ci_high",
)


def mixes_config(
    config: OptimiseConfig, mixes: dict[str, Mix], replications: int
) -> ExperimentConfig:
    """The experiment of some mixes: one arm each, beside the baseline, in the searched scenario.

    Parameters
    ----------
    config : OptimiseConfig
        The optimise config (model, scenario, seed, horizon).
    mixes : dict
        Arm name -> mix (:data:`~.space.Mix`).
    replications : int
        Replications of the experiment (replication indices 0 .. replications - 1).

    Returns
    -------
    ExperimentConfig

    Examples
    --------
    >>> from experiments.optimise.config import parse_optimise_config
    >>> config = parse_optimise_config({"name": "x", "strategies": {
    ...     "c": [{"kind": "coupons"}], "p": [{"kind": "loyalty_points"}]}, "optimise": {}})
    >>> mixed = mixes_config(config, {"m": {"c": [{"kind": "coupons"}],
    ...                                     "p": [{"kind": "loyalty_points"}]}}, 3)
    >>> [s.kind for s in mixed.strategies["m"]], mixed.replications
    (['coupons', 'loyalty_points'], 3)
    """
    experiment = config.experiment
    data = experiment.model_dump(
        mode="json",
        exclude={"strategies": True, "sweep": True, "scenarios": True, "model": {"strategies"}},
    )
    data.update(
        every_strategy=False,
        replications=replications,
        scenarios={config.scenario: experiment.scenarios[config.scenario]},
        strategies={
            name: [s for specs in mix.values() for s in specs] for name, mix in mixes.items()
        },
    )
    return ExperimentConfig.model_validate(data)


class ModelEvaluator:
    """Simulate mixes with the shopper model on an executor; the baseline runs once.

    Parameters
    ----------
    config : OptimiseConfig
        The optimise config.
    executor : Executor
        Where the runs execute (results do not depend on it).
    """

    def __init__(self, config: OptimiseConfig, executor: Executor) -> None:
        self.config = config
        self.executor = executor
        self._baseline: dict[int, pd.DataFrame] = {}
        self.runs = 0

    def __call__(self, mixes: dict[str, Mix], replications: Sequence[int]) -> pd.DataFrame:
        """Run every mix (and the baseline, where not yet run) on the given replications.

        Parameters
        ----------
        mixes : dict
            Arm name -> mix; ``baseline`` is not a valid name.
        replications : sequence of int
            Replication indices (their seeds: ``replication_seed(config.seed, r)``).

        Returns
        -------
        pandas.DataFrame
            :data:`SUMMARY_COLUMNS`, one row per arm and replication, baseline first,
            then the mixes in the order given, replications ascending.
        """
        wanted = set(replications)
        experiment = mixes_config(self.config, mixes, max(wanted) + 1)
        todo = [
            run
            for run in plan_runs(experiment)
            if run.replication in wanted
            and not (run.strategy == BASELINE and run.replication in self._baseline)
        ]
        found = {(BASELINE, r): frame for r, frame in self._baseline.items()}
        for output in self.executor.map_unordered(execute_run, todo):
            row = output.summary[list(SUMMARY_COLUMNS)]
            found[(row["strategy"].iat[0], int(row["replication"].iat[0]))] = row
        self.runs += len(todo)
        for r in wanted:
            self._baseline[r] = found[(BASELINE, r)]
        order = [BASELINE, *mixes]
        frames = [found[(arm, r)] for arm in order for r in sorted(wanted)]
        return pd.concat(frames, ignore_index=True)


def score_mixes(summary: pd.DataFrame, horizon: int, confidence: float = 0.95) -> pd.DataFrame:
    """Each mix's paired uplift over the baseline and its strategy cost a year, with CIs.

    Parameters
    ----------
    summary : pandas.DataFrame
        :data:`SUMMARY_COLUMNS` for the baseline and the mixes on the same replications.
    horizon : int
        Days each run lasted (the cost a year is ``strategy_cost * 365 / horizon``).
    confidence : float
        Coverage of the intervals (t-intervals across replications).

    Returns
    -------
    pandas.DataFrame
        Indexed by arm (baseline left out), columns :data:`SCORE_COLUMNS`: ``n``
        (replications), ``cost_year`` (mean strategy cost a year, CNY) and its CI,
        ``profit_uplift`` (mean paired difference in profit, CNY over the horizon)
        and ``retained_uplift`` (in customers active at the end), each with its CI.

    Examples
    --------
    >>> summary = pd.DataFrame({"strategy": ["baseline"] * 2 + ["m"] * 2, "scenario": "base",
    ...     "replication": [0, 1, 0, 1], "profit": [10.0, 20, 15, 27],
    ...     "active_end": [5, 6, 7, 8], "strategy_cost": [0.0, 0, 1, 3]})
    >>> row = score_mixes(summary, horizon=365).loc["m"]
    >>> float(row["profit_uplift"]), float(row["retained_uplift"]), float(row["cost_year"])
    (6.0, 2.0, 2.0)
    """
    comparison = compare_arms(
        summary, metrics=("profit", "active_end"), confidence=confidence
    ).set_index(["strategy", "metric"])
    rows = {}
    for arm, runs in summary.groupby("strategy", sort=False):
        if arm == BASELINE:
            continue
        cost = mean_ci(runs["strategy_cost"].to_numpy(dtype=float) * 365 / horizon, confidence)
        row: list[float] = [int(runs["profit"].notna().sum()), *cost]
        for metric in ("profit", "active_end"):
            found = comparison.loc[(arm, metric)]
            row += [found["diff"], found["diff_ci_low"], found["diff_ci_high"]]
        rows[arm] = row
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(SCORE_COLUMNS))
