"""Column mappings from YAML: unknown keys and missing columns are one-line errors."""

import pytest

from survey.errors import DataError
from survey.orders.mapping import MAPPING_KEYS, ColumnMapping, load_mapping, mapping_fields


def test_yaml_mapping_is_read_with_its_date_format(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(
        "customer_id: client\ndate: day\namount: total\norder_id: ref\ndate_format: '%d.%m.%Y'\n"
    )
    mapping = load_mapping(path)
    assert mapping.columns() == {
        "customer_id": "client",
        "date": "day",
        "amount": "total",
        "order_id": "ref",
    }
    assert mapping.date_format == "%d.%m.%Y"


def test_unknown_key_names_the_file_and_the_allowed_keys(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("customer: client\n")
    with pytest.raises(DataError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: unknown key(s) ['customer']; allowed: ")
    assert "'customer_id'" in str(err.value)


@pytest.mark.parametrize("text", ["- a\n- b\n", "customer_id: [a, b]\n", "a: b: c\n"])
def test_a_file_that_is_not_a_field_mapping_is_refused(tmp_path, text):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    with pytest.raises(DataError, match="map.yaml"):
        load_mapping(path)


def test_missing_mapping_file():
    with pytest.raises(DataError, match="no such mapping file"):
        load_mapping("nowhere/map.yaml")


def test_resolve_names_field_column_and_the_files_columns():
    with pytest.raises(DataError) as err:
        ColumnMapping(amount="total").resolve(["customer_id", "date", "amount"], "log.csv")
    message = str(err.value)
    assert "log.csv: no column 'total' for amount" in message
    assert "--amount COL" in message and "['customer_id', 'date', 'amount']" in message


def test_optional_columns_named_as_fields_are_taken_without_mapping():
    header = ["customer_id", "date", "amount", "group_order", "note"]
    assert "group_order" in ColumnMapping().resolve(header, "log.csv")


def test_every_mapping_field_is_an_allowed_key():
    assert mapping_fields() == list(MAPPING_KEYS)


def test_a_hostile_mapping_file_is_one_line_within_the_yaml_limits(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="not a readable YAML mapping .*alias"):
        load_mapping(bomb)
    twice = tmp_path / "twice.yaml"
    twice.write_text("customer_id: a\ncustomer_id: b\n")
    with pytest.raises(DataError, match="given twice"):
        load_mapping(twice)


def test_max_amount_in_a_mapping_file_reaches_the_cleaning(tmp_path):
    from survey.orders.cleaning import clean_orders
    from survey.orders.io import read_order_log

    log = tmp_path / "log.csv"
    log.write_text("customer_id,date,amount\n1,2024-01-01,2e9\n")
    path = tmp_path / "map.yaml"
    path.write_text("max_amount: 5e9\n")  # YAML 1.1 reads 5e9 as text: taken as a number
    mapping = load_mapping(path)
    assert mapping.max_amount == 5e9
    assert clean_orders(read_order_log(log, mapping)).orders["amount"].tolist() == [2e9]
    with pytest.raises(DataError, match="beyond 1e\\+09"):  # without it the default cap
        clean_orders(read_order_log(log))


@pytest.mark.parametrize("value", ["0", "-3", "lots", ".inf", "true"])
def test_a_max_amount_that_is_not_a_positive_number_is_refused(tmp_path, value):
    path = tmp_path / "map.yaml"
    path.write_text(f"max_amount: {value}\n")
    with pytest.raises(DataError, match="map.yaml: max_amount: .*; allowed: a positive number"):
        load_mapping(path)
