"""Customer summary (frequency, recency, T, monetary value) against the CDNOW data of
Fader, Hardie & Lee (2005) and hand-computed small logs."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.errors import DataError
from survey.orders.cdnow import load_cdnow
from survey.orders.frame import as_order_frame
from survey.orders.rfm import (
    as_day,
    customer_summary,
    daily_transactions,
    first_purchase_day,
    period_days,
    purchase_days,
)


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    return customer_summary(
        load_cdnow("sample"), calibration_end="1997-09-30", observation_end="1998-06-30"
    )


def orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return as_order_frame(pd.DataFrame(rows, columns=["customer_id", "date", "amount"]))


def test_cdnow_sample_gives_every_customer_and_the_repeat_transactions(cdnow_summary):
    # 2,357 customers (FHL 2005); 2,457 repeat transactions in weeks 1-39 and 1,882 in
    # weeks 40-78 (computed here; the same counts give the published BG/NBD fit)
    assert len(cdnow_summary) == 2357
    assert cdnow_summary["frequency"].sum() == 2457
    assert cdnow_summary["frequency_holdout"].sum() == 1882
    assert (cdnow_summary["duration_holdout"] == 39.0).all()


def test_first_cdnow_customer_has_the_history_in_the_paper(cdnow_summary):
    # FHL (2005) sec. 5 and Hardie's spreadsheet: customer 1 has x = 2, t_x = 30.43,
    # T = 38.86 weeks (bought 1997-01-01, 01-18, 08-02; and 12-12 in the holdout)
    row = cdnow_summary.set_index("customer_id").loc["00004"]
    assert row["frequency"] == 2
    assert row["recency"] == pytest.approx(213 / 7)
    assert round(row["recency"], 2) == 30.43
    assert round(row["T"], 2) == 38.86
    assert row["frequency_holdout"] == 1
    # repeat transactions of $29.73 and $14.96 (the first, $29.33, is left out)
    assert row["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)


def test_orders_on_one_day_are_one_transaction_and_the_first_day_is_not_spend():
    log = orders(
        [
            ("a", "2024-01-01", 10.0),
            ("a", "2024-01-01", 5.0),  # same day as the first: part of the first purchase
            ("a", "2024-01-08", 3.0),
            ("a", "2024-01-08", 4.0),
            ("a", "2024-01-22", 1.0),
        ]
    )
    row = customer_summary(log, calibration_end="2024-01-29").iloc[0]
    assert row["frequency"] == 2
    assert row["monetary_value"] == pytest.approx((7.0 + 1.0) / 2)
    assert row["recency"] == pytest.approx(3.0)
    assert row["T"] == pytest.approx(4.0)
    assert daily_transactions(log)["amount"].tolist() == [15.0, 7.0, 1.0]


def test_calibration_end_day_is_inside_the_calibration_period():
    log = orders([("a", "2024-01-01", 1.0), ("a", "2024-01-15", 1.0), ("a", "2024-01-16", 1.0)])
    summary = customer_summary(log, calibration_end="2024-01-15", observation_end="2024-01-16")
    assert summary["frequency"].tolist() == [1]
    assert summary["frequency_holdout"].tolist() == [1]
    assert summary["duration_holdout"].tolist() == [1 / 7]


def test_customers_first_buying_after_calibration_end_are_left_out():
    log = orders([("a", "2024-01-01", 1.0), ("b", "2024-02-01", 1.0)])
    summary = customer_summary(log, calibration_end="2024-01-15")
    assert summary["customer_id"].tolist() == ["a"]
    assert summary["frequency"].tolist() == [0]
    assert np.isnan(summary["monetary_value"].iloc[0])


def test_days_and_weeks_differ_by_seven(cdnow_summary):
    log = load_cdnow("sample")
    days = customer_summary(log, calibration_end="1997-09-30", period="D")
    np.testing.assert_allclose(days["T"], 7 * cdnow_summary["T"])
    np.testing.assert_allclose(days["recency"], 7 * cdnow_summary["recency"])
    assert days["customer_id"].equals(cdnow_summary["customer_id"])


def test_holdout_counts_every_distinct_day_after_the_first(cdnow_summary):
    log = load_cdnow("sample")
    distinct_days = log.drop_duplicates(["customer_id", "date"]).groupby("customer_id").size()
    summary = cdnow_summary.set_index("customer_id")
    total = summary["frequency"] + summary["frequency_holdout"] + 1
    np.testing.assert_array_equal(total.to_numpy(), distinct_days.loc[summary.index].to_numpy())
    assert (summary["recency"] <= summary["T"]).all()


def test_summary_columns_and_types(cdnow_summary):
    assert list(cdnow_summary.columns) == [
        "customer_id",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "first_purchase",
        "frequency_holdout",
        "duration_holdout",
    ]
    assert cdnow_summary["frequency"].dtype == np.int64
    assert cdnow_summary["first_purchase"].dtype == np.dtype("datetime64[ns]")


def test_unknown_period_names_the_allowed_ones():
    with pytest.raises(DataError, match=r"period 'M' is not allowed; allowed: \['D', 'W'\]"):
        period_days("M")


def test_unparsable_calibration_end_is_named():
    with pytest.raises(DataError, match="calibration_end 'soon' is not a date"):
        as_day("soon", "calibration_end")


def test_observation_end_must_follow_calibration_end():
    log = orders([("a", "2024-01-01", 1.0)])
    with pytest.raises(DataError, match="must be after calibration_end"):
        customer_summary(log, calibration_end="2024-01-15", observation_end="2024-01-15")


def test_no_customer_before_calibration_end_is_an_error():
    log = orders([("a", "2024-03-01", 1.0)])
    with pytest.raises(DataError, match="no customer made a first purchase"):
        customer_summary(log, calibration_end="2024-01-15")


def test_a_frame_that_is_not_an_order_frame_is_refused():
    with pytest.raises(DataError, match="missing column"):
        customer_summary(pd.DataFrame({"customer_id": ["a"]}), calibration_end="2024-01-15")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcde"), st.integers(0, 60), st.floats(0, 100)),
        min_size=1,
        max_size=40,
    )
)
def test_summary_agrees_with_a_per_customer_count_on_any_log(rows):
    # property: the vectorised summary equals counting each customer's distinct days
    log = orders(
        [(c, str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=d))[:10], a) for c, d, a in rows]
    )
    end, stop = pd.Timestamp("2024-01-31"), pd.Timestamp("2024-03-01")
    if log["date"].min() > end:
        return
    summary = customer_summary(log, calibration_end=end, observation_end=stop).set_index(
        "customer_id"
    )
    for customer, own in log.groupby("customer_id"):
        days = own.groupby("date")["amount"].sum().sort_index()
        if days.index[0] > end:
            assert customer not in summary.index
            continue
        row = summary.loc[customer]
        calibration = days[days.index <= end]
        assert row["frequency"] == len(calibration) - 1
        assert row["frequency_holdout"] == len(days) - len(calibration)
        assert row["recency"] == (calibration.index[-1] - days.index[0]).days / 7
        assert row["T"] == (end - days.index[0]).days / 7
        if len(calibration) > 1:
            assert row["monetary_value"] == pytest.approx(calibration.iloc[1:].mean())


def test_purchase_days_merge_a_customers_orders_of_one_day_and_reuse_given_transactions():
    orders = as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["b", "a", "b", "b"],
                "date": ["1970-01-05", "1970-01-02", "1970-01-05", "1970-01-03"],
                "amount": 1.0,
            }
        )
    )
    customer, day = purchase_days(orders)
    assert customer.tolist() == [0, 1, 1] and day.tolist() == [1, 2, 4]  # b: days 2 and 4
    given = daily_transactions(orders).iloc[:1]
    assert purchase_days(orders, given)[1].tolist() == [1]


def test_first_purchase_day_is_each_customers_earliest_day_in_any_order():
    first = first_purchase_day(np.array([1, 0, 1, 0]), np.array([7, 9, 4, 3]))
    assert first.tolist() == [3, 4]
    assert first_purchase_day(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).size == 0
