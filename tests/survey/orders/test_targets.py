"""Order-log targets: the calibration's behavioural-targets reader accepts them; SEs and n."""

import json

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.config import read_behavioural_targets
from survey.errors import DataError
from survey.orders.cdnow import load_cdnow
from survey.orders.frame import as_order_frame
from survey.orders.targets import SCHEMA, order_targets, read_order_targets, summary_tables
from survey.targets import write_targets


@pytest.fixture(scope="module")
def cdnow_targets():
    return order_targets(summary_tables(load_cdnow(), n_boot=50, seed=1), source="CDNOW sample")


def test_the_calibration_reads_the_file_with_every_target(tmp_path, cdnow_targets):
    path = write_targets(cdnow_targets, tmp_path / "targets.json")
    read = read_behavioural_targets(path)
    assert set(read.targets) == {
        "orders_per_buyer",
        "aov",
        "repeat_purchase_rate",
        "inactive_share_90",
        "top20_spend_share",
    }
    assert read.targets["aov"].n == 2357 and read.source == "CDNOW sample"
    assert read_order_targets(path)["schema"] == SCHEMA


def test_values_are_the_summaries_with_positive_ses(cdnow_targets):
    targets = cdnow_targets["targets"]
    # CDNOW sample: 2,357 customers, 6,919 purchases, $244,091.94 (the shipped file)
    assert targets["aov"]["value"] == pytest.approx(244091.94 / 6919)
    for name, target in targets.items():
        assert target["se"] > 0 and target["n"] > 0 and target["derivation"], name


def test_same_seed_same_targets():
    orders = load_cdnow()
    first = order_targets(summary_tables(orders, n_boot=30, seed=4), source="x")
    again = order_targets(summary_tables(orders, n_boot=30, seed=4), source="x")
    assert json.dumps(first) == json.dumps(again)


def test_a_target_without_a_positive_se_is_left_out():
    orders = as_order_frame(
        pd.DataFrame(
            {"customer_id": ["a", "a"], "date": ["2024-01-01", "2024-06-01"], "amount": 5.0}
        )
    )
    targets = order_targets(summary_tables(orders, n_boot=10), source="one customer")["targets"]
    assert "aov" not in targets and "repeat_purchase_rate" not in targets
    assert all(np.isfinite(t["se"]) and t["se"] > 0 for t in targets.values())


def test_a_survey_targets_file_is_refused(tmp_path):
    path = tmp_path / "targets.json"
    path.write_text(json.dumps({"schema": "shoplab.survey.targets/1"}))
    with pytest.raises(DataError, match="not a behavioural targets file"):
        read_order_targets(path)
