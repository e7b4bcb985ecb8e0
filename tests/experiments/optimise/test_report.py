import pandas as pd

from experiments.config import load_config
from experiments.optimise.report import format_best, write_optimise
from experiments.optimise.runner import optimise
from tests.experiments.optimise.conftest import ClosedForm


def test_the_outputs_are_written_and_best_yaml_is_an_experiment_config(
    closed_form_config, tmp_path
):
    result = optimise(closed_form_config, progress=False, evaluate=ClosedForm())
    paths = write_optimise(result, tmp_path)
    assert all(path.exists() for path in paths.values())
    pareto = pd.read_csv(paths["pareto.csv"])
    assert pareto["new"].sum() == closed_form_config.optimise.trials
    assert {"a", "a.discount", "cost_year", "profit_uplift", "feasible", "on_front"} <= set(pareto)
    assert pd.read_csv(paths["best.csv"])["within_budget"].all()
    config = load_config(paths["best.yaml"])
    assert list(config.strategies)[0] == "baseline" and "mix_1" in config.strategies
    assert paths["best.yaml"].read_text().startswith("# The best strategy mixes")


def test_a_single_replication_says_there_is_no_ci():
    best = pd.DataFrame(
        {
            "rank": [1],
            "arm": ["mix_1"],
            "mix": ["a"],
            "cost_year": [1.0],
            "within_budget": [False],
            "profit_uplift": [2.0],
            "profit_uplift_ci_low": [float("nan")],
            "profit_uplift_ci_high": [float("nan")],
            "retained_uplift": [0.0],
            "retained_uplift_ci_low": [float("nan")],
            "retained_uplift_ci_high": [float("nan")],
        }
    )
    text = format_best(best)
    assert "(no CI: one replication)" in text and "NO" in text
