import numpy as np
import pandas as pd

from experiments.optimise.front import choose, non_dominated, on_front


def test_a_point_beaten_on_every_objective_is_dominated_and_ties_are_not():
    points = np.array([[3, 1], [1, 3], [2, 2], [1, 1], [3, 1]])
    assert non_dominated(points).tolist() == [True, True, True, False, True]


def test_the_front_leaves_out_mixes_over_budget_and_mixes_beaten_at_no_more_cost():
    trials = pd.DataFrame(
        {
            "cost_year": [10.0, 20, 30, 500],
            "profit_uplift": [5.0, 4, 9, 99],
            "feasible": [True, True, True, False],
        }
    )
    assert on_front(trials, ("profit_uplift",)).tolist() == [True, False, True, False]


def test_no_feasible_mix_gives_an_empty_front():
    trials = pd.DataFrame({"cost_year": [1.0], "profit_uplift": [1.0], "feasible": [False]})
    assert not on_front(trials, ("profit_uplift",)).any()


def frame(**columns):
    base = {
        "trial": range(5),
        "mix": ["a", "b", "none", "c", "d"],
        "specs": ["1", "2", "0", "3", "4"],
        "cost_year": 1.0,
        "feasible": [True, True, True, True, False],
    }
    return pd.DataFrame({**base, **columns})


def test_one_objective_chooses_the_best_feasible_mixes_never_the_empty_one():
    trials = frame(profit_uplift=[1.0, 3, 9, 2, 50])
    assert choose(trials, ("profit_uplift",), 2)["trial"].tolist() == [1, 3]


def test_one_objective_chooses_the_best_parameters_of_each_set_of_levers():
    trials = frame(mix=["a", "a", "b", "a", "c"], feasible=True, profit_uplift=[1.0, 3, 2, 9, 0])
    assert choose(trials, ("profit_uplift",), 3)["trial"].tolist() == [3, 2, 4]


def test_two_objectives_choose_the_front_spread_along_it_with_its_ends():
    trials = frame(profit_uplift=[1.0, 3, 9, 2, 50], retained_uplift=[9.0, 1, 9, 5, 50])
    chosen = choose(trials, ("profit_uplift", "retained_uplift"), 2)
    assert chosen["trial"].tolist() == [1, 0]  # front: 1 (profit), 3, 0 (retained)
    assert len(choose(trials, ("profit_uplift", "retained_uplift"), 5)) == 3
