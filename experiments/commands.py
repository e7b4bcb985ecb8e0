"""The ``shoplab run``, ``validate``, ``plot`` and ``report`` commands.

Examples
--------
>>> from experiments.cli import main
>>> main(["validate", "experiments/configs/quickstart.yaml"])  # doctest: +SKIP
quickstart: 6 arms x 2 scenarios x 8 replications = 96 runs of 365 days: OK
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.errors import ConfigError

if TYPE_CHECKING:  # imported by the commands that use them: `shoplab --help` stays quick
    import pandas as pd

    from experiments.config import ExperimentConfig

#: ``--set`` assignments of ``--no-uncertainty``: no parameter drawn.
NO_UNCERTAINTY = ("uncertain={}", "strategy_priors=false")


def _add_config_arguments(parser: argparse.ArgumentParser, uncertainty: bool = True) -> None:
    parser.add_argument("config", type=Path, help="experiment config (YAML)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a config field, VALUE parsed as YAML "
        "(repeatable; e.g. --set model.population.size=2000 --set replications=2)",
    )
    if not uncertainty:
        return
    parser.add_argument(
        "--no-uncertainty",
        action="store_true",
        help="ignore the config's uncertain parameters and strategy priors: every "
        "assumption at its configured value, CIs from Monte Carlo noise only",
    )


def _add_execution_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="output folder (default: results/<name>/)"
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", help="worker processes (default: from the config)"
    )
    parser.add_argument("--backend", choices=["local", "dask"], help="local processes or Dask")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="join a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default with --backend dask: a local cluster for the run)",
    )
    parser.add_argument("--resume", action="store_true", help="skip runs already in the folder")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="delete the runs of an earlier experiment in the folder and start over",
    )
    parser.add_argument(  # --no-progress: its older name
        "--quiet", "--no-progress", dest="no_progress", action="store_true", help="no progress bar"
    )


def _execution_overrides(args: argparse.Namespace) -> list[str]:
    """``--set`` assignments of ``--workers``, ``--backend`` and ``--scheduler``."""
    return [  # JSON is YAML: values stay what argparse parsed (an address stays a string)
        f"execution.{name}={json.dumps(value)}"
        for name, value in (
            ("workers", args.workers),
            ("backend", args.backend or ("dask" if args.scheduler else None)),
            ("scheduler", args.scheduler),
        )
        if value is not None
    ]


def _config(args: argparse.Namespace, extra: list[str]) -> tuple[ExperimentConfig, int]:
    """The config with the ``--set`` overrides, checked by building every run."""
    if getattr(args, "no_uncertainty", False):
        extra = [*extra, *NO_UNCERTAINTY]
    from experiments.loader import read_yaml

    read_yaml(args.config)  # a hostile file (an alias bomb) is refused before the model loads
    from experiments.config import load_config
    from experiments.design import plan_runs

    config = load_config(args.config, [*args.overrides, *extra])
    try:
        runs = plan_runs(config)
    except ConfigError as err:
        raise ConfigError(f"{args.config}: {err}") from None
    return config, len(runs)


def _describe(config: ExperimentConfig, runs: int) -> str:
    from experiments.design import all_scenarios

    return (
        f"{config.name}: {len(config.strategies)} arms x {len(all_scenarios(config))} scenarios "
        f"x {config.replications} replications = {runs} runs of {config.horizon} days"
    )


def _validate(args: argparse.Namespace) -> int:
    config, runs = _config(args, [])
    print(f"{_describe(config, runs)}: OK")
    return 0


def format_ranked(ranked: pd.DataFrame) -> str:
    """The ranked table as text: uplift with its 95% CI, Holm-corrected p-value and P(best).

    Parameters
    ----------
    ranked : pandas.DataFrame
        Output of :meth:`experiments.results.ExperimentResults.ranked` (that of
        :func:`experiments.analysis.ranked_table` with ``p_best`` and ``n``; without
        them the P(best) column is left out).

    Returns
    -------
    str
        With one replication, the CI column says so instead of showing NaN, and a
        last line says why.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"scenario": ["base"], "rank": [1], "strategy": ["points"],
    ...     "mean": [1200.0], "uplift": [200.0], "uplift_ci_low": [50.0],
    ...     "uplift_ci_high": [350.0], "p_holm": [0.01], "p_best": [0.875], "n": [8]})
    >>> print(format_ranked(table))
    scenario  rank strategy profit (CNY) uplift (CNY)      95% CI p (Holm) P(best)
        base     1   points         1200         +200 [+50, +350]    0.010    0.88
    """
    import numpy as np
    import pandas as pd

    def fmt_p(p: float) -> str:
        return "-" if pd.isna(p) else "<0.001" if p < 0.001 else f"{p:.3f}"

    def fmt_ci(low: float, high: float, n: float) -> str:
        if pd.isna(low) and n == 1:
            return "none (1 replication)"
        return f"[{low:+.0f}, {high:+.0f}]"

    n = ranked["n"] if "n" in ranked else pd.Series(np.nan, index=ranked.index)
    table = pd.DataFrame(
        {
            "scenario": ranked["scenario"],
            "rank": ranked["rank"],
            "strategy": ranked["strategy"],
            "profit (CNY)": ranked["mean"].map("{:.0f}".format),
            "uplift (CNY)": ranked["uplift"].map("{:+.0f}".format),
            "95% CI": [
                fmt_ci(low, high, count)
                for low, high, count in zip(
                    ranked["uplift_ci_low"], ranked["uplift_ci_high"], n, strict=True
                )
            ],
            "p (Holm)": ranked["p_holm"].map(fmt_p),
        }
    )
    if "p_best" in ranked:
        table["P(best)"] = ranked["p_best"].map("{:.2f}".format)
    text = table.to_string(index=False)
    if (n == 1).any():
        text += (
            "\nOne replication: no CI or p-value (they need at least 2 replications; "
            "set replications: 2 or more)."
        )
    return text


def _run(args: argparse.Namespace) -> int:
    from experiments.runner import default_out, run_experiment

    config, _ = _config(args, _execution_overrides(args))
    out = args.out or default_out(config)
    results = run_experiment(
        config,
        out,
        resume=args.resume,
        progress=not args.no_progress,
        overwrite=args.overwrite,
    )
    from experiments.report import write_report

    report = write_report(out)
    print(
        "Strategies ranked by profit uplift over the baseline (paired by replication; "
        "P(best): share of replications in which the arm makes the most profit, "
        "ranking.csv has more):"
    )
    print(format_ranked(results.ranked()))
    print(f"Results in {out}; report: {report}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from experiments.report import write_report
    from experiments.results import ExperimentResults

    results = ExperimentResults.load(args.folder)
    written = results.save_plots(args.folder / "plots")
    report = write_report(args.folder)
    print(f"{len(written)} plot files written to {args.folder / 'plots'}; report: {report}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from experiments.report import write_report

    print(f"Report: {write_report(args.folder)}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run``, ``validate``, ``plot`` and ``report`` sub-commands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From :meth:`argparse.ArgumentParser.add_subparsers`.
    """
    run = subparsers.add_parser(
        "run",
        help="run strategies x scenarios x replications and rank the strategies",
        description="Run an experiment config and compare every strategy arm with the baseline.",
    )
    _add_config_arguments(run)
    _add_execution_arguments(run)
    run.set_defaults(func=_run)

    validate = subparsers.add_parser(
        "validate",
        help="check an experiment config without running it",
        description="Validate a config and build every arm's model parameters.",
    )
    _add_config_arguments(validate)
    validate.set_defaults(func=_validate)

    plot = subparsers.add_parser(
        "plot",
        help="redraw the plots of a finished experiment",
        description="Redraw the plots from the results saved in a folder.",
    )
    plot.add_argument("folder", type=Path, metavar="DIR", help="the experiment's output folder")
    plot.set_defaults(func=_plot)

    report = subparsers.add_parser(
        "report",
        help="rebuild the report.html of a finished run, robustness or optimise folder",
        description="Rebuild report.html (one self-contained page: the answer, the ranking, "
        "plots, segments, scenarios, sweeps, manifest) from the results saved in a folder "
        "of shoplab run (or the page of a shoplab robustness or optimise folder). A folder "
        "whose experiment did not finish, or whose tables do not match its manifest, is "
        "refused.",
    )
    report.add_argument("folder", type=Path, metavar="DIR", help="the experiment's output folder")
    report.set_defaults(func=_report)
