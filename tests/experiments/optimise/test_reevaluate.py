import pandas as pd
import yaml

from experiments.config import load_config
from experiments.optimise.front import choose
from experiments.optimise.reevaluate import best_config, fresh_replications, reevaluate
from experiments.optimise.search import search
from tests.experiments.optimise.conftest import ClosedForm


def test_the_chosen_mixes_are_re_evaluated_on_replications_the_search_did_not_use(
    closed_form_config,
):
    evaluator = ClosedForm()
    trials = search(closed_form_config, evaluator, progress=False)
    searched = {r for call in evaluator.asked for r in call}
    assert searched == {0, 1, 2}
    chosen = choose(trials, ("profit_uplift",), 3)
    best = reevaluate(closed_form_config, evaluator, chosen, 100_000)
    fresh = set(evaluator.asked[-1])
    assert fresh == set(fresh_replications(3, 3)) == {3, 4, 5} and not fresh & searched
    assert (best["replications"] == "3..5").all() and (best["n"] == 3).all()
    assert best["rank"].tolist() == [1, 2, 3] and best["arm"].tolist() == [
        "mix_1",
        "mix_2",
        "mix_3",
    ]
    assert best["within_budget"].all() and (best["cost_year"] <= 100_000).all()
    for column in ("profit_uplift", "retained_uplift", "cost_year"):
        assert best[[f"{column}_ci_low", f"{column}_ci_high"]].notna().all().all()


def test_a_mix_over_budget_on_fresh_replications_is_flagged_and_left_out_of_best_yaml(
    closed_form_config, tmp_path
):
    chosen = pd.DataFrame(
        {
            "trial": [0, 1],
            "mix": ["a", "a"],
            "specs": [
                '{"a": [{"kind": "coupons", "discount": 0.4}]}',
                '{"a": [{"kind": "coupons", "discount": 0.6}]}',
            ],
            "cost_year": [80_000.0, 99_000],
            "profit_uplift": [400.0, 600],
            "retained_uplift": [40.0, 60],
        }
    )
    best = reevaluate(closed_form_config, ClosedForm(), chosen, 100_000)
    # fresh values of the closed form: 1000 x and 200,000 x CNY a year
    assert best["profit_uplift"].tolist() == [600, 400]
    assert best["within_budget"].tolist() == [False, True]
    data = best_config(closed_form_config, best)
    assert list(data["strategies"]) == ["baseline", "mix_2"]
    path = tmp_path / "best.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_config(path)
    assert config.strategies["mix_2"][0].discount == 0.4
    assert config.seed == closed_form_config.experiment.seed + 1 and config.replications == 3


def test_nothing_chosen_gives_an_empty_table_with_the_columns(closed_form_config):
    empty = choose(
        pd.DataFrame(columns=["mix", "specs", "feasible", "profit_uplift"]), ("profit_uplift",), 3
    )
    best = reevaluate(closed_form_config, ClosedForm(), empty, 100_000)
    assert best.empty and "profit_uplift_ci_low" in best.columns
