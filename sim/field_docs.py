"""Documentation read from parameter fields: rows for listings, numpydoc sections.

A parameter is declared once, with :func:`sim.schema.param` (meaning, unit, source,
bounds); this module reads the declaration back for whoever documents it: the
``shoplab strategies`` listing (:func:`parameter_rows`) and the strategies'
docstrings, whose numpydoc "Parameters" section is generated from the fields
(:func:`numpydoc_parameters`, :func:`with_parameters_section`). Imports nothing
from the project but pydantic models, so any module can use it.

Examples
--------
>>> from sim.schema import Strict, param
>>> class Sale(Strict):
...     '''A sale.'''
...     discount: float = param(0.2, "Share taken off.", "share", "to be calibrated", ge=0, lt=1)
>>> for line in numpydoc_parameters(Sale).splitlines()[2:]:
...     print(line.strip())
discount : float, default 0.2
Share taken off. Unit: share; allowed: [0, 1); source: to be calibrated.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

#: numpydoc sections that follow "Parameters", in numpydoc's order.
LATER_SECTIONS = (
    "Attributes",
    "Returns",
    "Yields",
    "Receives",
    "Other Parameters",
    "Raises",
    "Warns",
    "Warnings",
    "See Also",
    "Notes",
    "References",
    "Examples",
)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def show_value(value: Any) -> str:
    """A default value as a user reads it: ``0.05``, ``true``, ``[300, 1000]``.

    Examples
    --------
    >>> show_value(0.050), show_value(True), show_value([300.0, 1000.0])
    ('0.05', 'true', '[300, 1000]')
    """
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return "[" + ", ".join(show_value(v) for v in value) + "]"
    return str(value)


def allowed_range(prop: dict[str, Any]) -> str:
    """The allowed range of a JSON-schema property, as an interval or a list of choices.

    Parameters
    ----------
    prop : dict
        One entry of a JSON schema's ``properties``.

    Returns
    -------
    str

    Examples
    --------
    >>> allowed_range({"type": "number", "minimum": 0, "exclusiveMaximum": 1})
    '[0, 1)'
    >>> allowed_range({"type": "integer", "maximum": 0})
    '(-inf, 0]'
    >>> allowed_range({"enum": ["a", "b"]})
    'a | b'
    >>> allowed_range({"type": "array", "items": {"type": "string"}})
    'list of string'
    """
    if "enum" in prop:
        return " | ".join(show_value(v) for v in prop["enum"])
    if prop.get("type") == "array":
        return "list of " + prop.get("items", {}).get("type", "any")
    if prop.get("type") not in ("number", "integer"):
        return prop.get("type", "any")
    if "minimum" in prop:
        low = "[" + _number(prop["minimum"])
    elif "exclusiveMinimum" in prop:
        low = "(" + _number(prop["exclusiveMinimum"])
    else:
        low = "(-inf"
    if "maximum" in prop:
        high = _number(prop["maximum"]) + "]"
    elif "exclusiveMaximum" in prop:
        high = _number(prop["exclusiveMaximum"]) + ")"
    else:
        high = "inf)"
    return f"{low}, {high}"


def parameter_rows(model: type[BaseModel], skip: Sequence[str] = ()) -> list[dict[str, str]]:
    """One row per parameter of a pydantic model: name, unit, default, range, text.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        A strategy class or :class:`~sim.strategies.targeting.Targeting`; read
        through its JSON schema (and its fields, for defaults made by a factory).
    skip : sequence of str
        Field names left out.

    Returns
    -------
    list of dict
        Keys ``name``, ``unit``, ``default``, ``range``, ``description``, ``source``
        (``unit`` is "-" and ``source`` "" for a field declared without them).

    Examples
    --------
    >>> from sim.strategies.coupons import Coupons
    >>> row = parameter_rows(Coupons, ("kind", "target"))[0]
    >>> row["name"], row["unit"], row["default"], row["range"]
    ('discount', 'share', '0.05', '[0, 1)')
    """
    rows = []
    for name, prop in model.model_json_schema()["properties"].items():
        if name in skip:
            continue
        default = model.model_fields[name].get_default(call_default_factory=True)
        rows.append(
            {
                "name": name,
                "unit": prop.get("unit", "-"),
                "default": show_value(default),
                "range": allowed_range(prop),
                "description": prop.get("description", ""),
                "source": prop.get("source", ""),
            }
        )
    return rows


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def numpydoc_parameters(
    model: type[BaseModel], skip: Sequence[str] = (), last: Sequence[str] = ()
) -> str:
    """A numpydoc "Parameters" section describing a model's fields.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model whose fields are described.
    skip : sequence of str
        Field names left out.
    last : sequence of str
        Field names described after the others (fields common to a family of
        models, say), in this order.

    Returns
    -------
    str
        One entry per field: ``name : type, default d`` and its meaning; for a
        field declared with :func:`~sim.schema.param`, its unit (unless
        dimensionless), allowed range and source as well. A field whose default is a
        model (a block of its own) shows no default.
    """
    rows = parameter_rows(model, skip)
    rows.sort(key=lambda row: list(last).index(row["name"]) + 1 if row["name"] in last else 0)
    lines = ["Parameters", "----------"]
    for row in rows:
        field = model.model_fields[row["name"]]
        header = f"{row['name']} : {_type_name(field.annotation)}"
        if not isinstance(field.get_default(call_default_factory=True), BaseModel):
            header += f", default {row['default']}"
        text = row["description"]
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "unit" in extra:
            unit = "" if row["unit"] == "-" else f"Unit: {row['unit']}; allowed"
            text += f" {unit or 'Allowed'}: {row['range']}; source: {row['source']}."
        lines.append(header)
        lines.extend(textwrap.wrap(text, 88, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)


def _is_section(lines: list[str], i: int, names: Sequence[str]) -> bool:
    underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return lines[i].strip() in names and bool(underline) and set(underline) == {"-"}


def with_parameters_section(doc: str | None, section: str) -> str:
    r"""A docstring with ``section`` put where numpydoc wants a "Parameters" section.

    Parameters
    ----------
    doc : str or None
        The docstring as written (indented or not).
    section : str
        The section, e.g. from :func:`numpydoc_parameters`.

    Returns
    -------
    str
        The cleaned docstring with the section before the first of the sections
        that follow "Parameters" (Notes, Examples, ...), or at its end.

    Raises
    ------
    ValueError
        If ``doc`` already has a "Parameters" section (the fields describe the
        parameters once; a hand-written copy would drift).

    Examples
    --------
    >>> doc = "Summary.\n\n    Notes\n    -----\n    More.\n    "
    >>> with_parameters_section(doc, "Parameters\n----------\nx : int").splitlines()
    ['Summary.', '', 'Parameters', '----------', 'x : int', '', 'Notes', '-----', 'More.']
    """
    lines = inspect.cleandoc(doc or "").splitlines()
    if any(_is_section(lines, i, ("Parameters",)) for i in range(len(lines))):
        raise ValueError(
            "the docstring has a hand-written Parameters section; it is generated from "
            "the fields, so remove it and keep in the docstring only what the fields do not say"
        )
    at = next((i for i in range(len(lines)) if _is_section(lines, i, LATER_SECTIONS)), None)
    if at is None:
        return "\n".join([*lines, "", section]).strip("\n")
    return "\n".join([*lines[:at], *section.splitlines(), "", *lines[at:]])
