import pandas as pd
import yaml

from experiments.cli import main


def test_robustness_writes_its_outputs_and_says_what_it_found(toy_file, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["robustness", str(toy_file), "--out", str(out), "--no-progress", "--samples", "2"]
    assert main([*args, "--set", "outputs.plots=true"]) == 0
    printed = capsys.readouterr().out
    assert "8 design points (Sobol, N = 2, 2 uncertain parameters)" in printed
    assert "base: " in printed and "reco: " in printed
    for name in ("sensitivity.csv", "scenarios.csv", "summary.parquet", "manifest.json"):
        assert (out / name).exists(), name
    assert len(list((out / "plots").glob("*.png"))) == 3 + 2
    assert len(pd.read_parquet(out / "summary.parquet")) == 2 * 8


def test_a_config_without_uncertain_parameters_is_one_line_and_exit_status_2(
    toy, write_config, capsys
):
    toy.pop("uncertain")
    path = write_config(yaml.safe_dump(toy))
    assert main(["robustness", str(path), "--no-progress"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no uncertain parameter to explore" in error
    assert str(path) in error
