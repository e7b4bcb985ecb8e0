"""Run an optimisation: search the mixes, choose the best, re-evaluate them on fresh runs.

Examples
--------
>>> from experiments.optimise.config import parse_optimise_config
>>> config = parse_optimise_config({"name": "x", "horizon": 10, "replications": 2,
...     "model": {"population": {"size": 300}},
...     "strategies": {"recommendation": [{"kind": "recommendation"}]},
...     "optimise": {"budget": 1e6, "trials": 2, "batch": 2, "fresh_replications": 2}})
>>> result = optimise(config, progress=False)
>>> list(result.best["replications"].unique()), bool(result.best["within_budget"].all())
(['2..3'], True)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pandas as pd

from experiments.errors import ConfigError
from experiments.executors import make_executor
from experiments.optimise.config import OptimiseConfig
from experiments.optimise.evaluate import Evaluator, ModelEvaluator
from experiments.optimise.front import choose
from experiments.optimise.reevaluate import reevaluate
from experiments.optimise.search import OBJECTIVE_COLUMNS, search


@dataclass
class OptimiseResult:
    """What an optimisation found.

    Attributes
    ----------
    config : OptimiseConfig
        The optimise config.
    budget : float
        CNY a year.
    trials : pandas.DataFrame
        Every mix tried (:func:`~.search.search`).
    best : pandas.DataFrame
        The chosen mixes re-evaluated on fresh replications (:func:`~.reevaluate.reevaluate`).
    runs : int or None
        Model runs done (None with an injected evaluator).
    """

    config: OptimiseConfig
    budget: float
    trials: pd.DataFrame
    best: pd.DataFrame
    runs: int | None = None

    @property
    def objectives(self) -> list[str]:
        """The objectives: ``["profit"]``, ``["retained"]`` or both."""
        return [
            c.removesuffix("_uplift") for c in OBJECTIVE_COLUMNS[self.config.optimise.objective]
        ]


def optimise(
    config: OptimiseConfig,
    budget: float | None = None,
    progress: bool = True,
    evaluate: Evaluator | None = None,
) -> OptimiseResult:
    """Find the best strategy mix within a budget and re-evaluate it on fresh replications.

    Parameters
    ----------
    config : OptimiseConfig
        The optimise config.
    budget : float, optional
        CNY a year (default: ``optimise.budget``).
    progress : bool
        Show a progress bar on standard error.
    evaluate : Evaluator, optional
        Mixes and replications -> run summaries (default: the shopper model on the
        config's executor, :class:`~.evaluate.ModelEvaluator`).

    Returns
    -------
    OptimiseResult

    Raises
    ------
    ConfigError
        If no budget is given.
    RunError
        If the backend cannot start.
    """
    budget = config.optimise.budget if budget is None else budget
    if budget is None:
        raise ConfigError(
            f"{config.source}: no budget: give --budget CNY (a year) or optimise.budget"
        )
    if not budget > 0:
        raise ConfigError(f"--budget: the budget must be above 0 CNY a year, got {budget:g}")
    objectives = OBJECTIVE_COLUMNS[config.optimise.objective]
    owned = (
        make_executor(config.experiment.execution)
        if evaluate is None
        else contextlib.nullcontext(None)
    )
    with owned as executor:
        model = ModelEvaluator(config, executor) if evaluate is None else None
        run = evaluate or model
        trials = search(config, run, budget, progress=progress)
        chosen = choose(trials, objectives, config.optimise.reevaluate)
        best = reevaluate(config, run, chosen, budget)
    return OptimiseResult(config, budget, trials, best, None if model is None else model.runs)
