"""The manifest of an experiment: what ran, from which config, with which software.

Examples
--------
>>> from experiments.config import ExperimentConfig
>>> manifest = new_manifest(ExperimentConfig(name="demo", replications=2), runs=2)
>>> manifest["seeds"]["spawn_keys"]
[[0], [1]]
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from experiments.config import ExperimentConfig
from experiments.errors import RunError
from experiments.seeds import seed_record

#: Distributions whose versions are recorded.
PACKAGES = (
    "shoplab",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pydantic",
    "pyarrow",
    "SALib",
    "pingouin",
    "dask",
    "distributed",
    "matplotlib",
)


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages results depend on.

    Returns
    -------
    dict

    Examples
    --------
    >>> "numpy" in package_versions()
    True
    """
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_manifest(config: ExperimentConfig, runs: int) -> dict[str, Any]:
    """The manifest of an experiment about to start.

    Parameters
    ----------
    config : ExperimentConfig
        The resolved config.
    runs : int
        Number of runs planned.

    Returns
    -------
    dict
        ``name``, ``config_sha256``, ``config`` (resolved), ``seeds``, ``runs``,
        ``versions``, ``started``, ``resumed`` (times), ``finished`` (None until done).
    """
    return {
        "name": config.name,
        "config_sha256": config.fingerprint(),
        "config": config.model_dump(mode="json", exclude={"model": {"strategies"}}),
        "seeds": seed_record(config.seed, config.replications),
        "runs": runs,
        "versions": package_versions(),
        "started": now(),
        "resumed": [],
        "finished": None,
    }


def check_resumable(manifest: dict[str, Any] | None, config: ExperimentConfig, where: str) -> None:
    """Check that results on disk come from the same config before resuming them.

    Parameters
    ----------
    manifest : dict or None
        The manifest on disk.
    config : ExperimentConfig
        The config being run.
    where : str
        The folder (named in the error).

    Raises
    ------
    RunError
        If the config hashes differ.
    """
    if manifest is None:
        return
    if manifest.get("config_sha256") != config.fingerprint():
        raise RunError(
            f"{where}: the results there come from a different config "
            f"(hash {str(manifest.get('config_sha256'))[:12]}, this one "
            f"{config.fingerprint()[:12]}); --overwrite to start over, or choose another --out"
        )
