"""``shoplab calibrate``: resuming a killed calibration, refusing a folder in use."""

import json
import signal
import subprocess
import sys
import time

import pytest

from experiments.calibration import fit
from experiments.calibration.config import shipped_config
from experiments.cli import main

# A tiny market calibration (no survey): 8 candidates in 4 batches of 2, the
# CMA-ES sampler after 2 random ones and the last 2 enqueued around the
# confidence set, so the replay crosses every phase of the fit.
TINY = [
    "model.population.size=300",
    "horizon=15",
    "model.horizon_days=15",
    "budget.trials=8",
    "budget.batch=2",
    "budget.replications=1",
    "budget.startup_trials=2",
    "execution.workers=1",
]
COMPARED = ("fit.csv", "parameters.csv", "trials.csv")
EVALUATE = fit._evaluate_batch


def calibrate_args(out, *extra):
    args = ["calibrate", str(shipped_config("market")), "--quiet", "--out", str(out), *extra]
    for override in TINY:
        args += ["--set", override]
    return args


def count_batches(monkeypatch, interrupt_after=None):
    """Count the batches really evaluated; raise KeyboardInterrupt after some, as Ctrl-C."""
    calls = []

    def counted(*args, **kwargs):
        if interrupt_after is not None and len(calls) == interrupt_after:
            raise KeyboardInterrupt
        calls.append(1)
        return EVALUATE(*args, **kwargs)

    monkeypatch.setattr(fit, "_evaluate_batch", counted)
    return calls


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibration") / "whole"
    assert main(calibrate_args(out)) == 0
    return out


@pytest.mark.parametrize("k", [1, 3])
def test_a_calibration_interrupted_after_k_batches_resumes_to_the_same_result(
    tmp_path, monkeypatch, uninterrupted, k, capsys
):
    out = tmp_path / "killed"
    count_batches(monkeypatch, interrupt_after=k)
    assert main(calibrate_args(out)) == 130
    assert len(list((out / "trial_log").glob("batch_*.json"))) == k
    assert not (out / "fit.csv").exists()
    calls = count_batches(monkeypatch)
    assert main(calibrate_args(out, "--resume")) == 0
    assert len(calls) == 4 - k  # only the batches not on disk are run again
    assert f"resuming: {2 * k} finished candidates" in capsys.readouterr().out
    for name in COMPARED:
        assert (out / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def test_resuming_a_finished_calibration_runs_nothing_and_writes_the_same(
    tmp_path, monkeypatch, uninterrupted
):
    out = tmp_path / "copy"
    out.mkdir()
    for path in (uninterrupted / "trial_log").iterdir():
        (out / "trial_log").mkdir(exist_ok=True)
        (out / "trial_log" / path.name).write_bytes(path.read_bytes())
    calls = count_batches(monkeypatch)
    assert main(calibrate_args(out, "--resume", "--workers", "2")) == 0
    assert calls == []
    for name in COMPARED:
        assert (out / name).read_bytes() == (uninterrupted / name).read_bytes(), name


def test_an_existing_calibration_is_refused_without_resume_in_one_line(uninterrupted, capsys):
    assert main(calibrate_args(uninterrupted)) == 2
    err = capsys.readouterr().err
    assert "--resume to continue, --overwrite to start over" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_resume_refuses_the_folder_of_another_config(uninterrupted, capsys):
    assert main(calibrate_args(uninterrupted, "--resume", "--set", "budget.seed=5")) == 2
    err = capsys.readouterr().err
    assert "another config or targets" in err and err.count("\n") == 1


def test_overwrite_starts_over(tmp_path, monkeypatch, uninterrupted):
    out = tmp_path / "again"
    assert main(calibrate_args(out, "--set", "budget.seed=5")) == 0
    calls = count_batches(monkeypatch)
    assert main(calibrate_args(out, "--overwrite")) == 0
    assert len(calls) == 4
    assert (out / "fit.csv").read_bytes() == (uninterrupted / "fit.csv").read_bytes()


def test_a_trial_log_the_sampler_does_not_reproduce_is_refused(tmp_path, uninterrupted, capsys):
    out = tmp_path / "tampered"
    (out / "trial_log").mkdir(parents=True)
    for path in (uninterrupted / "trial_log").iterdir():
        (out / "trial_log" / path.name).write_bytes(path.read_bytes())
    batch = out / "trial_log" / "batch_00001.json"
    records = json.loads(batch.read_text())
    name = next(iter(records[0]["params"]))
    records[0]["params"][name] *= 1.0001
    batch.write_text(json.dumps(records))
    assert main(calibrate_args(out, "--resume")) == 2
    err = capsys.readouterr().err
    assert "differs from what the seeded sampler proposes" in err and err.count("\n") == 1


def test_resume_and_overwrite_together_are_refused(tmp_path):
    with pytest.raises(SystemExit) as err:
        main(calibrate_args(tmp_path, "--resume", "--overwrite"))
    assert err.value.code == 2


@pytest.mark.slow
def test_a_calibration_killed_with_sigkill_resumes_to_the_same_result(tmp_path):
    larger = ["--set", "model.population.size=3000", "--set", "budget.trials=12"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(calibrate_args(whole, *larger)) == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "experiments.cli", *calibrate_args(killed, *larger)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    first = killed / "trial_log" / "batch_00000.json"
    deadline = time.monotonic() + 120
    while not first.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list((killed / "trial_log").glob("batch_*.json")))
    assert 1 <= finished < 6 and not (killed / "fit.csv").exists()
    assert main(calibrate_args(killed, *larger, "--resume")) == 0
    for name in COMPARED:
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
