"""User-facing errors of the survey package."""


class SurveyError(Exception):
    """Base class of errors the ``shoplab`` CLI reports as one line (exit status 2)."""


class DataError(SurveyError, ValueError):
    """A survey file cannot be read or analysed; the message names file, column or row."""


class CodebookError(SurveyError, ValueError):
    """A codebook is invalid; the message names the field and the allowed values."""
