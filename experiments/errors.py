"""User-facing errors of the experiments package (config and run errors)."""


class ExperimentError(Exception):
    """Base class of errors the ``shoplab`` CLI reports as one line (exit status 2)."""


class ConfigError(ExperimentError, ValueError):
    """An experiment or calibration config is invalid; the message names the field."""


class RunError(ExperimentError, RuntimeError):
    """An experiment could not run (a worker failed, results on disk do not match)."""
