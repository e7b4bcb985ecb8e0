"""Argument checks shared by the statistics functions (errors name column and values)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pandas.api.types import is_numeric_dtype

from survey.errors import DataError
from survey.redact import preview, preview_list


def check_frame(data: object) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame, else raise TypeError."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    return data


def check_columns(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise DataError naming any column missing from ``data``."""
    check_frame(data)
    if isinstance(columns, str):
        raise TypeError(f"expected a list of column names, not the string {columns!r}")
    missing = [column for column in columns if column not in data.columns]
    if missing:
        allowed = [str(column) for column in data.columns]
        raise DataError(
            f"column(s) {preview_list(missing)} not in data; allowed: {preview_list(allowed, 30)}"
        )


def check_items(data: pd.DataFrame, items: Sequence[str], min_items: int = 1) -> None:
    """Check that ``items`` are numeric columns of ``data``, at least ``min_items``."""
    check_columns(data, items)
    if len(items) < min_items:
        raise DataError(
            f"items {preview_list(items)}: need at least {min_items} item(s), got {len(items)}"
        )
    for item in items:
        if not is_numeric_dtype(data[item]):
            raise DataError(
                f"column {preview(item)} holds text ({data[item].dtype}); items must be numeric "
                "codes"
            )
