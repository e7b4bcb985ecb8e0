"""The ``shoplab`` command line.

Each command group lives in its own module and exposes ``register(subparsers)``,
which adds its sub-commands and sets ``func`` on the parsed arguments; ``func``
returns the exit status. A command module imports its heavy libraries inside its
command functions, and ``shoplab COMMAND`` imports the command modules only up to
the one that registers COMMAND, so that a quick command (``validate`` refusing a
hostile file) does not wait for matplotlib, optuna or Dask. User-facing errors from
any package are turned into one clear line on standard error (at most
:data:`LINE_CHARS` characters, personal data redacted) and exit
status 2, and so is a full disk or a read-only folder; anything else is a bug and
keeps its traceback.

Examples
--------
>>> main(["--version"])  # doctest: +SKIP
shoplab 0.1.0
"""

from __future__ import annotations

import argparse
import errno
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
    "experiments.dashboard.cli",
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


#: Longest error line printed, in characters: the last line of defence against a
#: message that quotes a huge value whole.
LINE_CHARS = 500

#: OS errors that are the machine's state, not a bug: reported as one line.
ENVIRONMENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}
)


def command_word(argv: Sequence[str]) -> str | None:
    """The sub-command an argument list names: its first word that is not an option.

    Parameters
    ----------
    argv : sequence of str
        The arguments after ``shoplab`` (the top level has no option taking a value).

    Returns
    -------
    str or None

    Examples
    --------
    >>> command_word(["validate", "study.yaml"]), command_word(["--help"])
    ('validate', None)
    """
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with the installed command groups.

    Parameters
    ----------
    command : str, optional
        Stop after the command module that registers this sub-command (the others
        are not imported); by default, or if no module registers it, all of them.

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
        if command is not None and command in subparsers.choices:
            break
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_word(argv))
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except user_error_types() as err:
        return _report_error(str(err))
    except OSError as err:
        if err.errno not in ENVIRONMENT_ERRNOS:
            raise
        where = f"{err.filename}: " if err.filename else ""
        return _report_error(f"{where}{err.strerror or err}")
    except KeyboardInterrupt:
        print(
            "shoplab: interrupted; run the same command with --resume to continue", file=sys.stderr
        )
        return 130


def _report_error(message: str) -> int:
    """Print a user error as one line on standard error; the exit status 2."""
    from survey.redact import redact, shorten  # personal data never reaches stderr

    line = " ".join(shorten(message, LINE_CHARS).split())  # cut first: redacting is per character
    print(f"shoplab: error: {redact(line)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
