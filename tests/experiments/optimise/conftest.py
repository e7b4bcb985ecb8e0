"""Fixtures of the optimise tests: a closed-form evaluator with a known optimum, tiny configs."""

import copy
from collections.abc import Sequence

import pandas as pd
import pytest

from experiments.optimise.config import OptimiseConfig, parse_optimise_config

#: Three levers with closed-form effects (see :class:`ClosedForm`). Under a budget of
#: 100,000 CNY a year the best profit is lever ``a`` alone at discount 0.5: its
#: uplift 1000 x grows with x while its cost 200,000 x CNY a year reaches the budget
#: at x = 100,000 / 200,000 = 0.5; ``b`` loses money and ``c`` alone costs more than
#: the budget.
CLOSED_FORM = {
    "name": "closed",
    "horizon": 365,
    "replications": 3,
    "strategies": {
        "a": [{"kind": "coupons", "discount": 0.1}],
        "b": [{"kind": "recommendation"}],
        "c": [{"kind": "loyalty_points"}],
    },
    "optimise": {
        "budget": 100_000,
        "trials": 64,
        "batch": 8,
        "seed": 3,
        "ranges": {"a": {"discount": [0.0, 0.9]}, "c": {"earn_rate": [0.5, 3.0]}},
    },
}


class ClosedForm:
    """Uplift and cost of a mix in closed form, for the levers of :data:`CLOSED_FORM`.

    profit uplift = 1000 x_a - 200 [b on] + 300 [c on]; retained uplift =
    40 [b on] + 100 x_a; cost a year = 200,000 x_a + 1,000 [b on] + 150,000 [c on]
    (the horizon is 365 days, so the run's cost is the cost a year), the same in
    every replication. Each call's replications are recorded in ``asked``, the number
    of mixes evaluated in ``mixes``.
    """

    def __init__(self) -> None:
        self.asked: list[tuple[int, ...]] = []
        self.mixes = 0

    def __call__(self, mixes: dict, replications: Sequence[int]) -> pd.DataFrame:
        self.asked.append(tuple(replications))
        self.mixes += len(mixes)
        rows = []
        for r in replications:
            rows.append(("baseline", r, 1000.0, 500, 0.0))
            for name, mix in mixes.items():
                x = mix["a"][0]["discount"] if "a" in mix else 0.0
                b, c = "b" in mix, "c" in mix
                profit = 1000.0 + 1000 * x - 200 * b + 300 * c
                retained = 500 + 40 * b + 100 * x
                cost = 200_000 * x + 1_000 * b + 150_000 * c
                rows.append((name, r, profit, retained, cost))
        frame = pd.DataFrame(
            rows, columns=["strategy", "replication", "profit", "active_end", "strategy_cost"]
        )
        return frame.assign(scenario="base")


@pytest.fixture
def closed_form_config() -> OptimiseConfig:
    """The closed-form case as a validated config."""
    return parse_optimise_config(copy.deepcopy(CLOSED_FORM), "closed.yaml")


#: A tiny real-model optimise config: 300 shoppers, 20 days, 2 replications.
TINY = {
    "name": "tiny",
    "horizon": 20,
    "replications": 2,
    "seed": 5,
    "model": {"population": {"size": 300}},
    "strategies": {
        "baseline": [],
        "coupons": [{"kind": "coupons", "discount": 0.1}],
        "recommendation": [{"kind": "recommendation"}],
    },
    "optimise": {
        "budget": 2_000,
        "trials": 4,
        "batch": 2,
        "reevaluate": 2,
        "fresh_replications": 2,
        "ranges": {"coupons": {"discount": [0.02, 0.3]}},
    },
    "outputs": {"plots": False},
}


@pytest.fixture
def tiny() -> dict:
    """The tiny real-model config as data (a fresh copy)."""
    return copy.deepcopy(TINY)
