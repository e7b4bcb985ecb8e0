import numpy as np
import pytest
from scipy import stats

from experiments.config import ExperimentConfig
from experiments.design import plan_runs
from experiments.errors import ConfigError
from experiments.uncertainty import (
    UncertainParameter,
    draw_values,
    uncertain_parameters,
    uniform_draw,
)
from experiments.worker import execute_run
from sim.priors import Triangular, Uniform

CHURN = "loyalty.base_churn_hazard"
RECO = "strategies.recommendation.purchase_rate_mult"


def config(**fields):
    data = {
        "name": "u",
        "horizon": 5,
        "replications": 3,
        "model": {"population": {"size": 200}},
        "scenarios": {"base": {}, "war": {"platforms.assortment_leader.price_index": 0.8}},
        "strategies": {
            "reco": [{"kind": "recommendation"}],
            "reco_own": [{"kind": "recommendation", "purchase_rate_mult": 1.3}],
        },
    }
    return ExperimentConfig(**{**data, **fields})


def test_without_uncertain_parameters_runs_carry_no_inputs():
    runs = plan_runs(config())
    assert all(run.inputs == {} for run in runs)
    assert {
        run.params.strategies[0].purchase_rate_mult for run in runs if run.strategy == "reco"
    } == {1.1}


def test_replication_r_draws_one_value_shared_by_every_arm_and_scenario():
    runs = plan_runs(
        config(uncertain={CHURN: {"dist": "uniform", "low": 0.001, "high": 0.003}}),
    )
    for r in range(3):
        same = [run for run in runs if run.replication == r]
        values = {run.params.loyalty.base_churn_hazard for run in same}
        assert len(values) == 1 and len(same) == 3 * 2
        assert {run.inputs[CHURN] for run in same} == values
    assert len({run.inputs[CHURN] for run in runs}) == 3  # replications differ


def test_a_draw_does_not_depend_on_which_other_parameters_are_uncertain():
    one = {CHURN: UncertainParameter(CHURN, Uniform(low=0, high=1))}
    two = {**one, RECO: UncertainParameter(RECO, Uniform(low=1, high=2))}
    for r in range(4):
        a = draw_values(one, master_seed=9, replication=r)
        b = draw_values(two, master_seed=9, replication=r)
        assert a[CHURN] == b[CHURN]


def test_draws_follow_the_prior():
    # 2,000 replications' draws of a triangular prior against its CDF (Kolmogorov-Smirnov)
    prior = Triangular(low=1, mode=1.1, high=1.5)
    values = [prior.ppf(uniform_draw(5, r, RECO)) for r in range(2000)]
    assert stats.kstest(values, stats.triang(0.2, loc=1, scale=0.5).cdf).pvalue > 0.01


def test_default_priors_leave_an_arms_own_value_but_an_explicit_prior_overrides_it():
    runs = plan_runs(config(strategy_priors=True))
    own = {
        run.params.strategies[0].purchase_rate_mult for run in runs if run.strategy == "reco_own"
    }
    drawn = {run.params.strategies[0].purchase_rate_mult for run in runs if run.strategy == "reco"}
    assert own == {1.3}
    assert len(drawn) == 3 and all(1.0 <= v <= 1.2 for v in drawn)
    runs = plan_runs(
        config(strategy_priors=True, uncertain={RECO: {"dist": "uniform", "low": 2, "high": 3}})
    )
    own = {
        run.params.strategies[0].purchase_rate_mult for run in runs if run.strategy == "reco_own"
    }
    assert len(own) == 3 and all(2 <= v <= 3 for v in own)


def test_strategy_priors_cover_only_the_kinds_the_arms_use():
    paths = uncertain_parameters(config(strategy_priors=True))
    assert set(paths) == {RECO, "strategies.recommendation.quality_bonus"}
    assert not any(p.explicit for p in paths.values())


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("loyalty.no_such_thing", "no such field"),
        ("population.segments", "not a number"),
        ("strategies.nonesuch.x", "kinds:"),
        ("strategies.recommendation.nonesuch", "has no parameter 'nonesuch'"),
    ],
)
def test_unknown_or_non_numeric_paths_are_one_line_errors(path, message):
    with pytest.raises(ConfigError, match=message):
        plan_runs(config(uncertain={path: {"dist": "uniform", "low": 0, "high": 1}}))


def test_a_scenario_cannot_set_an_uncertain_parameter():
    prior = {"dist": "uniform", "low": 0.7, "high": 0.9}
    with pytest.raises(ConfigError, match="declares uncertain"):
        plan_runs(config(uncertain={"platforms.assortment_leader.price_index": prior}))


def test_a_draw_outside_the_parameters_range_names_the_replication():
    wide = {"dist": "normal", "mean": 0.0, "sd": 1.0}  # half the draws are negative
    with pytest.raises(ConfigError, match=r"replication \d.*base_churn_hazard"):
        plan_runs(config(uncertain={CHURN: wide}))


def test_the_summary_row_records_the_runs_draws():
    run = plan_runs(config(uncertain={CHURN: {"dist": "uniform", "low": 0.001, "high": 0.003}}))[4]
    summary = execute_run(run).summary
    assert summary.loc[0, CHURN] == run.params.loyalty.base_churn_hazard
    assert not any("." in column for column in summary.columns if column != CHURN)


def test_uncertainty_changes_the_fingerprint():
    assert config().fingerprint() != config(strategy_priors=True).fingerprint()


def test_assumption_uncertainty_widens_the_paired_interval(tmp_path):
    # a wide prior on the recommendation's effect: the arm's paired uplift varies with the
    # draw, so its spread across replications exceeds the noise-only spread
    from experiments.analysis import compare_arms
    from experiments.runner import run_experiment

    def spread(**fields):
        base = config(horizon=30, replications=6, scenarios={"base": {}}, **fields)
        base.outputs.plots = False
        results = run_experiment(base, out=tmp_path / str(len(fields)), progress=False)
        table = compare_arms(results.summary, ["revenue"])
        row = table[(table.strategy == "reco")].iloc[0]
        return row.diff_ci_high - row.diff_ci_low

    wide = {RECO: {"dist": "uniform", "low": 1.0, "high": 3.0}}
    assert spread(uncertain=wide) > 2 * spread()


def test_no_uncertainty_option_collapses_every_prior(tmp_path, capsys):
    from experiments.cli import main

    path = tmp_path / "u.yaml"
    path.write_text(
        "name: u\nhorizon: 3\nreplications: 2\nmodel: {population: {size: 100}}\n"
        "strategy_priors: true\nstrategies: {reco: [{kind: recommendation}]}\n"
    )
    assert main(["validate", str(path), "--no-uncertainty"]) == 0
    assert (
        main(
            ["run", str(path), "--no-uncertainty", "--no-progress", "--out", str(tmp_path / "out")]
        )
        == 0
    )
    import pandas as pd

    summary = pd.read_parquet(tmp_path / "out" / "summary.parquet")
    assert not any("." in column for column in summary.columns)
    assert np.all(summary["replication"].isin([0, 1]))
