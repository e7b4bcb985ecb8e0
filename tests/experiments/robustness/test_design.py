import numpy as np
import pytest

from experiments.config import ExperimentConfig
from experiments.errors import ConfigError
from experiments.robustness.design import plan_robustness, sobol_design
from experiments.uncertainty import uncertain_parameters
from tests.experiments.robustness.conftest import DECIDING


def test_design_has_n_times_d_plus_2_points_inside_each_prior(toy):
    config = ExperimentConfig.model_validate(toy)
    design = sobol_design(uncertain_parameters(config), samples=8, seed=0)
    assert design.shape == (8 * (2 + 2), 2)
    assert design[DECIDING].between(0.5, 1.5).all()


def test_unbounded_priors_give_finite_values(toy):
    toy["uncertain"][DECIDING] = {"dist": "normal", "mean": 1.0, "sd": 0.2, "low": 0}
    config = ExperimentConfig.model_validate(toy)
    design = sobol_design(uncertain_parameters(config), samples=64, seed=0)
    assert np.isfinite(design.to_numpy()).all()


def test_every_arm_and_point_shares_the_replication_seeds(toy):
    toy["robustness"]["replications"] = 2
    design, runs = plan_robustness(ExperimentConfig.model_validate(toy))
    assert len(runs) == 2 * len(design) * 2 and len({run.key for run in runs}) == len(runs)
    seeds = {(run.replication, tuple(run.seed.spawn_key), run.seed.entropy) for run in runs}
    assert len(seeds) == 2  # one seed per replication, whatever the arm or point


def test_each_run_gets_its_points_values(toy):
    design, runs = plan_robustness(ExperimentConfig.model_validate(toy))
    reco = [run for run in runs if run.strategy == "reco"]
    for run in reco[:5]:
        value = design.loc[run.point, DECIDING]
        assert run.inputs[DECIDING] == value
        assert run.params.strategies[0].purchase_rate_mult == pytest.approx(value)


def test_a_config_without_uncertain_parameters_is_refused(toy):
    toy.pop("uncertain")
    with pytest.raises(ConfigError, match="no uncertain parameter"):
        plan_robustness(ExperimentConfig.model_validate(toy))


def test_a_sweep_is_refused(toy):
    toy["sweep"] = {"method": "grid", "samples": 2, "parameters": {"loyalty.winback_rate": [0, 1]}}
    with pytest.raises(ConfigError, match="sweep"):
        plan_robustness(ExperimentConfig.model_validate(toy))


def test_a_design_past_the_scenario_cap_is_refused_before_it_is_sampled(toy):
    # issue 15: a Sobol design of N = 100,000 went past 4 GB; with D = 2 uncertain
    # parameters it has N x (D + 2) = 400,000 points, each with a model for every arm
    toy["robustness"]["samples"] = 100_000
    with pytest.raises(ConfigError, match=r"^robustness\.samples: 400,000 scenarios"):
        plan_robustness(ExperimentConfig.model_validate(toy))
