"""Personal data in free text: the patterns that recognise it and their placeholders.

One place for the patterns, used by :mod:`survey.draft` (to flag identifying
columns) and :mod:`survey.cleaning` (so a phone number typed into an item cell never
reaches the cleaning log or an error message).
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

#: Placeholder -> pattern, most specific first (an ID number holds 11-digit runs).
PERSONAL_DATA: Final[dict[str, re.Pattern[str]]] = {
    "<ID number>": re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),  # Chinese ID card
    "<phone>": re.compile(r"(?<![\dA-Za-z])1\d{10}(?!\d)"),  # Chinese mobile number
    "<e-mail>": re.compile(r"[^@\s'\",;:<>()\[\]]+@[^@\s'\",;:<>()\[\]]+\.[A-Za-z]{2,}"),
    "<IP address>": re.compile(r"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])"),  # IPv4
}


def redact(text: str) -> str:
    """Replace phone numbers, e-mails, IPv4 addresses and ID numbers by placeholders.

    Parameters
    ----------
    text : str
        Any text, e.g. an answer typed into a survey cell or an error message.

    Returns
    -------
    str
        The text with each match replaced by ``<phone>``, ``<e-mail>``,
        ``<IP address>`` or ``<ID number>``.

    Examples
    --------
    >>> redact("call 13812345678 or mail li.wei@example.cn from 10.0.0.1")
    'call <phone> or mail <e-mail> from <IP address>'
    >>> redact("ID 11010519491231002X, answer '8分'")
    "ID <ID number>, answer '8分'"
    """
    for placeholder, pattern in PERSONAL_DATA.items():
        text = pattern.sub(placeholder, text)
    return text


def redact_values(values: pd.Series) -> pd.Series:
    """:func:`redact` every value of a pandas Series (each distinct value once).

    Strings are redacted where they hold personal data; a whole number whose digits
    are a phone or ID number (a cell read as a number) becomes the placeholder.

    Parameters
    ----------
    values : Series
        Any values; other values are kept as they are.

    Returns
    -------
    Series
        The same values, personal data replaced by placeholders.

    Examples
    --------
    >>> redact_values(pd.Series(["a@b.cn", 13812345678.0, 3.0, None])).tolist()
    ['<e-mail>', '<phone>', 3.0, None]
    """
    mapping = {value: _redact_value(value) for value in values.dropna().unique()}
    changed = {value: new for value, new in mapping.items() if new is not value}
    return values.astype(object).replace(changed) if changed else values


def _redact_value(value: object) -> object:
    if isinstance(value, str):
        text = redact(value)
        return value if text == value else text
    if isinstance(value, int | float) and float(value).is_integer():
        text = str(int(value))
        redacted = redact(text)
        return value if redacted == text else redacted
    return value
