"""The order frame: dtypes, the checker's one-line errors, an exact Parquet round trip."""

import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.frame import as_order_frame, check_orders, read_orders, write_orders


def _full():
    return as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["007", "12", "12"],
                "date": pd.to_datetime(
                    ["2024-01-02 13:45:10.123456789", "2024-01-03", "2024-02-01"], format="ISO8601"
                ),
                "amount": [0.0, 19.99, 5.5],
                "order_id": ["o1", "o2", None],
                "channel": ["app", "web", "app"],
                "segment": ["young", None, "rural"],
                "group_order": [True, False, True],
                "quantity": [1, 2, 3],
            }
        )
    )


def test_as_order_frame_gives_the_schema_dtypes():
    dtypes = _full().dtypes.astype(str).to_dict()
    assert dtypes == {
        "customer_id": "str",
        "date": "datetime64[ns]",
        "amount": "float64",
        "order_id": "str",
        "channel": "str",
        "segment": "str",
        "group_order": "bool",
        "quantity": "int64",
    }


def test_parquet_round_trip_is_exact(tmp_path):
    orders = _full()
    back = read_orders(write_orders(orders, tmp_path / "orders.parquet"))
    pd.testing.assert_frame_equal(back, orders, check_exact=True)
    assert back["date"].iloc[0].nanosecond == 789


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda f: f.drop(columns="amount"), "missing column(s) ['amount']"),
        (lambda f: f.assign(amount=[1.0, -2.0, 3.0]), "negative or non-finite"),
        (lambda f: f.assign(amount=[1.0, float("inf"), 3.0]), "negative or non-finite"),
        (lambda f: f.assign(customer_id=[1, 2, 3]), "column 'customer_id' is int64"),
        (lambda f: f.assign(date=["2024-01-01"] * 3), "column 'date' is"),
        (lambda f: f.iloc[:0], "no orders"),
    ],
)
def test_check_orders_names_the_problem_in_one_line(change, fragment):
    with pytest.raises(DataError) as err:
        check_orders(change(_full()), "log.parquet")
    message = str(err.value)
    assert message.startswith("log.parquet: ") and fragment in message and "\n" not in message


def test_read_orders_refuses_a_file_that_is_not_parquet(tmp_path):
    path = tmp_path / "orders.parquet"
    path.write_text("customer_id,date,amount\n")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_orders(path)
