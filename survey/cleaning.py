"""Clean raw answers according to the codebook, recording every step.

Each change is one row of the cleaning log with columns ``row`` (spreadsheet row,
empty for column-wide steps), ``column``, ``value`` (the original answer, never from
an identifying column), ``what`` (the rule) and ``why``. Rules, in order:

``identifying column removed``, ``missing code``, ``unmapped label``,
``out of range`` (answers set missing); ``failed attention check``,
``duplicate respondent id``, ``speeder``, ``straight-lining``,
``no valid answers`` (rows dropped); ``too few valid answers`` (construct score set
missing); ``reverse coded`` (column recoded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import pandas as pd
from pandas.api.types import is_numeric_dtype

from survey.codebook import Codebook
from survey.errors import DataError
from survey.io import SurveyTable
from survey.scoring import construct_scores, reverse_code

LOG_COLUMNS: Final = ["row", "column", "value", "what", "why"]


@dataclass
class CleanedSurvey:
    """Answers ready for analysis.

    Attributes
    ----------
    items : DataFrame
        Numeric, reverse-coded item answers (missing as NaN), rows kept.
    scores : DataFrame
        Construct scores (mean of valid items), same rows.
    segments : DataFrame
        Segment / grouping columns, same rows.
    log : DataFrame
        The cleaning log (columns ``row, column, value, what, why``).
    n_read : int
        Number of data rows in the file.
    """

    items: pd.DataFrame
    scores: pd.DataFrame
    segments: pd.DataFrame
    log: pd.DataFrame
    n_read: int

    def summary(self) -> pd.DataFrame:
        """Count of log entries and affected rows per cleaning rule.

        Returns
        -------
        DataFrame
            Columns ``what``, ``entries``, ``rows``.

        Examples
        --------
        >>> from survey.datasets import load_example
        >>> clean_survey(*load_example("ecsi")).summary().empty
        True
        """
        if self.log.empty:
            return pd.DataFrame(columns=["what", "entries", "rows"])
        grouped = self.log.groupby("what", sort=False)
        return pd.DataFrame(
            {"entries": grouped.size(), "rows": grouped["row"].nunique()}
        ).reset_index()


class _Log:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def cells(self, rows: pd.Index, column: str, values: object, what: str, why: str) -> None:
        if len(rows):
            self.parts.append(
                pd.DataFrame(
                    {"row": rows, "column": column, "value": values, "what": what, "why": why}
                )
            )

    def rows(self, rows: pd.Series, column: str, what: str, why: str) -> pd.Series:
        """Log the rows flagged True (no value recorded) and return the flags."""
        self.cells(rows.index[rows], column, [pd.NA] * int(rows.sum()), what, why)
        return rows

    def column(self, column: str, what: str, why: str) -> None:
        self.cells(pd.Index([pd.NA]), column, [pd.NA], what, why)

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=LOG_COLUMNS)
        log = pd.concat([part.astype({"value": object}) for part in self.parts])
        return log.astype({"row": "Int64"}).reset_index(drop=True)[LOG_COLUMNS]


def _find_column(table: SurveyTable, name: str, pattern: str | None, field: str) -> str:
    columns = [str(column) for column in table.data.columns]
    if pattern is None:
        if name in columns:
            return name
        raise DataError(
            f"{table.source}: column {name!r} from codebook {field} is not in the file; "
            f"columns are: {columns[:40]}"
        )
    regex = re.compile(pattern)
    matches = [
        column
        for column in columns
        if regex.search(column) or regex.search(table.questions.get(column, ""))
    ]
    if len(matches) != 1:
        found = "no column" if not matches else f"{len(matches)} columns {matches}"
        raise DataError(
            f"{table.source}: header pattern {pattern!r} of item {name!r} matches {found}; "
            f"it must match exactly one of: {columns[:40]}"
        )
    return matches[0]


def _item_columns(table: SurveyTable, codebook: Codebook) -> dict[str, str]:
    found = {}
    for cname, construct in codebook.constructs.items():
        for item in construct.items:
            name, pattern = (item, None) if isinstance(item, str) else (item.name, item.header)
            found[name] = _find_column(table, name, pattern, f"constructs.{cname}")
    return found


def _normalise_label(text: str) -> str:
    """Case-fold and collapse whitespace (incl. ideographic spaces): ' Strongly  Agree'."""
    return " ".join(text.split()).casefold()


def _to_codes(
    raw: pd.Series,
    item: str,
    construct: str,
    codebook: Codebook,
    missing: list[float],
    log: _Log,
    source: str,
) -> pd.Series:
    text_missing = {_normalise_label(str(code)) for code in codebook.missing_codes}
    declared = codebook.labels_of(construct)
    labels = {_normalise_label(label): code for label, code in declared.items()}
    if is_numeric_dtype(raw):
        values = raw.astype(float)
    else:
        text = raw.astype("string")
        # normalise each distinct answer once: fast on 100 000 rows of text labels
        text = text.map({value: _normalise_label(value) for value in text.dropna().unique()})
        text = text.astype("string")
        text = text.mask(text == "")
        is_missing_code = text.isin(text_missing)
        log.cells(
            raw.index[is_missing_code.fillna(False)],
            item,
            raw[is_missing_code.fillna(False)],
            "missing code",
            "declared missing code in codebook missing_codes",
        )
        text = text.mask(is_missing_code.fillna(False))
        labelled = text.map(labels).astype(float)
        numeric = pd.to_numeric(text, errors="coerce").astype(float)
        values = labelled.fillna(numeric)
        unmapped = values.isna() & text.notna()
        if unmapped.any():
            row = unmapped.idxmax()
            if not declared:
                scale = codebook.scale_of(construct)
                raise DataError(
                    f"{source}: column {item!r} row {row}: text {raw[row]!r} in a numeric item; "
                    f"allowed: numbers {scale.min:g}–{scale.max:g} "
                    "(or declare labels: in the codebook)"
                )
            log.cells(
                raw.index[unmapped],
                item,
                raw[unmapped],
                "unmapped label",
                f"not a number nor a codebook label; allowed: {list(declared)}",
            )
    numeric_missing = [
        *pd.to_numeric(pd.Series(codebook.missing_codes, dtype=object), errors="coerce").dropna(),
        *missing,
    ]
    coded_missing = values.isin(numeric_missing)
    log.cells(
        raw.index[coded_missing],
        item,
        raw[coded_missing],
        "missing code",
        "declared missing code (codebook missing_codes or SPSS user-missing)",
    )
    return values.mask(coded_missing)


def _check_other_columns(
    table: SurveyTable, codebook: Codebook, item_columns: dict[str, str], log: _Log
) -> None:
    """Identifying, segment, id, duration and attention-check columns must exist."""
    for column in codebook.identifying:
        _find_column(table, column, None, "identifying")
        named_by = [item for item, found in item_columns.items() if found == column]
        if named_by:
            raise DataError(
                f"{table.source}: header pattern of item(s) {named_by} matches the identifying "
                f"column {column!r}; identifying columns are never analysed"
            )
        log.column(column, "identifying column removed", "declared identifying in the codebook")
    extra = {
        "segments": codebook.segments,
        "id_column": [codebook.id_column] if codebook.id_column else [],
        "speeders": [codebook.speeders.column] if codebook.speeders else [],
        "attention_checks": [check.column for check in codebook.attention_checks],
    }
    for field, columns in extra.items():
        for column in columns:
            _find_column(table, column, None, field)


def _item_codes(
    table: SurveyTable, codebook: Codebook, item_columns: dict[str, str], log: _Log
) -> pd.DataFrame:
    """Numeric codes of every item; missing codes, unmapped labels, out-of-range set NaN."""
    items = pd.DataFrame(index=table.data.index)
    for cname in codebook.constructs:
        scale = codebook.scale_of(cname)
        for item in codebook.items_of(cname):
            column = item_columns[item]
            missing = table.user_missing.get(column, [])
            values = _to_codes(
                table.data[column], item, cname, codebook, missing, log, table.source
            )
            outside = values.notna() & ((values < scale.min) | (values > scale.max))
            log.cells(
                items.index[outside],
                item,
                values[outside],
                "out of range",
                f"allowed: {scale.min:g}–{scale.max:g}",
            )
            items[item] = values.mask(outside)
    return items


def _rows_to_keep(
    table: SurveyTable, codebook: Codebook, items: pd.DataFrame, log: _Log
) -> pd.Series:
    """Respondents kept after the row rules; each dropped row is logged once."""
    data = table.data
    keep = pd.Series(True, index=data.index)
    for check in codebook.attention_checks:
        answer, expected = data[check.column], check.expected
        ok = (answer.astype(str).str.strip() == str(expected)) | (
            pd.to_numeric(answer, errors="coerce") == pd.to_numeric(expected, errors="coerce")
        )
        keep &= ~log.rows(
            keep & ~ok, check.column, "failed attention check", f"expected answer {expected!r}"
        )
    if codebook.id_column:
        ids = data[codebook.id_column]
        duplicated = keep & ids.where(keep).duplicated(keep="first") & ids.notna()
        keep &= ~log.rows(
            duplicated,
            codebook.id_column,
            "duplicate respondent id",
            "an earlier row has the same id; first kept",
        )
    if codebook.speeders:
        column, limit = codebook.speeders.column, codebook.speeders.min_seconds
        seconds = pd.to_numeric(data[column], errors="coerce")
        if seconds.isna().all():
            raise DataError(
                f"{table.source}: speeders column {column!r} holds no numbers (seconds)"
            )
        keep &= ~log.rows(
            keep & (seconds < limit), column, "speeder", f"duration below {limit:g} s"
        )
    if codebook.straightlining:
        least = codebook.straightlining.min_items
        flat = (items.notna().sum(axis=1) >= least) & (items.nunique(axis=1) == 1)
        keep &= ~log.rows(
            keep & flat, "", "straight-lining", f"one same answer to all {least}+ answered items"
        )
    empty = items.isna().all(axis=1)
    keep &= ~log.rows(keep & empty, "", "no valid answers", "no item answered validly")
    return keep


def clean_survey(table: SurveyTable, codebook: Codebook) -> CleanedSurvey:
    """Apply the codebook's cleaning rules to raw answers.

    Parameters
    ----------
    table : SurveyTable
        Raw answers from :func:`survey.io.read_survey`.
    codebook : Codebook
        The validated codebook.

    Returns
    -------
    CleanedSurvey
        Numeric, reverse-coded items, construct scores, segments and the log.

    Raises
    ------
    DataError
        If a codebook column is absent, an item holds text the codebook cannot map,
        or a construct has no valid answer at all.

    Examples
    --------
    >>> from survey.datasets import load_example
    >>> from survey.io import read_survey
    >>> table, codebook = load_example("ecsi")
    >>> clean_survey(table, codebook).items.shape
    (250, 24)
    """
    log = _Log()
    source = table.source
    item_columns = _item_columns(table, codebook)
    _check_other_columns(table, codebook, item_columns, log)
    items = _item_codes(table, codebook, item_columns, log)
    keep = _rows_to_keep(table, codebook, items, log)
    items = items.loc[keep]

    constructs = {name: codebook.items_of(name) for name in codebook.constructs}
    for cname, names in constructs.items():
        if items[names].isna().all().all():
            raise DataError(
                f"{source}: construct {cname!r} has no valid answers in column(s) {names}"
            )
        least = codebook.min_valid_of(cname)
        log.rows(
            items[names].notna().sum(axis=1) < least,
            cname,
            "too few valid answers",
            f"fewer than {least} valid answers; score set missing",
        )
        reverse = codebook.constructs[cname].reverse
        if reverse:
            scale = codebook.scale_of(cname)
            items = reverse_code(items, reverse, scale.min, scale.max)
            for item in reverse:
                log.column(item, "reverse coded", f"x -> {scale.min:g} + {scale.max:g} - x")
    scores = construct_scores(
        items, constructs, {name: codebook.min_valid_of(name) for name in constructs}
    )
    segments = table.data.loc[keep, codebook.segments].astype("string")
    return CleanedSurvey(
        items=items, scores=scores, segments=segments, log=log.frame(), n_read=len(table.data)
    )
