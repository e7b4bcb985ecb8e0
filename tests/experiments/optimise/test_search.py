import pytest

from experiments.optimise.config import parse_optimise_config
from experiments.optimise.search import make_sampler, penalised, search
from tests.experiments.optimise.conftest import CLOSED_FORM, ClosedForm


def best_feasible(trials, column="profit_uplift"):
    return trials[trials["feasible"]].sort_values(column, kind="stable").iloc[-1]


def test_tpe_finds_the_closed_form_optimum_within_the_budget(closed_form_config):
    # optimum (conftest.CLOSED_FORM): lever a alone, discount = 100,000 / 200,000 = 0.5,
    # profit uplift 1000 x 0.5 = 500; b loses money, c alone is over budget
    trials = search(closed_form_config, ClosedForm(), progress=False)
    best = best_feasible(trials)
    assert (best["a"], best["b"], best["c"]) == (True, False, False)
    assert best["a.discount"] == pytest.approx(0.5, abs=0.03)
    assert best["profit_uplift"] == pytest.approx(500, abs=30)
    assert best["cost_year"] <= 100_000


def test_cmaes_with_the_budget_as_a_penalty_finds_the_optimum_too():
    # lever a alone (CMA-ES searches the continuous discount; on/off is sampled at random)
    data = {
        **CLOSED_FORM,
        "strategies": {"a": CLOSED_FORM["strategies"]["a"]},
        "optimise": {
            **CLOSED_FORM["optimise"],
            "sampler": "cmaes",
            "ranges": {"a": {"discount": [0.0, 0.9]}},
        },
    }
    best = best_feasible(search(parse_optimise_config(data), ClosedForm(), progress=False))
    assert best["a"] and best["a.discount"] == pytest.approx(0.5, abs=0.03)


def test_a_mix_is_feasible_exactly_when_its_cost_a_year_is_within_the_budget(closed_form_config):
    trials = search(closed_form_config, ClosedForm(), budget=50_000, progress=False)
    assert (trials["feasible"] == (trials["cost_year"] <= 50_000)).all()
    assert trials["feasible"].any() and not trials["feasible"].all()
    # the tighter budget moves the optimum to x = 50,000 / 200,000 = 0.25
    assert 0.2 < best_feasible(trials)["a.discount"] <= 0.25


def test_the_same_seed_gives_the_same_search_and_another_seed_another():
    data = {**CLOSED_FORM, "optimise": {**CLOSED_FORM["optimise"], "trials": 16}}
    first = search(parse_optimise_config(data), ClosedForm(), progress=False)
    again = search(parse_optimise_config(data), ClosedForm(), progress=False)
    assert first.equals(again)
    data["optimise"]["seed"] = 4
    other = search(parse_optimise_config(data), ClosedForm(), progress=False)
    assert not first.equals(other)


def test_a_mix_met_before_is_not_evaluated_again_and_the_proposals_are_capped():
    data = {**CLOSED_FORM, "optimise": {"budget": 1e6, "trials": 24, "batch": 4}}
    evaluator = ClosedForm()
    trials = search(parse_optimise_config(data), evaluator, progress=False)
    # three on/off levers and no ranges: 2^3 = 8 distinct mixes, fewer than the 24 wanted,
    # so the search stops after 4 x 24 proposals
    assert evaluator.mixes == trials["new"].sum() == trials["specs"].nunique() <= 8
    assert len(trials) == 4 * 24 and trials["trial"].tolist() == list(range(96))


def test_trials_counts_distinct_mixes_simulated(closed_form_config):
    evaluator = ClosedForm()
    trials = search(closed_form_config, evaluator, progress=False)
    assert evaluator.mixes == trials["new"].sum() == trials["specs"].nunique() == 64


def test_nsga2_for_both_objectives_keeps_a_front_within_budget(closed_form_config):
    spec = closed_form_config.optimise.model_copy(update={"objective": "both", "sampler": None})
    config = closed_form_config.model_copy(update={"optimise": spec})
    assert type(make_sampler(spec)).__name__ == "NSGAIISampler"
    trials = search(config, ClosedForm(), progress=False)
    front = trials[trials["on_front"]]
    assert front["feasible"].all() and len(front) >= 2
    # b buys retention at a loss: the front holds mixes with and without it
    assert set(front["b"]) == {True, False}


def test_penalised_values_over_budget_never_beat_the_empty_mix():
    assert penalised(1e6, cost_year=101.0, budget=100.0) < 0
    assert penalised(-5.0, cost_year=100.0, budget=100.0) == -5.0


def test_screening_tries_each_lever_alone_first(closed_form_config):
    trials = search(closed_form_config, ClosedForm(), progress=False)
    first = trials.head(3)[["a", "b", "c"]].to_numpy()
    assert (first == [[True, False, False], [False, True, False], [False, False, True]]).all()
