"""Holdout validation on CDNOW (Fader, Hardie & Lee 2005, Figures 2-4) and small logs."""

import numpy as np
import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit, expected_repeat, fit_bgnbd
from survey.orders.cdnow import load_cdnow
from survey.orders.frame import as_order_frame
from survey.orders.holdout import cumulative_tracking, holdout_by_frequency
from survey.orders.rfm import customer_summary

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow("sample")


@pytest.fixture(scope="module")
def summary(cdnow) -> pd.DataFrame:
    return customer_summary(cdnow, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END)


@pytest.fixture(scope="module")
def fit(summary) -> BGNBDFit:
    return fit_bgnbd(summary)


@pytest.fixture(scope="module")
def tracking(cdnow, fit) -> pd.DataFrame:
    return cumulative_tracking(
        cdnow, fit, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END
    )


def test_buckets_cover_every_customer_and_the_holdout_transactions(fit, summary):
    table = holdout_by_frequency(fit, summary)
    assert table["bucket"].tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["n"].sum() == 2357
    # 1,882 repeat transactions of the sample in weeks 40-78 (counted from the log)
    assert (table["n"] * table["actual"]).sum() == pytest.approx(1882)
    # customers without repeats: 1,411 of them, 0.237 holdout transactions each
    assert table["n"].iloc[0] == 1411
    assert table["actual"].iloc[0] == pytest.approx(334 / 1411)


def test_conditional_expectations_track_the_actual_means(fit, summary):
    # FHL (2005) Figure 4: the conditional expectations follow the actual means closely
    table = holdout_by_frequency(fit, summary)
    assert np.all(np.abs(table["expected"] - table["actual"]) < 0.4)
    assert np.all(np.diff(table["expected"]) > 0)


def test_tracking_covers_78_weeks_with_39_in_calibration(tracking):
    assert len(tracking) == 78
    assert tracking["calibration"].sum() == 39
    assert tracking["date"].iloc[38] == pd.Timestamp(CALIBRATION_END)
    assert tracking["date"].iloc[-1] == pd.Timestamp(OBSERVATION_END)


def test_tracking_counts_the_repeat_transactions_of_calibration_and_holdout(tracking):
    assert tracking["actual_cumulative"].iloc[38] == 2457
    assert tracking["actual_cumulative"].iloc[-1] == 2457 + 1882
    assert tracking["actual"].sum() == tracking["actual_cumulative"].iloc[-1]
    assert tracking["expected"].sum() == pytest.approx(tracking["expected_cumulative"].iloc[-1])


def test_expected_at_calibration_end_sums_each_customers_unconditional_expectation(
    tracking, fit, summary
):
    # the last calibration day is day T of every customer: sum_i E[X(T_i)]
    by_customer = expected_repeat(fit, summary["T"].to_numpy()).sum()
    assert tracking["expected_cumulative"].iloc[38] == pytest.approx(by_customer)


def test_expected_cumulative_is_close_to_actual_over_78_weeks(tracking):
    # FHL (2005) Figure 3: the BG/NBD forecast stays near the actual curve; here the
    # model expects 4,161 against 4,339 actual at week 78 (-4.1%)
    last = tracking.iloc[-1]
    assert last["expected_cumulative"] == pytest.approx(last["actual_cumulative"], rel=0.06)


def test_customers_first_buying_after_calibration_are_not_tracked():
    fit = BGNBDFit(0.243, 4.414, 0.793, 2.426, {}, np.eye(4), 0.0, 0, True)
    log = as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "b", "b"],
                "date": ["2024-01-01", "2024-01-09", "2024-01-10", "2024-01-12"],
                "amount": 1.0,
            }
        )
    )
    table = cumulative_tracking(
        log, fit, calibration_end="2024-01-07", observation_end="2024-01-14"
    )
    assert table["actual"].tolist() == [0, 1]
    assert table["calibration"].tolist() == [True, False]


def test_holdout_columns_are_required(fit):
    summary = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0]})
    with pytest.raises(DataError, match="frequency_holdout"):
        holdout_by_frequency(fit, summary)


def test_observation_end_before_calibration_end_is_refused(cdnow, fit):
    with pytest.raises(DataError, match="must be after calibration_end"):
        cumulative_tracking(cdnow, fit, calibration_end="1997-09-30", observation_end="1997-09-01")
