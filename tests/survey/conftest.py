"""Shared fixtures: the shipped example surveys (package data, never /work/shared)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pyreadstat
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


@pytest.fixture(scope="session")
def ecsi_labels() -> dict[str, int]:
    """Text labels of the ends of the ECSI 1-10 scale, as exported files write them."""
    return {"非常不满意": 1, "非常满意": 10}


@pytest.fixture(scope="session")
def ecsi_wjx(ecsi: pd.DataFrame) -> pd.DataFrame:
    """ECSI as a 问卷星 export: submission time, duration, IP and source columns in front."""
    rng = np.random.default_rng(5)
    meta = pd.DataFrame(
        {
            "提交答卷时间": pd.date_range("2024-03-01", periods=len(ecsi), freq="h").astype(str),
            "所用时间": rng.integers(120, 900, len(ecsi)),
            "来源IP": [f"10.7.{k // 200}.{k % 200}" for k in range(len(ecsi))],
            "来源": rng.choice(["微信", "手机提交"], len(ecsi)),
        }
    )
    return pd.concat([meta, ecsi], axis=1)


@pytest.fixture(scope="session")
def write_ecsi_xlsx(ecsi, ecsi_wjx, ecsi_labels):
    """Write ECSI as an XLSX with full question texts as headers and the scale's ends as
    text labels, on sheet 答卷 after a cover sheet; returns the writer (path -> None)."""

    def write(path) -> None:
        items = list(ecsi.columns)
        headers = {
            item: f"第{k + 1}题：您对该运营商的评价（{k + 1}）" for k, item in enumerate(items)
        }
        coded = {code: label for label, code in ecsi_labels.items()}
        sheet = ecsi.astype(object).map(lambda v: coded.get(v, v)).rename(columns=headers)
        with pd.ExcelWriter(path) as writer:
            pd.DataFrame({"说明": ["封面"]}).to_excel(writer, sheet_name="封面", index=False)
            pd.concat([ecsi_wjx.iloc[:, :4], sheet], axis=1).to_excel(
                writer, sheet_name="答卷", index=False
            )

    return write


@pytest.fixture(scope="session")
def write_ecsi_matrix_xlsx(ecsi, ecsi_wjx, ecsi_labels):
    """Write ECSI as an XLSX export by text of a questionnaire with one matrix question per
    construct (``第N题：stem—statement``; the single complaints item a question of its
    own), the scale's ends as text labels, and device metadata columns; returns the writer."""

    def write(path) -> None:
        prefixes = list(dict.fromkeys(item.rstrip("0123456789") for item in ecsi.columns))
        headers = {}
        for number, prefix in enumerate(prefixes, start=1):
            rows = [item for item in ecsi.columns if item.rstrip("0123456789") == prefix]
            stem = f"第{number}题：请评价您对该运营商的看法（{number}）"
            for k, item in enumerate(rows, start=1):
                headers[item] = stem if len(rows) == 1 else f"{stem}—陈述{k}"
        coded = {code: label for label, code in ecsi_labels.items()}
        sheet = ecsi.astype(object).map(lambda v: coded.get(v, v)).rename(columns=headers)
        devices = pd.DataFrame(
            {
                "设备": np.resize(["iPhone", "Android", "PC"], len(ecsi)),
                "浏览器": np.resize(["微信内置", "Chrome"], len(ecsi)),
            }
        )
        with pd.ExcelWriter(path) as writer:
            pd.concat([ecsi_wjx.iloc[:, :4], devices, sheet], axis=1).to_excel(
                writer, sheet_name="答卷", index=False
            )

    return write


@pytest.fixture(scope="session")
def write_ecsi_sav(ecsi):
    """Write ECSI as an SPSS .sav with question labels and value labels of the scale's
    ends, plus one respondent who answered 99 (declared user-missing) everywhere;
    returns the writer (path -> None)."""

    def write(path) -> None:
        data = pd.concat(
            [ecsi.astype(float), pd.DataFrame([[99.0] * ecsi.shape[1]], columns=ecsi.columns)],
            ignore_index=True,
        )
        pyreadstat.write_sav(
            data,
            str(path),
            column_labels=[f"问题 {item}" for item in ecsi.columns],
            variable_value_labels={item: {1.0: "非常不满意", 10.0: "非常满意"} for item in ecsi},
            missing_ranges={item: [99.0] for item in ecsi},
        )

    return write


def _tmpfs(folder: Path, options: str):
    """Mount a 64 KB tmpfs at ``folder`` for the test, unmount it after (needs root)."""
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"{options}size=64k", "tmpfs", str(folder)]
    done = subprocess.run(command, capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KB file system: a real full disk (skipped where tmpfs cannot be mounted)."""
    yield from _tmpfs(tmp_path / "tiny", "")


@pytest.fixture
def read_only_disk(tmp_path):
    """A read-only file system (not only a mode, which root would ignore)."""
    yield from _tmpfs(tmp_path / "ro", "ro,")
