from importlib.resources import files

import numpy as np
import pytest

from experiments.config import load_config
from experiments.optimise.config import load_optimise_config
from experiments.optimise.runner import optimise
from experiments.runner import run_experiment
from sim.strategies import REGISTRY

CONFIGS = files("experiments") / "configs"


def bass_curve(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    decay = np.exp(-(p + q) * t)
    return (1 - decay) / (1 + (q / p) * decay)


def test_bass_validation_config_follows_the_bass_curve(tmp_path):
    sets = ["model.population.size=5000", "horizon=250", "replications=4", "outputs.plots=false"]
    config = load_config(CONFIGS / "bass_validation.yaml", sets)
    results = run_experiment(config, tmp_path, progress=False)
    adopted = (
        1 - results.timeseries.pivot(index="day", columns="replication", values="prospects") / 5000
    )
    # p and q are stated per year (0.73 and 10.95: 0.002 and 0.03 a day); day d ends at
    # time t = d + 1 (as in tests/sim/test_external_truths.py)
    acquisition = config.model.acquisition
    p, q = acquisition.innovation_per_day, acquisition.imitation_per_day
    assert (p, q) == (0.73 / 365, 10.95 / 365)
    expected = bass_curve(np.arange(1, 251), p=p, q=q)
    assert np.abs(adopted.mean(axis=1).to_numpy() - expected).max() < 0.02


def test_strategies_config_has_an_arm_for_every_registered_strategy_and_a_price_war():
    config = load_config(CONFIGS / "strategies.yaml")
    assert set(config.strategies) == set(REGISTRY)
    war = config.scenarios["price_war"]
    assert min(value for key, value in war.items() if key.endswith("price_index")) < 0.85


def test_quickstart_has_at_least_two_strategy_arms_and_two_scenarios():
    config = load_config(CONFIGS / "quickstart.yaml")
    assert len(config.strategies) >= 3 and "loyalty_points" in config.strategies
    assert len(config.scenarios) == 2


def test_optimise_budget_config_finds_a_mix_within_its_budget_at_a_tiny_size():
    sets = [
        "model.population.size=400",
        "horizon=30",
        "replications=2",
        "optimise.trials=4",
        "optimise.batch=2",
        "optimise.reevaluate=1",
        "optimise.fresh_replications=2",
    ]
    config = load_optimise_config(CONFIGS / "optimise_budget.yaml", sets)
    result = optimise(config, progress=False)
    assert (result.best["cost_year"] <= config.optimise.budget).all()
    assert (result.best["replications"] == "2..3").all()


#: The uncertainty config at a tiny size (and a Sobol base size of 2).
TINY_UNCERTAINTY = [
    "model.population.size=200",
    "horizon=10",
    "replications=2",
    "outputs.plots=false",
    "robustness.samples=2",
]


def test_uncertainty_config_runs_the_quickstart_arms_with_drawn_effects(tmp_path):
    from experiments.robustness.design import plan_robustness

    config = load_config(CONFIGS / "uncertainty.yaml", TINY_UNCERTAINTY)
    assert config.strategy_priors
    assert set(config.strategies) == set(load_config(CONFIGS / "quickstart.yaml").strategies)
    results = run_experiment(config, tmp_path, progress=False)
    assert results.summary["strategies.recommendation.purchase_rate_mult"].nunique() == 2
    design, runs = plan_robustness(config)  # every arm valid at every design point
    assert len(runs) == len(config.strategies) * 2 * len(design)  # 1 run per point


@pytest.mark.slow
def test_uncertainty_config_runs_by_robustness_at_a_tiny_size(tmp_path):
    from experiments.robustness.runner import run_robustness

    config = load_config(CONFIGS / "uncertainty.yaml", TINY_UNCERTAINTY)
    robustness = run_robustness(config, tmp_path, progress=False)
    assert set(robustness.scenarios["scenario"]) == {"base", "price_war"}
    assert not robustness.sensitivity.empty


def test_calibrate_orders_config_fits_its_order_log_targets_at_a_tiny_size():
    from experiments.calibration.config import load_calibration_config
    from experiments.calibration.fit import calibrate

    sets = ["model.population.size=300", "budget.trials=2", "budget.batch=2",
            "budget.replications=1", "budget.startup_trials=2", "execution.workers=1"]  # fmt: skip
    config = load_calibration_config(CONFIGS / "calibrate_orders.yaml", sets)
    assert config.horizon == 365 and "inactive_share_90" in config.targets.orders
    result = calibrate(config, progress=False)
    assert set(result.fitted) == {f"orders.{name}" for name in config.targets.orders}
