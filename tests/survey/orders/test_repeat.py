"""Repeat-purchase rate on a hand-made log."""

import math

import pandas as pd
import pytest

from survey.orders.frame import as_order_frame
from survey.orders.repeat import repeat_purchase_rate


def test_repeat_rate_counts_purchase_days_not_orders():
    orders = as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b", "b", "c", "d", "d", "d"],
                "date": [
                    "2024-01-01", "2024-03-01",  # a: two days -> repeat
                    "2024-01-05", "2024-01-05",  # b: two orders on one day -> not a repeat
                    "2024-02-01",  # c: one order
                    "2024-01-01", "2024-01-02", "2024-01-02",  # d: two days -> repeat
                ],
                "amount": 1.0,
            }
        )
    )  # fmt: skip
    row = repeat_purchase_rate(orders).iloc[0]
    assert (row["customers"], row["repeat_customers"], row["repeat_rate"]) == (4, 2, 0.5)
    assert row["se"] == pytest.approx(math.sqrt(0.5 * 0.5 / 4))  # binomial, by hand: 0.25
