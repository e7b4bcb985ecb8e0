import numpy as np
import pandas as pd
import pytest

from experiments.config import ExperimentConfig, Sweep
from experiments.runner import run_experiment
from experiments.sensitivity import sweep_sensitivity
from experiments.sweeps import sweep_scenarios

PARAMETERS = {"a.x": (0.0, 1.0), "a.y": (0.0, 1.0), "a.z": (0.0, 1.0)}


def _summary(sweep: Sweep, outcome) -> pd.DataFrame:
    points = sweep_scenarios(sweep, 0, {"a": {"x": 0.5, "y": 0.5, "z": 0.5}})
    return pd.DataFrame(
        [
            {"strategy": "baseline", "scenario": name, "replication": r, "profit": outcome(p)}
            for name, p in points.items()
            for r in range(2)
        ]
    )


def test_sobol_indices_of_an_additive_function():
    # Y = 4x + 2y (+ 0 z), uniform inputs: S1 = 16/20, 4/20, 0 (variance decomposition)
    sweep = Sweep(method="sobol", samples=1024, parameters=PARAMETERS)
    summary = _summary(sweep, lambda p: 4 * p["a.x"] + 2 * p["a.y"])
    table = sweep_sensitivity(summary, sweep, seed=0, metrics=["profit"]).set_index(
        ["parameter", "index"]
    )
    s1 = [table.loc[(name, "S1"), "value"] for name in PARAMETERS]
    assert s1 == pytest.approx([0.8, 0.2, 0.0], abs=0.05)


def test_morris_mu_star_is_the_elementary_effect_of_a_linear_function():
    sweep = Sweep(method="morris", samples=6, parameters=PARAMETERS)
    summary = _summary(sweep, lambda p: 3 * p["a.x"] - p["a.z"])
    table = sweep_sensitivity(summary, sweep, seed=0, metrics=["profit"])
    mu_star = table[table["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu_star.tolist() == pytest.approx([3.0, 0.0, 1.0])


def test_grid_sweeps_have_no_indices():
    sweep = Sweep(method="grid", samples=2, parameters=PARAMETERS)
    assert sweep_sensitivity(_summary(sweep, lambda p: 1.0), sweep, 0).empty


def test_morris_sweep_experiment_writes_sensitivity_csv(tiny, tmp_path):
    tiny.update(replications=1, scenarios={"base": {}})
    tiny["sweep"] = {
        "method": "morris",
        "samples": 2,
        "parameters": {"loyalty.winback_rate": [0, 0.02]},
    }
    run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert set(table["strategy"]) == {"baseline", "points"}
    assert {"mu_star", "sigma"} <= set(table["index"])
    assert np.isfinite(table.loc[table["metric"] == "profit", "value"]).all()


def test_sensitivity_plot_draws_one_bar_per_parameter_and_arm(tiny, tmp_path):
    tiny.update(replications=1, scenarios={"base": {}})
    tiny["sweep"] = {
        "method": "morris",
        "samples": 2,
        "parameters": {
            "loyalty.winback_rate": [0, 0.02],
            "acquisition.innovation_per_year": [0.01, 0.05],
        },
    }
    results = run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)
    ax = results.plot("sensitivity", metric="active_end")
    assert len(ax.patches) == 2 * 2
    assert ax.get_xlabel() == "Morris mu* (shoppers)"
    written = {path.name for path in results.save_plots(tmp_path / "plots")}
    assert {"sensitivity_profit.png", "sensitivity_active_end.svg"} <= written
