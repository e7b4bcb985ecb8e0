"""The fuzzing harness: run a ``shoplab`` command in-process and sort its outcome.

Every fuzzed input must end in one of two ways: exit 0, or exit 2 with one short line
on standard error. A traceback (an exception out of ``experiments.cli.main``), a run
past the time bound (a SIGALRM breaks it off) or a traced peak past the memory bound
fails the example. Memory is traced (``tracemalloc``) for every config, and for survey
files and order logs in the slow variants (tracing triples the time of an analysis).
Outcomes are counted per target; with ``SHOPLAB_FUZZ_COUNTS=FILE`` the counts of the
session are written to FILE as JSON after every example (``docs/reliability.md`` quotes
a slow run's).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import signal
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from experiments.cli import build_parser, main

#: CI: few examples, the same ones every time (derandomized, no example database).
settings.register_profile(
    "fuzz-fast",
    max_examples=10,
    deadline=timedelta(seconds=240),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: ``-m slow``: thousands of random examples (still no database, so CI stays
#: reproducible; no shrinking, which replays slow examples for minutes: a failure
#: names its input and the folder holding it).
settings.register_profile(
    "fuzz-slow",
    max_examples=2000,
    deadline=timedelta(seconds=240),
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Longest one command may take before it counts as a hang (seconds). A clean error
#: takes well under one; a survey analysis with plots took 11 s, and 35 s under memory
#: tracing, on this shared machine at a load of 12.
TIME_BOUND = 120
#: Largest traced memory peak of one command (bytes): the issue's bound for a refused
#: YAML bomb is 200 MB, for an XLSX bomb 500 MB.
MEMORY_BOUND = 500_000_000
#: Longest error line: the CLI cuts messages at 500 characters
#: (``experiments.cli.LINE_CHARS``).
MESSAGE_BOUND = 600


class Hang(BaseException):
    """Raised by SIGALRM when a command runs past :data:`TIME_BOUND` (not an Exception,
    so no ``except Exception`` in the code under test swallows it)."""


@dataclass
class Result:
    """What one command did."""

    status: int | None
    out: str
    err: str
    seconds: float
    peak: int
    crash: BaseException | None = None

    @property
    def outcome(self) -> str:
        """``traceback``, ``hang``, ``over_memory``, ``clean_error``, ``accepted`` or
        ``bad_exit`` (an exit status other than 0 or 2, or a message of several lines)."""
        if isinstance(self.crash, Hang):
            return "hang"
        if self.crash is not None:
            return "traceback"
        if self.peak > MEMORY_BOUND:
            return "over_memory"
        if self.status == 0:
            return "accepted"
        if self.status == 2 and self.one_line:
            return "clean_error"
        return "bad_exit"

    @property
    def one_line(self) -> bool:
        """Exactly one short line on standard error, the CLI's ``shoplab: error: ...``."""
        lines = self.err.strip().splitlines()
        return (
            len(lines) == 1
            and lines[0].startswith("shoplab: error: ")
            and len(lines[0]) <= MESSAGE_BOUND
        )

    def explain(self, what: str) -> str:
        """A failure message with the input's description and what came out."""
        crash = f"{type(self.crash).__name__}: {self.crash}" if self.crash else ""
        return (
            f"{self.outcome} for {what}: exit {self.status}, {self.seconds:.1f} s, "
            f"peak {self.peak / 1e6:.0f} MB, stderr {self.err[-2000:]!r} {crash[:2000]}"
        )


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang(f"over {TIME_BOUND} s")


def run_cli(argv: Sequence[str], seconds: float = TIME_BOUND, trace: bool = True) -> Result:
    """Run ``shoplab ARGV`` in this process under the time bound (and memory tracing)."""
    return run_command(lambda: main(list(argv)), seconds, trace)


def run_command(
    command: Callable[[], int], seconds: float = TIME_BOUND, trace: bool = True
) -> Result:
    """Run ``command()`` (returning an exit status) as :func:`run_cli` runs ``main``."""
    out, err = io.StringIO(), io.StringIO()
    status, crash = None, None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = command()
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException as error:  # noqa: BLE001 - anything else is what we look for
        if isinstance(error, KeyboardInterrupt):
            raise
        crash = error
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        seconds_taken = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        if trace:
            tracemalloc.stop()
    return Result(status, out.getvalue(), err.getvalue(), seconds_taken, peak, crash)


@pytest.fixture(scope="session")
def cli() -> Callable[..., Result]:
    """:func:`run_cli`, with every command module imported first (so the first example
    is not charged for the imports)."""
    build_parser()
    return run_cli


@pytest.fixture(scope="session")
def command() -> Callable[..., Result]:
    """:func:`run_command`: a callable run under the same bounds as a CLI command."""
    return run_command


class Outcomes(defaultdict):
    """Outcome counts per fuzzed target; :meth:`save` writes them to ``$SHOPLAB_FUZZ_COUNTS``."""

    def __init__(self) -> None:
        super().__init__(Counter)

    def save(self) -> None:
        """Write the counts so far (after every example: a long run cut short keeps them)."""
        path = os.environ.get("SHOPLAB_FUZZ_COUNTS")
        if path:
            with open(path, "w", encoding="utf-8") as file:
                json.dump({target: dict(count) for target, count in self.items()}, file, indent=1)


@pytest.fixture(scope="session")
def outcomes() -> Iterator[Outcomes]:
    """Outcome counts per fuzzed target, written to ``$SHOPLAB_FUZZ_COUNTS``."""
    counts = Outcomes()
    yield counts
    counts.save()


#: Cell text a spreadsheet would run, and script an HTML page would.
PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    '=HYPERLINK("http://example.com","x")',
    "\t=1+1",
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
]


def mutate_bytes(data: st.DataObject, raw: bytes, done: list) -> bytes:
    """One byte-level mutation: truncate, flip bytes or insert binary junk."""
    kind = data.draw(st.sampled_from(["truncate", "flip", "junk"]), label="byte mutation")
    seed = data.draw(st.integers(0, 2**32 - 1), label="byte seed")
    rng = random.Random(seed)
    done.append(f"{kind} bytes (seed {seed})")
    at = rng.randrange(max(len(raw), 1))
    if kind == "truncate":
        return raw[:at]
    if kind == "flip":
        flipped = bytearray(raw)
        for index in rng.sample(range(len(raw)), min(len(raw), rng.randint(1, 20))):
            flipped[index] ^= 1 << rng.randrange(8)
        return bytes(flipped)
    return raw[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))) + raw[at:]


#: What a spreadsheet would run as a formula at the start of a cell (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The script the data fuzzers plant (in :data:`PAYLOADS`); no HTML output may hold it.
SCRIPT = "<script>alert(1)</script>"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def unsafe_outputs(folder: Path) -> list[str]:
    """Cells of CSV/XLSX outputs a spreadsheet would run, and HTML holding :data:`SCRIPT`.

    A CSV cell starting with a formula character is safe only as a number (``-0.5``);
    an XLSX cell only as a number (a text cell or a formula cell is not).
    """
    from openpyxl import load_workbook

    csv.field_size_limit(2**31 - 1)  # a long cell is read, not a harness error
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".csv":
            with open(path, encoding="utf-8", newline="") as file:
                for row in csv.reader(file):
                    found += [
                        f"{path.name}: {cell[:40]!r}"
                        for cell in row
                        if cell.startswith(FORMULA_START) and not _number(cell)
                    ]
        elif path.suffix == ".xlsx":
            book = load_workbook(path, read_only=True)
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    found += [
                        f"{path.name}: {cell[:40]!r}"
                        for cell in row
                        if isinstance(cell, str) and cell.startswith(FORMULA_START)
                    ]
            book.close()
        elif path.suffix == ".html" and SCRIPT in path.read_text(encoding="utf-8"):
            found.append(f"{path.name}: holds {SCRIPT} unescaped")
    return found


def mangle(data: st.DataObject, path: Path, suffixes: Sequence[str], done: list) -> Path:
    """Perhaps mutate a written file's bytes, and perhaps give it one of ``suffixes``."""
    kind = path.suffix[1:]
    if data.draw(st.integers(0, 2), label="byte mutation") == 2:
        path.write_bytes(mutate_bytes(data, path.read_bytes(), done))
    suffix = data.draw(st.sampled_from([kind, kind, kind, *suffixes]))
    if suffix != kind:
        done.append(f"{kind} named .{suffix}")
        path = path.rename(path.with_suffix(f".{suffix}"))
    return path


def settle(result: Result, counts: Counter, outcomes: Outcomes, out: Path, what: str) -> None:
    """Count a data file's outcome; fail on anything but success or one line, or on an
    output a spreadsheet or a browser would run (:func:`unsafe_outputs`)."""
    counts["tried"] += 1
    counts[result.outcome] += 1
    counts["seconds"] += result.seconds
    outcomes.save()
    assert result.outcome in {"clean_error", "accepted"}, result.explain(what)
    unsafe = unsafe_outputs(out) if out.exists() else []
    assert not unsafe, f"unsafe outputs for {what}: {unsafe[:5]}"
