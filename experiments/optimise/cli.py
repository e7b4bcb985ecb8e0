"""``shoplab optimise CONFIG --budget CNY``: the best strategy mix within a yearly budget.

Options: ``[--objective profit|retained|both] [--trials N] [--workers N]
[--backend local|dask] [--out DIR] [--set PATH=VALUE] [--quiet]``.

Examples
--------
>>> from experiments.cli import main
>>> main(["optimise", "experiments/configs/optimise_budget.yaml",
...       "--budget", "1e5"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from experiments.optimise.config import load_optimise_config
    from experiments.optimise.report import format_best, write_optimise
    from experiments.optimise.runner import optimise
    from experiments.optimise.search import OBJECTIVE_COLUMNS
    from experiments.report import write_report

    extra = [  # JSON is YAML: values stay what argparse parsed
        f"{path}={json.dumps(value)}"
        for path, value in (
            ("optimise.objective", args.objective),
            ("optimise.trials", args.trials),
            ("execution.workers", args.workers),
            ("execution.backend", args.backend),
        )
        if value is not None
    ]
    config = load_optimise_config(args.config, [*args.set, *extra])
    out = args.out or Path("results") / f"{config.experiment.name}-optimise"
    started = time.perf_counter()
    result = optimise(config, args.budget, progress=not args.quiet)
    paths = write_optimise(result, out)
    paths["report.html"] = write_report(out)
    seconds = time.perf_counter() - started
    trials = result.trials
    print(
        f"{len(trials)} trials, {trials['specs'].nunique()} distinct mixes "
        f"({trials.loc[trials['feasible'], 'specs'].nunique()} within the budget of "
        f"{result.budget:,.0f} CNY a year, {trials.loc[trials['on_front'], 'specs'].nunique()} "
        "on the front), "
        f"{config.experiment.replications} paired replications each, in scenario "
        f"{config.scenario}; {result.runs} model runs in {seconds:.0f} s."
    )
    if result.best.empty:
        print("No mix that switches a strategy on is within the budget: keep the baseline.")
    else:
        n = int(result.best["n"].iloc[0])
        print(
            f"Chosen mixes re-evaluated on {n} fresh replications (spawn keys "
            f"{result.best['replications'].iloc[0]}), uplift over the baseline per run of "
            f"{config.experiment.horizon} days:"
        )
        print(format_best(result.best))
        first = OBJECTIVE_COLUMNS[config.optimise.objective][0]
        if result.best[first].iloc[0] <= 0:
            print("No chosen mix beats the baseline on the fresh replications: spend nothing.")
    print(f"\nwrote {', '.join(str(p) for p in paths.values())}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``optimise`` command."""
    parser = subparsers.add_parser(
        "optimise",
        help="the best mix of strategies within a yearly budget",
        description="Search the strategies named in a config (each on or off, and the "
        "parameters in its optimise.ranges) for the largest uplift over the baseline whose "
        "strategy cost a year stays within the budget; re-evaluate the best on fresh "
        "replications.",
    )
    parser.add_argument("config", type=Path, help="optimise config (YAML)")
    parser.add_argument(
        "--budget", type=float, metavar="CNY", help="most the strategies may cost a year (CNY)"
    )
    parser.add_argument(
        "--objective", choices=["profit", "retained", "both"], help="uplift maximised"
    )
    parser.add_argument(
        "--trials", type=int, metavar="N", help="distinct candidate mixes simulated"
    )
    parser.add_argument("--workers", type=int, metavar="N", help="worker processes")
    parser.add_argument("--backend", choices=["local", "dask"], help="local processes or Dask")
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default results/<name>-optimise/)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a config field, e.g. model.population.size=2000 (repeatable)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)
