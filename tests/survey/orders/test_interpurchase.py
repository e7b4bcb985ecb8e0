"""Inter-purchase times on a hand-made log: gaps, mean, SD and quantiles by hand."""

import numpy as np
import pandas as pd
import pytest

from survey.orders.frame import as_order_frame
from survey.orders.interpurchase import interpurchase_summary, interpurchase_times


def _orders():
    return as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "a", "b", "b", "c"],
                "date": [
                    "2024-01-01", "2024-01-03", "2024-01-03 18:00", "2024-01-13",  # gaps 2, 10
                    "2024-02-01", "2024-03-02",  # gap 30 (2024 is a leap year)
                    "2024-05-05",  # no gap
                ],
                "amount": 1.0,
            }
        )
    )  # fmt: skip


def test_gaps_are_days_between_consecutive_purchase_days():
    assert interpurchase_times(_orders()).tolist() == [2, 10, 30]


def test_summary_by_hand():
    table = interpurchase_summary(_orders(), quantiles=[0.5, 0.25]).set_index("statistic")
    # gaps 2, 10, 30: mean 14, SD sqrt(((-12)^2 + (-4)^2 + 16^2) / 2) = sqrt(208)
    assert table.loc["mean", "value"] == 14
    assert table.loc["sd", "value"] == pytest.approx(np.sqrt(208))
    assert table.loc["q50", "value"] == 10
    assert table.loc["q25", "value"] == 6  # R's quantile(c(2, 10, 30), 0.25), type 7
    assert (table["n"] == 3).all()


def test_a_log_without_repeats_says_n_0_and_gives_no_numbers():
    orders = as_order_frame(
        pd.DataFrame({"customer_id": ["a"], "date": ["2024-01-01"], "amount": [1.0]})
    )
    table = interpurchase_summary(orders).set_index("statistic")
    assert table.loc["n", "value"] == 0 and table.loc[["mean", "sd", "q50"], "value"].isna().all()


def test_quantiles_outside_0_1_are_refused():
    with pytest.raises(ValueError, match=r"quantiles \[1.5\] outside \[0, 1\]"):
        interpurchase_summary(_orders(), quantiles=[1.5])
