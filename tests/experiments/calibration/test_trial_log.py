"""The trial log: fingerprints, folder checks, atomic batches read back exactly."""

import json
import math

import pytest

from experiments.calibration import report
from experiments.calibration.config import load_calibration_config, shipped_config
from experiments.calibration.trial_log import TrialLog, fingerprint
from experiments.errors import RunError

BATCH = [
    {
        "trial": 0,
        "params": {"loyalty.base_churn_hazard": 0.1 + 0.2},
        "distance": 1 / 3,
        "simulated": {"summary.aov": (51.157058649373, 0.0), "summary.mau_ratio": (math.nan, 0.0)},
    }
]


@pytest.fixture(scope="module")
def config():
    return load_calibration_config(shipped_config("market"))


@pytest.fixture
def digest(config):
    return fingerprint(config, None)


def test_fingerprint_ignores_the_workers_but_not_the_seed_or_the_targets(config):
    workers = load_calibration_config(shipped_config("market"), ["execution.workers=7"])
    seed = load_calibration_config(shipped_config("market"), ["budget.seed=1"])
    assert fingerprint(workers, None) == fingerprint(config, None)
    assert fingerprint(seed, None) != fingerprint(config, None)
    assert fingerprint(config, {"n_respondents": 250}) != fingerprint(config, None)


def test_batches_are_read_back_exactly(tmp_path, digest):
    log = TrialLog.open(tmp_path, digest, resume=False, overwrite=False)
    log.write(0, BATCH)
    log.write(1, BATCH)
    ((back,), (again,)) = TrialLog.open(tmp_path, digest, resume=True, overwrite=False).batches
    assert back["params"] == BATCH[0]["params"] and back["distance"] == 1 / 3
    assert back["simulated"]["summary.aov"] == (51.157058649373, 0.0)
    assert math.isnan(back["simulated"]["summary.mau_ratio"][0])
    assert again["trial"] == 0


def test_a_folder_holding_a_calibration_is_refused_without_resume_or_overwrite(tmp_path, digest):
    TrialLog.open(tmp_path, digest, resume=False, overwrite=False).write(0, BATCH)
    with pytest.raises(RunError, match="--resume to continue, --overwrite to start over"):
        TrialLog.open(tmp_path, digest, resume=False, overwrite=False)


def test_a_folder_of_another_config_is_refused_on_resume(tmp_path, digest):
    TrialLog.open(tmp_path, digest, resume=False, overwrite=False).write(0, BATCH)
    with pytest.raises(RunError, match="another config or targets") as err:
        TrialLog.open(tmp_path, "0" * 64, resume=True, overwrite=False)
    assert "\n" not in str(err.value)


def test_outputs_without_a_trial_log_cannot_be_resumed(tmp_path, digest):
    (tmp_path / "fit.csv").write_text("target\n")
    with pytest.raises(RunError, match="without a trial log, not resumable"):
        TrialLog.open(tmp_path, digest, resume=True, overwrite=False)


def test_overwrite_deletes_the_log_and_the_outputs(tmp_path, digest):
    TrialLog.open(tmp_path, digest, resume=False, overwrite=False).write(0, BATCH)
    (tmp_path / "fit.csv").write_text("target\n")
    (tmp_path / "notes.txt").write_text("mine")
    log = TrialLog.open(tmp_path, "0" * 64, resume=False, overwrite=True)
    assert log.batches == [] and not list(log.folder.glob("batch_*"))
    assert not (tmp_path / "fit.csv").exists() and (tmp_path / "notes.txt").exists()
    assert TrialLog.open(tmp_path, "0" * 64, resume=True, overwrite=False).batches == []


def test_resume_without_a_folder_starts_afresh(tmp_path, digest):
    assert TrialLog.open(tmp_path / "new", digest, resume=True, overwrite=False).batches == []


def test_a_write_killed_before_the_rename_leaves_no_finished_batch(tmp_path, digest, monkeypatch):
    log = TrialLog.open(tmp_path, digest, resume=False, overwrite=False)

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        log.write(0, BATCH)
    monkeypatch.undo()
    assert TrialLog.open(tmp_path, digest, resume=True, overwrite=False).batches == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", r"unreadable trial log \(JSONDecodeError\)"),
        ("[]", "expected a non-empty list"),
        ('[{"trial": 0}]', "candidate 0: expected the keys"),
    ],
)
def test_a_broken_batch_file_is_one_line_naming_it(tmp_path, digest, content, message):
    TrialLog.open(tmp_path, digest, resume=False, overwrite=False)
    (tmp_path / "trial_log" / "batch_00000.json").write_text(content)
    with pytest.raises(RunError, match=message) as err:
        TrialLog.open(tmp_path, digest, resume=True, overwrite=False)
    assert "batch_00000.json" in str(err.value) and "\n" not in str(err.value)


def test_a_gap_in_the_batches_is_refused(tmp_path, digest):
    TrialLog.open(tmp_path, digest, resume=False, overwrite=False)
    (tmp_path / "trial_log" / "batch_00001.json").write_text(json.dumps(BATCH))
    with pytest.raises(RunError, match="batch 0 is missing"):
        TrialLog.open(tmp_path, digest, resume=True, overwrite=False)
