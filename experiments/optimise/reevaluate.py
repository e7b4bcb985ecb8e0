"""Re-evaluate the chosen mixes on fresh replications, and write them as an experiment config.

The search picks the best of many noisy estimates, so the values it found are
optimistic (the winner's curse). The chosen mixes are therefore simulated again,
paired with the baseline, on replications the search never used: spawn keys
``replications .. replications + fresh - 1`` of the same master seed (the search
used ``0 .. replications - 1``). The values reported, with their CIs, are those.

Examples
--------
>>> fresh_replications(8, 4)
range(8, 12)
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from experiments.config import BASELINE
from experiments.optimise.config import OptimiseConfig
from experiments.optimise.evaluate import SCORE_COLUMNS, Evaluator, score_mixes
from experiments.optimise.search import OBJECTIVE_COLUMNS

#: Columns of :func:`reevaluate`, besides :data:`~.evaluate.SCORE_COLUMNS`.
BEST_COLUMNS = (
    "rank",
    "arm",
    "trial",
    "mix",
    "replications",
    "within_budget",
    "search_cost_year",
    "search_profit_uplift",
    "search_retained_uplift",
)


def fresh_replications(searched: int, fresh: int) -> range:
    """Replication indices (spawn keys) of the re-evaluation: the ``fresh`` after the search's.

    Parameters
    ----------
    searched : int
        Replications of the search (indices 0 .. searched - 1).
    fresh : int
        Replications of the re-evaluation.

    Returns
    -------
    range
    """
    return range(searched, searched + fresh)


def reevaluate(
    config: OptimiseConfig, evaluate: Evaluator, chosen: pd.DataFrame, budget: float
) -> pd.DataFrame:
    """Simulate the chosen mixes again on fresh replications and report them with CIs.

    Parameters
    ----------
    config : OptimiseConfig
        The optimise config (replications of the search, fresh replications, horizon).
    evaluate : Evaluator
        Mixes and replications -> run summaries.
    chosen : pandas.DataFrame
        Rows of the search table (:func:`~.front.choose`): ``trial``, ``mix``,
        ``specs`` and the search's ``cost_year``, ``profit_uplift``, ``retained_uplift``.
    budget : float
        CNY a year.

    Returns
    -------
    pandas.DataFrame
        One row per mix, best first by the objective (the first of two) on the fresh
        replications: ``rank``, ``arm`` (``mix_<rank>``), ``trial``, ``mix``,
        ``replications`` (the fresh spawn keys, ``first..last``), ``within_budget``
        (fresh mean cost a year <= budget), the search's estimates
        (``search_cost_year``, ``search_profit_uplift``, ``search_retained_uplift``),
        :data:`~.evaluate.SCORE_COLUMNS` on the fresh replications (``n`` of them,
        t-intervals) and ``specs``.
    """
    columns = [*BEST_COLUMNS, *SCORE_COLUMNS, "specs"]
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    keys = fresh_replications(config.experiment.replications, config.fresh_replications)
    arms = [f"mix_{i + 1}" for i in range(len(chosen))]
    mixes = {arm: json.loads(specs) for arm, specs in zip(arms, chosen["specs"], strict=True)}
    scores = score_mixes(evaluate(mixes, keys), config.experiment.horizon).loc[arms]
    best = pd.DataFrame(
        {
            "arm": arms,
            "trial": chosen["trial"].to_numpy(),
            "mix": chosen["mix"].to_numpy(),
            "replications": f"{keys[0]}..{keys[-1]}",
            "within_budget": (scores["cost_year"] <= budget).to_numpy(),
            "search_cost_year": chosen["cost_year"].to_numpy(),
            "search_profit_uplift": chosen["profit_uplift"].to_numpy(),
            "search_retained_uplift": chosen["retained_uplift"].to_numpy(),
        }
    )
    best = pd.concat([best, scores.reset_index(drop=True)], axis=1)
    best["specs"] = chosen["specs"].to_numpy()
    first = OBJECTIVE_COLUMNS[config.optimise.objective][0]
    best = best.sort_values(first, ascending=False, kind="stable").reset_index(drop=True)
    best["rank"] = range(1, len(best) + 1)
    best["arm"] = [f"mix_{rank}" for rank in best["rank"]]
    best["n"] = best["n"].astype(int)
    return best[columns]


def best_config(config: OptimiseConfig, best: pd.DataFrame) -> dict[str, Any]:
    """An experiment config of the re-evaluated mixes within budget against the baseline.

    The config is the optimise config's experiment (its model, the searched
    scenario) with one arm per mix within budget, ``fresh_replications``
    replications and the seed after the config's (a seed neither the search nor the
    re-evaluation used), loadable by :func:`experiments.config.load_config`.

    Parameters
    ----------
    config : OptimiseConfig
        The optimise config.
    best : pandas.DataFrame
        Output of :func:`reevaluate`.

    Returns
    -------
    dict
        Config data, ready for YAML.

    Examples
    --------
    >>> from experiments.optimise.config import parse_optimise_config
    >>> config = parse_optimise_config({"name": "x", "strategies": {
    ...     "c": [{"kind": "coupons"}]}, "optimise": {}})
    >>> best = pd.DataFrame({"arm": ["mix_1"], "within_budget": [True],
    ...                      "specs": ['{"c": [{"kind": "coupons"}]}']})
    >>> best_config(config, best)["strategies"]
    {'baseline': [], 'mix_1': [{'kind': 'coupons'}]}
    """
    data = {key: value for key, value in config.data.items() if key not in ("every_strategy",)}
    kept = best[best["within_budget"].astype(bool)]
    strategies: dict[str, list] = {BASELINE: []}
    for arm, specs in zip(kept["arm"], kept["specs"], strict=True):
        strategies[arm] = [spec for mix in json.loads(specs).values() for spec in mix]
    data.update(
        name=f"{config.experiment.name}-best",
        seed=config.experiment.seed + 1,
        replications=config.fresh_replications,
        scenarios={config.scenario: config.experiment.scenarios[config.scenario]},
        strategies=strategies,
    )
    return data
