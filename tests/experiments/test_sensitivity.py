import numpy as np
import pandas as pd
import pytest

from experiments.config import ExperimentConfig, Sweep
from experiments.runner import run_experiment
from experiments.sensitivity import sweep_sensitivity
from experiments.sweeps import sample_points, sweep_scenarios

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


def _two_arms(sweep: Sweep, baseline, arm) -> pd.DataFrame:
    points = sweep_scenarios(sweep, 0, {"a": {"x": 0.5, "y": 0.5, "z": 0.5}})
    return pd.DataFrame(
        [
            {"strategy": s, "scenario": name, "replication": r, "profit": f(p) + r}
            for s, f in (("baseline", baseline), ("arm", arm))
            for name, p in points.items()
            for r in range(2)
        ]
    )


def test_sensitivity_of_the_uplift_sees_only_what_changes_the_difference():
    # baseline 5x, arm 5x + 3y: the arm's level depends on x and y, its uplift on y alone
    # (Morris mu* of a linear function is its coefficient)
    sweep = Sweep(method="morris", samples=6, parameters=PARAMETERS)
    summary = _two_arms(sweep, lambda p: 5 * p["a.x"], lambda p: 5 * p["a.x"] + 3 * p["a.y"])
    table = sweep_sensitivity(summary, sweep, seed=0, metrics=["profit"])
    mu_star = table[table["index"] == "mu_star"].set_index(["strategy", "metric", "parameter"])
    mu_star = mu_star.sort_index()
    assert mu_star.loc[("arm", "profit"), "value"].tolist() == pytest.approx([5, 3, 0])
    assert mu_star.loc[("arm", "profit_uplift"), "value"].tolist() == pytest.approx([0, 3, 0])
    assert "baseline" not in set(table.loc[table["metric"] == "profit_uplift", "strategy"])


def test_an_outcome_without_variation_gets_one_row_saying_so():
    # an arm identical to the baseline: its uplift is 0 at every point
    sweep = Sweep(method="sobol", samples=8, parameters=PARAMETERS)
    same = lambda p: 4 * p["a.x"]  # noqa: E731
    table = sweep_sensitivity(_two_arms(sweep, same, same), sweep, seed=0, metrics=["profit"])
    flat = table[table["metric"] == "profit_uplift"]
    assert len(flat) == 1
    assert flat["note"].iloc[0].startswith("no variation: 0 at every sweep point")
    assert flat[["parameter", "index", "value"]].isna().all(axis=None)
    assert (table.loc[table["metric"] == "profit", "index"].notna()).all()


def test_salib_warnings_are_reported_in_words():
    # 6 is not a power of 2 (SALib warns about the Sobol sequence's balance), and an
    # outcome that moves at one point only (one of the last sample's AB rows of
    # Saltelli's design) is constant over most of the design (SALib warns again)
    sweep = Sweep(method="sobol", samples=6, parameters=PARAMETERS)
    design_size = 6 * (3 + 2)
    names = [f"sweep_{k:04d}" for k in range(design_size)]
    spike = {name: float(i == design_size - 3) for i, name in enumerate(names)}
    summary = pd.DataFrame(
        [{"strategy": "baseline", "scenario": s, "replication": 0, "profit": v}
         for s, v in spike.items()]
    )  # fmt: skip
    with pytest.warns(UserWarning, match="power of 2"):  # SALib's own words
        assert len(sample_points(sweep, 0)) == design_size  # Saltelli: N (D + 2) points
    table = sweep_sensitivity(summary, sweep, seed=0, metrics=["profit"])
    note = table["note"].iloc[0]
    assert "not a power of 2" in note
    assert "constant over parts of the design" in note
    assert (table["note"] == note).all()
