"""Speed and memory of the survey analysis on a large synthetic survey.

Run from the repository root::

    python -m benchmarks.survey --respondents 100000 --items 40 --json

prints one JSON line with ``respondents``, ``items``, ``seconds`` (full analysis
from CSV to every output file, without bootstraps), ``xlsx_read_seconds`` (reading
an XLSX file of the same answers) and ``peak_rss_mb``. Bars: 10 s and 15 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from benchmarks.results import peak_rss_mb, print_result
from survey.analyze import analyze_survey
from survey.codebook import Codebook, parse_codebook
from survey.io import read_survey

ITEMS_PER_CONSTRUCT = 5


def synthetic_survey(respondents: int, items: int, seed: int = 1) -> tuple[pd.DataFrame, Codebook]:
    """Answers on a 1-7 scale from correlated latent constructs, and their codebook."""
    rng = np.random.default_rng(seed)
    n_constructs = max(2, items // ITEMS_PER_CONSTRUCT)
    names = [f"C{k + 1}" for k in range(n_constructs)]
    latent = (
        rng.normal(size=(respondents, 1)) * 0.7 + rng.normal(size=(respondents, n_constructs)) * 0.7
    )
    columns, blocks = {}, {}
    for k, name in enumerate(names):
        size = items // n_constructs + (k < items % n_constructs)
        blocks[name] = [f"{name}_{j + 1}" for j in range(size)]
        for item in blocks[name]:
            raw = 4 + 1.2 * latent[:, k] + rng.normal(size=respondents)
            columns[item] = np.clip(np.rint(raw), 1, 7).astype(np.int64)
    data = pd.DataFrame(columns)
    data.insert(0, "segment", rng.choice(["new", "regular", "vip"], respondents))
    data.insert(0, "seconds", rng.integers(30, 1200, respondents))
    data.insert(0, "respondent", np.arange(respondents))
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 7},
            "constructs": {name: {"items": block} for name, block in blocks.items()},
            "segments": ["segment"],
            "id_column": "respondent",
            "speeders": {"column": "seconds", "min_seconds": 60},
            "roles": {
                "quality": names[0],
                "satisfaction": names[1],
                "loyalty": names[-1],
                "drivers": names[2:-1],
            },
            "pls": {"paths": {names[1]: [names[0]], **{name: [names[1]] for name in names[2:]}}},
            "nps": {"item": blocks[names[-1]][0], "promoters_min": 7, "detractors_max": 4},
        }
    )
    return data, codebook


def write_xlsx(data: pd.DataFrame, path: Path) -> None:
    """Write a large table quickly with openpyxl's write-only mode."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("answers")
    sheet.append(list(data.columns))
    for row in data.itertuples(index=False):
        sheet.append(list(row))
    book.save(path)


def run(respondents: int, items: int) -> dict[str, float | int]:
    """Time the full analysis and an XLSX read; return the measurements."""
    data, codebook = synthetic_survey(respondents, items)
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "survey.csv"
        data.to_csv(csv, index=False)
        start = time.perf_counter()
        analyze_survey(csv, codebook, Path(folder) / "out", n_boot=0)
        seconds = time.perf_counter() - start
        xlsx = Path(folder) / "survey.xlsx"
        write_xlsx(data, xlsx)
        start = time.perf_counter()
        read_survey(xlsx)
        xlsx_seconds = time.perf_counter() - start
    return {
        "respondents": respondents,
        "items": items,
        "seconds": round(seconds, 3),
        "xlsx_read_seconds": round(xlsx_seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main() -> None:
    """Parse arguments, run the benchmark and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    result = run(args.respondents, args.items)
    print_result(result, as_json=args.json, width=18)


if __name__ == "__main__":
    main()
