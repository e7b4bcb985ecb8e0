"""Package attributes imported on first use: quick imports of the error classes and CLIs."""

import subprocess
import sys

import pytest

import sim


def test_public_names_import_their_module_on_first_use():
    from sim import ModelParams
    from sim.params import ModelParams as defined

    assert ModelParams is defined and sim.__dict__["ModelParams"] is defined


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'sim' has no attribute 'nope'"):
        _ = sim.nope


def test_error_classes_and_command_modules_import_without_the_model():
    # the command line imports sim.errors to report any error, and every command
    # module to build its parser; none of them may pull in Mesa, SciPy or optuna
    modules = [
        "sim.errors",
        "sim.schema",
        "sim.strategies.cli",
        "experiments.commands",
        "experiments.calibration.cli",
        "experiments.robustness.cli",
        "experiments.optimise.cli",
    ]
    code = (
        f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        "print([m for m in ('mesa', 'scipy', 'optuna', 'matplotlib', 'sim.model') "
        "if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
