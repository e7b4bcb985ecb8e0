"""The ``shoplab dashboard`` command: serve the live Mesa dashboard of one run.

The config is checked first (a bad one is one line and exit status 2, before any
server starts); the page (:mod:`experiments.dashboard.app`) is then served by
Solara's server on loopback by default, and the command prints its address.

Examples
--------
>>> from experiments.cli import main
>>> main(["dashboard", "experiments/configs/quickstart.yaml"])  # doctest: +SKIP
shoplab dashboard: quickstart · base · baseline
shoplab dashboard: http://127.0.0.1:8765/ (Ctrl-C stops it)
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import warnings
from pathlib import Path

from experiments.errors import RunError

#: Environment variable that hands the command's arguments (JSON) to the served page.
SETUP_ENV = "SHOPLAB_DASHBOARD"

#: Loopback: the dashboard is not reachable from other machines unless ``--host`` says so.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free port chosen by the system).

    Parameters
    ----------
    host : str
        Address to listen on.
    port : int
        Port, 0 for any free one.

    Returns
    -------
    socket.socket

    Raises
    ------
    RunError
        If the address cannot be bound (port in use, unknown host).

    Examples
    --------
    >>> sock = bind("127.0.0.1", 0)
    >>> sock.getsockname()[1] > 0
    True
    >>> sock.close()
    """
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
        sock.listen(128)
    except OSError as err:
        raise RunError(
            f"dashboard: cannot listen on {host}:{port}: {err.strerror or err}"
        ) from None
    return sock


def serve(arguments: dict[str, object], host: str, port: int) -> None:
    """Serve the dashboard page until interrupted, printing its address first.

    Parameters
    ----------
    arguments : dict
        Keyword arguments of :func:`experiments.dashboard.model.load_setup`.
    host : str
        Address to listen on.
    port : int
        Port (0: a free one).
    """
    sock = bind(host, port)
    os.environ[SETUP_ENV] = json.dumps(arguments)
    os.environ["SOLARA_APP"] = "experiments.dashboard.app"
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")  # a closed network
    import solara.server.settings
    import uvicorn

    solara.server.settings.main.mode = "production"
    # plain http on loopback: the session cookie is SameSite=Lax, as solara falls back to
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    bound = sock.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning")
    print(f"shoplab dashboard: http://{shown}:{bound[1]}/ (Ctrl-C stops it)", flush=True)
    uvicorn.Server(config).run(sockets=[sock])


def _run(args: argparse.Namespace) -> int:
    # Solara checks the rules of hooks of every component when it is defined, and warns
    # (a long warning, at start-up) about one in Mesa 3.3.1's SolaraViz that is not ours
    os.environ.setdefault("SOLARA_CHECK_HOOKS", "off")
    from experiments.dashboard.model import load_setup

    arguments = {
        "config": None if args.config is None else str(args.config),
        "overrides": list(args.overrides),
        "scenario": args.scenario,
        "arm": args.arm,
    }
    setup = load_setup(**arguments)
    print(f"shoplab dashboard: {setup.title}", flush=True)
    serve(arguments, args.host, args.port)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        From :meth:`argparse.ArgumentParser.add_subparsers`.
    """
    parser = subparsers.add_parser(
        "dashboard",
        help="explore one run live in the browser (Mesa's SolaraViz)",
        description="Serve a live view of one run of the shopper model: sliders for the "
        "main parameters and the population size, a switch and a slider per strategy, "
        "plots of customers, satisfaction, loyalty, NPS, revenue and profit, a per-segment "
        "breakdown and a sample of the social network coloured by state. With the "
        "controls as they start, the run is replication 0 of the chosen arm and scenario "
        "of `shoplab run CONFIG`.",
    )
    parser.add_argument(
        "config",
        nargs="?",
        type=Path,
        help="experiment config whose model, scenarios, arms, horizon and seed are used "
        "(default: the default model, every strategy offered)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a config field, VALUE parsed as YAML (repeatable)",
    )
    parser.add_argument("--scenario", help="scenario of the config (default: its first)")
    parser.add_argument("--arm", default="baseline", help="arm whose strategies start switched on")
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )
    parser.set_defaults(func=_run)
