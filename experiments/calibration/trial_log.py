"""The finished candidates of a calibration, on disk, so that a killed one resumes.

Each finished batch of candidates is written to ``DIR/trial_log/batch_NNNNN.json``
(a temporary file renamed when complete, so a killed process never leaves a batch
that reads as finished) with every candidate's trial number, parameters, distance
and simulated statistics; ``DIR/trial_log/state.json`` holds the fingerprint of
the config and targets they come from. ``shoplab calibrate --resume`` reads them
back and :func:`experiments.calibration.fit.calibrate` replays them through the
same seeded sampler, so the resumed fit ends as an uninterrupted one would.

Examples
--------
>>> import tempfile
>>> from experiments.calibration.config import load_calibration_config, shipped_config
>>> config = load_calibration_config(shipped_config("market"))
>>> out = Path(tempfile.mkdtemp()) / "fit"
>>> digest = fingerprint(config, None)
>>> log = TrialLog.open(out, digest, resume=False, overwrite=False)
>>> log.write(0, [{"trial": 0, "params": {"a": 0.5}, "distance": 1.25,
...     "simulated": {"summary.retention_365": (0.5, 0.01)}}])
>>> TrialLog.open(out, digest, resume=True, overwrite=False).batches[0][0]["distance"]
1.25
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.calibration.config import CalibrationConfig
from experiments.calibration.report import OUTPUTS, write_atomic
from experiments.errors import RunError

#: The folder of the trial log inside a calibration's output folder.
FOLDER = "trial_log"
#: What to do about a calibration folder that already holds one.
CHOICE = "--resume to continue, --overwrite to start over"
#: What to do about a trial log that cannot be resumed.
RESTART = "--overwrite to start over"


def fingerprint(config: CalibrationConfig, targets: dict[str, Any] | None) -> str:
    """SHA-256 of everything that decides a calibration's result.

    The config (not its ``execution``: the fit does not depend on the workers or
    the backend) and the survey targets.

    Parameters
    ----------
    config : CalibrationConfig
    targets : dict or None
        The real survey's ``targets.json``.

    Returns
    -------
    str
        Hex digest.

    Examples
    --------
    >>> from experiments.calibration.config import load_calibration_config, shipped_config
    >>> a = load_calibration_config(shipped_config("market"))
    >>> b = load_calibration_config(shipped_config("market"), ["execution.workers=3"])
    >>> c = load_calibration_config(shipped_config("market"), ["budget.seed=3"])
    >>> fingerprint(a, None) == fingerprint(b, None), fingerprint(a, None) == fingerprint(c, None)
    (True, False)
    """
    data = {
        "config": config.model_dump(mode="json", exclude={"execution"}),
        "targets": targets,
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RunError(f"{path}: unreadable trial log ({type(err).__name__}); {RESTART}") from None


def _check_batch(path: Path, batch: Any) -> list[dict[str, Any]]:
    """A batch read back, or a one-line error naming the file and what is wrong."""
    keys = {"trial", "params", "distance", "simulated"}
    if not isinstance(batch, list) or not batch:
        raise RunError(f"{path}: expected a non-empty list of candidates; {RESTART}")
    for k, record in enumerate(batch):
        if not isinstance(record, dict) or set(record) != keys:
            raise RunError(f"{path}: candidate {k}: expected the keys {sorted(keys)}; {RESTART}")
    return [
        {
            **record,
            "simulated": {name: tuple(v) for name, v in record["simulated"].items()},
        }
        for record in batch
    ]


@dataclass
class TrialLog:
    """The trial log of one calibration folder.

    Attributes
    ----------
    folder : Path
        ``DIR/trial_log``.
    batches : list of list of dict
        The finished batches read back, in order: each candidate's ``trial``,
        ``params`` (free parameter -> value), ``distance`` and ``simulated``
        (statistic -> (mean, spread)).
    """

    folder: Path
    batches: list[list[dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def open(cls, out: Path, digest: str, *, resume: bool, overwrite: bool) -> TrialLog:
        """The trial log of ``out``, checked against the calibration about to run.

        Parameters
        ----------
        out : Path
            The calibration's output folder.
        digest : str
            :func:`fingerprint` of the calibration about to run.
        resume : bool
            Continue from the finished batches on disk (none: start afresh).
        overwrite : bool
            Delete a calibration already there (its trial log and outputs) first.

        Returns
        -------
        TrialLog

        Raises
        ------
        RunError
            If ``out`` holds a calibration and neither ``resume`` nor ``overwrite``
            is given, or ``resume`` is given and the one there comes from another
            config or targets (or has no trial log), or a batch file is unreadable.
        """
        log = cls(Path(out) / FOLDER)
        state = log.folder / "state.json"
        held = [name for name in OUTPUTS if (Path(out) / name).exists()]
        if state.exists():
            held.insert(0, f"{FOLDER}/")
        if held and overwrite:
            log._clear(Path(out))
        elif held and not resume:
            raise RunError(f"{out}: holds a calibration ({', '.join(held)}); {CHOICE}")
        elif held and not state.exists():
            raise RunError(
                f"{out}: holds a calibration without a trial log, not resumable; {RESTART}"
            )
        elif held:
            recorded = _read_json(state)
            found = recorded.get("fingerprint") if isinstance(recorded, dict) else None
            if found != digest:
                raise RunError(
                    f"{out}: holds a calibration of another config or targets (fingerprint "
                    f"{str(found)[:12]}, this one {digest[:12]}); {RESTART} or choose another --out"
                )
            log.batches = log._read_batches()
        log.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(json.dumps({"fingerprint": digest}) + "\n", state)
        return log

    def _read_batches(self) -> list[list[dict[str, Any]]]:
        paths = sorted(self.folder.glob("batch_*.json"))
        for k, path in enumerate(paths):
            if path.name != f"batch_{k:05d}.json":
                raise RunError(f"{path}: batch {k} is missing before it; {RESTART}")
        return [_check_batch(path, _read_json(path)) for path in paths]

    def _clear(self, out: Path) -> None:
        for path in [*self.folder.glob("batch_*.json"), self.folder / "state.json"]:
            path.unlink()
        for name in OUTPUTS:
            (out / name).unlink(missing_ok=True)

    def write(self, index: int, batch: list[dict[str, Any]]) -> None:
        """Write a finished batch, atomically.

        Parameters
        ----------
        index : int
            The batch's place in the calibration, from 0.
        batch : list of dict
            Each candidate's ``trial``, ``params``, ``distance`` and ``simulated``.
        """
        text = json.dumps(batch, allow_nan=True)
        write_atomic(text + "\n", self.folder / f"batch_{index:05d}.json")
