"""Monthly cohort retention on hand-made logs."""

import pandas as pd
import pytest

from survey.orders.cohorts import cohort_retention
from survey.orders.frame import as_order_frame


def _orders():
    return as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b", "c", "c"],
                "date": ["2024-01-10", "2024-04-15", "2024-01-31", "2024-02-05", "2024-02-06"],
                "amount": 1.0,
            }
        )
    )


def test_active_share_by_month_end_with_a_60_day_window():
    table = cohort_retention(_orders(), churn_window_days=60, observation_end="2024-05-15")
    jan = table[table["cohort"] == "2024-01"].set_index("months_since_first")
    # a: active at month ends in [01-10, 03-10) and [04-15, 06-14): Jan 31, Feb 29, Apr 30
    # b: [01-31, 03-31): Jan 31, Feb 29 (Mar 31 is day 60 after, outside)
    assert jan["active"].tolist() == [2, 2, 0, 1]
    assert jan["n"].unique().tolist() == [2]
    assert jan["month_end"].iloc[-1] == pd.Timestamp("2024-04-30")  # May 31 is after the end
    feb = table[table["cohort"] == "2024-02"]
    assert feb["active_share"].tolist() == [1.0, 1.0, 0.0]  # c: [02-06, 04-06)


def test_longer_window_keeps_more_customers_active():
    short = cohort_retention(_orders(), churn_window_days=30)
    long = cohort_retention(_orders(), churn_window_days=365)
    assert (long["active"] >= short["active"]).all()
    assert (long["active_share"] == 1).all()


def test_window_must_be_positive():
    with pytest.raises(ValueError, match="churn_window_days 0"):
        cohort_retention(_orders(), churn_window_days=0)


def test_a_log_ending_before_its_first_month_end_has_no_rows():
    orders = as_order_frame(
        pd.DataFrame(
            {"customer_id": ["a", "b"], "date": ["2024-01-01", "2024-01-05"], "amount": 1.0}
        )
    )
    table = cohort_retention(orders)
    assert table.empty and list(table.columns) == [
        "cohort", "months_since_first", "month_end", "n", "active", "active_share",
    ]  # fmt: skip
