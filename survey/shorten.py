"""Values quoted in messages, shortened, so that an error stays one readable line.

An input can hold a value of any length: a 1 MB experiment name, a 300 M-character
survey cell, a 5 M-digit integer. A message that echoes it whole is as long, and
unreadable. Every message builder that quotes a value from the input uses
:func:`preview` (the value's ``repr``, at most :data:`PREVIEW_CHARS` characters),
and the command line caps each message at :data:`LINE_CHARS` with :func:`clip` as a
last line of defence. Shared by the survey, the model and the experiments (the survey
package imports nothing from the others).

Examples
--------
>>> preview("x" * 1_000_000)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"
>>> clip("error: " + "y" * 600, limit=20)
'error: yyyyyyyyyyyyy… (587 more characters)'
"""

from __future__ import annotations

#: Longest value quoted in a message, in characters (its ``repr``, quotes included).
PREVIEW_CHARS = 60
#: Longest message line the command line prints, in characters.
LINE_CHARS = 500


def preview(value: object, limit: int = PREVIEW_CHARS) -> str:
    """``repr(value)`` cut to at most ``limit`` characters, ending in ``…`` if cut.

    A cut string keeps its closing quote, so it still reads as a quoted value. The
    ``repr`` of a long string is built from its first characters only, and an integer
    too long to print in full is described by its number of digits.

    Parameters
    ----------
    value : object
        A key, a value or a name from the input.
    limit : int, default :data:`PREVIEW_CHARS`
        Longest result, at least 5.

    Returns
    -------
    str

    Examples
    --------
    >>> preview("short")
    "'short'"
    >>> preview(["a" * 100], limit=12)
    "['aaaaaaaaa…"
    >>> preview(7 ** 10_000)
    '<an integer of 8,451 digits>'
    """
    if isinstance(value, str):
        text = repr(value[:limit])
    elif isinstance(value, int) and value.bit_length() > 4 * limit:
        return f"<an integer of {_digits(value)} digits>"
    else:
        text = repr(value)
    if len(text) <= limit and not (isinstance(value, str) and len(value) > limit):
        return text
    closing = text[-1] if isinstance(value, str) else ""
    return f"{text[: limit - 1 - len(closing)]}…{closing}"


def _digits(value: int) -> str:
    """Decimal digits of a long integer, without converting it to text (which is slow).

    Exact up to 100,000 bits; beyond, "about" the count from the bit length (exact
    would need a power of ten as long as the integer).
    """
    bits = abs(value).bit_length()
    estimate = int(bits * 0.30102999566398120)  # log10(2): 10**estimate <= |value| * 10
    if bits > 100_000:
        return f"about {estimate + 1:,}"
    return f"{estimate + (abs(value) >= 10**estimate):,}"


def clip(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were.

    Parameters
    ----------
    text : str
        A message.
    limit : int, default :data:`LINE_CHARS`
        Characters kept.

    Returns
    -------
    str

    Examples
    --------
    >>> clip("short")
    'short'
    >>> clip("abcdefgh", limit=3)
    'abc… (5 more characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"
