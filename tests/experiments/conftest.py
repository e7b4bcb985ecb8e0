import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.config import ExperimentConfig
from experiments.results import ExperimentResults
from experiments.runner import run_experiment

#: 2 arms x 2 scenarios x 3 replications of 400 shoppers for 40 days.
TINY = {
    "name": "tiny",
    "horizon": 40,
    "replications": 3,
    "seed": 11,
    "model": {"population": {"size": 400}},
    "scenarios": {"base": {}, "price_war": {"platforms.assortment_leader.price_index": 0.8}},
    "strategies": {
        "baseline": [],
        "points": [{"kind": "loyalty_points", "earn_rate": 2}],
    },
    "outputs": {"plots": False},
}


@pytest.fixture
def tiny() -> dict:
    """The tiny config as data (a fresh copy)."""
    return copy.deepcopy(TINY)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write config data (a dict, or YAML text) to a file in tmp_path."""

    def write(data: dict | str, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
        path.write_text(text)
        return path

    return write


@pytest.fixture
def tiny_config(write_config: Callable[..., Path], tiny: dict) -> Path:
    """The tiny config as a file."""
    return write_config(tiny)


@pytest.fixture
def finished(tiny: dict, tmp_path: Path) -> ExperimentResults:
    """The tiny experiment, run for 35 days (the first monthly cohort closes on day 30)."""
    tiny["horizon"] = 35
    return run_experiment(ExperimentConfig.model_validate(tiny), tmp_path, progress=False)


@pytest.fixture
def noisy_segments() -> pd.DataFrame:
    """Baseline and one arm, 4 replications: segment 'young' differs by noise (mean -0.25,
    changing sign), 'rural' by +50 plus the same noise; profit_young by exactly -3."""
    rng = np.random.default_rng(3)
    base_young, base_rural = rng.normal(100, 20, 4), rng.normal(200, 20, 4)
    noise = np.array([1.5, -2.0, 0.5, -1.0])
    return pd.DataFrame(
        {
            "strategy": ["baseline"] * 4 + ["arm"] * 4,
            "scenario": "base",
            "replication": [0, 1, 2, 3] * 2,
            "active_end_young": np.r_[base_young, base_young + noise],
            "active_end_rural": np.r_[base_rural, base_rural + 50 + noise],
            "profit_young": np.r_[base_young, base_young - 3],
            "profit_rural": np.r_[base_rural, base_rural + noise],
        }
    )
