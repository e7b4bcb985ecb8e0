"""Progress bars: drawn on a terminal only, silenced by --quiet, used by the long commands."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import termios

import numpy as np
import pandas as pd
import pytest

from experiments.cli import build_parser, main
from survey.pls import pls_bootstrap
from survey.progress import progress_bar, showing

#: What tqdm draws once a bar of 3 steps is done: "3/3 [00:00<00:00," (done/total, elapsed<left).
DONE_AND_LEFT = re.compile(r"3/3 \[\d\d:\d\d<\d\d:\d\d")


class FakeTerminal(io.StringIO):
    """Standard error as a terminal would be: ``isatty()`` is true."""

    def isatty(self) -> bool:
        return True


def _read_all(fd: int) -> str:
    chunks = []
    os.set_blocking(fd, False)
    while True:
        try:
            chunk = os.read(fd, 4096)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_bar_is_drawn_on_a_pseudo_terminal_with_done_total_and_time_left():
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80 columns
    with os.fdopen(follower, "w", encoding="utf-8") as terminal:
        assert showing(True, terminal)
        with progress_bar(total=3, desc="demo", unit="run", stream=terminal) as bar:
            bar.update(3)
        terminal.flush()
        drawn = _read_all(leader)
    os.close(leader)
    assert "demo" in drawn and DONE_AND_LEFT.search(drawn)


def test_no_bar_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    assert not showing(True, stream)
    with progress_bar(total=3, desc="demo", unit="run", stream=stream) as bar:
        bar.update(3)
    assert stream.getvalue() == ""


def test_quiet_silences_the_bar_on_a_terminal_too():
    terminal = FakeTerminal()
    assert not showing(False, terminal)
    with progress_bar(total=3, desc="demo", unit="run", enabled=False, stream=terminal) as bar:
        bar.update(3)
    assert terminal.getvalue() == ""


def test_a_closed_stream_is_no_terminal():
    stream = io.StringIO()
    stream.close()
    assert not showing(True, stream)


def test_a_resumed_bar_starts_from_the_steps_already_done():
    terminal = FakeTerminal()
    with progress_bar(total=3, initial=2, desc="demo", unit="run", stream=terminal) as bar:
        assert bar.n == 2
        bar.update()
    assert DONE_AND_LEFT.search(terminal.getvalue())


@pytest.mark.parametrize("command", ["run", "robustness"])
def test_no_progress_is_kept_as_the_old_name_of_quiet(command):
    for flag in ("--quiet", "--no-progress"):
        assert build_parser().parse_args([command, "config.yaml", flag]).no_progress


def test_the_pls_bootstrap_draws_its_bar_on_a_terminal(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    rng = np.random.default_rng(1)
    a = rng.normal(size=60)
    latent = {"a": a, "b": 0.6 * a + rng.normal(0, 0.8, 60)}
    data = pd.DataFrame(
        {
            f"{name}{k}": base + rng.normal(0, 0.5, 60)
            for name, base in latent.items()
            for k in (1, 2)
        }
    )
    blocks = {"A": ["a1", "a2"], "B": ["b1", "b2"]}
    pls_bootstrap(data, blocks, {"B": ["A"]}, n_boot=3, seed=1, progress=True)
    assert re.search(r"PLS bootstrap: .*3/3 \[", terminal.getvalue())
    quiet = FakeTerminal()
    monkeypatch.setattr("sys.stderr", quiet)
    pls_bootstrap(data, blocks, {"B": ["A"]}, n_boot=3, seed=1, progress=False)
    assert quiet.getvalue() == ""


@pytest.mark.parametrize("quiet", [[], ["--quiet"]])
def test_survey_analyze_draws_the_bootstrap_bar_on_a_terminal_unless_quiet(
    quiet, tmp_path, monkeypatch, capsys
):
    terminal = FakeTerminal()
    monkeypatch.setattr("sys.stderr", terminal)
    out = tmp_path / "out"
    args = ["survey", "analyze", "--example", "ecsi", "--out", str(out), "--no-plots"]
    assert main([*args, "--bootstrap", "3", *quiet]) == 0
    assert bool(re.search(r"PLS bootstrap: .*3/3 \[", terminal.getvalue())) is (not quiet)
    assert f"outputs written to {out}" in capsys.readouterr().out
