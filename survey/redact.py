"""Personal data in free text: the patterns that recognise it and their placeholders.

One place for the patterns, used by :mod:`survey.draft` (to flag identifying
columns) and :mod:`survey.cleaning` (so a phone number typed into an item cell never
reaches the cleaning log or an error message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # not imported: the command line redacts every error line
    import pandas as pd

#: Placeholder -> pattern, most specific first (an ID number holds 11-digit runs).
PERSONAL_DATA: Final[dict[str, re.Pattern[str]]] = {
    "<ID number>": re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),  # Chinese ID card
    "<phone>": re.compile(r"(?<![\dA-Za-z])1\d{10}(?!\d)"),  # Chinese mobile number
    # an e-mail starts after a separator: without the look-behind, a long word with no @
    # is scanned again from each of its characters (100,000 characters took minutes)
    "<e-mail>": re.compile(
        r"(?<![^@\s'\",;:<>()\[\]])[^@\s'\",;:<>()\[\]]+@[^@\s'\",;:<>()\[\]]+\.[A-Za-z]{2,}"
    ),
    "<IP address>": re.compile(r"(?<![\d.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])"),  # IPv4
}
#: Most characters of a value from data or a config that a message shows.
SHOWN_CHARS: Final = 60


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters and an ellipsis if it is longer.

    Parameters
    ----------
    text : str
        Any text.
    limit : int, default :data:`SHOWN_CHARS` (60)
        Characters kept.

    Returns
    -------
    str
        The text, or its first ``limit`` characters followed by ``…``.

    Examples
    --------
    >>> shorten("abcdef", 3), shorten("abc", 3)
    ('abc…', 'abc')
    """
    return text if len(text) <= limit else text[:limit] + "…"


def preview(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a message may show it: redacted, cut to ``limit`` characters, quoted.

    Parameters
    ----------
    value : object
        A cell, a column name, a label or a config value (anything with ``str``).
    limit : int, default :data:`SHOWN_CHARS` (60)
        Characters kept; a longer value ends with ``…`` and its length.

    Returns
    -------
    str
        The shortened, redacted text, quoted (``repr``) if ``value`` is a string.

    Examples
    --------
    >>> preview("x" * 1_000_000, limit=5)
    "'xxxxx…' (1000000 characters)"
    >>> preview("mail li@example.cn")
    "'mail <e-mail>'"
    >>> preview(12.5), preview(13812345678)
    ('12.5', '<phone>')
    """
    text = str(value)
    quote = repr if isinstance(value, str) else str  # numbers stay unquoted: 12.5
    if len(text) <= limit:
        return quote(redact(text))
    # redact a little past the cut, so that a phone number across it is still caught
    shown = shorten(redact(text[: limit + 20]), limit)
    return f"{quote(shown)} ({len(text)} characters)"


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


def preview_list(values: Iterable[object], limit: int = 10) -> str:
    """Up to ``limit`` values as :func:`preview` shows them, in list brackets.

    Parameters
    ----------
    values : iterable
        Allowed values, offending values, column names, ...
    limit : int, default 10
        Values shown; the rest are counted.

    Returns
    -------
    str
        E.g. ``['a', 'b', +3 more]``.

    Examples
    --------
    >>> preview_list(["a", "b", "c"], limit=2)
    "['a', 'b', +1 more]"
    >>> preview_list([])
    '[]'
    """
    values = list(values)
    shown = [preview(value) for value in values[:limit]]
    if len(values) > limit:
        shown.append(f"+{len(values) - limit} more")
    return f"[{', '.join(shown)}]"


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
    >>> import pandas as pd
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
