"""The compiled stages give the numbers the numpy model gave, seed for seed.

``data/same_numbers.json`` was recorded with commit 3cd356e, the model before any
stage was compiled (:mod:`sim.jit`), by :func:`fingerprint` below: for five fixed-seed
setups of 60 days, the run summary, the sum of every daily metric and two checksums of
every shopper column (its sum and its index-weighted sum, which moves if values
trade places). The speed-up promised to change no number; these tests hold it to that.
The tolerance, 1e-12 relative, only forgives a last-bit difference in a checksum; a
changed rule or random draw moves these numbers far more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import ShopperModel

RECORDED = json.loads((Path(__file__).parent / "data" / "same_numbers.json").read_text())

CASES: dict[str, dict[str, Any]] = {
    "default": {"population": {"size": 3000}},
    "fully_mixed": {"population": {"size": 2000}, "network": {"kind": "fully_mixed"}},
    "coupons_at_risk_and_winback": {
        "population": {"size": 3000},
        "strategies": [
            {"kind": "coupons", "discount": 0.10, "target": {"kind": "at_risk"}},
            {"kind": "winback"},
        ],
    },
    "share_to_unlock_and_referrals": {
        "population": {"size": 3000},
        "strategies": [{"kind": "share_to_unlock"}, {"kind": "referral_rewards"}],
    },
    "growing_no_groups": {
        "population": {"size": 3000},
        "market": {"growth_per_year": 0.3},
        "group_buy": {"enabled": False},
        "horizon_days": 60,
    },
}


def fingerprint(params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Summary, daily metric sums and shopper column checksums of a 60-day run, seed 2024."""
    model = ShopperModel(params, rng=2024)
    model.run(60)
    daily = model.daily_metrics()
    columns = {}
    for name in model.shoppers.__dataclass_fields__:
        values = getattr(model.shoppers, name)
        if isinstance(values, np.ndarray) and values.size:
            weights = np.arange(1, values.size + 1, dtype=float)
            columns[name] = [
                float(np.sum(values, dtype=float)),
                float(np.dot(values.astype(float), weights)),
            ]
    return {
        "summary": {key: float(value) for key, value in model.summary().items()},
        "daily_sums": {c: float(daily[c].astype(float).sum()) for c in daily.columns},
        "columns": columns,
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_fixed_seed_run_gives_the_numbers_recorded_before_the_stages_were_compiled(case):
    assert sorted(RECORDED) == sorted(CASES)
    now, then = fingerprint(CASES[case]), RECORDED[case]
    for part in ("summary", "daily_sums", "columns"):
        assert sorted(now[part]) == sorted(then[part]), part
        for key, value in then[part].items():
            assert now[part][key] == pytest.approx(value, rel=1e-12, abs=1e-12, nan_ok=True), (
                f"{part}: {key}"
            )
