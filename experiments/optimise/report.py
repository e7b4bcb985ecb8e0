"""Write an optimisation's outputs and print its chosen mixes.

``pareto.csv`` (every mix tried), ``best.csv`` (the chosen mixes on fresh
replications, with CIs), ``best.yaml`` (an experiment config of the chosen mixes
within budget against the baseline) and ``plots/pareto.png``.

Examples
--------
>>> best = pd.DataFrame({"rank": [1], "arm": ["mix_1"], "mix": ["coupons"], "n": [8],
...     "cost_year": [9.0e4], "within_budget": [True], "profit_uplift": [1200.0],
...     "profit_uplift_ci_low": [800.0], "profit_uplift_ci_high": [1600.0],
...     "retained_uplift": [12.0], "retained_uplift_ci_low": [3.0],
...     "retained_uplift_ci_high": [21.0]})
>>> print(format_best(best))
 rank   arm     mix cost a year (CNY) within budget profit uplift (CNY)            95% CI \
retained uplift       95% CI
    1 mix_1 coupons            90,000           yes               +1200 [+800, +1600]   \
            +12 [+3, +21]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from experiments.optimise.plots import save_pareto
from experiments.optimise.reevaluate import best_config
from experiments.optimise.runner import OptimiseResult


def _interval(frame: pd.DataFrame, column: str) -> list[str]:
    low, high = frame[f"{column}_ci_low"], frame[f"{column}_ci_high"]
    return [
        "(no CI: one replication)" if pd.isna(a) else f"[{a:+.0f}, {b:+.0f}]"
        for a, b in zip(low, high, strict=True)
    ]


def format_best(best: pd.DataFrame) -> str:
    """The re-evaluated mixes as text: cost a year, budget check, uplifts with 95% CIs.

    Parameters
    ----------
    best : pandas.DataFrame
        Output of :func:`~.reevaluate.reevaluate`.

    Returns
    -------
    str
    """
    table = pd.DataFrame(
        {
            "rank": best["rank"],
            "arm": best["arm"],
            "mix": best["mix"],
            "cost a year (CNY)": best["cost_year"].map("{:,.0f}".format),
            "within budget": best["within_budget"].map({True: "yes", False: "NO"}),
            "profit uplift (CNY)": best["profit_uplift"].map("{:+.0f}".format),
            "95% CI": _interval(best, "profit_uplift"),
            "retained uplift": best["retained_uplift"].map("{:+.0f}".format),
            " 95% CI": _interval(best, "retained_uplift"),
        }
    )
    return table.to_string(index=False)


def write_optimise(result: OptimiseResult, out: str | Path) -> dict[str, Path]:
    """Write ``pareto.csv``, ``best.csv``, ``best.yaml`` and ``plots/pareto.png``.

    Parameters
    ----------
    result : OptimiseResult
        The optimisation.
    out : str or Path
        Output folder (created).

    Returns
    -------
    dict
        File role -> path.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in ("pareto.csv", "best.csv", "best.yaml")}
    result.trials.to_csv(paths["pareto.csv"], index=False)
    result.best.to_csv(paths["best.csv"], index=False)
    config = result.config
    kept = result.best[result.best["within_budget"].astype(bool)]
    header = [
        f"The best strategy mixes `shoplab optimise` found for {config.experiment.name}:",
        f"objective {config.optimise.objective}, budget {result.budget:,.0f} CNY a year, "
        f"scenario {config.scenario}.",
        f"The {len(kept)} of {len(result.best)} re-evaluated mixes within budget on fresh "
        "replications (best.csv), against the baseline,",
        "on a seed neither the search nor the re-evaluation used:",
        "  shoplab run best.yaml",
    ]
    text = yaml.safe_dump(best_config(config, result.best), sort_keys=False, allow_unicode=True)
    paths["best.yaml"].write_text(
        "".join(f"# {line}\n" for line in header) + text, encoding="utf-8"
    )
    paths["plots/pareto.png"] = save_pareto(
        result.trials, result.objectives, result.budget, out / "plots" / "pareto.png", result.best
    )
    return paths
