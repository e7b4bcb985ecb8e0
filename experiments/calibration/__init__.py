"""Calibration: fit the shopper model's free parameters to real survey statistics.

The model answers the same questionnaire as the real respondents (its virtual
survey), the survey module analyses both the same way, and a seeded optimiser
(optuna's CMA-ES, or TPE) minimises a weighted distance between the simulated and the
observed statistics. Candidates are evaluated through the experiments executor with
common random numbers: every candidate's replication r uses the same seed.
"""

from experiments.calibration.config import CalibrationConfig, load_calibration_config
from experiments.calibration.fit import calibrate
from experiments.calibration.result import CalibrationResult

__all__ = ["CalibrationConfig", "CalibrationResult", "calibrate", "load_calibration_config"]
