"""Mutated survey files: ``shoplab survey analyze`` exits 0 or 2 with one line, and its
outputs hold no formula a spreadsheet would run and no unescaped ``<script>``.

Each example starts from a small valid survey (60 respondents of the shipped bank
survey: three satisfaction and three loyalty items on 0-10, and ``gender`` as a
segment) and its codebook, and mutates them: formula and script payloads in cells, in
a segment level (on enough rows to pass the small-cell suppression) and in a header;
huge cells; odd numbers and text in item cells; a dropped or duplicated column; odd
codebook values and keys; then, on the bytes written, truncation, flipped bytes,
inserted binary junk or the wrong extension. The file is CSV or XLSX.
"""

from __future__ import annotations

import copy
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.datasets import example_paths
from tests.fuzz.conftest import PAYLOADS, mangle, settle

ITEMS = ["sat1", "sat2", "sat3", "loy1", "loy2", "loy3"]
SEGMENT = "gender"
CODEBOOK = {
    "scale": {"min": 0, "max": 10},
    "constructs": {
        "Satisfaction": {"items": ITEMS[:3]},
        "Loyalty": {"items": ITEMS[3:]},
    },
    "segments": [SEGMENT],
    "roles": {"satisfaction": "Satisfaction", "loyalty": "Loyalty"},
}
ODD_ANSWERS = [-1, 11, 5.5, 1e300, float("nan"), float("inf"), "", "TRUE", "#DIV/0!", "中"]
CODEBOOK_VALUES = [None, True, -1, 0, 11, 1e300, float("nan"), float("inf"), "x", [], {}]
#: Sizes of huge cells: within and past the reader's 100,000-character limit.
HUGE = [1_000, 100_001, 300_000]


@cache
def respondents() -> pd.DataFrame:
    data = pd.read_csv(example_paths("bank").data)
    return data.loc[:59, [*ITEMS, SEGMENT]]


def mutate_table(data: st.DataObject, table: pd.DataFrame, codebook: dict, done: list) -> None:
    """One cell-level mutation of the table (and the codebook, where a name changes)."""
    kind = data.draw(
        st.sampled_from(
            ["payload", "segment_payload", "header", "huge", "odd", "drop", "duplicate"]
        ),
        label="table mutation",
    )
    column = data.draw(st.sampled_from(list(table.columns)), label="column")
    done.append(f"{kind} in {column}")
    rows = data.draw(st.integers(1, len(table)), label="rows")
    if kind == "payload":
        table.loc[: rows - 1, column] = data.draw(st.sampled_from(PAYLOADS), label="payload")
    elif kind == "segment_payload" and SEGMENT in table:
        table.loc[: max(rows, 10) - 1, SEGMENT] = data.draw(st.sampled_from(PAYLOADS))
    elif kind == "header":
        name = data.draw(st.sampled_from(PAYLOADS), label="header")
        table.columns = [name if label == column else label for label in table.columns]
        text = yaml.safe_dump(codebook, allow_unicode=True)
        codebook.update(yaml.safe_load(text.replace(f" {column}\n", f" {name!r}\n")))
    elif kind == "huge":
        table.loc[rows - 1, column] = "x" * data.draw(st.sampled_from(HUGE), label="length")
    elif kind == "odd":
        table.loc[: rows - 1, column] = data.draw(st.sampled_from(ODD_ANSWERS), label="answer")
    elif kind == "drop":
        del table[column]
    elif kind == "duplicate":
        first = table.iloc[:, list(table.columns).index(column)]  # the column may be twice
        table.insert(0, column, first, allow_duplicates=True)


def mutate_codebook(data: st.DataObject, codebook: dict, done: list) -> None:
    """One mutation of the codebook: an odd value somewhere, or an unknown key."""
    paths = [("scale", "min"), ("scale", "max"), ("segments",), ("roles", "loyalty")]
    paths += [("constructs", "Satisfaction", "items"), ("nps",), ("reverse",), ("bogus",)]
    path = data.draw(st.sampled_from(paths), label="codebook path")
    value = copy.deepcopy(
        data.draw(st.sampled_from([*CODEBOOK_VALUES, *PAYLOADS, ["sat1", "sat1"]]))
    )
    done.append(f"codebook {'.'.join(path)} = {value!r}")
    node = codebook
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def write_table(table: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".xlsx":
        table.to_excel(path, index=False)
    else:
        table.to_csv(path, index=False)


def check_survey(
    data: st.DataObject,
    cli: Any,
    outcomes: Any,
    plots_every: int = 0,
    trace: bool = False,
) -> None:
    """One mutated survey through ``survey analyze``; plots in one example of
    ``plots_every`` (0: never; they take seconds even at this size); memory traced
    with ``trace`` (it triples the time of an accepted file)."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-survey-"))
    table = respondents().astype(object).copy()
    codebook = copy.deepcopy(CODEBOOK)
    done: list[str] = []
    for _ in range(data.draw(st.integers(0, 3), label="table mutations")):
        mutate_table(data, table, codebook, done)
    if data.draw(st.integers(0, 3), label="codebook mutation") == 3:
        mutate_codebook(data, codebook, done)
    kind = data.draw(st.sampled_from(["csv", "xlsx"]), label="format")
    path = folder / f"survey.{kind}"
    write_table(table, path)
    path = mangle(data, path, ["csv", "xlsx", "sav", "txt"], done)
    book = folder / "codebook.yaml"
    book.write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    out = folder / "out"
    argv = ["survey", "analyze", str(path), "--codebook", str(book), "--out", str(out)]
    plots = plots_every and data.draw(st.integers(1, plots_every), label="plots") == plots_every
    argv += ["--quiet"] + ([] if plots else ["--no-plots"])
    result = cli(argv, trace=trace)
    what = f"{path.name} with {'; '.join(done) or 'no mutation'} ({folder})"
    settle(result, outcomes["survey"], outcomes, out, what)


#: Excel keeps at most 32,767 characters a cell: a longer XLSX cell is cut when written
#: (CSV keeps it whole, past the reader's limit).
EXCEL_CUTS = pytest.mark.filterwarnings("ignore:Cell contents too long")


@EXCEL_CUTS
@settings(settings.get_profile("fuzz-fast"), max_examples=8)
@given(data=st.data())
def test_mutated_survey_files_give_one_line_or_safe_outputs(data, cli, outcomes):
    check_survey(data, cli, outcomes)


@pytest.mark.slow
@EXCEL_CUTS
@settings(settings.get_profile("fuzz-slow"), max_examples=1000)
@given(data=st.data())
def test_a_thousand_mutated_survey_files_give_one_line_or_safe_outputs(data, cli, outcomes):
    check_survey(data, cli, outcomes, plots_every=10, trace=True)
