"""Numbers as the experiment report prints them: money, intervals, p-values, shares.

Examples
--------
>>> format_cny(276818.4), format_cny(-1_013_661), format_cny(3500)
('+277k', '-1.01M', '+3,500')
>>> format_ci(267666.4, 285970.4, short=True)
'[+268k, +286k]'
"""

from __future__ import annotations

import math

#: Shown for a number that is not there (one replication: no CI).
MISSING = "-"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_cny(value: float | None) -> str:
    """A signed amount of CNY, short: ``+3,500``, ``+277k``, ``-1.01M``.

    Below 10,000 the whole number; then thousands (``k``) to 3 significant
    digits, millions (``M``) to 3 significant digits.

    Examples
    --------
    >>> [format_cny(v) for v in (0.4, -9999.4, 9999.6, 999_499, 999_500, 12_345_678)]
    ['+0', '-9,999', '+10.0k', '+999k', '+1.00M', '+12.3M']
    >>> format_cny(float("nan"))
    '-'
    """
    if _missing(value):
        return MISSING
    size = abs(value)
    if round(size) < 10_000:
        return f"{value:+,.0f}"
    if float(f"{size / 1e3:.3g}") < 1000:
        return f"{value / 1e3:+#.3g}k".replace(".k", "k")
    return f"{value / 1e6:+#.3g}M".replace(".M", "M")


def format_money(value: float | None) -> str:
    """A signed amount of CNY in full, with thousands separators.

    Examples
    --------
    >>> format_money(276818.38), format_money(-0.2), format_money(float("nan"))
    ('+276,818', '-0', '-')
    """
    return MISSING if _missing(value) else f"{value:+,.0f}"


def format_ci(low: float | None, high: float | None, short: bool = False) -> str:
    """A CI as ``[low, high]`` in CNY (short with :func:`format_cny`); ``-`` if missing.

    Examples
    --------
    >>> format_ci(-1200.0, 3400.0), format_ci(float("nan"), float("nan"))
    ('[-1,200, +3,400]', '-')
    """
    if _missing(low) or _missing(high):
        return MISSING
    form = format_cny if short else format_money
    return f"[{form(low)}, {form(high)}]"


def format_p(p: float | None) -> str:
    """A p-value: 3 decimals, ``<0.001`` below, ``-`` when there is none (the baseline).

    Examples
    --------
    >>> format_p(0.01234), format_p(1e-9), format_p(float("nan"))
    ('0.012', '<0.001', '-')
    """
    if _missing(p):
        return MISSING
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def format_share(share: float | None) -> str:
    """A probability or share to 2 decimals (``-`` when missing).

    Examples
    --------
    >>> format_share(0.875), format_share(None)
    ('0.88', '-')
    """
    return MISSING if _missing(share) else f"{share:.2f}"


def format_count(value: float | None) -> str:
    """A signed count of customers, whole, with thousands separators.

    Examples
    --------
    >>> format_count(2593.5), format_count(-12.0)
    ('+2,594', '-12')
    """
    return MISSING if _missing(value) else f"{value:+,.0f}"


def format_period(horizon: int) -> str:
    """The run's length in words: ``a year`` for 365 days, else ``over N days``.

    Examples
    --------
    >>> format_period(365), format_period(40)
    ('a year', 'over 40 days')
    """
    return "a year" if horizon == 365 else f"over {horizon} days"
