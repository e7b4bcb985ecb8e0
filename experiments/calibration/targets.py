"""The survey side of a calibration: the codebook, the virtual codebook, example targets.

The real survey's targets come from ``shoplab survey analyze`` (``targets.json``);
the model answers the same codebook, restricted to the constructs it carries, and
its answers are scored by :func:`survey.targets.survey_targets` exactly as a real
file.

Examples
--------
>>> codebook = load_survey_codebook("ecsi", Path("."))
>>> virtual = virtual_codebook(codebook, ["Satisfaction", "Loyalty"])
>>> sorted(virtual.constructs), virtual.pls
(['Loyalty', 'Satisfaction'], None)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.errors import ConfigError
from survey.analyze import run_analysis
from survey.codebook import Codebook, load_codebook
from survey.datasets import example_paths, load_example


def load_survey_codebook(reference: str, base_dir: Path) -> Codebook:
    """The codebook a config names: an example name or a path relative to the config.

    Parameters
    ----------
    reference : str
        ``survey.codebook`` of the config: a shipped example's name (no file
        suffix, e.g. ``"ecsi"``) or a YAML file, relative to ``base_dir`` unless
        absolute.
    base_dir : Path
        Folder of the config file.

    Returns
    -------
    Codebook

    Raises
    ------
    ConfigError
        If no shipped example has that name.

    Examples
    --------
    >>> sorted(load_survey_codebook("ecsi", Path(".")).constructs)[:2]
    ['Complaints', 'Expectations']
    """
    path = Path(reference)
    if not path.suffix:
        try:
            return load_codebook(example_paths(reference).codebook)
        except Exception as err:
            raise ConfigError(f"survey.codebook: {err}") from None
    return load_codebook(path if path.is_absolute() else base_dir / path)


def example_targets(name: str) -> dict[str, Any]:
    """Calibration targets of a shipped example survey (analysed here, no bootstrap).

    Parameters
    ----------
    name : str
        A shipped example, e.g. ``"ecsi"``.

    Returns
    -------
    dict
        The targets, as ``shoplab survey analyze --example NAME`` writes them.

    Examples
    --------
    >>> example_targets("ecsi")["n_respondents"]
    250
    """
    return run_analysis(*load_example(name), n_boot=0).targets


def virtual_codebook(codebook: Codebook, answered: list[str]) -> Codebook:
    """The codebook restricted to the constructs the model answers.

    The PLS model, segment columns, identifying and metadata checks (speeders,
    attention checks, respondent ids) are dropped: the virtual file has none of
    those columns. Item cleaning and scoring rules are kept, so virtual answers are
    scored exactly as real ones.

    Parameters
    ----------
    codebook : Codebook
        The real survey's codebook.
    answered : list of str
        The constructs the model answers.

    Returns
    -------
    Codebook

    Examples
    --------
    >>> cb = load_survey_codebook("ecsi", Path("."))
    >>> sorted(virtual_codebook(cb, ["Satisfaction", "Loyalty"]).constructs)
    ['Loyalty', 'Satisfaction']
    """
    data = codebook.model_dump()
    data["constructs"] = {k: v for k, v in data["constructs"].items() if k in answered}
    roles = data["roles"]
    for role in ("satisfaction", "loyalty", "quality"):
        if roles[role] not in answered:
            roles[role] = None
    roles["drivers"] = [d for d in roles["drivers"] if d in answered]
    items = {
        i["name"] if isinstance(i, dict) else i
        for c in data["constructs"].values()
        for i in c["items"]
    }
    if data["nps"] and data["nps"]["item"] not in items:
        data["nps"] = None
    for key in ("pls", "speeders", "id_column"):
        data[key] = None
    data.update(segments=[], identifying=[], attention_checks=[], header_rows=None)
    return Codebook.model_validate(data)
