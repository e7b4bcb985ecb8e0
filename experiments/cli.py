"""The ``shoplab`` command line.

Each command group lives in its own module and exposes ``register(subparsers)``,
which adds its sub-commands and sets ``func`` on the parsed arguments; ``func``
returns the exit status. User-facing errors from any package are turned into one
clear line on standard error and exit status 2; anything else is a bug and keeps
its traceback.

Examples
--------
>>> main(["--version"])  # doctest: +SKIP
shoplab 0.1.0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

#: Modules that add sub-commands, in the order they appear in ``shoplab --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "experiments.commands",
    "sim.strategies.cli",
    "survey.cli",
    "survey.orders.cli",
    "experiments.calibration.cli",
    "experiments.patterns.cli",
    "experiments.robustness.cli",
    "experiments.optimise.cli",
)


def user_error_types() -> tuple[type[Exception], ...]:
    """Exception classes whose message is shown to the user as one line.

    Returns
    -------
    tuple of type
        The base classes of each package's user-facing error hierarchy.

    Examples
    --------
    >>> ValueError in user_error_types()
    False
    """
    from experiments.errors import ExperimentError
    from sim.errors import SimError
    from survey.errors import SurveyError

    return (ExperimentError, SimError, SurveyError)


def _package_version() -> str:
    try:
        return version("shoplab")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every installed command group.

    Returns
    -------
    argparse.ArgumentParser
        The ``shoplab`` parser.

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.prog
    'shoplab'
    """
    parser = argparse.ArgumentParser(
        prog="shoplab",
        description="Which customer-retention strategy pays? Strategy experiments on an "
        "agent-based shopper model, and satisfaction-loyalty survey analysis.",
    )
    parser.add_argument("--version", action="version", version=f"shoplab {_package_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``shoplab`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success, 2 on a user error (bad config, bad data).

    Examples
    --------
    >>> main(["strategies"])  # doctest: +SKIP
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except user_error_types() as err:
        from survey.redact import redact  # personal data typed into data never reaches stderr

        print(f"shoplab: error: {redact(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "shoplab: interrupted; run the same command with --resume to continue", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
