"""Reverse coding and construct scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from survey._validate import check_items
from survey.errors import DataError


def reverse_code(
    data: pd.DataFrame, items: Sequence[str], scale_min: float, scale_max: float
) -> pd.DataFrame:
    """Reverse-code items on a ``scale_min``–``scale_max`` scale.

    Parameters
    ----------
    data : DataFrame
        Answers, one column per item.
    items : sequence of str
        Columns to reverse.
    scale_min, scale_max : float
        Lowest and highest answer code.

    Returns
    -------
    DataFrame
        A copy of ``data`` with each listed item replaced by
        ``scale_min + scale_max - x``; missing values stay missing.

    Notes
    -----
    Reverse coding is an involution: applying it twice returns the original answers.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 5]})
    >>> reverse_code(df, ["q1"], 1, 5)["q1"].tolist()
    [5, 4, 1]
    """
    check_items(data, items)
    if scale_min >= scale_max:
        raise DataError(f"scale_min ({scale_min}) must be below scale_max ({scale_max})")
    out = data.copy()
    out[list(items)] = scale_min + scale_max - data[list(items)]
    return out


def construct_scores(
    data: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    min_valid: Mapping[str, int] | int = 1,
) -> pd.DataFrame:
    r"""Score each construct as the mean of its valid item answers.

    Parameters
    ----------
    data : DataFrame
        Cleaned, reverse-coded answers.
    constructs : mapping
        Construct name → its item columns.
    min_valid : int or mapping, default 1
        Minimum number of valid answers for a score, per construct or for all.

    Returns
    -------
    DataFrame
        One column per construct (same index as ``data``); a respondent with fewer
        than ``min_valid`` valid answers gets a missing score.

    Notes
    -----
    :math:`s_i = \frac{1}{|V_i|}\sum_{j \in V_i} x_{ij}` over the valid answers
    :math:`V_i` of respondent :math:`i`.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1.0, 4.0], "b": [3.0, None]})
    >>> construct_scores(df, {"S": ["a", "b"]}, min_valid=2)["S"].tolist()
    [2.0, nan]
    """
    scores = {}
    for name, items in constructs.items():
        check_items(data, items)
        needed = min_valid if isinstance(min_valid, int) else min_valid.get(name, 1)
        block = data[list(items)]
        mean = block.mean(axis=1)
        scores[name] = mean.where(block.notna().sum(axis=1) >= needed, np.nan)
    return pd.DataFrame(scores, index=data.index)
