"""``shoplab strategies``: the catalogue a user reads before writing a config.

Every registered strategy with its kind, summary and parameters (unit, default,
allowed range, meaning, source, and the default prior of each effect size), then
the targeting options. The listing is built
from the strategies' pydantic JSON schemas (:func:`sim.field_docs.parameter_rows`,
which the strategies' docstrings are generated from too), so it cannot drift from
the code.

Examples
--------
>>> print(catalogue_text(["coupons"]).splitlines()[2])
coupons
"""

from __future__ import annotations

import argparse
import inspect
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from sim.errors import ParameterError

if TYPE_CHECKING:  # the catalogue is imported by the command, not by `shoplab --help`
    from sim.priors import Prior

#: Fields every strategy has; the targeting section describes ``target``.
COMMON_FIELDS = ("kind", "target")


def _parameter_lines(
    rows: list[dict[str, str]], priors: Mapping[str, Prior] | None = None
) -> list[str]:
    width = max((len(r["name"]) for r in rows), default=0)
    lines = []
    for r in rows:
        facts = f"unit {r['unit']} | default {r['default']} | range {r['range']}"
        lines.append(f"  {r['name']:<{width}}  {facts}")
        if r["description"]:
            lines.append(f"  {'':<{width}}  {r['description']}")
        if r["source"]:
            lines.append(f"  {'':<{width}}  source: {r['source']}")
        prior = (priors or {}).get(r["name"])
        if prior is not None:
            lines.append(f"  {'':<{width}}  prior: {prior.describe()}; {prior.source}")
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
    from sim.field_docs import parameter_rows
    from sim.strategies.catalogue import REGISTRY
    from sim.strategies.targeting import Targeting

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
        lines.extend(_parameter_lines(rows, cls.priors()) if rows else ["  (no parameters)"])
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
