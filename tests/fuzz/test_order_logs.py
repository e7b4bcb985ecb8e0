"""Mutated order logs: ``shoplab orders analyze`` exits 0 or 2 with one line, and its
outputs hold no formula a spreadsheet would run and no unescaped ``<script>``.

Each example starts from a small valid order log (300 orders of 60 customers over
2023, with a segment column; made here from a seeded generator) and its column
mapping, and mutates them: formula and script payloads in customer ids and segments
(on enough rows to pass any small-cell rule), odd amounts and dates, huge cells, a
dropped column, an odd mapping (unknown key, missing field, a column that is not
there, an alias bomb, a duplicated key) or an odd ``--calibration-end``; then, on the
bytes written, truncation, flipped bytes, inserted binary junk or the wrong extension.
The log is CSV or Parquet.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import PAYLOADS, mangle, settle

MAPPING = {"customer_id": "customer", "date": "date", "amount": "amount", "segment": "segment"}
CALIBRATION_END = "2023-09-30"
ODD_AMOUNTS = [-5, 0, 1e300, float("nan"), float("inf"), "", "abc", "1,5", "¥12"]
ODD_DATES = ["2023-02-30", "", "1900-01-01", "9999-12-31", "yesterday", "20230101", "2023/13/01"]
ODD_ENDS = ["2022-01-01", "2030-01-01", "not a date", "2023-02-30", "2023-12-31"]
#: Sizes of huge cells: within and past a reader's limits.
HUGE = [1_000, 100_001, 300_000]


@cache
def orders() -> pd.DataFrame:
    """300 orders of 60 customers over 2023 (seeded), by date."""
    rng = np.random.default_rng(1)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 360, 300), unit="D")
    log = pd.DataFrame(
        {
            "customer": rng.integers(1, 61, 300),
            "date": days.strftime("%Y-%m-%d"),
            "amount": rng.gamma(2.0, 20.0, 300).round(2),
            "segment": rng.choice(["a", "b"], 300),
        }
    )
    return log.sort_values("date", ignore_index=True)


def mutate_log(data: st.DataObject, log: pd.DataFrame, done: list) -> None:
    """One cell-level mutation of the log."""
    kind = data.draw(
        st.sampled_from(["payload", "amount", "date", "huge", "drop"]), label="log mutation"
    )
    column = data.draw(st.sampled_from(list(log.columns)), label="column")
    rows = data.draw(st.integers(1, len(log)), label="rows")
    done.append(f"{kind} in {column} ({rows} rows)")
    if kind == "payload":
        log.loc[: max(rows, 10) - 1, column] = data.draw(st.sampled_from(PAYLOADS))
    elif kind == "amount" and "amount" in log:
        log.loc[: rows - 1, "amount"] = data.draw(st.sampled_from(ODD_AMOUNTS), label="amount")
    elif kind == "date" and "date" in log:
        log.loc[: rows - 1, "date"] = data.draw(st.sampled_from(ODD_DATES), label="date")
    elif kind == "huge":
        log.loc[rows - 1, column] = "x" * data.draw(st.sampled_from(HUGE), label="length")
    elif kind == "drop":
        del log[column]


def mapping_text(data: st.DataObject, done: list) -> str:
    """The column mapping as YAML, perhaps mutated."""
    mapping: dict[str, Any] = dict(MAPPING)
    kind = data.draw(
        st.sampled_from(["none"] * 6 + ["unknown", "missing", "absent", "bomb", "duplicate"]),
        label="mapping mutation",
    )
    if kind != "none":
        done.append(f"mapping {kind}")
    if kind == "unknown":
        mapping["bogus"] = "customer"
    elif kind == "missing":
        del mapping[data.draw(st.sampled_from(sorted(mapping)), label="field")]
    elif kind == "absent":
        mapping[data.draw(st.sampled_from(sorted(mapping)), label="field")] = "no_such_column"
    text = yaml.safe_dump(mapping)
    if kind == "bomb":
        levels = [f"l{k}: &l{k} [{', '.join([f'*l{k - 1}'] * 10)}]" for k in range(1, 10)]
        text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "\n".join(levels) + "\n" + text
    elif kind == "duplicate":
        text += "amount: amount\n"
    return text


def write_log(log: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":  # a column of mixed cells as text, as an export holds it
        mixed = [column for column in log if log[column].map(type).nunique() > 1]
        log.astype({column: str for column in mixed}).infer_objects().to_parquet(path, index=False)
    else:
        log.to_csv(path, index=False)


def check_orders(data: st.DataObject, cli: Any, outcomes: Any, trace: bool = False) -> None:
    """One mutated order log through ``orders analyze``, memory traced with ``trace``."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-orders-"))
    log = orders().astype(object).copy()
    done: list[str] = []
    for _ in range(data.draw(st.integers(0, 3), label="log mutations")):
        mutate_log(data, log, done)
    kind = data.draw(st.sampled_from(["csv", "parquet"]), label="format")
    path = folder / f"orders.{kind}"
    write_log(log, path)
    path = mangle(data, path, ["csv", "parquet", "xlsx", "txt"], done)
    mapping = folder / "mapping.yaml"
    mapping.write_text(mapping_text(data, done), encoding="utf-8")
    end = CALIBRATION_END
    if data.draw(st.integers(0, 5), label="odd end") == 5:
        end = data.draw(st.sampled_from(ODD_ENDS), label="calibration end")
        done.append(f"--calibration-end {end}")
    out = folder / "out"
    argv = ["orders", "analyze", str(path), "--mapping", str(mapping)]
    result = cli([*argv, "--calibration-end", end, "--out", str(out)], trace=trace)
    what = f"{path.name} with {'; '.join(done) or 'no mutation'} ({folder})"
    settle(result, outcomes["orders"], outcomes, out, what)


@settings(settings.get_profile("fuzz-fast"), max_examples=5)
@given(data=st.data())
def test_mutated_order_logs_give_one_line_or_safe_outputs(data, cli, outcomes):
    check_orders(data, cli, outcomes, trace=True)


@pytest.mark.slow
@settings(settings.get_profile("fuzz-slow"), max_examples=1000)
@given(data=st.data())
def test_a_thousand_mutated_order_logs_give_one_line_or_safe_outputs(data, cli, outcomes):
    check_orders(data, cli, outcomes, trace=True)
