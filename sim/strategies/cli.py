"""``shoplab strategies``: the catalogue a user reads before writing a config.

Every registered strategy with its kind, summary and parameters (unit, default,
allowed range, meaning, source), then the targeting options. The listing is built
from the strategies' pydantic JSON schemas, so it cannot drift from the code.

Examples
--------
>>> print(catalogue_text(["coupons"]).splitlines()[2])
coupons
"""

from __future__ import annotations

import argparse
import inspect
import textwrap
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from sim.errors import ParameterError
from sim.strategies.catalogue import REGISTRY
from sim.strategies.targeting import Targeting

#: Fields every strategy has; the targeting section describes ``target``.
COMMON_FIELDS = ("kind", "target")


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
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
        return " | ".join(_show(v) for v in prop["enum"])
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
        A strategy class or :class:`Targeting`; read through its JSON schema (and
        its fields, for defaults made by a factory).
    skip : sequence of str
        Field names left out.

    Returns
    -------
    list of dict
        Keys ``name``, ``unit``, ``default``, ``range``, ``description``, ``source``.

    Examples
    --------
    >>> from sim.strategies.coupons import Coupons
    >>> row = parameter_rows(Coupons, COMMON_FIELDS)[0]
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
                "default": _show(default),
                "range": allowed_range(prop),
                "description": prop.get("description", ""),
                "source": prop.get("source", ""),
            }
        )
    return rows


def _parameter_lines(rows: list[dict[str, str]]) -> list[str]:
    width = max((len(r["name"]) for r in rows), default=0)
    lines = []
    for r in rows:
        facts = f"unit {r['unit']} | default {r['default']} | range {r['range']}"
        lines.append(f"  {r['name']:<{width}}  {facts}")
        if r["description"]:
            lines.append(f"  {'':<{width}}  {r['description']}")
        if r["source"]:
            lines.append(f"  {'':<{width}}  source: {r['source']}")
    return lines


def catalogue_text(kinds: Sequence[str] | None = None) -> str:
    """The catalogue listing: strategies (all, or the named ``kinds``), then targeting.

    Parameters
    ----------
    kinds : sequence of str, optional
        Strategy kinds to list (default: all registered).

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If a kind is not registered.
    """
    kinds = list(REGISTRY) if not kinds else list(kinds)
    unknown = [k for k in kinds if k not in REGISTRY]
    if unknown:
        raise ParameterError(f"unknown strategy kind(s) {unknown}; allowed: {sorted(REGISTRY)}")
    lines = [
        "Retention strategies: in a config, `strategies: [{kind: <kind>, <parameter>: <value>, "
        "target: {...}}]`",
        "",
    ]
    for kind in kinds:
        cls = REGISTRY[kind]
        lines.append(kind)
        lines.append(f"  {cls.summary}")
        rows = parameter_rows(cls, COMMON_FIELDS)
        lines.extend(_parameter_lines(rows) if rows else ["  (no parameters)"])
        lines.append("")
    lines.append("Targeting: every strategy's `target` (default: everyone)")
    lines.extend(_parameter_lines(parameter_rows(Targeting)))
    explanation = inspect.cleandoc(Targeting.__doc__ or "").split("\n\n", 1)[-1].replace("``", "`")
    lines.extend(
        textwrap.wrap(
            " ".join(explanation.split()), 88, initial_indent="  ", subsequent_indent="  "
        )
    )
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    print(catalogue_text(args.kinds))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``strategies`` command to the ``shoplab`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``shoplab`` sub-command registry.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="shoplab")
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["strategies", "coupons"]).kinds
    ['coupons']
    """
    parser = subparsers.add_parser(
        "strategies",
        help="List the retention strategies, their parameters and the targeting options.",
        description="List the retention strategies a config can switch on: kind, summary, "
        "each parameter with unit, default, allowed range and source; then the targeting "
        "options.",
    )
    parser.add_argument(
        "kinds", nargs="*", metavar="KIND", help="Only these strategy kinds (default: all)."
    )
    parser.set_defaults(func=_run)
