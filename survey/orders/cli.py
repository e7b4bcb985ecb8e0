"""``shoplab orders analyze``: the order-log analysis from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey.errors import DataError
from survey.orders.analyze import EXAMPLES, OrderSettings, analyze_raw_orders, example_log
from survey.orders.io import read_order_log
from survey.orders.mapping import ColumnMapping, load_mapping

#: Command-line option → mapping field.
_MAPPING_OPTIONS: dict[str, str] = {
    "customer": "customer_id",
    "date": "date",
    "amount": "amount",
    "order_id": "order_id",
    "channel": "channel",
    "segment": "segment",
    "group_order": "group_order",
    "quantity": "quantity",
    "date_format": "date_format",
    "max_amount": "max_amount",  # mapping file only: no command-line option
}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``orders`` command with its ``analyze`` sub-command.

    Parameters
    ----------
    subparsers : argparse subparsers
        From ``parser.add_subparsers()`` of the ``shoplab`` parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="shoplab")
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["orders", "analyze", "log.csv", "--customer", "client",
    ...                           "--calibration-end", "2024-06-30", "--out", "o"])
    >>> args.customer, args.period, args.churn_window
    ('client', 'W', 90)
    """
    orders = subparsers.add_parser("orders", help="analyse CRM order logs")
    commands = orders.add_subparsers(dest="orders_command", metavar="SUBCOMMAND", required=True)
    analyze = commands.add_parser(
        "analyze",
        help="summaries, BG/NBD and Gamma-Gamma models, CLV and calibration targets "
        "from an order log",
        description="Read an order log (CSV, XLSX or Parquet: one row per order with a "
        "customer id, a date and an amount), clean it with a visible log and write "
        "summary.csv, cohorts.csv, bgnbd.csv, gammagamma.csv, holdout.csv, tracking.csv, "
        "customers.parquet, targets.json, cleaning_log.csv, plots/ and report.html "
        "into --out.",
    )
    analyze.add_argument("log", nargs="?", type=Path, help="order log file")
    analyze.add_argument(
        "--example", choices=sorted(EXAMPLES), help="analyse a shipped example log instead of LOG"
    )
    analyze.add_argument("--mapping", type=Path, help="YAML file: field: column lines")
    group = analyze.add_argument_group("column mapping (these win over --mapping)")
    group.add_argument("--customer", metavar="COL", help="customer id column")
    group.add_argument("--date", metavar="COL", help="order date or timestamp column")
    group.add_argument("--amount", metavar="COL", help="order amount column")
    group.add_argument("--order-id", metavar="COL", help="order id column (optional)")
    group.add_argument("--channel", metavar="COL", help="channel column (optional)")
    group.add_argument("--segment", metavar="COL", help="segment column (optional)")
    group.add_argument("--group-order", metavar="COL", help="group-order flag column (optional)")
    group.add_argument("--quantity", metavar="COL", help="quantity column (optional)")
    group.add_argument(
        "--date-format", metavar="FMT", help="strftime format of the dates (default ISO 8601)"
    )
    analyze.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    analyze.add_argument(
        "--calibration-end",
        metavar="DATE",
        help="last day of the period the models are fitted on; later orders are the holdout",
    )
    analyze.add_argument("--out", type=Path, required=True, help="output folder")
    analyze.add_argument(
        "--period", choices=["W", "D"], default="W", help="time unit of the models (default W)"
    )
    analyze.add_argument(
        "--churn-window",
        type=int,
        default=90,
        metavar="DAYS",
        help="days without an order that count as churn (default 90)",
    )
    analyze.add_argument(
        "--horizon",
        type=int,
        default=365,
        metavar="DAYS",
        help="horizon of expected purchases and CLV (default 365)",
    )
    analyze.add_argument(
        "--discount-rate", type=float, default=0.10, help="CLV discount rate a year (default 0.10)"
    )
    analyze.add_argument(
        "--margin", type=float, default=1.0, help="share of spend counted in CLV (default 1)"
    )
    analyze.add_argument(
        "--bootstrap",
        type=int,
        default=200,
        help="bootstrap resamples for the spend-concentration SEs (default 200)",
    )
    analyze.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    analyze.add_argument(
        "--drop-duplicates",
        action="store_true",
        help="drop exact duplicate rows (default: keep them, logged)",
    )
    analyze.add_argument("--no-plots", action="store_true", help="skip the plots")
    analyze.set_defaults(func=run_analyze)


def mapping_from_args(args: argparse.Namespace) -> ColumnMapping:
    """The column mapping: ``--mapping`` file, overridden by the column options.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments.

    Returns
    -------
    ColumnMapping

    Examples
    --------
    >>> args = argparse.Namespace(mapping=None, customer="client", date=None, amount="total",
    ...     order_id=None, channel=None, segment=None, group_order=None, quantity=None,
    ...     date_format="%Y%m%d")
    >>> mapping_from_args(args).columns()
    {'customer_id': 'client', 'date': 'date', 'amount': 'total'}
    """
    base = load_mapping(args.mapping) if args.mapping else ColumnMapping()
    given = {
        name: getattr(args, option)
        for option, name in _MAPPING_OPTIONS.items()
        if getattr(args, option, None) is not None
    }
    merged = {name: getattr(base, name) for name in _MAPPING_OPTIONS.values()} | given
    return ColumnMapping.from_dict(merged, source=str(args.mapping or "the command line"))


def run_analyze(args: argparse.Namespace) -> int:
    """Run ``shoplab orders analyze`` and print a short summary.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments (see :func:`register`).

    Returns
    -------
    int
        Exit status 0.

    Raises
    ------
    DataError
        Reported by the ``shoplab`` CLI as one line with exit status 2.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="shoplab")
    >>> register(parser.add_subparsers())
    >>> args = parser.parse_args(["orders", "analyze", "--example", "cdnow", "--out", "o"])
    >>> run_analyze(args)  # doctest: +SKIP
    0
    """
    if args.example:
        if args.log or args.mapping:
            raise DataError("give either --example or LOG (with --mapping), not both")
        calibration_end = args.calibration_end or EXAMPLES[args.example][1]
        raw = example_log(args.example)
    else:
        if args.log is None or args.calibration_end is None:
            raise DataError("need LOG and --calibration-end DATE (or --example cdnow)")
        calibration_end = args.calibration_end
    settings = OrderSettings(
        calibration_end=calibration_end,
        period=args.period,
        churn_window_days=args.churn_window,
        horizon_days=args.horizon,
        annual_discount_rate=args.discount_rate,
        margin=args.margin,
        n_boot=args.bootstrap,
        seed=args.seed,
    )
    settings.check()
    if not args.example:
        raw = read_order_log(args.log, mapping_from_args(args), args.sheet)
    analysis = analyze_raw_orders(
        raw, args.out, settings, drop_duplicates=args.drop_duplicates, plots=not args.no_plots
    )
    cleaned = analysis.cleaned
    lines = [f"read {cleaned.n_read} rows from {raw.source}; kept {len(cleaned.orders)} orders"]
    if cleaned.log.empty:
        lines.append("  cleaning: no row changed or dropped")
    lines += [f"  {row.what}: {row.count} rows" for row in cleaned.log.itertuples()]
    lines += [f"  {note}" for note in analysis.notes if "not reported" in note]
    lines.append(
        f"outputs written to {args.out}/ (report.html, summary.csv, customers.parquet, "
        "targets.json)"
    )
    print("\n".join(lines), file=sys.stdout)
    return 0
