import pandas as pd
import yaml

from experiments.cli import main
from experiments.config import load_config


def test_optimise_writes_its_outputs_and_prints_the_fresh_values(
    write_config, tiny, tmp_path, capsys
):
    path = write_config(tiny)
    out = tmp_path / "out"
    status = main(
        ["optimise", str(path), "--budget", "2000", "--trials", "4", "--out", str(out), "--quiet"]
    )
    printed = capsys.readouterr().out
    assert status == 0
    assert "re-evaluated on 2 fresh replications (spawn keys 2..3)" in printed
    assert "95% CI" in printed and "cost a year (CNY)" in printed
    for name in ("pareto.csv", "best.csv", "best.yaml", "plots/pareto.png"):
        assert (out / name).exists()
    assert (pd.read_csv(out / "best.csv")["cost_year"] <= 2000).all()
    assert main(["validate", str(out / "best.yaml")]) == 0
    assert load_config(out / "best.yaml").model.population.size == 300


def test_a_bad_config_is_one_line_and_exit_status_2(write_config, tiny, capsys):
    tiny["optimise"]["objective"] = "growth"
    status = main(["optimise", str(write_config(tiny)), "--budget", "100"])
    error = capsys.readouterr().err
    assert status == 2 and error.count("\n") == 1
    assert "optimise.objective" in error and "'profit', 'retained' or 'both'" in error


def test_no_budget_is_one_line_and_exit_status_2(write_config, tiny, capsys):
    tiny["optimise"].pop("budget")
    assert main(["optimise", str(write_config(tiny))]) == 2
    assert "no budget: give --budget" in capsys.readouterr().err


def test_the_options_override_the_config(write_config, tiny, tmp_path, capsys):
    path = write_config(yaml.safe_dump(tiny))
    out = tmp_path / "o"
    assert (
        main(
            [
                "optimise",
                str(path),
                "--budget",
                "1e6",
                "--objective",
                "both",
                "--trials",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert pd.read_csv(out / "pareto.csv")["new"].sum() == 2
    assert "2 trials" in capsys.readouterr().out
