"""Orders per buyer over a year and the inactive share, on hand-made logs."""

import pandas as pd
import pytest

from survey.orders.activity import inactive_share, orders_per_buyer
from survey.orders.frame import as_order_frame


def _orders():
    return as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "a", "b", "c", "d"],
                "date": [
                    "2023-03-01",  # before the last 365 days (2023-07-01 .. 2024-06-29)
                    "2023-07-01", "2024-01-10", "2024-06-01",
                    "2023-08-01",  # b: last order long ago
                    "2024-06-29",  # c: first order 0 days before the end
                    "2024-03-31",  # d: first order 90 days before the end, none since
                ],
                "amount": 1.0,
            }
        )
    )  # fmt: skip


def test_orders_per_buyer_counts_the_last_365_days():
    row = orders_per_buyer(_orders()).iloc[0]
    # buyers in the window: a (3 orders), b, c, d (1 each): mean 1.5, SD 1, SE 1 / 2
    assert (row["orders_per_buyer"], row["n"]) == (1.5, 4)
    assert row["se"] == pytest.approx(0.5)
    assert row["window_start"] == pd.Timestamp("2023-07-01") and row["covered"]


def test_a_short_log_is_flagged_as_not_covering_the_window():
    row = orders_per_buyer(_orders(), observation_end="2023-09-01").iloc[0]
    assert row["n"] == 2 and not row["covered"]


def test_inactive_share_counts_customers_old_enough_to_have_churned():
    row = inactive_share(_orders(), window_days=90).iloc[0]
    # end 2024-06-29; eligible: first order on or before 2024-03-31 -> a, b, d; inactive
    # (no order after 2024-03-31): b, d
    assert (row["n"], row["inactive"]) == (3, 2)
    assert row["inactive_share"] == pytest.approx(2 / 3)
