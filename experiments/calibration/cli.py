"""``shoplab calibrate CONFIG [--targets TARGETS.json] --out DIR [--resume | --overwrite]``.

``--targets`` (the real survey's ``targets.json``) is required when the config has
a ``survey:`` and refused when it has none (behavioural or order-log targets only).
An order log's targets (the ``targets.json`` of ``shoplab orders analyze``) are named
in the config, as ``targets.orders_file``.

Each finished batch of candidates is written to ``DIR/trial_log/`` as it completes;
``--resume`` continues a killed calibration from them (the same config and targets
only), and a folder that already holds a calibration is refused without
``--resume`` or ``--overwrite``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.errors import ConfigError

if TYPE_CHECKING:  # imported by the command: `shoplab --help` stays quick
    from experiments.calibration.config import CalibrationConfig


def targets_description(config: CalibrationConfig, targets: str | None) -> str:
    """Where a calibration's targets come from, for the report and ``calibrated.yaml``.

    Parameters
    ----------
    config : CalibrationConfig
        The calibration.
    targets : str or None
        The survey targets file given on the command line.

    Returns
    -------
    str

    Examples
    --------
    >>> from experiments.calibration.config import load_calibration_config, shipped_config
    >>> targets_description(load_calibration_config(shipped_config("market")), None)
    'behavioural targets from market_targets.json'
    """
    parts = [targets] if targets else []
    if config.targets.behavioural_file:
        parts.append(f"behavioural targets from {config.targets.behavioural_file}")
    elif config.targets.behavioural:
        parts.append("behavioural targets in the config")
    if config.targets.orders_file:
        parts.append(f"order-log targets from {config.targets.orders_file}")
    elif config.targets.orders:
        parts.append("order-log targets in the config")
    return "; ".join(parts)


def _run(args: argparse.Namespace) -> int:
    from experiments.calibration.config import load_calibration_config
    from experiments.calibration.fit import calibrate
    from experiments.calibration.report import write_calibration
    from experiments.calibration.trial_log import TrialLog, fingerprint
    from survey.targets import read_targets

    config = load_calibration_config(args.config, args.set)
    if config.survey is not None and args.targets is None:
        raise ConfigError(
            f"{args.config}: --targets is required: the config has a survey, whose "
            "targets.json `shoplab survey analyze` writes"
        )
    if config.survey is None and args.targets is not None:
        raise ConfigError(
            f"{args.config}: --targets: the config has no survey, so there are no survey "
            "targets to fit (its targets are behavioural); leave --targets out"
        )
    if args.workers is not None:
        config = config.model_copy(
            update={"execution": config.execution.model_copy(update={"workers": args.workers})}
        )
    targets = read_targets(args.targets) if args.targets is not None else None
    out = Path(args.out) if args.out else Path("results") / config.name
    log = TrialLog.open(
        out, fingerprint(config, targets), resume=args.resume, overwrite=args.overwrite
    )
    if log.batches:
        done = sum(len(batch) for batch in log.batches)
        print(f"resuming: {done} finished candidates read back from {log.folder}")
    result = calibrate(config, targets, progress=not args.quiet, log=log)
    report = write_calibration(result, out, targets_description(config, args.targets))
    fit = result.fit_table()
    print(result.parameters().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(
        f"\n{int(fit['within_ci'].sum())} of {len(fit)} target statistics within their "
        f"observed 95% CI; distance {result.best['distance']:.4g}"
    )
    for row in fit[~fit["within_ci"]].itertuples():
        print(
            f"  {row.target}: observed {row.observed:.3g}, fitted {row.fitted:.3g} - {row.verdict}"
        )
    print(f"\nwrote {out / 'calibrated.yaml'} and {report}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` command."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the model's free parameters to a survey's targets.json, behavioural figures "
        "or an order log's targets",
        description="Fit the shopper model to real survey statistics (the model answers the "
        "same questionnaire), behavioural figures matched against its run summary and/or an "
        "order log's statistics (targets.orders_file) matched against its own order log; a "
        "seeded optimiser matches the simulated statistics to the targets.",
    )
    parser.add_argument("config", help="calibration config (YAML)")
    parser.add_argument(
        "--targets",
        help="targets.json from `shoplab survey analyze` (required when the config has a "
        "survey; left out when its targets are behavioural only)",
    )
    parser.add_argument("--out", help="output folder (default results/<name>/)")
    parser.add_argument("--workers", type=int, help="worker processes (overrides the config)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a config field, e.g. budget.trials=20 (repeatable)",
    )
    again = parser.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="continue a calibration killed part-way from the finished candidates in --out "
        "(same config and targets); ends as an uninterrupted one",
    )
    again.add_argument(
        "--overwrite",
        action="store_true",
        help="delete the calibration already in --out and start over",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)
