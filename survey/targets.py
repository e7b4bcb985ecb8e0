"""Calibration targets: the survey moments the agent-based model must reproduce.

``targets.json`` is read by the calibration code, so its schema is fixed here.
Every moment carries its ``n`` (respondents it is computed from). Schema
(``"schema": "shoplab.survey.targets/1"``)::

    {
      "schema": "shoplab.survey.targets/1",
      "source": str,                 # survey file name (no path)
      "n_respondents": int,          # rows kept after cleaning
      "scale": {"min": float, "max": float},
      "constructs": {                # construct scores = mean of valid items
        NAME: {"mean": float, "sd": float, "n": int}, ...
      },
      "segments": {                  # {} when the codebook declares no segments
        COLUMN: {LEVEL: {"n": int, "constructs": {NAME: {"mean", "sd", "n"}}}}
      },
      "satisfaction_loyalty": null | {
        "satisfaction": str, "loyalty": str,   # construct names
        "correlation": float, "ci_low": float, "ci_high": float,  # Pearson, 95% CI
        "slope": float, "intercept": float,    # OLS loyalty = intercept + slope * sat
        "n": int
      },
      "nps": null | {
        "item": str, "promoters": float, "passives": float, "detractors": float,
        "nps": float, "ci_low": float, "ci_high": float, "n": int
      },                             # shares in 0-1, nps in -100..100
      "curve": null | {
        "levels": [{"level": float, "mean": float, "sd": float|null, "n": int}, ...],
        "logistic": {"lower", "upper", "slope", "midpoint", "rmse"} | null,
        "logistic_note": str | null,  # why "logistic" is null (not identified)
        "n": int
      }                              # mean loyalty at each rounded satisfaction level
    }

``sd`` uses divisor n − 1 and is ``null`` when n < 2. Non-finite numbers are
written as ``null``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey.atomic import write_text_atomic
from survey.cleaning import CleanedSurvey
from survey.codebook import Codebook
from survey.correlation import satisfaction_loyalty_link
from survey.errors import DataError
from survey.nps import net_promoter_score

#: Identifier of the schema above; bump it when the layout changes.
SCHEMA = "shoplab.survey.targets/1"


def _number(value: Any) -> float | int | None:
    if isinstance(value, int | np.integer):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def _moments(scores: pd.DataFrame) -> dict[str, dict[str, float | int | None]]:
    return {
        name: {
            "mean": _number(column.mean()),
            "sd": _number(column.std()),
            "n": int(column.notna().sum()),
        }
        for name, column in scores.items()
    }


def calibration_targets(
    scores: pd.DataFrame,
    segments: pd.DataFrame,
    *,
    source: str,
    scale: tuple[float, float],
    satisfaction_loyalty: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    curve: pd.DataFrame | None = None,
    curve_fit: pd.DataFrame | None = None,
    curve_models: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Collect calibration targets into the ``targets.json`` layout (module docstring).

    Parameters
    ----------
    scores : DataFrame
        Construct scores, one column per construct.
    segments : DataFrame
        Segment columns, same rows as ``scores``.
    source : str
        Name of the survey file.
    scale : tuple of float
        Lowest and highest answer code.
    satisfaction_loyalty : DataFrame, optional
        One row with ``satisfaction``, ``loyalty`` (construct names), ``n``, ``r``,
        ``ci_low``, ``ci_high``, ``slope`` and ``intercept``
        (:func:`survey.correlation.satisfaction_loyalty_link`).
    nps : DataFrame, optional
        :func:`survey.nps.net_promoter_score` result.
    curve : DataFrame, optional
        :func:`survey.curve.loyalty_by_satisfaction` result.
    curve_fit : DataFrame, optional
        :func:`survey.curve.fit_logistic_curve` result; give it only when the
        logistic is identified (:func:`survey.curve.check_logistic`).
    curve_models : DataFrame, optional
        :meth:`survey.curve.LogisticCheck.table`; its logistic ``note`` becomes
        ``logistic_note`` when ``curve_fit`` is not given.

    Returns
    -------
    dict
        The targets, ready for ``json.dump``.

    Examples
    --------
    >>> scores = pd.DataFrame({"Sat": [1.0, 2.0, 3.0]})
    >>> targets = calibration_targets(scores, pd.DataFrame(index=scores.index),
    ...                               source="s.csv", scale=(1, 5))
    >>> targets["constructs"]["Sat"]
    {'mean': 2.0, 'sd': 1.0, 'n': 3}
    """
    by_segment: dict[str, Any] = {}
    for column in segments.columns:
        by_segment[column] = {
            str(level): {"n": int(len(group)), "constructs": _moments(group)}
            for level, group in scores.groupby(segments[column], sort=True)
        }
    sat_loyalty = None
    if satisfaction_loyalty is not None:
        row = satisfaction_loyalty.iloc[0]
        sat_loyalty = {
            "satisfaction": str(row["satisfaction"]),
            "loyalty": str(row["loyalty"]),
            "correlation": _number(row["r"]),
            **{key: _number(row[key]) for key in ["ci_low", "ci_high", "slope", "intercept"]},
            "n": int(row["n"]),
        }
    nps_target = None
    if nps is not None:
        row = nps.iloc[0]
        nps_target = {
            key: _number(row[key])
            for key in ["promoters", "passives", "detractors", "nps", "ci_low", "ci_high", "n"]
        }
        nps_target["item"] = str(row["item"])
    curve_target = None
    if curve is not None:
        levels = [
            {key: _number(row[key]) for key in ["level", "mean", "sd", "n"]}
            for _, row in curve.iterrows()
        ]
        logistic = (
            None
            if curve_fit is None
            else {
                str(p): _number(v)
                for p, v in zip(curve_fit["parameter"], curve_fit["estimate"], strict=True)
            }
        )
        note = None
        if logistic is None and curve_models is not None:
            note = str(curve_models.set_index("model").loc["logistic", "note"])
        curve_target = {
            "levels": levels,
            "logistic": logistic,
            "logistic_note": note,
            "n": int(curve["n"].sum()),
        }
    return {
        "schema": SCHEMA,
        "source": source,
        "n_respondents": int(len(scores)),
        "scale": {"min": _number(scale[0]), "max": _number(scale[1])},
        "constructs": _moments(scores),
        "segments": by_segment,
        "satisfaction_loyalty": sat_loyalty,
        "nps": nps_target,
        "curve": curve_target,
    }


def survey_targets(
    cleaned: CleanedSurvey,
    codebook: Codebook,
    *,
    source: str,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """Calibration targets of a cleaned survey: what ``targets.json`` holds.

    The one place that decides which statistics a survey's targets carry: construct
    moments (overall and per segment), the satisfaction–loyalty link when the
    codebook names both roles, the NPS shares when it declares an NPS item, and the
    satisfaction → loyalty curve when it is given. ``shoplab survey analyze`` and the
    calibration's virtual survey both call it, so both sides are scored alike.

    Parameters
    ----------
    cleaned : CleanedSurvey
        From :func:`survey.cleaning.clean_survey`.
    codebook : Codebook
        The codebook the survey was cleaned with.
    source : str
        Name of the survey file (recorded in the targets).
    tables : mapping, optional
        Tables an analysis has already computed (see
        :attr:`survey.analyze.SurveyAnalysis.tables`): ``satisfaction_loyalty`` and
        ``nps`` are taken from here instead of computed again; ``curve`` and
        ``curve_fit`` are added to the targets only when present here.

    Returns
    -------
    dict
        The targets (:func:`calibration_targets`).

    Examples
    --------
    >>> from survey.cleaning import clean_survey
    >>> from survey.datasets import load_example
    >>> table, codebook = load_example("ecsi")
    >>> targets = survey_targets(clean_survey(table, codebook), codebook, source="ecsi")
    >>> targets["satisfaction_loyalty"]["n"], targets["nps"]["item"], targets["curve"]
    (250, 'CUSL3', None)
    """
    tables = tables or {}
    roles = codebook.roles
    link = tables.get("satisfaction_loyalty")
    if link is None and roles.satisfaction and roles.loyalty:
        link = satisfaction_loyalty_link(cleaned.scores, roles.satisfaction, roles.loyalty)
    nps = tables.get("nps")
    if nps is None and codebook.nps:
        cut = codebook.nps
        nps = net_promoter_score(cleaned.items, cut.item, cut.promoters_min, cut.detractors_max)
    return calibration_targets(
        cleaned.scores,
        cleaned.segments,
        source=source,
        scale=(codebook.scale.min, codebook.scale.max),
        satisfaction_loyalty=link,
        nps=nps,
        curve=tables.get("curve"),
        curve_fit=tables.get("curve_fit"),
        curve_models=tables.get("curve_models"),
    )


def write_targets(targets: Mapping[str, Any], path: str | Path) -> Path:
    """Write targets as indented UTF-8 JSON.

    Parameters
    ----------
    targets : mapping
        From :func:`calibration_targets`.
    path : str or Path
        Output file.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> write_targets({"schema": SCHEMA}, Path(tempfile.mkdtemp()) / "t.json").name
    't.json'
    """
    path = Path(path)
    write_text_atomic(json.dumps(targets, indent=2, ensure_ascii=False) + "\n", path)
    return path


def read_targets(path: str | Path) -> dict[str, Any]:
    """Read a ``targets.json`` file and check its schema identifier.

    A missing file, text that is not JSON, or another schema is a one-line
    :class:`~survey.errors.DataError` naming the file.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`write_targets`.

    Returns
    -------
    dict
        The targets.

    Examples
    --------
    >>> import tempfile
    >>> p = write_targets({"schema": SCHEMA}, Path(tempfile.mkdtemp()) / "t.json")
    >>> read_targets(p)["schema"]
    'shoplab.survey.targets/1'
    """
    return read_schema_json(
        path,
        schema=SCHEMA,
        what="targets file",
        kind="calibration targets file (the targets.json written by `shoplab survey analyze`)",
    )


def read_schema_json(
    path: str | Path,
    *,
    schema: str,
    what: str,
    kind: str,
    error: type[Exception] = DataError,
) -> dict[str, Any]:
    """Read a JSON file that must declare ``schema``; any failure is one line naming it.

    Parameters
    ----------
    path : str or Path
        The file.
    schema : str
        The value its ``"schema"`` key must hold.
    what : str
        What the file is, for "no such ..." and "not a readable JSON ..." messages.
    kind : str
        What a file of that schema is, for the wrong-schema message.
    error : type
        The exception class raised (the caller's user-error class).

    Returns
    -------
    dict

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.json"
    >>> _ = p.write_text('{"schema": "a/1", "n": 3}')
    >>> read_schema_json(p, schema="a/1", what="x file", kind="x file")["n"]
    3
    >>> read_schema_json(p, schema="b/1", what="x file", kind="b file")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    survey.errors.DataError: ...x.json: not a b file: schema 'a/1'; allowed: 'b/1'
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise error(f"{path}: not a readable JSON {what} ({err})") from None
    found = data.get("schema") if isinstance(data, dict) else None
    if found != schema:
        raise error(f"{path}: not a {kind}: schema {found!r}; allowed: {schema!r}")
    return data
