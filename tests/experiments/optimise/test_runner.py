import pytest

from experiments.errors import ConfigError
from experiments.optimise.config import parse_optimise_config
from experiments.optimise.runner import optimise
from tests.experiments.optimise.conftest import ClosedForm


def with_workers(data: dict, workers: int) -> dict:
    """The tiny config, smaller still (2 mixes, 1 re-evaluated, 10 days), on ``workers``."""
    small = {**data["optimise"], "trials": 2, "reevaluate": 1}
    return {**data, "horizon": 10, "optimise": small, "execution": {"workers": workers}}


def test_the_result_is_the_same_with_one_and_two_workers(tiny):
    one = optimise(parse_optimise_config(with_workers(tiny, 1)), progress=False)
    two = optimise(parse_optimise_config(with_workers(tiny, 2)), progress=False)
    assert one.trials.equals(two.trials)
    assert one.best.equals(two.best)
    assert one.runs == two.runs


def test_every_reported_mix_of_a_real_run_is_within_budget_with_fresh_cis(tiny):
    result = optimise(parse_optimise_config(tiny), progress=False)
    best = result.best
    assert len(best) >= 1 and (best["cost_year"] <= tiny["optimise"]["budget"]).all()
    assert best["within_budget"].all() and (best["replications"] == "2..3").all()
    assert (best["profit_uplift_ci_low"] <= best["profit_uplift"]).all()
    assert (best["profit_uplift"] <= best["profit_uplift_ci_high"]).all()
    assert (best["profit_uplift_ci_high"] > best["profit_uplift_ci_low"]).all()  # real noise


def test_the_budget_on_the_command_line_wins_over_the_config(closed_form_config):
    result = optimise(closed_form_config, budget=50_000, progress=False, evaluate=ClosedForm())
    assert result.budget == 50_000 and (result.best["cost_year"] <= 50_000).all()


def test_no_budget_anywhere_or_a_budget_of_zero_is_a_config_error(tiny):
    tiny["optimise"].pop("budget")
    with pytest.raises(ConfigError, match="no budget: give --budget"):
        optimise(parse_optimise_config(tiny), progress=False)
    with pytest.raises(ConfigError, match="must be above 0 CNY a year, got -5"):
        optimise(parse_optimise_config(tiny), budget=-5, progress=False)
