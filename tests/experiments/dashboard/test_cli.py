from __future__ import annotations

import socket

import pytest

from experiments.cli import main
from experiments.dashboard.cli import bind
from experiments.errors import RunError


def test_a_port_in_use_is_one_line_naming_the_address():
    taken = bind("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(RunError, match=rf"^dashboard: cannot listen on 127.0.0.1:{port}: "):
            bind("127.0.0.1", port)
    finally:
        taken.close()


def test_the_default_address_is_loopback():
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.family == socket.AF_INET and sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "missing.yaml"),
        (["experiments/configs/quickstart.yaml", "--arm", "magic"], "unknown arm 'magic'"),
        (["--set", "horizon=3"], "--set needs a CONFIG"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2_before_any_server_starts(args, message, capsys):
    assert main(["dashboard", *args, "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_help_says_what_the_dashboard_shows(capsys):
    with pytest.raises(SystemExit):
        main(["dashboard", "--help"])
    out = capsys.readouterr().out
    assert "SolaraViz" in out or "sliders" in out
    assert "127.0.0.1" in out
