"""Draft a codebook from a survey file: ``shoplab survey codebook DATA``.

The draft is a starting point that the user edits. It guesses

* item blocks from the headers: a common alphabetic prefix with a number
  (``CUSA1, CUSA2`` → construct ``CUSA``); the rows of a matrix question, whose
  columns share one question number (``5(服务态度)``, or ``第5题：…—服务态度`` as an
  export by text writes them) → construct ``Q5``; or single numbered questions
  (``第3题``, ``3、question text``, ``Q3``) grouped while consecutive questions share
  one answer set;
* the scale from the answers (min..max of the numbers; texts with a leading number
  such as ``8分`` become ``labels`` with that number as code; other texts on an
  otherwise numeric item go to the nearer end of the scale, negative wording to the
  bottom);
* identifying columns (phone, e-mail, IP, ID, name, submission time, and device,
  browser, operating-system and user-agent metadata) from header words and from
  value patterns (mobile numbers, e-mails, IPv4, Chinese ID numbers); their
  values are never written into the draft;
* the duration column (a commented ``speeders`` suggestion) and segment columns
  (text columns with few distinct values that are not items).

Examples
--------
>>> import pandas as pd
>>> from survey.io import SurveyTable
>>> data = pd.DataFrame({"SAT1": [1, 5, 3], "SAT2": [2, 4, 5], "city": ["A", "B", "A"]})
>>> draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
>>> draft["constructs"], draft["scale"], draft["segments"]
({'SAT': {'items': ['SAT1', 'SAT2']}}, {'min': 1, 'max': 5}, ['city'])
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from survey.atomic import write_text_atomic
from survey.codebook import normalise_label, parse_codebook
from survey.io import SurveyTable, read_survey
from survey.redact import PERSONAL_DATA

_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_]*?)_?(\d+)([a-z]?)$")
_MATRIX = re.compile(r"^(\d+)\s*[(（]([^)）]+)[)）]\s*$")
_NUMBERED = [
    (re.compile(r"^第\s*(\d+)\s*题"), "^第{n}题"),
    (re.compile(r"^(\d+)\s*[、.．]"), "^{n}\\s*[、.．]"),
    (re.compile(r"^[Qq](\d+)\b"), "^[Qq]{n}\\b"),
]
_HEADER_IDENTIFYING = re.compile(
    r"phone|mobile|手机|电话|e-?mail|邮箱|(?-i:(?<![A-Za-z])IP(?![A-Za-z]))"
    r"|(?-i:(?<![A-Za-z])I[Dd](?![a-z])|(?<=[a-z])Id(?![a-z])|(?<=[a-z])Date(?![a-z]))"
    r"|身份证|\bname\b|姓名|名字|昵称|地址|address|微信号|QQ|提交答卷时间|submi|timestamp"
    r"|开始时间|结束时间",
    re.IGNORECASE,
)
# Device and browser metadata: never analysed; a user-agent string can single a person out.
_HEADER_DEVICE = re.compile(
    r"user.?agent|device|设备|浏览器|browser|操作系统|operating.?system|(?-i:\bOS\b)|终端"
    r"|来源详情|屏幕|screen|分辨率|resolution",
    re.IGNORECASE,
)
_HEADER_DURATION = re.compile(r"所用时间|用时|duration|time taken|seconds", re.IGNORECASE)
# "8分", "10 - Extremely likely", but not a date such as "2024-05-01".
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)(?![\d.:/-])\s*[^\d]{0,40}$")
_NEGATIVE = re.compile(r"不|没|差|无|否|dis|not|never|poor|bad|unlikely|un", re.IGNORECASE)
_MISSING_TEXTS = {
    normalise_label(text)
    for text in [
        "(跳过)",
        "(空)",
        "跳过",
        "不适用",
        "不知道",
        "拒绝回答",
        "N/A",
        "NA",
        "don't know",
    ]
}
_MISSING_LOW = {-3.0, -2.0, -1.0}  # 问卷星 writes -3 for skipped, -2 for jumped over
_MISSING_HIGH = {97.0, 98.0, 99.0, 999.0, 9999.0}
# Common five-point wordings (synonyms share a code), for items answered in words only.
_LIKERT: list[dict[str, int]] = [
    {
        normalise_label(text): code
        for code, texts in enumerate(levels, start=1)
        for text in texts.split("|")
    }
    for levels in [
        [
            "非常不满意|很不满意",
            "不满意|比较不满意",
            "一般|中立|不确定",
            "满意|比较满意",
            "非常满意|很满意",
        ],
        [
            "非常不同意|完全不同意",
            "不同意|比较不同意",
            "一般|中立|不确定",
            "同意|比较同意",
            "非常同意|完全同意",
        ],
        [
            "strongly disagree",
            "disagree",
            "neutral|neither agree nor disagree",
            "agree",
            "strongly agree",
        ],
        ["very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"],
    ]
]
_MAX_SEGMENT_LEVELS = 12
_MAX_ANSWER_CODES = 12


@dataclass
class _Column:
    name: str
    codes: set[float] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)
    labels: dict[str, float] = field(default_factory=dict)
    missing: list[float | str] = field(default_factory=list)


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_identifying(name: str, values: pd.Series) -> bool:
    if _HEADER_IDENTIFYING.search(name) or _HEADER_DEVICE.search(name):
        return True
    texts = values.dropna().map(_as_text)
    if texts.empty:
        return False
    for pattern in PERSONAL_DATA.values():
        if texts.str.fullmatch(pattern).mean() >= 0.5:
            return True
    return False


def _answers(name: str, values: pd.Series) -> _Column | None:
    """Numbers and texts of a column if it looks like a rating item, else None."""
    column = _Column(name)
    for value in values.dropna().unique():
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if pd.notna(number):
            if float(number) != int(number):
                return None
            column.codes.add(float(number))
        else:
            text = str(value).strip()
            match = _LEADING_NUMBER.match(text)
            if normalise_label(text) in _MISSING_TEXTS:
                column.missing.append(text)
            elif match:
                column.labels[text] = float(match.group(1))
            else:
                column.texts.append(text)
    if not column.codes and not column.labels and column.texts:
        for vocabulary in _LIKERT:
            if all(normalise_label(text) in vocabulary for text in column.texts):
                column.labels = {t: float(vocabulary[normalise_label(t)]) for t in column.texts}
                column.texts = []
                break
    valid = column.codes - _MISSING_LOW - _MISSING_HIGH
    if valid and min(valid) >= 1:
        column.missing += sorted(column.codes & _MISSING_LOW)
    if valid and max(valid) <= 11:
        column.missing += sorted(column.codes & _MISSING_HIGH)
    column.codes -= {code for code in column.missing if isinstance(code, float)}
    if not column.codes and not column.labels:
        return None  # texts only: a segment (or a scale the user codes in labels)
    if len(column.codes | set(column.labels.values())) + len(column.texts) > _MAX_ANSWER_CODES:
        return None
    return column


def _question_number(name: str) -> str | None:
    """The question number of a numbered header (``第5题…``, ``5、…``, ``Q5 …``), or None."""
    for pattern, _ in _NUMBERED:
        match = pattern.match(name)
        if match:
            return match.group(1)
    return None


def _item_key(
    name: str, counter: Counter, repeated: set[str]
) -> tuple[str, str, str | None] | None:
    """(block key, item name, header pattern) from a header, or None.

    Numbered questions have an empty block key (they are grouped by answer set);
    sub-items of a matrix question, ``5(服务态度)`` or a question number that heads
    several columns (``第5题：…—服务态度``, ``第5题：…—响应速度``; ``repeated``), have
    the key ``Q5`` and are named ``Q5_1, Q5_2, ...`` in order.
    """
    matrix = _MATRIX.match(name)
    if matrix:
        number, sub = matrix.group(1), matrix.group(2)
        counter[number] += 1
        header = f"^{number}[(（]{re.escape(sub)}[)）]"
        return f"Q{number}", f"Q{number}_{counter[number]}", header
    for pattern, header in _NUMBERED:
        match = pattern.match(name)
        if match:
            number = match.group(1)
            if number in repeated:
                counter[number] += 1
                return f"Q{number}", f"Q{number}_{counter[number]}", f"^{re.escape(name)}$"
            return "", f"Q{number}", header.format(n=number)
    match = _PREFIXED.match(name)
    if match:
        return match.group(1), name, None
    if re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
        return name, name, None  # a one-item construct such as CUSCO
    return None


def _compatible(last: _Column, column: _Column) -> bool:
    """Whether two consecutive numbered questions share one answer set."""
    if bool(last.texts) != bool(column.texts) or bool(last.labels) != bool(column.labels):
        return False
    top = [max([*col.codes, *col.labels.values()]) for col in (last, column)]
    return abs(top[0] - top[1]) <= 1


def _text_labels(columns: list[_Column]) -> dict[str, float]:
    """Labels of a block: numbered texts by their number, others beyond the numbers.

    Texts without a number on an item that also has numeric answers are taken to be
    the labels of the scale ends: negative wording one below the lowest number,
    other wording one above the highest.
    """
    labels: dict[str, float] = {}
    codes = [c for col in columns for c in (*col.codes, *col.labels.values())]
    for column in columns:
        labels.update(column.labels)
        if codes:
            for text in column.texts:
                labels[text] = min(codes) - 1 if _NEGATIVE.search(text) else max(codes) + 1
    return labels


def _range(columns: list[_Column], labels: dict[str, float]) -> tuple[float, float] | None:
    codes = [c for col in columns for c in col.codes] + list(labels.values())
    return (min(codes), max(codes)) if codes else None


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def draft_codebook(table: SurveyTable) -> dict:
    """Guess a codebook (as a mapping) from the answers of a survey file.

    Parameters
    ----------
    table : SurveyTable
        The survey as read by :func:`survey.io.read_survey`.

    Returns
    -------
    dict
        A mapping that :func:`survey.codebook.parse_codebook` accepts, plus a
        ``_notes`` entry (list of str) and, if a duration column was found, a
        ``_speeders_column`` entry; both are written as YAML comments by
        :func:`write_draft`.

    Raises
    ------
    ValueError
        If no column looks like a questionnaire item.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"第1题：服务": ["8分", "10分"], "第2题：价格": ["7分", "9分"],
    ...                      "手机": ["13812345678", "13912345678"]})
    >>> draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
    >>> draft["constructs"]["Block1"]["items"][0]
    {'name': 'Q1', 'header': '^第1题'}
    >>> draft["identifying"], draft["labels"]["8分"]
    (['手机'], 8)
    """
    data = table.data
    identifying: list[str] = []
    duration: str | None = None
    segments: list[str] = []
    blocks: list[tuple[str, list[tuple[str, str | None, _Column]]]] = []
    counter: Counter = Counter()
    numbers = Counter(_question_number(str(name)) for name in data.columns)
    repeated = {number for number, count in numbers.items() if number and count > 1}
    notes: list[str] = []
    for name in data.columns:
        name = str(name)
        values = data[name]
        if _HEADER_DURATION.search(name) and not _HEADER_IDENTIFYING.search(name):
            duration = duration or name
            continue
        if _is_identifying(name, values):
            identifying.append(name)
            continue
        key = _item_key(name, counter, repeated)
        column = _answers(name, values) if key else None
        if key and column:
            prefix, item, header = key
            last = blocks[-1] if blocks else None
            same = (
                last is not None
                and last[0] == prefix
                and (prefix or _compatible(last[1][-1][2], column))
            )
            if same:
                last[1].append((item, header, column))
            else:
                blocks.append((prefix, [(item, header, column)]))
            continue
        texts = values.dropna().astype(str)
        numeric = pd.to_numeric(values.dropna(), errors="coerce").notna().all()
        if not numeric and 2 <= texts.nunique() <= min(_MAX_SEGMENT_LEVELS, len(texts) - 1):
            segments.append(name)
    if not blocks:
        raise ValueError(f"{table.source}: no column looks like a numbered questionnaire item")
    # Prefix blocks may be split by other columns: merge blocks with one prefix.
    merged: dict[str, list[tuple[str, str | None, _Column]]] = {}
    unnamed = 0
    for prefix, members in blocks:
        if not prefix:
            unnamed += 1
            prefix = f"Block{unnamed}"
        merged.setdefault(prefix, []).extend(members)
    block_labels = {name: _text_labels([m[2] for m in ms]) for name, ms in merged.items()}
    ranges = {
        name: _range([m[2] for m in members], block_labels[name])
        for name, members in merged.items()
    }
    known = [r for r in ranges.values() if r is not None]
    top = Counter(high for _, high in known).most_common(1)[0][0] if known else None
    lows = [low for low, high in known if high == top]
    scale = (min(lows), top) if known else None
    constructs: dict[str, dict] = {}
    all_labels: dict[str, float] = {}
    for name, members in merged.items():
        columns = [m[2] for m in members]
        own = ranges[name]
        construct: dict = {
            "items": [
                item if header is None else {"name": item, "header": header}
                for item, header, _ in members
            ]
        }
        if own is None:
            own = (1.0, float(max(len(set(t for c in columns for t in c.texts)), 2)))
            notes.append(f"{name}: text answers without numbers; set their codes in labels")
        if scale is None or own[1] != scale[1]:
            if own[0] < own[1]:
                construct["scale"] = {"min": _number(own[0]), "max": _number(own[1])}
        labels = block_labels[name]
        guessed = [t for c in columns for t in c.texts]
        if guessed:
            notes.append(
                f"{name}: codes of {sorted(set(guessed))} guessed from their wording; check them"
            )
        if "scale" in construct and labels:
            construct["labels"] = {k: _number(v) for k, v in labels.items()}
        else:
            all_labels.update(labels)
        constructs[name] = construct
    if scale is None or scale[0] >= scale[1]:
        scale = (1.0, 5.0)
        notes.append("scale: could not be read from the answers; 1-5 assumed")
    missing = [code for members in merged.values() for m in members for code in m[2].missing]
    missing = sorted({c for c in missing if isinstance(c, float)}) + sorted(
        {c for c in missing if isinstance(c, str)}
    )
    draft: dict = {
        "scale": {"min": _number(scale[0]), "max": _number(scale[1])},
        "constructs": constructs,
    }
    if all_labels:
        draft["labels"] = {k: _number(v) for k, v in all_labels.items()}
    if missing:
        draft["missing_codes"] = [c if isinstance(c, str) else _number(c) for c in missing]
    if segments:
        draft["segments"] = segments
    if identifying:
        draft["identifying"] = identifying
    draft["_notes"] = notes
    if duration:
        draft["_speeders_column"] = duration
    return draft


def draft_yaml(table: SurveyTable) -> str:
    """The draft codebook as commented YAML text.

    Parameters
    ----------
    table : SurveyTable
        The survey as read by :func:`survey.io.read_survey`.

    Returns
    -------
    str
        YAML that :func:`survey.codebook.load_codebook` accepts.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"A1": [1, 5], "A2": [2, 4]})
    >>> print(draft_yaml(SurveyTable(data=data, source="s.csv")).splitlines()[-3])
    constructs:
    """
    draft = draft_codebook(table)
    notes = draft.pop("_notes")
    duration = draft.pop("_speeders_column", None)
    parse_codebook(draft, source="draft codebook")  # never write an invalid draft
    lines = [
        f"# Codebook drafted from {Path(table.source).name or 'the survey'} by "
        "`shoplab survey codebook`.",
        "# Check it: rename the constructs, split or merge item blocks, add reverse:,",
        "# missing_codes, roles, pls and nps as needed.",
        *[f"# NOTE {note}" for note in notes],
    ]
    if duration:
        lines += [
            f"# Duration column found: {duration!r}. To drop speeders, uncomment and set:",
            f"# speeders: {{column: {duration}, min_seconds: 60}}",
        ]
    body = yaml.safe_dump(
        draft, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
    )
    return "\n".join(lines) + "\n" + body


def write_draft(data: str | Path, out: str | Path, sheet: str | int | None = None) -> Path:
    """Read a survey file and write a draft codebook next to it (or to ``out``).

    Parameters
    ----------
    data : str or Path
        The survey file (CSV, XLSX, SPSS .sav).
    out : str or Path
        Where to write the YAML codebook.
    sheet : str or int, optional
        XLSX sheet.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> write_draft(example_paths("ecsi").data, "draft.yaml")  # doctest: +SKIP
    PosixPath('draft.yaml')
    """
    out = Path(out)
    write_text_atomic(draft_yaml(read_survey(data, sheet=sheet)), out)
    return out
