"""The ``shoplab`` entry point: sub-commands, exit statuses, messages."""

import errno
import subprocess
import sys

from experiments.cli import build_parser, main


def test_interrupt_says_how_to_resume_with_exit_status_130(tiny_config, monkeypatch, capsys):
    # issue 15: the Ctrl-C message did not mention --resume
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("experiments.runner.run_experiment", interrupted)
    assert main(["run", str(tiny_config), "--no-progress"]) == 130
    assert capsys.readouterr().err == (
        "shoplab: interrupted; run the same command with --resume to continue\n"
    )


def test_personal_data_in_an_error_message_is_redacted_on_stderr(tmp_path, capsys):
    path = tmp_path / "13812345678.yaml"  # a phone number in a file name, echoed by the error
    path.write_text("name: x\nhorizon: 0\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "13812345678" not in err and "<phone>" in err


BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"  # the "billion laughs"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)

HEAVY = ("matplotlib", "dask", "distributed", "optuna", "SALib", "ema_workbench", "scipy.stats")


def test_validate_refuses_a_billion_laughs_without_importing_heavy_libraries(tmp_path):
    # the issue: the loader refused the bomb in ms, but the process took 2.4 s and
    # 245 MB importing matplotlib, SciPy, optuna and Dask it did not need
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB)
    code = (
        "import sys\n"
        "from experiments.cli import main\n"
        f"status = main(['validate', {str(bomb)!r}])\n"
        f"print(status, [name for name in {HEAVY!r} if name in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split("\n")[0] == "2 []"
    assert "aliases expand to over 100,000 nodes" in done.stderr
    assert done.stderr.count("\n") == 1


def test_the_parser_imports_command_modules_only_up_to_the_one_named():
    parser = build_parser("validate")
    (subparsers,) = [action for action in parser._actions if action.dest == "command"]
    assert "validate" in subparsers.choices and "survey" not in subparsers.choices
    assert (
        "survey"
        in [action for action in build_parser()._actions if action.dest == "command"][0].choices
    )


def test_a_huge_value_in_a_config_gives_a_short_error_line(tmp_path, capsys):
    # the issue: offending values were echoed whole (a 1 MB name gave a 1 MB line)
    path = tmp_path / "study.yaml"
    path.write_text(f"name: x\nhorizon: {'9' * 300}.5\nreplications: '{'r' * 900_000}'\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 700
    assert err.startswith(f"shoplab: error: {path}")


def test_a_full_disk_or_read_only_folder_is_one_line_with_exit_status_2(
    tiny_config, monkeypatch, capsys
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "results/x/comparison.csv")

    monkeypatch.setattr("experiments.runner.run_experiment", full)
    assert main(["run", str(tiny_config), "--no-progress"]) == 2
    assert capsys.readouterr().err == (
        "shoplab: error: results/x/comparison.csv: No space left on device\n"
    )
