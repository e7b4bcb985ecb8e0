"""Clean raw answers according to the codebook, recording every step.

Each change is one row of the cleaning log with columns ``row`` (spreadsheet row,
empty for column-wide steps), ``column``, ``value`` (the original answer, never from
an identifying column), ``what`` (the rule) and ``why``. Rules, in order:

``identifying column removed``, ``missing code``, ``unmapped label``,
``out of range`` (answers set missing; the last two only with ``allow_unmapped``,
otherwise they are an error); ``failed attention check``,
``duplicate respondent id``, ``speeder``, ``straight-lining``,
``no valid answers`` (rows dropped); ``too few valid answers`` (construct score set
missing); ``reverse coded`` (column recoded); ``small segment suppressed`` (a segment
level with fewer than :data:`MIN_SEGMENT_SIZE` respondents set missing, so neither its
name nor its scores are published; the log counts its rows, never the level);
``constant item left out`` (an item every kept respondent answered alike, or nobody
answered, is left out of its construct's score and statistics, and the analysis goes on).
A segment column that looks like an identifier (:func:`survey.identifiers.identifier_reason`:
phone numbers, e-mails, IPv4 addresses or ID numbers among its levels, or more than half
the kept respondents with a level of their own) is an error naming its kind, never a value.

An XLSX cell the reader cannot take as an answer is logged per cell of every column the
codebook uses: ``formula without cached value`` and ``spreadsheet error value``
(``#DIV/0!``, ``#N/A``, ...) are read as missing; a ``TRUE``/``FALSE`` cell in an item
is an error, as is a CSV item column of booleans (a boolean is not an answer code).

Personal data typed into a cell (phone, e-mail, IPv4, ID number) is replaced by a
placeholder (:func:`survey.redact.redact`) in the log ``value`` and in error messages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from survey.codebook import Codebook, normalise_label
from survey.errors import DataError
from survey.header_patterns import matching_columns
from survey.identifiers import identifier_reason
from survey.io import SurveyTable
from survey.redact import preview, preview_list, redact, redact_values
from survey.scoring import construct_scores, reverse_code

LOG_COLUMNS: Final = ["row", "column", "value", "what", "why"]
#: Fewest respondents a segment level needs to be published (small-cell suppression).
MIN_SEGMENT_SIZE: Final = 5

_NUMBER = r"(\d+(?:\.\d+)?)"
_UNITS = re.compile(
    rf"(?:{_NUMBER}(?:小时|时|hours?|hrs?|h))?"
    rf"(?:{_NUMBER}(?:分钟|分|minutes?|mins?|m))?"
    rf"(?:{_NUMBER}(?:秒钟|秒|seconds?|secs?|s))?"
)
_CLOCK = re.compile(r"(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?")
_SHOWN = 5  # offending values named in an error message


def _one_duration(text: str) -> float | None:
    """Seconds in one duration text, None if it cannot be read."""
    text = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    if re.fullmatch(_NUMBER, text):
        return float(text)
    clock = _CLOCK.fullmatch(text)
    if clock:
        first, second, third = clock.groups()
        if third is None:  # m:ss
            hours, minutes, seconds = 0.0, float(first), float(second)
        else:  # h:mm:ss
            hours, minutes, seconds = float(first), float(second), float(third)
        if (third is not None and minutes >= 60) or seconds >= 60:
            return None
        return hours * 3600 + minutes * 60 + seconds
    units = _UNITS.fullmatch(text)
    if units and text:
        hours, minutes, seconds = (float(part) if part else 0.0 for part in units.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


def parse_duration_seconds(values: Iterable[object]) -> np.ndarray:
    """Durations in seconds, as exported by Chinese and international survey platforms.

    Reads numbers (seconds: ``123``, ``123.5``), 问卷星-style texts (``"120秒"``,
    ``"2分3秒"``, ``"1小时2分3秒"``, also ``"2 min 3 s"``, ``"1h2m3s"``) and clock
    times (``"2:03"`` is m:ss, ``"00:02:03"`` is h:mm:ss). Full-width digits and any
    spacing are accepted; empty cells give NaN.

    Parameters
    ----------
    values : iterable
        The answers of a duration column (numbers, texts or missing).

    Returns
    -------
    numpy.ndarray
        Seconds as floats, NaN where the cell is empty.

    Raises
    ------
    DataError
        If a value cannot be read; the message counts them and quotes the first.

    Examples
    --------
    >>> parse_duration_seconds(["120秒", "2分3秒", "1小时2分3秒", "00:02:03", "2:03", 123.5, None])
    array([ 120. ,  123. , 3723. ,  123. ,  123. ,  123.5,    nan])
    """
    series = pd.Series(list(values), dtype=object)
    missing = series.isna() | (series.astype(str).str.strip() == "")
    seconds = pd.Series(np.nan, index=series.index)
    numeric = series.map(lambda value: isinstance(value, int | float | np.number))
    seconds[numeric & ~missing] = series[numeric & ~missing].astype(float)
    texts = series[~numeric & ~missing].astype(str)
    # parse each distinct text once: fast on 100 000 rows
    parsed = {text: _one_duration(text) for text in texts.unique()}
    bad = [text for text, value in parsed.items() if value is None]
    if bad:
        count = int(texts.isin(bad).sum())
        raise DataError(
            f"cannot read {count} duration(s), e.g. {preview(bad[0])}; expected seconds (123, "
            "123.5), 120秒, 2分3秒, 1小时2分3秒, 2:03 (m:ss) or 00:02:03 (h:mm:ss)"
        )
    seconds[texts.index] = texts.map(parsed).astype(float)
    return seconds.to_numpy(dtype=float)


def _counts(values: pd.Series, shown: int = _SHOWN) -> str:
    """The most frequent values with their counts: "'8分' ×120, '9 分' ×61, +2 more"."""
    counts = values.value_counts(sort=True)
    text = ", ".join(
        f"{value:g} ×{n}" if isinstance(value, float) else f"{preview(value)} ×{n}"
        for value, n in counts.head(shown).items()
    )
    more = len(counts) - shown
    return text + (f", +{more} more" if more > 0 else "")


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
    codebook : Codebook or None
        The codebook as analysed: the given one without the items left out because
        they do not vary (their columns stay in ``items``).
    left_out : dict
        Item → construct, for each item left out because it does not vary.
    """

    items: pd.DataFrame
    scores: pd.DataFrame
    segments: pd.DataFrame
    log: pd.DataFrame
    n_read: int
    codebook: Codebook | None = None
    left_out: dict[str, str] = field(default_factory=dict)

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
        log["value"] = redact_values(log["value"])
        return log.astype({"row": "Int64"}).reset_index(drop=True)[LOG_COLUMNS]


def _find_column(table: SurveyTable, name: str, pattern: str | None, field: str) -> str:
    columns = [str(column) for column in table.data.columns]
    if pattern is None:
        if name in columns:
            return name
        raise DataError(
            f"{table.source}: column {preview(name)} from codebook {field} is not in the file; "
            f"columns are: {preview_list(columns, 40)}"
        )
    matches = matching_columns(pattern, columns, table.questions, source=table.source)
    if len(matches) != 1:
        found = "no column" if not matches else f"{len(matches)} columns {preview_list(matches)}"
        raise DataError(
            f"{table.source}: header pattern {preview(pattern)} of item {preview(name)} matches "
            f"{found}; it must match exactly one of: {preview_list(columns, 40)}"
        )
    return matches[0]


def _item_columns(table: SurveyTable, codebook: Codebook) -> dict[str, str]:
    found = {}
    for cname, construct in codebook.constructs.items():
        for item in construct.items:
            name, pattern = (item, None) if isinstance(item, str) else (item.name, item.header)
            found[name] = _find_column(table, name, pattern, f"constructs.{cname}")
    return found


class _Unmapped(DataError):
    """Unmapped labels or out-of-scale answers in one column (gathered over columns)."""


def _where(source: str, item: str, column: str) -> str:
    named = (
        f"column {preview(item)}"
        if column == item
        else f"column {preview(column)} (item {preview(item)})"
    )
    return f"{source}: {named}"


def _to_codes(
    raw: pd.Series,
    item: str,
    construct: str,
    codebook: Codebook,
    missing: list[float],
    log: _Log,
    source: str,
    allow_unmapped: bool,
) -> pd.Series:
    text_missing = {normalise_label(str(code)) for code in codebook.missing_codes}
    declared = codebook.labels_of(construct)
    labels = {normalise_label(label): code for label, code in declared.items()}
    if is_bool_dtype(raw) or (raw.dtype == object and raw.map(type).eq(bool).any()):
        scale = codebook.scale_of(construct)
        rows = raw.index[raw.map(type).eq(bool)]
        raise DataError(
            f"{_where(source, item, str(raw.name))} row {rows[0]}: TRUE/FALSE in a numeric "
            f"item ({len(rows)} cells); allowed: numbers {scale.min:g}–{scale.max:g} "
            "(a boolean is not an answer code)"
        )
    if is_numeric_dtype(raw):
        values = raw.astype(float)
    else:
        text = raw.astype("string")
        # normalise each distinct answer once: fast on 100 000 rows of text labels
        text = text.map({value: normalise_label(value) for value in text.dropna().unique()})
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
                    f"{_where(source, item, str(raw.name))} row {row}: text "
                    f"{preview(raw[row])} in a numeric item; allowed: numbers "
                    f"{scale.min:g}–{scale.max:g} "
                    "(or declare labels: in the codebook)"
                )
            if not allow_unmapped:
                labels_shown = ", ".join(repr(label) for label in list(declared)[:8])
                more = len(declared) - 8
                labels_shown += f", +{more} more" if more > 0 else ""
                raise _Unmapped(
                    f"{_where(source, item, str(raw.name))}: {int(unmapped.sum())} answer(s) "
                    f"match no codebook label nor missing code: "
                    f"{_counts(raw[unmapped].astype(str))}; labels are: {labels_shown} "
                    "(add them to labels: or missing_codes:, or use --allow-unmapped to "
                    "set them missing)"
                )
            log.cells(
                raw.index[unmapped],
                item,
                raw[unmapped],
                "unmapped label",
                f"not a number nor a codebook label, set missing (--allow-unmapped); "
                f"allowed: {preview_list(declared)}",
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
                f"column {preview(column)}; identifying columns are never analysed"
            )
        log.column(column, "identifying column removed", "declared identifying in the codebook")
    extra = {
        "segments": codebook.segments,
        "id_column": [codebook.id_column] if codebook.id_column else [],
        "speeders": [codebook.speeders.column] if codebook.speeders else [],
        "attention_checks": [check.column for check in codebook.attention_checks],
    }
    for what, columns in extra.items():
        for column in columns:
            _find_column(table, column, None, what)


def _log_unread(
    table: SurveyTable, codebook: Codebook, item_columns: dict[str, str], log: _Log
) -> None:
    """Log formulas without a value and error values; refuse booleans in items."""
    unread = table.unread
    if unread.empty:
        return
    item_of = {column: item for item, column in item_columns.items()}
    used = {
        *item_of,
        *codebook.segments,
        codebook.id_column,
        codebook.speeders.column if codebook.speeders else None,
        *[check.column for check in codebook.attention_checks],
    }
    booleans = unread[(unread["kind"] == "boolean") & unread["column"].isin(list(item_of))]
    if len(booleans):
        first = booleans.iloc[0]
        item = item_of[first["column"]]
        construct = next(c for c in codebook.constructs if item in codebook.items_of(c))
        scale = codebook.scale_of(construct)
        raise DataError(
            f"{_where(table.source, item, first['column'])} row {first['row']}: "
            f"{first['value']} in a numeric item ({len(booleans)} TRUE/FALSE cells in all); "
            f"allowed: numbers {scale.min:g}–{scale.max:g} (a boolean is not an answer code)"
        )
    why = {
        "formula without cached value": "the workbook holds a formula but not its value "
        "(open and save it in Excel to compute it); read as missing",
        "spreadsheet error value": "the cell holds an error value, not an answer; read as missing",
    }
    for (column, kind), cells in unread[unread["column"].isin(list(used))].groupby(
        ["column", "kind"], sort=False
    ):
        if kind in why:
            rows = pd.Index(cells["row"].astype(int))
            log.cells(rows, item_of.get(column, column), cells["value"].to_numpy(), kind, why[kind])


def _item_codes(
    table: SurveyTable,
    codebook: Codebook,
    item_columns: dict[str, str],
    log: _Log,
    allow_unmapped: bool,
) -> pd.DataFrame:
    """Numeric codes of every item; missing codes set NaN.

    Unmapped labels and answers outside the scale are an error naming the column, or,
    with ``allow_unmapped``, set NaN and logged.
    """
    items = pd.DataFrame(index=table.data.index)
    problems: dict[str, _Unmapped] = {}  # item -> its error; the first one is reported
    for cname in codebook.constructs:
        scale = codebook.scale_of(cname)
        for item in codebook.items_of(cname):
            column = item_columns[item]
            missing = table.user_missing.get(column, [])
            try:
                values = _to_codes(
                    table.data[column],
                    item,
                    cname,
                    codebook,
                    missing,
                    log,
                    table.source,
                    allow_unmapped,
                )
            except _Unmapped as err:
                problems[item] = err
                continue
            outside = values.notna() & ((values < scale.min) | (values > scale.max))
            if outside.any() and not allow_unmapped:
                problems[item] = _Unmapped(
                    f"{_where(table.source, item, column)}: {int(outside.sum())} answer(s) "
                    f"outside the scale {scale.min:g}–{scale.max:g}: "
                    f"{_counts(values[outside])} (declare them in missing_codes:, fix the "
                    "scale:, or use --allow-unmapped to set them missing)"
                )
                continue
            log.cells(
                items.index[outside],
                item,
                values[outside],
                "out of range",
                f"allowed: {scale.min:g}–{scale.max:g}; set missing (--allow-unmapped)",
            )
            items[item] = values.mask(outside)
    if problems:
        first, *others = problems
        also = f"; the same in {len(others)} other item(s): {others}" if others else ""
        raise DataError(f"{problems[first]}{also}")
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
        try:
            seconds = pd.Series(parse_duration_seconds(data[column]), index=data.index)
        except DataError as err:
            raise DataError(f"{table.source}: speeders column {preview(column)}: {err}") from None
        if seconds.isna().all():
            raise DataError(
                f"{table.source}: speeders column {preview(column)} holds no durations (all empty)"
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


def _constant_items(
    items: pd.DataFrame, codebook: Codebook, log: _Log, source: str
) -> dict[str, str]:
    """Items with one distinct answer (or none) among kept rows → their construct; logged.

    A construct all of whose items are so is an error: nothing of it can be analysed.
    """
    left_out: dict[str, str] = {}
    for cname in codebook.constructs:
        names = codebook.items_of(cname)
        if items[names].isna().all().all():
            continue  # reported below as a construct without valid answers
        distinct = items[names].nunique()
        flat = [item for item in names if distinct[item] < 2]
        if not flat:
            continue
        if len(flat) == len(names):
            raise DataError(
                f"{source}: construct {preview(cname)}: no item varies (each kept respondent "
                f"gave the same answer, or none, to {preview_list(flat)}); nothing to analyse"
            )
        for item in flat:
            answers = items[item].dropna().unique()
            given = f"the same answer ({answers[0]:g})" if len(answers) else "no valid answer"
            log.column(
                item,
                "constant item left out",
                f"every kept respondent gave {given}; left out of construct "
                f"{preview(cname)}'s score and statistics",
            )
            left_out[item] = cname
    return left_out


def _without_items(codebook: Codebook, left_out: dict[str, str]) -> Codebook:
    """The codebook with the ``left_out`` items removed from their constructs."""
    if not left_out:
        return codebook
    constructs = {}
    for cname, construct in codebook.constructs.items():
        kept = [
            item
            for item in construct.items
            if (item if isinstance(item, str) else item.name) not in left_out
        ]
        update: dict[str, object] = {
            "items": kept,
            "reverse": [item for item in construct.reverse if item not in left_out],
        }
        if len(kept) < 2:
            update["reliability"] = False
        constructs[cname] = construct.model_copy(update=update)
    return codebook.model_copy(update={"constructs": constructs})


def _published_segments(segments: pd.DataFrame, min_size: int, log: _Log) -> pd.DataFrame:
    """Segment levels with fewer than ``min_size`` respondents set missing, rows logged."""
    published = {}
    for column in segments.columns:
        counts = segments[column].value_counts()
        small = counts[counts < min_size]
        hidden = segments[column].isin(small.index).fillna(False).astype(bool)
        log.rows(
            hidden,
            column,
            "small segment suppressed",
            f"{int(hidden.sum())} respondent(s) in {len(small)} level(s) with fewer than "
            f"{min_size} respondents; level not published",
        )
        published[column] = segments[column].mask(hidden)
    return pd.DataFrame(published, index=segments.index, columns=segments.columns)


def clean_survey(
    table: SurveyTable,
    codebook: Codebook,
    *,
    allow_unmapped: bool | None = None,
    min_segment_size: int = MIN_SEGMENT_SIZE,
) -> CleanedSurvey:
    """Apply the codebook's cleaning rules to raw answers.

    Parameters
    ----------
    table : SurveyTable
        Raw answers from :func:`survey.io.read_survey`.
    codebook : Codebook
        The validated codebook.
    allow_unmapped : bool, optional
        Set answers that match no label, or lie outside the scale, missing (logged)
        instead of raising; default: the codebook's ``allow_unmapped``.
    min_segment_size : int, default :data:`MIN_SEGMENT_SIZE` (5)
        Segment levels with fewer kept respondents are set missing (small-cell
        suppression) and counted in the log.

    Returns
    -------
    CleanedSurvey
        Numeric, reverse-coded items, construct scores, segments and the log.

    Raises
    ------
    DataError
        If a codebook column is absent, an item holds text the codebook cannot map or
        answers outside its scale (unless ``allow_unmapped``), a duration cannot be
        read, a segment column looks like an identifier, or a construct has no valid
        answer at all.

    Examples
    --------
    >>> from survey.datasets import load_example
    >>> from survey.io import read_survey
    >>> table, codebook = load_example("ecsi")
    >>> clean_survey(table, codebook).items.shape
    (250, 24)
    """
    try:
        return _clean(table, codebook, allow_unmapped, min_segment_size)
    except DataError as err:  # a cell quoted in the message may hold personal data
        raise DataError(redact(str(err))) from None


def _clean(
    table: SurveyTable,
    codebook: Codebook,
    allow_unmapped: bool | None,
    min_segment_size: int,
) -> CleanedSurvey:
    log = _Log()
    source = table.source
    item_columns = _item_columns(table, codebook)
    _check_other_columns(table, codebook, item_columns, log)
    if allow_unmapped is None:
        allow_unmapped = codebook.allow_unmapped
    _log_unread(table, codebook, item_columns, log)
    items = _item_codes(table, codebook, item_columns, log, allow_unmapped)
    keep = _rows_to_keep(table, codebook, items, log)
    items = items.loc[keep]
    given = codebook
    left_out = _constant_items(items, codebook, log, source)
    codebook = _without_items(codebook, left_out)

    constructs = {name: codebook.items_of(name) for name in codebook.constructs}
    for cname, names in constructs.items():
        if items[names].isna().all().all():
            raise DataError(
                f"{source}: construct {preview(cname)} has no valid answers in column(s) "
                f"{preview_list(names)}"
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
    for column in codebook.segments:
        reason = identifier_reason(table.data.loc[keep, column])
        if reason:
            raise DataError(
                f"{source}: codebook segment {preview(column)} (column {preview(column)}) "
                f"looks like an identifier: {reason}; a segment must group respondents "
                "(e.g. city, tier): list the column under identifying instead"
            )
    segments = _published_segments(
        table.data.loc[keep, codebook.segments].astype("string"), min_segment_size, log
    )
    return CleanedSurvey(
        items=items,
        scores=scores,
        segments=segments,
        log=log.frame(),
        n_read=len(table.data),
        codebook=codebook if left_out else given,
        left_out=left_out,
    )
