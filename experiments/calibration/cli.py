"""``shoplab calibrate CONFIG --targets TARGETS.json --out DIR``."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.calibration.config import load_calibration_config
from experiments.calibration.fit import calibrate
from experiments.calibration.report import write_calibration
from survey.targets import read_targets


def _run(args: argparse.Namespace) -> int:
    config = load_calibration_config(args.config, args.set)
    if args.workers is not None:
        config = config.model_copy(
            update={"execution": config.execution.model_copy(update={"workers": args.workers})}
        )
    targets = read_targets(args.targets)
    out = Path(args.out) if args.out else Path("results") / config.name
    result = calibrate(config, targets, progress=not args.quiet)
    report = write_calibration(result, out, str(args.targets))
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
        help="fit the model's free parameters to a survey's targets.json",
        description="Fit the shopper model to real survey statistics: the model answers the "
        "same questionnaire, and a seeded optimiser matches its statistics to the targets.",
    )
    parser.add_argument("config", help="calibration config (YAML)")
    parser.add_argument(
        "--targets", required=True, help="targets.json from `shoplab survey analyze`"
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
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)
