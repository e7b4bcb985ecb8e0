import numpy as np
import pytest

from experiments.config import ExperimentConfig, Sweep
from experiments.design import all_scenarios, plan_runs
from experiments.errors import ConfigError
from experiments.sweeps import sample_points, sweep_scenarios

PARAMETERS = {"acquisition.innovation_per_year": (0.01, 0.04), "loyalty.winback_rate": (0.0, 0.01)}


@pytest.mark.parametrize(
    ("method", "samples", "points"),
    [("grid", 3, 9), ("latin", 5, 5), ("sobol", 4, 4 * (2 + 2)), ("morris", 2, 2 * (2 + 1))],
)
def test_design_sizes_follow_each_method(method, samples, points):
    # sobol: Saltelli N(D + 2) without second order; morris: r(D + 1) (SALib docs)
    design = sample_points(Sweep(method=method, samples=samples, parameters=PARAMETERS), seed=1)
    assert design.shape == (points, 2)
    assert (design >= [0.01, 0.0]).all() and (design <= [0.04, 0.01]).all()


def test_integer_parameters_are_rounded():
    sweep = Sweep(method="latin", samples=6, parameters={"group_buy.group_size": (2, 6)})
    values = [
        s["group_buy.group_size"]
        for s in sweep_scenarios(sweep, 0, {"group_buy": {"group_size": 3}}).values()
    ]
    assert all(isinstance(v, int) and 2 <= v <= 6 for v in values)


def test_sweep_points_become_scenarios_of_every_arm():
    config = ExperimentConfig(
        name="s",
        replications=1,
        strategies={"points": [{"kind": "loyalty_points"}]},
        sweep={
            "method": "grid",
            "samples": 2,
            "parameters": {"acquisition.innovation_per_year": (0.01, 0.05)},
        },
    )
    assert list(all_scenarios(config)) == ["base", "sweep_0000", "sweep_0001"]
    runs = plan_runs(config)
    assert len(runs) == 2 * 3
    rates = {run.scenario: run.params.acquisition.innovation_per_year for run in runs}
    assert rates["sweep_0001"] == pytest.approx(0.05)


def test_sweep_of_a_missing_parameter_is_a_config_error():
    config = ExperimentConfig(
        name="s", sweep={"method": "grid", "samples": 2, "parameters": {"acquisition.rate": (0, 1)}}
    )
    with pytest.raises(ConfigError, match="acquisition.rate: no such field"):
        plan_runs(config)


def test_bounds_must_be_ordered():
    with pytest.raises(ValueError, match="low must be below high"):
        Sweep(method="grid", parameters={"a.b": (1.0, 1.0)})


def test_random_designs_depend_only_on_the_seed():
    sweep = Sweep(method="latin", samples=4, parameters=PARAMETERS)
    assert np.array_equal(sample_points(sweep, 3), sample_points(sweep, 3))
