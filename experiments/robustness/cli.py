"""The ``shoplab robustness`` command.

Examples
--------
>>> from experiments.cli import main
>>> main(["robustness", "experiments/configs/uncertainty.yaml", "--workers", "2"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse

from experiments.commands import (
    _add_config_arguments,
    _add_execution_arguments,
    _execution_overrides,
)
from experiments.errors import ConfigError


def _robustness(args: argparse.Namespace) -> int:
    from experiments.config import load_config
    from experiments.robustness.design import point_replications
    from experiments.robustness.report import describe_findings
    from experiments.robustness.runner import default_robustness_out, run_robustness

    extra = _execution_overrides(args)
    if args.samples is not None:
        extra.append(f"robustness.samples={args.samples}")
    config = load_config(args.config, [*args.overrides, *extra])
    out = args.out or default_robustness_out(config)
    try:
        results = run_robustness(
            config,
            out,
            resume=args.resume,
            progress=not args.no_progress,
            overwrite=args.overwrite,
        )
    except ConfigError as err:
        raise ConfigError(f"{args.config}: {err}") from None
    record = results.manifest["robustness"]
    print(
        f"Results in {out}: {record['design_points']} design points (Sobol, N = "
        f"{record['samples']}, {len(record['parameters'])} uncertain parameters) x "
        f"{len(config.strategies)} arms x {len(config.scenarios)} scenarios x "
        f"{point_replications(config)} replication(s). sensitivity.csv has every index, "
        "scenarios.csv every box."
    )
    print(describe_findings(results.sensitivity, results.scenarios))
    from experiments.report import write_report

    print(f"Report: {write_report(out)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``robustness`` sub-command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From :meth:`argparse.ArgumentParser.add_subparsers`.
    """
    parser = subparsers.add_parser(
        "robustness",
        help="which assumptions decide the ranking (Sobol), and where each arm wins (PRIM)",
        description="Run every arm at the points of a Sobol design over the config's "
        "uncertain parameters (common random numbers), then write the Sobol indices of "
        "each arm's uplift and of which arm is best (sensitivity.csv) and the PRIM boxes "
        "of where each arm is best or loses money (scenarios.csv). See docs/robustness.md.",
    )
    _add_config_arguments(parser, uncertainty=False)
    parser.add_argument(
        "--samples",
        type=int,
        metavar="N",
        help="Sobol base size N: N x (D + 2) design points for D uncertain parameters; "
        "a power of 2 (default: robustness.samples of the config, else 16)",
    )
    _add_execution_arguments(parser)
    for action in parser._actions:  # the --out help of shoplab run names another default
        if action.dest == "out":
            action.help = "output folder (default: results/<name>-robustness/)"
    parser.set_defaults(func=_robustness)
