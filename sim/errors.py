"""User-facing errors of the shopper model."""


class SimError(Exception):
    """Base class of errors the ``shoplab`` CLI reports as one line (exit status 2)."""


class ParameterError(SimError, ValueError):
    """Model parameters are invalid; the message names the field and the allowed values."""
