import copy
from pathlib import Path

import pytest
import yaml

#: The toy with a known answer: recommendation's purchase-rate multiplier spans harmful
#: (0.5: half the orders) to very helpful (1.5), so it alone decides whether the
#: recommendation arm or the baseline makes more profit; the coupon discount belongs to
#: a strategy no arm uses, so it changes nothing (its runs are bit-identical).
#: 2 arms x 1 scenario x 4 x (2 + 2) design points of 200 shoppers for 25 days.
TOY = {
    "name": "toy",
    "horizon": 25,
    "replications": 1,
    "seed": 5,
    "model": {"population": {"size": 200}},
    "strategies": {
        "baseline": [],
        "reco": [{"kind": "recommendation", "quality_bonus": 0}],
    },
    "uncertain": {
        "strategies.recommendation.purchase_rate_mult": {
            "dist": "uniform",
            "low": 0.5,
            "high": 1.5,
            "source": "test: harmful to helpful",
        },
        "strategies.coupons.discount": {"dist": "uniform", "low": 0.01, "high": 0.3},
    },
    "robustness": {"samples": 4},
    "outputs": {"plots": False},
}

DECIDING = "strategies.recommendation.purchase_rate_mult"
IRRELEVANT = "strategies.coupons.discount"


@pytest.fixture
def toy() -> dict:
    """The toy config as data (a fresh copy)."""
    return copy.deepcopy(TOY)


@pytest.fixture
def toy_file(tmp_path: Path, toy: dict) -> Path:
    """The toy config as a YAML file."""
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(toy, sort_keys=False))
    return path
