"""Average order value and its customer-clustered SE."""

import numpy as np
import pandas as pd
import pytest

from survey.orders.frame import as_order_frame
from survey.orders.order_value import average_order_value


def test_aov_is_revenue_over_orders_with_the_ratio_estimator_se_by_hand():
    orders = as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b", "c"],
                "date": "2024-01-01",
                "amount": [10.0, 20.0, 30.0, 0.0],
            }
        )
    )
    row = average_order_value(orders).iloc[0]
    # AOV = 60 / 4 = 15; s = (30, 30, 0), k = (2, 1, 1): residuals s - 15 k = (0, 15, -15),
    # SE = sqrt(450 / (3 * 2)) / (4 / 3) = 6.4952
    assert row["aov"] == 15.0
    assert row["se"] == pytest.approx(np.sqrt(450 / 6) / (4 / 3))
    assert (row["n_orders"], row["n_customers"]) == (4, 3)


def test_with_one_order_per_customer_the_se_is_that_of_a_mean():
    amounts = np.random.default_rng(2).gamma(2.0, 20.0, size=500)
    orders = as_order_frame(
        pd.DataFrame(
            {"customer_id": np.arange(500).astype(str), "date": "2024-01-01", "amount": amounts}
        )
    )
    row = average_order_value(orders).iloc[0]
    assert row["aov"] == pytest.approx(amounts.mean())
    assert row["se"] == pytest.approx(amounts.std(ddof=1) / np.sqrt(500))
