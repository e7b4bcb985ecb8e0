"""Cleaning: every rule is a log entry with its count and rows; refunds matched; bad ids refused."""

import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.cleaning import MAX_AMOUNT, clean_orders, normalise_ids
from survey.orders.io import RawOrders


def _raw(rows, columns=("customer_id", "date", "amount"), date_format=None):
    data = pd.DataFrame(rows, columns=list(columns), dtype=object)
    data.index = pd.RangeIndex(2, len(data) + 2, name="row")
    return RawOrders(data, "log.csv", date_format)


def _entry(cleaned, what):
    log = cleaned.log.set_index("what")
    return log.loc[what]


def test_mixed_type_ids_are_one_customer_and_logged():
    cleaned = clean_orders(
        _raw(
            [
                [12, "2024-01-01", 1],
                ["12", "2024-01-02", 1],
                [12.0, "2024-01-03", 1],
                [" 12 ", "2024-01-04", 1],
                ["12.0", "2024-01-05", 1],
                ["007", "2024-01-06", 1],
            ]
        )
    )
    assert cleaned.orders["customer_id"].tolist() == ["12"] * 5 + ["007"]
    entry = _entry(cleaned, "customer id normalised")
    # 12 and 12.0 are numbers in a column that also has texts; 12.0, " 12 ", "12.0" changed
    assert entry["count"] == 4 and entry["rows"] == "2, 4, 5, 6"


def test_a_fractional_id_is_refused_naming_file_and_column():
    with pytest.raises(DataError) as err:
        clean_orders(_raw([[12.5, "2024-01-01", 1]]))
    assert str(err.value).startswith("log.csv: column customer_id: id 12.5 is not a whole number")


def test_normalised_ids_are_strings():
    assert normalise_ids(pd.Series([1, 2.0], dtype=object)).dtype == "str"


def test_missing_ids_unparsable_dates_and_amounts_are_dropped_and_logged():
    cleaned = clean_orders(
        _raw(
            [
                ["a", "2024-01-01", "5"],
                [None, "2024-01-01", "5"],
                ["", "2024-01-01", "5"],
                ["a", "31/01/2024", "5"],
                ["a", "not a date", "5"],
                ["a", None, "5"],
                ["a", "2024-01-02", "five"],
                ["a", "2024-01-03", None],
            ]
        )
    )
    assert cleaned.n_read == 8 and len(cleaned.orders) == 1
    counts = cleaned.log.set_index("what")["count"].to_dict()
    assert counts == {
        "missing customer id": 2,
        "missing date": 1,
        "unparsable date": 2,
        "missing amount": 1,
        "unparsable amount": 1,
    }
    dates = _entry(cleaned, "unparsable date")
    assert dates["rows"] == "5, 6" and dates["example"] == "31/01/2024"
    assert "ISO 8601" in dates["why"]


def test_date_format_from_the_mapping():
    cleaned = clean_orders(_raw([["a", "31.01.2024", "5"]], date_format="%d.%m.%Y"))
    assert cleaned.orders["date"].tolist() == [pd.Timestamp("2024-01-31")]


def test_refund_is_subtracted_from_the_latest_earlier_order_of_the_customer():
    cleaned = clean_orders(
        _raw(
            [
                ["a", "2024-01-01", "10"],
                ["a", "2024-01-05", "8"],
                ["b", "2024-01-06", "7"],
                ["a", "2024-01-07", "-3"],  # refunds part of a's 2024-01-05 order
                ["a", "2024-01-20", "-10"],  # a's latest order is then 2024-01-05 (5 left)
                ["c", "2024-01-20", "-4"],  # c never ordered
            ]
        )
    )
    kept = cleaned.orders.set_index(["customer_id", "date"])["amount"]
    assert kept.to_dict() == {
        ("a", pd.Timestamp("2024-01-01")): 10.0,
        ("b", pd.Timestamp("2024-01-06")): 7.0,
    }
    counts = cleaned.log.set_index("what")["count"].to_dict()
    assert counts == {"unmatched refund": 1, "refund matched": 2, "fully refunded order removed": 1}
    assert _entry(cleaned, "unmatched refund")["rows"] == "7"


def test_refund_with_an_order_id_refunds_that_order():
    cleaned = clean_orders(
        _raw(
            [
                ["a", "2024-01-01", "10", "o1"],
                ["a", "2024-01-05", "8", "o2"],
                ["a", "2024-01-07", "-4", "o1"],
            ],
            columns=("customer_id", "date", "amount", "order_id"),
        )
    )
    assert cleaned.orders.set_index("order_id")["amount"].to_dict() == {"o1": 6.0, "o2": 8.0}


def test_duplicate_order_ids_are_dropped_and_exact_duplicates_kept_unless_asked():
    columns = ("customer_id", "date", "amount", "order_id")
    rows = [["a", "2024-01-01", "10", "o1"], ["a", "2024-01-01", "10", "o1"]]
    cleaned = clean_orders(_raw(rows, columns))
    assert len(cleaned.orders) == 1
    assert _entry(cleaned, "duplicate order id")["rows"] == "3"
    twice = [["a", "2024-01-01", "10"], ["a", "2024-01-01", "10"]]
    kept = clean_orders(_raw(twice))
    assert len(kept.orders) == 2 and _entry(kept, "exact duplicate rows")["count"] == 1
    assert len(clean_orders(_raw(twice), drop_duplicates=True).orders) == 1


def test_zero_amounts_are_kept_as_purchases_or_dropped_and_always_logged():
    rows = [["a", "2024-01-01", "0"], ["a", "2024-01-02", "5"]]
    assert len(clean_orders(_raw(rows)).orders) == 2
    dropped = clean_orders(_raw(rows), zero_amounts="drop")
    assert len(dropped.orders) == 1 and _entry(dropped, "zero amount")["why"] == "dropped"


def test_optional_columns_are_parsed():
    cleaned = clean_orders(
        _raw(
            [["a", "2024-01-01", "5", "yes", "2", " app "], ["b", "2024-01-01", "5", "0", "1", ""]],
            columns=("customer_id", "date", "amount", "group_order", "quantity", "channel"),
        )
    )
    assert cleaned.orders["group_order"].tolist() == [True, False]
    assert cleaned.orders["quantity"].tolist() == [2, 1]
    assert cleaned.orders["channel"].iloc[0] == "app" and pd.isna(cleaned.orders["channel"].iloc[1])


def test_unreadable_group_flag_is_a_one_line_error_naming_the_row():
    with pytest.raises(
        DataError,
        match=r"log.csv: column group_order: 1 value\(s\) not true/false, e.g. 'maybe' \(row 2\)",
    ):
        clean_orders(
            _raw(
                [["a", "2024-01-01", "5", "maybe"]],
                columns=("customer_id", "date", "amount", "group_order"),
            )
        )


def test_a_log_with_nothing_left_is_an_error_saying_what_removed_it():
    with pytest.raises(
        DataError,
        match=r"log.csv: no order left after cleaning \(2 rows read; unparsable date: 2\)",
    ):
        clean_orders(_raw([["a", "x", "1"], ["b", "y", "2"]]))


def test_dates_stored_as_dates_in_xlsx_and_parquet_are_taken_as_they_are(tmp_path):
    from survey.orders.io import read_order_log

    frame = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2024-01-02 10:30", "2024-03-04"], format="ISO8601"),
            "amount": [1.5, 2.0],
        }
    )
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    frame.assign(date=frame["date"].dt.tz_localize("Asia/Shanghai")).to_parquet(
        tmp_path / "log.parquet"
    )
    xlsx = clean_orders(read_order_log(tmp_path / "log.xlsx")).orders
    parquet = clean_orders(read_order_log(tmp_path / "log.parquet")).orders
    assert xlsx["date"].tolist() == frame["date"].tolist()
    # a time-zone-aware timestamp becomes UTC wall time: 10:30 in Shanghai is 02:30 UTC
    assert parquet["date"].tolist() == [
        pd.Timestamp("2024-01-02 02:30"),
        pd.Timestamp("2024-03-03 16:00"),
    ]


def test_dates_with_offsets_become_utc_and_impossible_dates_are_unparsable():
    cleaned = clean_orders(
        _raw(
            [
                ["a", "2024-01-02T10:00:00+08:00", "1"],
                ["a", "2024-01-03T10:00:00Z", "1"],
                ["a", "2024-01-04 13:45", "1"],
                ["a", "0001-01-01", "1"],  # outside the nanosecond range
            ]
        )
    )
    assert cleaned.orders["date"].tolist() == [
        pd.Timestamp("2024-01-02 02:00"),
        pd.Timestamp("2024-01-03 10:00"),
        pd.Timestamp("2024-01-04 13:45"),
    ]
    assert _entry(cleaned, "unparsable date")["rows"] == "5"


def test_a_bad_date_format_is_a_one_line_error():
    with pytest.raises(DataError, match=r"log.csv: date_format '%Q' is not a strftime format"):
        clean_orders(_raw([["a", "2024", "1"]], date_format="%Q"))


def test_log_examples_are_redacted_and_cut():
    # issue 15: cell text was copied verbatim into cleaning logs (personal data, and a
    # long cell whole)
    rows = [
        ["a", "2024-01-01", "5"],
        ["a", "call 13812345678", "5"],
        ["a", "2024-01-02", "x" * 10_000],
    ]
    cleaned = clean_orders(_raw(rows))
    assert _entry(cleaned, "unparsable date")["example"] == "call <phone>"
    assert _entry(cleaned, "unparsable amount")["example"] == "x" * 60 + "…"


def test_an_unreadable_quantity_shows_at_most_60_characters():
    rows = [["a", "2024-01-01", "5", "y" * 100_000]]
    with pytest.raises(DataError) as caught:
        clean_orders(_raw(rows, columns=("customer_id", "date", "amount", "quantity")))
    assert len(str(caught.value)) < 300 and "(100000 characters)" in str(caught.value)


@pytest.mark.parametrize(
    ("amounts", "count", "row", "shown"),
    [
        (["3", "1e300", "1e300"], 2, 3, "'1e300'"),  # the fuzz finding: AOV SE became inf
        (["3", "4", "inf"], 1, 4, "'inf'"),
        ([3.0, -2e9, float("-inf")], 2, 3, "-2000000000.0"),  # numeric cells, negative too
    ],
)
def test_non_finite_and_absurd_amounts_are_refused_naming_column_first_row_and_count(
    amounts, count, row, shown
):
    raw = _raw([[str(i), f"2024-01-0{i + 1}", a] for i, a in enumerate(amounts)])
    with pytest.raises(DataError) as err:
        clean_orders(raw)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"log.csv: column amount: {count} amount(s) not finite or beyond")
    assert f"first in row {row} ({shown})" in message
    assert "allowed: finite amounts of at most 1e+09" in message


def test_amounts_up_to_the_cap_are_kept_and_the_cap_is_a_parameter():
    raw = _raw([["1", "2024-01-01", str(MAX_AMOUNT)], ["2", "2024-01-02", "5"]])
    assert clean_orders(raw).orders["amount"].tolist() == [MAX_AMOUNT, 5.0]
    with pytest.raises(DataError, match="1 amount\\(s\\) not finite or beyond 100 "):
        clean_orders(_raw([["1", "2024-01-01", "101"]]), max_amount=100)
    with pytest.raises(DataError, match="max_amount: 0; allowed: a positive number"):
        clean_orders(raw, max_amount=0)


_SEGMENTED = ("customer_id", "date", "amount", "segment")


def test_a_segment_column_of_e_mails_or_own_levels_is_refused_without_the_values():
    rows = [[c, "2024-01-01", "5", "vip" if c == "a" else f"{c}@shop.cn"] for c in "abc"]
    with pytest.raises(DataError) as err:
        clean_orders(_raw(rows, columns=_SEGMENTED))
    assert str(err.value).startswith(
        "log.csv: column segment looks like an identifier: 2 value(s) look like e-mail addresses"
    )
    assert "shop.cn" not in str(err.value)
    # two orders per customer, each customer's orders tagged with the customer's own code
    rows = [[c, f"2024-01-0{d}", "5", f"code-{c}"] for c in "abc" for d in (1, 2)]
    with pytest.raises(DataError, match="3 of 3 customers have a level nobody else has"):
        clean_orders(_raw(rows, columns=_SEGMENTED))


def test_a_grouping_segment_of_the_order_log_is_kept():
    # 3 tiers over 6 customers: the tier of customer f is its own (1 of 6)
    tiers = {"a": "gold", "b": "gold", "c": "silver", "d": "silver", "e": "gold", "f": "bronze"}
    rows = [[c, "2024-01-01", "5", tier] for c, tier in tiers.items()]
    cleaned = clean_orders(_raw(rows, columns=_SEGMENTED))
    assert cleaned.orders["segment"].tolist() == list(tiers.values())
