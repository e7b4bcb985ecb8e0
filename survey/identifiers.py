"""Segment columns that identify people instead of grouping them.

A segment groups respondents or customers (city, tier) so that statistics can be
published per level. A column whose levels hold phone numbers, e-mail addresses, IPv4
addresses or ID numbers (the patterns of :data:`survey.redact.PERSONAL_DATA`), or in
which more than half the people have a level nobody else has, identifies them: its
levels would be published as names of people. Such a column is refused as a segment
(small-cell suppression, which hides levels with few respondents, would hide most of
it and keep the mistake silent). The reason names the kind of value, never a value.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from survey.redact import PERSONAL_DATA

#: Largest share of people who may have a segment level of their own. Above it the
#: column behaves as an identifier (a name, a user handle), not as a grouping.
MAX_OWN_LEVEL_SHARE: Final = 0.5

_KINDS: Final = {
    "<ID number>": "ID numbers",
    "<phone>": "phone numbers",
    "<e-mail>": "e-mail addresses",
    "<IP address>": "IP addresses",
}


def identifier_reason(
    levels: pd.Series, who: pd.Series | None = None, *, people: str = "respondents"
) -> str | None:
    """Why a segment column looks like an identifier, or None if it is a grouping.

    Parameters
    ----------
    levels : Series
        The segment level of each row; missing values are ignored.
    who : Series, optional
        The person of each row (same index), e.g. the customer id of each order;
        default: each row is a different person (a survey respondent).
    people : str, default 'respondents'
        What the people are called in the reason.

    Returns
    -------
    str or None
        E.g. ``"2 value(s) look like phone numbers"`` or ``"12 of 20 respondents have
        a level nobody else has (more than 50%)"``; None for a grouping column. With
        ``who``, a level is a person's own when only that person's rows have it.

    Examples
    --------
    >>> identifier_reason(pd.Series(["north", "south", "north", "13812345678"]))
    '1 value(s) look like phone numbers'
    >>> identifier_reason(pd.Series(["ann", "bob", "cy", "dee", "ann"]))
    '3 of 5 respondents have a level nobody else has (more than 50%)'
    >>> tiers = pd.Series(["gold", "gold", "silver", "silver"])  # orders of customers 1, 2, 3, 3
    >>> identifier_reason(tiers, pd.Series([1, 2, 3, 3]), people="customers") is None
    True
    """
    present = levels.notna().to_numpy()
    text = levels[present].astype("str")
    distinct = pd.Series(text.unique(), dtype="str")
    for placeholder, pattern in PERSONAL_DATA.items():
        hits = distinct.str.contains(pattern)
        if hits.any():
            count = int(text.isin(distinct[hits]).sum())
            return f"{count} value(s) look like {_KINDS[placeholder]}"
    owners = pd.Series(levels.index, index=levels.index) if who is None else who
    pairs = pd.DataFrame(
        {"level": text.to_numpy(), "who": owners[present].astype("str").to_numpy()}
    ).drop_duplicates()
    holders = pairs.groupby("level")["who"].nunique()
    own = pairs["level"].isin(holders.index[holders == 1])
    n_own, n = pairs.loc[own, "who"].nunique(), pairs["who"].nunique()
    if n_own > MAX_OWN_LEVEL_SHARE * n:
        return (
            f"{n_own} of {n} {people} have a level nobody else has "
            f"(more than {MAX_OWN_LEVEL_SHARE:.0%})"
        )
    return None
