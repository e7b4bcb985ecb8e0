"""The search for the best strategy mix under a budget: a seeded optuna study, ask/tell in batches.

A seeded sampler proposes ``batch`` candidate mixes at a time (a fixed number, so
the result does not depend on the number of workers, as in
:mod:`experiments.calibration.fit`); the evaluator simulates them on the same
replications (common random numbers), and the study is told the uplift of each
over the baseline in trial order. The budget is a constraint on the mean strategy
cost a year, which TPE and NSGA-II respect (``Trial.set_constraint``: a candidate is
feasible when ``cost_year - budget <= 0``); CMA-ES has no constraints, so an
over-budget candidate's value is penalised (:func:`penalised`). With
``optimise.screen`` the first trials are each lever alone, as in the config, so
every strategy is tried at least once. A mix met before is not simulated again.

Examples
--------
A closed-form evaluator: the profit uplift is 1000 x and the cost 200,000 x CNY a
year, so under a budget of 100,000 the best x is 0.5:

>>> import pandas as pd
>>> from experiments.optimise.config import parse_optimise_config
>>> config = parse_optimise_config({"name": "x", "horizon": 365, "replications": 1,
...     "strategies": {"c": [{"kind": "coupons"}]},
...     "optimise": {"budget": 100000, "trials": 24, "batch": 4,
...                  "ranges": {"c": {"discount": [0.0, 0.9]}}}})
>>> def closed_form(mixes, replications):
...     rows = [("baseline", 0.0, 0.0)] + [
...         (name, 1000 * m["c"][0]["discount"] if m else 0.0,
...          200000 * m["c"][0]["discount"] if m else 0.0) for name, m in mixes.items()]
...     return pd.DataFrame([{"strategy": s, "scenario": "base", "replication": 0,
...         "profit": p, "active_end": 0, "strategy_cost": c} for s, p, c in rows])
>>> trials = search(config, closed_form, progress=False)
>>> best = trials[trials["feasible"]].sort_values("profit_uplift").iloc[-1]
>>> bool(abs(best["c.discount"] - 0.5) < 0.05)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import optuna
import pandas as pd

from experiments.calibration.fit import quiet_optuna
from experiments.errors import ConfigError
from experiments.optimise.config import OptimiseConfig, OptimiseSpec
from experiments.optimise.evaluate import SCORE_COLUMNS, Evaluator, score_mixes
from experiments.optimise.front import on_front
from experiments.optimise.space import Mix, SearchSpace, describe_mix, mix_key
from survey.progress import progress_bar

#: Score column maximised for each objective.
OBJECTIVE_COLUMNS = {
    "profit": ("profit_uplift",),
    "retained": ("retained_uplift",),
    "both": ("profit_uplift", "retained_uplift"),
}


def penalised(value: float, cost_year: float, budget: float) -> float:
    """An objective value with the budget as a penalty (for CMA-ES, which has no constraints).

    Within budget the value is unchanged. Over budget it is at most 0 (the all-off mix,
    always within budget, scores 0) and falls with the overrun:
    ``min(value, 0) - (1 + |value|) * overrun / budget``.

    Parameters
    ----------
    value : float
        The uplift.
    cost_year : float
        Mean strategy cost a year (CNY).
    budget : float
        The budget (CNY a year).

    Returns
    -------
    float

    Examples
    --------
    >>> penalised(50.0, 90.0, 100.0)
    50.0
    >>> penalised(50.0, 150.0, 100.0)  # 0 - 51 * 0.5
    -25.5
    """
    overrun = cost_year - budget
    if overrun <= 0:
        return value
    return min(value, 0.0) - (1 + abs(value)) * overrun / budget


def make_sampler(spec: OptimiseSpec) -> optuna.samplers.BaseSampler:
    """The seeded sampler of the search.

    TPE and NSGA-II read the budget constraint each trial carries
    (``Trial.set_constraint``); CMA-ES ignores it (the search penalises instead).

    Parameters
    ----------
    spec : OptimiseSpec
        Sampler, seed, start-up trials and batch.

    Returns
    -------
    optuna.samplers.BaseSampler

    Examples
    --------
    >>> type(make_sampler(OptimiseSpec(objective="both"))).__name__
    'NSGAIISampler'
    """
    with quiet_optuna():
        name = spec.sampler_name
        if name == "nsga2":
            return optuna.samplers.NSGAIISampler(population_size=spec.batch, seed=spec.seed)
        if name == "cmaes":
            return optuna.samplers.CmaEsSampler(
                seed=spec.seed,
                n_startup_trials=spec.startup_trials,
                independent_sampler=optuna.samplers.RandomSampler(seed=spec.seed),
                warn_independent_sampling=False,
                popsize=max(spec.batch, 4),
            )
        return optuna.samplers.TPESampler(
            seed=spec.seed, n_startup_trials=spec.startup_trials, multivariate=True
        )


#: Most proposals per distinct mix simulated: a converged sampler that keeps proposing
#: mixes met before stops the search instead of looping.
ASKS_PER_TRIAL = 4


@dataclass
class _Study:
    """An optuna study with what the search knows: scores by mix, rows by trial."""

    study: optuna.Study
    space: SearchSpace
    objectives: tuple[str, ...]
    budget: float
    penalise: bool
    scored: dict[str, pd.Series] = field(default_factory=dict)
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)

    def tell(self, trial: optuna.trial.Trial, key: str) -> None:
        """Tell a trial the scored mix's values, with the budget as constraint or penalty."""
        score = self.scored[key]
        values = [float(score[column]) for column in self.objectives]
        if self.penalise:
            values = [penalised(values[0], float(score["cost_year"]), self.budget)]
        else:
            trial.set_constraint("budget", float(score["cost_year"]) - self.budget)
        self.study.tell(trial, values)

    def propose(self, wanted: int, asks: int) -> tuple[dict[str, Mix], list, int]:
        """Ask until ``wanted`` mixes not met before are pending, or ``asks`` are spent.

        A proposal of a mix met before is told at once. Returns the new mixes by key,
        the pending (trial, key) pairs and the proposals left.
        """
        new: dict[str, Mix] = {}
        pending = []
        while len(new) < wanted and asks > 0:
            trial = self.study.ask()
            asks -= 1
            point = self.space.suggest(trial)
            mix = self.space.mix(point)
            key = mix_key(mix)
            self.rows[trial.number] = {
                "trial": trial.number,
                "mix": describe_mix(mix),
                **self.space.row(point),
                "specs": key,
                "new": key not in self.scored and key not in new,
            }
            if key in self.scored:
                self.tell(trial, key)
            else:
                new.setdefault(key, mix)
                pending.append((trial, key))
        return new, pending, asks


def search(
    config: OptimiseConfig,
    evaluate: Evaluator,
    budget: float | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Search the mixes of the config's levers for the best uplift within the budget.

    Each round asks the sampler for proposals until ``batch`` mixes not met before are
    gathered (a proposal of a mix met before is told its known values at once, and
    simulated no more), simulates them, and tells their values in trial order. The
    search ends after ``trials`` distinct mixes, or after ``4 x trials`` proposals.

    Parameters
    ----------
    config : OptimiseConfig
        Levers, ranges, objective, sampler, trials, batch; replications of the search
        are the experiment's (indices 0 .. replications - 1).
    evaluate : Evaluator
        Mixes and replications -> run summaries (:class:`~.evaluate.ModelEvaluator`).
    budget : float, optional
        CNY a year (default: ``optimise.budget``).
    progress : bool
        Show a progress bar on standard error.

    Returns
    -------
    pandas.DataFrame
        One row per trial (proposal), in trial order: ``trial``, ``mix`` (the levers
        on), every dimension of the space (``<lever>`` on/off, ``<lever>.<path>``;
        empty when the lever is off), :data:`~.evaluate.SCORE_COLUMNS`, ``specs``
        (the mix's strategies as JSON, :func:`~.space.mix_key`), ``new`` (the trial
        simulated a mix not met before), ``feasible`` (mean cost a year within the
        budget) and ``on_front`` (:func:`~.front.on_front`).
    """
    spec = config.optimise
    budget = spec.budget if budget is None else budget
    if budget is None:
        raise ConfigError(f"{config.source}: no budget: give --budget CNY or optimise.budget")
    space = SearchSpace.from_config(config)
    objectives = OBJECTIVE_COLUMNS[spec.objective]
    asks = ASKS_PER_TRIAL * spec.trials
    bar = progress_bar(total=spec.trials, desc="optimising", unit="mix", enabled=progress)
    with quiet_optuna():
        study = optuna.create_study(
            directions=["maximize"] * len(objectives), sampler=make_sampler(spec)
        )
        if spec.screen:
            for point in space.screen_points():
                study.enqueue_trial(point)
        state = _Study(study, space, objectives, budget, spec.sampler_name == "cmaes")
        while len(state.scored) < spec.trials and asks > 0:
            wanted = min(spec.batch, spec.trials - len(state.scored))
            new, pending, asks = state.propose(wanted, asks)
            if new:
                names = {key: f"t{i:04d}" for i, key in enumerate(new, start=len(state.scored))}
                found = evaluate(
                    {names[key]: mix for key, mix in new.items()},
                    range(config.experiment.replications),
                )
                scores = score_mixes(found, config.experiment.horizon)
                state.scored.update({key: scores.loc[name] for key, name in names.items()})
                bar.update(len(new))
            for trial, key in pending:
                state.tell(trial, key)
    bar.close()
    trials = pd.DataFrame(
        [
            {**row, **state.scored[row["specs"]][list(SCORE_COLUMNS)].to_dict()}
            for row in state.rows.values()
        ]
    )
    trials["n"] = trials["n"].astype(int)
    trials["feasible"] = trials["cost_year"] <= budget
    trials["on_front"] = on_front(trials, objectives)
    return trials
