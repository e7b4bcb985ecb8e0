"""Calibration: fit the shopper model's free parameters to real survey statistics.

The model answers the same questionnaire as the real respondents (its virtual
survey), the survey module analyses both the same way, and a seeded optimiser
(optuna's CMA-ES, or TPE) minimises a weighted distance between the simulated and the
observed statistics. Candidates are evaluated through the experiments executor with
common random numbers: every candidate's replication r uses the same seed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_getattr

if TYPE_CHECKING:
    from experiments.calibration.config import CalibrationConfig, load_calibration_config
    from experiments.calibration.fit import calibrate
    from experiments.calibration.result import CalibrationResult

__all__ = ["CalibrationConfig", "CalibrationResult", "calibrate", "load_calibration_config"]

#: Imported on first use: ``shoplab --help`` imports the CLI module without optuna.
__getattr__ = lazy_getattr(
    __name__,
    {
        "CalibrationConfig": "experiments.calibration.config",
        "CalibrationResult": "experiments.calibration.result",
        "calibrate": "experiments.calibration.fit",
        "load_calibration_config": "experiments.calibration.config",
    },
)
