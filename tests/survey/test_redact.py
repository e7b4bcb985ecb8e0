import time

import pandas as pd
import pytest

from survey.redact import redact, redact_values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "<phone>"),
        ("call me: 13812345678!", "call me: <phone>!"),
        ("li.wei+shop@example.com.cn", "<e-mail>"),
        ("'a_b@qq.com' ×1", "'<e-mail>' ×1"),
        ("from 192.168.1.20", "from <IP address>"),
        ("11010519491231002X", "<ID number>"),  # GB 11643 example with check digit X
        ("110105194912310021", "<ID number>"),
    ],
)
def test_each_kind_of_personal_data_is_replaced_by_its_placeholder(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["8分", "2024-05-01", "3.5", "12345", "非常满意", "v1.2.3"])
def test_ordinary_answers_are_left_alone(text):
    assert redact(text) == text


def test_redact_values_changes_only_personal_data():
    values = pd.Series(["x 13812345678", 4.0, None, "ok"], dtype=object)
    assert redact_values(values).tolist() == ["x <phone>", 4.0, None, "ok"]


def test_redact_values_replaces_a_phone_number_read_as_a_number():
    values = pd.Series([13812345678.0, 110105194912310021, 5.0], dtype=object)
    assert redact_values(values).tolist() == ["<phone>", "<ID number>", 5.0]


def test_redacting_a_long_word_takes_linear_time():
    # a 100,000-character cell without an @ took minutes (the e-mail pattern was
    # retried from every character); an e-mail after it is still found
    started = time.process_time()
    assert redact("a" * 100_000 + " li@example.cn") == "a" * 100_000 + " <e-mail>"
    assert time.process_time() - started < 1.0
