"""Reading order logs: CSV (any encoding, delimiter), XLSX, Parquet; one-line errors."""

import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.io import read_order_log, read_order_table
from survey.orders.mapping import ColumnMapping


def test_csv_cells_are_read_as_text_so_ids_keep_their_zeros(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\n007,2024-01-02,9.50\n12,2024-01-03,1\n")
    table = read_order_table(path)
    assert table["customer_id"].tolist() == ["007", "12"]
    assert table.index.tolist() == [2, 3]  # spreadsheet rows, the header is row 1


def test_gbk_semicolon_csv_with_chinese_headers(tmp_path):
    path = tmp_path / "订单.csv"
    path.write_bytes("客户;日期;金额\nA1;2024-01-02;9,5\n".encode("gb18030"))
    raw = read_order_log(path, ColumnMapping(customer_id="客户", date="日期", amount="金额"))
    assert raw.data.columns.tolist() == ["customer_id", "date", "amount"]
    assert raw.data.iloc[0].tolist() == ["A1", "2024-01-02", "9,5"]


def test_rows_are_numbered_as_in_a_spreadsheet_whatever_the_format(tmp_path):
    frame = pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-02"] * 2, "amount": [1.0, 2.0]})
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    frame.to_parquet(tmp_path / "log.parquet")
    assert read_order_table(tmp_path / "log.xlsx").index.tolist() == [2, 3]
    assert read_order_table(tmp_path / "log.parquet").index.tolist() == [2, 3]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", "", "the file is empty"),
        ("blank.csv", "\n\n", "the file is empty"),
        ("header.csv", "customer_id,date,amount\n", "a header but no orders"),
        ("ragged.csv", "customer_id,date,amount\n1,2024-01-01,3,4\n", "not a valid CSV file"),
        ("log.json", "{}", "unknown file type '.json'"),
        ("bad.parquet", "not parquet", "not a readable Parquet file"),
        # issue 15: mislabelled files (a .parquet that is text, a CSV that is binary)
        ("text.parquet", "customer_id,date,amount\n1,2024-01-01,3\n", "not a readable Parquet"),
        ("binary.csv", "customer_id\x00\x01\x02" * 100, "a binary file, not a CSV text file"),
        ("short.csv", "customer_id,date,amount\n1,2024-01-01\n", "row 2 has 2 fields"),
        ("dup.csv", "customer_id,date,date\n1,2024-01-01,3\n", "names two columns 'date'"),
    ],
)
def test_unreadable_files_are_one_line_errors(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataError) as err:
        read_order_table(path)
    assert str(err.value).startswith(str(path)) and fragment in str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_missing_file():
    with pytest.raises(DataError, match="no such file"):
        read_order_table("nowhere/log.csv")


def test_missing_mapped_column_names_file_and_column(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("client,date,amount\n1,2024-01-02,3\n")
    with pytest.raises(DataError, match=r"log.csv: no column 'customer_id' for customer_id"):
        read_order_log(path)


def test_a_parquet_file_declaring_too_many_cells_is_refused_from_its_footer(tmp_path):
    import time

    from survey.orders.io import check_parquet

    path = tmp_path / "orders.parquet"
    pd.DataFrame({"customer_id": ["a"] * 1000, "amount": [1.0] * 1000}).to_parquet(path)
    started = time.process_time()
    with pytest.raises(DataError, match=r"orders.parquet: the file declares 2000 cells; the limit"):
        check_parquet(path, max_cells=1000)
    with pytest.raises(DataError, match=r"orders.parquet: the file unpacks to \d+ bytes; the"):
        check_parquet(path, max_bytes=100)
    assert time.process_time() - started < 1


def test_a_truncated_parquet_file_is_one_line(tmp_path):
    whole = tmp_path / "whole.parquet"
    pd.DataFrame({"customer_id": ["a", "b"], "amount": [1.0, 2.0]}).to_parquet(whole)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[:-20])
    with pytest.raises(DataError, match=r"cut.parquet: not a readable Parquet file"):
        read_order_table(cut)


def test_a_boolean_amount_in_a_workbook_is_refused_but_a_boolean_group_flag_is_read(tmp_path):
    # issue 15: TRUE in a numeric XLSX column was read as the number 1
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["customer_id", "date", "amount", "group_order"])
    book.active.append(["a", "2024-01-01", 9.5, True])
    book.active.append(["b", "2024-01-02", True, False])
    book.save(tmp_path / "log.xlsx")
    with pytest.raises(DataError) as err:
        read_order_log(tmp_path / "log.xlsx")
    assert str(err.value) == (
        f"{tmp_path / 'log.xlsx'}: column 'amount' (amount) row 3: TRUE is not a valid amount "
        "(1 TRUE/FALSE cells in all); a boolean is read as 1 or 0"
    )
    book.active["C3"] = 4.0
    book.save(tmp_path / "log.xlsx")
    assert read_order_log(tmp_path / "log.xlsx").data["group_order"].tolist() == [True, False]
