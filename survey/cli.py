"""``shoplab survey analyze``: the survey analysis from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from survey.analyze import analyze_survey
from survey.codebook import load_codebook
from survey.datasets import EXAMPLES, example_paths
from survey.draft import write_draft
from survey.errors import DataError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``survey`` command with its ``analyze`` and ``codebook`` sub-commands.

    Parameters
    ----------
    subparsers : argparse subparsers
        From ``parser.add_subparsers()`` of the ``shoplab`` parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="shoplab")
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["survey", "analyze", "--example", "ecsi", "--out", "o"]).example
    'ecsi'
    """
    survey = subparsers.add_parser("survey", help="analyse satisfaction-loyalty surveys")
    commands = survey.add_subparsers(dest="survey_command", metavar="SUBCOMMAND", required=True)
    analyze = commands.add_parser(
        "analyze",
        help="statistics, report and calibration targets from a survey file",
        description="Read a survey file (CSV, XLSX, SPSS .sav, survey-platform exports) "
        "with a YAML codebook and write report.html, reliability.csv, validity.csv, "
        "statistics.xlsx, cleaning_log.csv, targets.json and plots/ into --out.",
    )
    analyze.add_argument("data", nargs="?", type=Path, help="survey file")
    analyze.add_argument("--codebook", type=Path, help="YAML codebook")
    analyze.add_argument(
        "--example",
        choices=sorted(EXAMPLES),
        help="analyse a shipped example survey instead of DATA",
    )
    analyze.add_argument("--out", type=Path, required=True, help="output folder")
    analyze.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    analyze.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        help="bootstrap resamples for mediation and the PLS model, 0 to skip "
        "(default 1000; fewer for very large files)",
    )
    analyze.add_argument("--seed", type=int, default=42, help="bootstrap seed (default 42)")
    analyze.add_argument("--no-plots", action="store_true", help="skip the plots")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar")
    analyze.add_argument(
        "--allow-unmapped",
        action="store_true",
        help="set answers matching no codebook label, or outside the scale, missing "
        "(each logged in cleaning_log.csv) instead of stopping with an error",
    )
    analyze.set_defaults(func=run_analyze)
    draft = commands.add_parser(
        "codebook",
        help="draft a YAML codebook from a survey file, to be checked and edited",
        description="Guess item blocks, the answer scale, text labels, identifying "
        "columns (never copying their values), a duration column and segment columns "
        "from a survey file and write a draft codebook.",
    )
    draft.add_argument("data", type=Path, help="survey file")
    draft.add_argument(
        "--out", type=Path, default=Path("codebook.yaml"), help="YAML file (default codebook.yaml)"
    )
    draft.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    draft.set_defaults(func=run_codebook)


def run_codebook(args: argparse.Namespace) -> int:
    """Run ``shoplab survey codebook``: write a draft codebook and say what it found.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments: ``data``, ``out`` and ``sheet``.

    Returns
    -------
    int
        Exit status 0.

    Raises
    ------
    DataError
        If the file cannot be read or has no item-like column.

    Examples
    --------
    >>> args = argparse.Namespace(data="survey.csv", out="codebook.yaml", sheet=None)
    >>> run_codebook(args)  # doctest: +SKIP
    0
    """
    try:
        out = write_draft(args.data, args.out, sheet=args.sheet)
    except ValueError as err:
        raise DataError(str(err)) from None
    book = load_codebook(out)
    lines = [
        f"draft codebook written to {out}: {len(book.constructs)} constructs, "
        f"{len(book.item_names)} items, scale {book.scale.min:g}-{book.scale.max:g}",
    ]
    if book.identifying:
        lines.append(f"  identifying (dropped): {', '.join(book.identifying)}")
    if book.segments:
        lines.append(f"  segments: {', '.join(book.segments)}")
    lines.append("  check it, rename the constructs, then run: shoplab survey analyze")
    print("\n".join(lines), file=sys.stdout)
    return 0


def run_analyze(args: argparse.Namespace) -> int:
    """Run ``shoplab survey analyze`` and print a short summary.

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
    DataError, CodebookError
        Reported by the ``shoplab`` CLI as one line with exit status 2.

    Examples
    --------
    >>> args = argparse.Namespace(example="ecsi", data=None, codebook=None, out="out",
    ...     sheet=None, bootstrap=0, seed=42, no_plots=True, allow_unmapped=False)
    >>> run_analyze(args)  # doctest: +SKIP
    0
    """
    if args.example:
        if args.data or args.codebook:
            raise DataError("give either --example or DATA with --codebook, not both")
        data, codebook = example_paths(args.example)
    else:
        if args.data is None or args.codebook is None:
            raise DataError("need DATA and --codebook CODEBOOK (or --example ecsi)")
        data, codebook = args.data, args.codebook
    if args.bootstrap < 0:
        raise DataError(f"--bootstrap must be 0 or more, got {args.bootstrap}")
    book = load_codebook(codebook)
    if getattr(args, "allow_unmapped", False):
        book = book.model_copy(update={"allow_unmapped": True})
    analysis = analyze_survey(
        data,
        book,
        args.out,
        sheet=args.sheet,
        n_boot=args.bootstrap,
        seed=args.seed,
        plots=not args.no_plots,
        progress=not getattr(args, "quiet", False),
    )
    cleaned = analysis.cleaned
    lines = [f"read {cleaned.n_read} rows from {data}; kept {len(cleaned.items)}"]
    summary = cleaned.summary()
    if summary.empty:
        lines.append("  cleaning: no answer changed, no row dropped")
    for row in summary.itertuples():
        lines.append(f"  {row.what}: {row.entries} entries, {row.rows} rows")
    if book.allow_unmapped:
        lines.append(
            "  allow-unmapped: answers matching no label or outside the scale set missing "
            "(see cleaning_log.csv)"
        )
    lines.append(f"outputs written to {args.out}/ (report.html, statistics.xlsx, targets.json)")
    print("\n".join(lines), file=sys.stdout)
    return 0
