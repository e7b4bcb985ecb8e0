"""``shoplab patterns [CONFIG] [--out DIR] [--shoppers N] [--days D] [--replications R] ...``.

Runs the model (default parameters, or the ``model:`` block of an experiment config)
at a stated size, measures every pattern of :mod:`experiments.patterns.checks`,
prints the table and writes ``patterns.csv`` and ``replications.csv``; with
``--markdown FILE`` also the page ``docs/validation.md``. Exit status 0 if every
required pattern holds, 1 if one does not, 2 on bad input (one line).

Examples
--------
>>> from experiments.cli import main
>>> main(["patterns", "--shoppers", "20000", "--out", "results/patterns"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.config import load_config
from experiments.errors import ConfigError
from experiments.patterns.checks import evaluate, failing_required, replication_values
from experiments.patterns.report import (
    format_table,
    format_value,
    regenerate_command,
    validation_page,
    write_csv,
)
from experiments.patterns.runs import PatternRun, run_patterns
from survey.progress import progress_bar

#: Default output folder.
DEFAULT_OUT = Path("results") / "patterns"

#: The numeric options, in the order of :class:`PatternRun`'s fields.
NUMBER_OPTIONS = ("shoppers", "days", "replications", "seed", "workers")


def whole_number(option: str, text: str) -> int:
    """Parse a whole number given to ``--option``; a bad one is a one-line ConfigError.

    Parameters
    ----------
    option : str
        The option's name (without dashes).
    text : str
        What the user typed.

    Returns
    -------
    int

    Raises
    ------
    ConfigError

    Examples
    --------
    >>> whole_number("days", "365")
    365
    >>> whole_number("days", "a year")
    Traceback (most recent call last):
    ...
    experiments.errors.ConfigError: --days: expected a whole number, got 'a year'
    """
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(f"--{option}: expected a whole number, got {text!r}") from None


def setting_from_args(args: argparse.Namespace) -> PatternRun:
    """The run's size from the options (defaults where not given).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments (numbers still as text).

    Returns
    -------
    PatternRun

    Examples
    --------
    >>> args = argparse.Namespace(shoppers="500", days=None, replications=None,
    ...                           seed=None, workers=None)
    >>> setting_from_args(args).shoppers
    500
    """
    given = {
        name: whole_number(name, getattr(args, name))
        for name in NUMBER_OPTIONS
        if getattr(args, name) is not None
    }
    return PatternRun(**given)


def _changed_options(setting: PatternRun) -> list[str]:
    default = PatternRun()
    options = []
    for name in NUMBER_OPTIONS:
        if name != "workers" and getattr(setting, name) != getattr(default, name):
            options += [f"--{name}", str(getattr(setting, name))]
    return options


def _run(args: argparse.Namespace) -> int:
    setting = setting_from_args(args)
    config = load_config(args.config) if args.config is not None else None
    model = config.model if config is not None else None
    model_source = (
        f"the model: block of {args.config}" if config is not None else "default parameters"
    )
    out = Path(args.out) if args.out else DEFAULT_OUT
    print(f"patterns: {setting.describe()}, {model_source}")
    with progress_bar(
        total=2 * setting.replications, desc="patterns", unit="run", enabled=not args.quiet
    ) as bar:
        records = run_patterns(model, setting, progress=lambda _: bar.update())
    table = evaluate(records)
    print(format_table(table))
    csv = write_csv(table, out / "patterns.csv")
    replication_values(records).to_csv(out / "replications.csv", index=False)
    print(f"\nwrote {csv} and {out / 'replications.csv'}")
    if args.markdown:
        command = regenerate_command(
            str(args.config) if args.config else None, _changed_options(setting), args.markdown
        )
        page = validation_page(table, setting.describe(), command, model_source)
        path = Path(args.markdown)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        print(f"wrote {path}")
    failing = failing_required(table)
    if failing.empty:
        print("every required pattern holds")
        return 0
    print(f"\n{len(failing)} required pattern(s) do not hold:")
    for _, row in failing.iterrows():
        why = f"; {row['note']}" if row["note"] else ""
        print(
            f"  {row['pattern']}: model value {format_value(row['model value'])}, "
            f"range {row['range']}{why}"
        )
    return 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``patterns`` command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From :meth:`argparse.ArgumentParser.add_subparsers`.
    """
    parser = subparsers.add_parser(
        "patterns",
        help="check the model against patterns observed outside it (pattern-oriented validation)",
        description="Run the model at a stated size, measure each pattern (satisfied "
        "defectors, spend concentration, orders per buyer, take rate, ...) and check it "
        "against a published range. Exit status 1 if a required pattern does not hold.",
    )
    parser.add_argument(
        "config",
        nargs="?",
        type=Path,
        help="experiment config whose model: block is used (default: default parameters); "
        "its size, horizon, replications and seed are not: see the options",
    )
    parser.add_argument("--out", metavar="DIR", help=f"output folder (default {DEFAULT_OUT}/)")
    defaults = PatternRun()
    helps = {
        "shoppers": "population size",
        "days": "days per run (at least 2)",
        "replications": "replications; the model value is their mean",
        "seed": "master seed",
        "workers": "worker processes (results do not depend on it)",
    }
    for name in NUMBER_OPTIONS:
        parser.add_argument(
            f"--{name}",
            metavar=name[0].upper(),
            help=f"{helps[name]} (default {getattr(defaults, name)})",
        )
    parser.add_argument(
        "--markdown",
        metavar="FILE",
        help="also write the validation page (docs/validation.md) to FILE",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)
