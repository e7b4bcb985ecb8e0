from importlib.resources import files
from pathlib import Path

import pytest

from experiments.cli import main

#: Experiment configs (``calibrate_*.yaml`` and ``optimise_*.yaml`` are calibration and
#: optimisation configs, run by their own tests and test_shipped_configs).
CONFIGS = sorted(
    path
    for path in Path(str(files("experiments") / "configs")).glob("*.yaml")
    if not path.name.startswith(("calibrate_", "optimise_"))
)
TINY_SETS = [
    "--set", "model.population.size=500",
    "--set", "horizon=30",
    "--set", "replications=2",
]  # fmt: skip


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("shoplab: error: ")
    return lines[0]


def test_shipped_experiment_configs_are_the_documented_ones():
    assert {p.name for p in CONFIGS} == {
        "quickstart.yaml",
        "strategies.yaml",
        "bass_validation.yaml",
        "uncertainty.yaml",
        "at_risk_predictors.yaml",
    }
    readme = (Path(str(files("experiments") / "configs")) / "README.md").read_text()
    assert all(p.name in readme for p in CONFIGS)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_every_shipped_config_runs_at_a_tiny_size(config, tmp_path, capsys):
    status = main(["run", str(config), *TINY_SETS, "--out", str(tmp_path), "--no-progress"])
    assert status == 0
    assert "ranked by profit uplift" in capsys.readouterr().out
    for name in ("manifest.json", "summary.parquet", "timeseries.parquet", "cohorts.parquet"):
        assert (tmp_path / name).exists()
    assert (tmp_path / "comparison.csv").exists()
    assert list((tmp_path / "plots").glob("active_*.png"))


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
def test_every_shipped_config_validates_at_full_size(config, capsys):
    assert main(["validate", str(config)]) == 0
    assert capsys.readouterr().out.strip().endswith(": OK")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nhorizon: 30\ncolour: red\n", "colour: unknown key; allowed: name, horizon"),
        ("name: x\nhorizon: -3\n", "horizon: Input should be greater than or equal to 1 (got -3)"),
        (
            "name: x\nstrategies:\n  a: [{kind: lottery}]\n",
            "strategies.a.0: unknown kind 'lottery'; allowed: baseline,",
        ),
        (
            "name: x\nmodel:\n  network: {kind: ring}\n",
            "model.network.kind: Input should be 'small_world', 'random' or 'fully_mixed'",
        ),
        ("name: x\nhorizon: [30\n", "line 3"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
    ids=["unknown-key", "bad-value", "bad-kind", "bad-literal", "bad-yaml", "not-a-mapping"],
)
def test_malformed_config_is_one_line_with_exit_status_2(text, expected, write_config, capsys):
    path = write_config(text)
    assert main(["validate", str(path)]) == 2
    line = _one_line_error(capsys)
    assert str(path) in line
    assert expected in line
    assert main(["run", str(path), "--no-progress"]) == 2
    _one_line_error(capsys)


def test_bad_set_override_is_one_line_with_exit_status_2(tiny_config, capsys):
    assert main(["validate", str(tiny_config), "--set", "model.population.size=none"]) == 2
    assert "model.population.size" in _one_line_error(capsys)


def test_missing_config_file_is_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in _one_line_error(capsys)


def test_run_options_override_execution(tiny_config, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["run", str(tiny_config), "--out", str(out), "--workers", "1", "--no-progress"]
    assert main(args) == 0
    assert main([*args, "--resume"]) == 0
    assert "points" in capsys.readouterr().out


def test_plot_redraws_from_saved_results(tiny_config, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(tiny_config), "--out", str(out), "--no-progress"]) == 0
    assert not (out / "plots").exists()  # the tiny config switches plots off
    assert main(["plot", str(out)]) == 0
    names = {p.name for p in (out / "plots").iterdir()}
    assert {"uplift_profit.png", "uplift_profit.svg", "frontier.png", "active_base.png"} <= names
    assert {"segments_active_end_price_war.png", "retention_price_war.svg"} <= names


def test_plot_of_a_folder_without_results_is_one_line(tmp_path, capsys):
    assert main(["plot", str(tmp_path)]) == 2
    assert "no finished experiment" in _one_line_error(capsys)


def test_invalid_scenario_names_file_scenario_and_allowed_items(tiny, write_config, capsys):
    tiny["scenarios"]["war"] = {"platforms.rival.price_index": 0.7}
    path = write_config(tiny)
    assert main(["validate", str(path)]) == 2
    line = _one_line_error(capsys)
    assert str(path) in line and "scenario 'war'" in line
    assert "no item named 'rival'; allowed: indices or names ['focal'," in line


def test_workers_option_is_validated_like_the_file(tiny_config, capsys):
    assert main(["run", str(tiny_config), "--workers", "0", "--no-progress"]) == 2
    line = _one_line_error(capsys)
    assert "execution.workers: Input should be greater than or equal to 1" in line


def test_results_go_to_results_name_by_default(tiny_config, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(tiny_config), "--set", "replications=1", "--no-progress"]) == 0
    assert (tmp_path / "results" / "tiny" / "summary.parquet").exists()
    assert "Results in results/tiny; report: results/tiny/report.html" in capsys.readouterr().out


def test_run_prints_p_best_and_says_why_one_replication_has_no_ci(tiny_config, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["run", str(tiny_config), "--out", str(out), "--no-progress", "--set", "replications=1"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "P(best)" in printed and "nan" not in printed
    assert "none (1 replication)" in printed
    assert "(they need at least 2 replications; set replications: 2 or more).\n" in printed
    assert printed.rstrip().endswith(f"Results in {out}; report: {out / 'report.html'}")


def test_rerun_into_finished_runs_is_refused_until_resume_or_overwrite(
    tiny_config, tmp_path, capsys
):
    # issue 15: re-running without --resume deleted the finished runs, exit 0
    out = tmp_path / "out"
    args = ["run", str(tiny_config), "--out", str(out), "--no-progress", "--set", "replications=1"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(args) == 2
    assert _one_line_error(capsys) == (
        f"shoplab: error: {out} holds 4 finished runs of tiny: --resume to continue them, "
        "--overwrite to start over"
    )
    assert main([*args, "--overwrite"]) == 0
    assert main([*args, "--resume", "--overwrite"]) == 2
    assert "give one" in _one_line_error(capsys)


def test_plot_refuses_old_tables_beside_the_manifest_of_a_killed_new_run(
    tiny_config, tmp_path, monkeypatch, capsys
):
    # issue 15: a different config run into a finished folder and killed before the
    # merge left its manifest beside the old tables, and `plot` plotted the old ones
    out = tmp_path / "out"
    args = ["run", str(tiny_config), "--out", str(out), "--no-progress", "--set", "replications=1"]
    assert main(args) == 0

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("experiments.runner.execute_runs", killed)
    assert main([*args, "--set", "seed=99", "--overwrite"]) == 130
    capsys.readouterr()
    assert main(["plot", str(out)]) == 2
    assert "did not finish; run it again with --resume" in _one_line_error(capsys)
    assert not (out / "plots").exists()
