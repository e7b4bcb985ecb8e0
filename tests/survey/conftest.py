"""Shared fixtures: the shipped example surveys (package data, never /work/shared)."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from survey.codebook import Codebook, load_codebook
from survey.datasets import example_paths

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def ecsi() -> pd.DataFrame:
    return pd.read_csv(example_paths("ecsi").data)


@pytest.fixture(scope="session")
def ecsi_codebook() -> Codebook:
    return load_codebook(example_paths("ecsi").codebook)


@pytest.fixture(scope="session")
def ecsi_blocks(ecsi_codebook: Codebook) -> dict[str, list[str]]:
    return {name: ecsi_codebook.items_of(name) for name in ecsi_codebook.constructs}


@pytest.fixture(scope="session")
def bank() -> pd.DataFrame:
    return pd.read_csv(example_paths("bank").data)
