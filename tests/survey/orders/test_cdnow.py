"""The shipped CDNOW log: counts from the data's README (Fader & Hardie; lifetimes 0.11.3)."""

import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.cdnow import cdnow_path, load_cdnow
from survey.orders.frame import check_orders


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return load_cdnow("sample")


def test_sample_has_the_published_purchases_and_customers(sample):
    # README of the data: 6,919 purchases of 2,357 customers, Q1 1997 to end of June 1998
    assert len(sample) == 6919
    assert sample["customer_id"].nunique() == 2357
    assert sample["date"].min() == pd.Timestamp("1997-01-01")
    assert sample["date"].max() == pd.Timestamp("1998-06-30")


def test_sample_is_an_order_frame_with_quantity(sample):
    check_orders(sample)
    assert list(sample.columns) == ["customer_id", "date", "amount", "quantity"]
    assert sample["quantity"].min() >= 1


def test_master_file_has_ten_times_the_customers():
    master = load_cdnow("master")
    assert len(master) == 69659
    assert master["customer_id"].nunique() == 23570


def test_sample_customers_keep_their_master_id_and_purchases(sample):
    master = load_cdnow("master")
    keys = ["customer_id", "date", "amount", "quantity"]
    matched = sample.merge(master.drop_duplicates(keys), on=keys, how="left", indicator=True)
    assert (matched["_merge"] == "both").all()
    # the first customer of the sample file is master customer 00004
    assert sample["customer_id"].iloc[0] == "00004"


def test_zero_value_purchases_are_kept_as_first_purchases(sample):
    zero = sample[sample["amount"] == 0]
    assert len(zero) == 8
    first_day = sample.groupby("customer_id")["date"].min()
    assert (zero["date"].to_numpy() == first_day[zero["customer_id"]].to_numpy()).all()


def test_unknown_file_lists_the_allowed_ones():
    with pytest.raises(DataError, match=r"allowed: \['master', 'sample'\]"):
        cdnow_path("full")


def test_attribution_is_kept_beside_the_data():
    readme = (cdnow_path().parent / "README.md").read_text(encoding="utf-8")
    assert "Fader" in readme and "Hardie" in readme and "lifetimes" in readme and "MIT" in readme
