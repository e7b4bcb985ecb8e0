"""The codebook: which columns measure which construct, and how to clean them.

A codebook is a YAML file validated by :class:`Codebook` (pydantic, unknown fields
are refused, errors name the field and the allowed values). Every field::

    scale: {min: 1, max: 5}            # valid answer codes, inclusive (required)
    constructs:                        # required; construct -> its items
      Satisfaction:
        items: [SAT1, SAT2, {name: SAT3, header: "^3、"}]
        reverse: [SAT2]                # stored as min + max - x, recoded before scoring
        scale: {min: 0, max: 10}       # this construct's own scale (optional)
        labels: {Very likely: 10, Not at all likely: 0}  # its own labels (optional)
        min_valid: 2                   # fewer valid answers -> missing score
        reliability: true              # default: true when the construct has 2+ items
      Loyalty: {items: [LOY1, LOY2, LOY3]}
      Quality: {items: [QUA1, QUA2]}
      Value: {items: [VAL1, VAL2]}
    labels: {非常满意: 5, 满意: 4, 一般: 3, 不满意: 2, 非常不满意: 1}  # text -> code
    missing_codes: [99, "不适用"]       # answers meaning "no answer"
    segments: [city, tier]             # grouping columns for segment comparisons
    identifying: [IP, phone, name]     # never analysed, never copied to any output
    id_column: respondent_id           # duplicates after the first are dropped
    header_rows: 1                     # default: Qualtrics detected (3), else 1
    min_valid: 1                       # default minimum valid answers per construct
    speeders: {column: duration, min_seconds: 120}   # "120", "2分3秒", "00:02:03", ...
    allow_unmapped: false              # true: unmapped labels and out-of-scale answers
                                       # become missing (logged) instead of an error
    straightlining: {min_items: 10}    # one same answer to all (10+) items -> dropped
    attention_checks: [{column: Q7, expected: 4}]
    roles: {satisfaction: Satisfaction, loyalty: Loyalty, quality: Quality,
            drivers: [Quality, Value]} # regression, mediation, curve, targets
    pls: {paths: {Satisfaction: [Quality, Value], Loyalty: [Satisfaction]}}
    nps: {item: LOY3, promoters_min: 5, detractors_max: 3}  # on LOY3's scale (1-5)

An item is either a column name or ``{name: SAT1, header: "regex"}``; the regular
expression is searched in the column names and in the question-text header row of
survey-platform exports, so a file whose columns are full question texts can be
read with short item names. Labels and text missing codes match whatever the case,
the spacing (inner, full-width and ideographic spaces included) and the width of
digits and letters (see :func:`normalise_label`): "9 分", "９分" and "9分" are one
label. An answer of a labelled item that is neither a label, a number on the scale
nor a missing code is an error unless ``allow_unmapped`` is set.

Numbers must be finite (``.nan`` and ``.inf`` are refused), NPS cut-offs must lie on
the scale of the NPS item with ``detractors_max < promoters_min``, a ``reverse:`` item
may be listed once, and a header pattern may not hold the regex forms that can take
exponential time (see :mod:`survey.header_patterns`). Duplicate YAML keys are refused
by the loader (:mod:`survey.yaml_safe`).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from survey.errors import CodebookError
from survey.header_patterns import check_header_pattern
from survey.includes import resolve_includes
from survey.redact import preview, preview_list, shorten
from survey.yaml_safe import YamlError, load_yaml_file


def normalise_label(text: str) -> str:
    """The form in which labels, answers and text missing codes are compared.

    NFKC folds full-width digits, letters and spaces to their ASCII forms, then case
    is folded and every whitespace (inner, full-width, ideographic U+3000) removed.

    Parameters
    ----------
    text : str
        A label, an answer or a missing code.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalise_label(" Strongly\u3000 AGREE ") == normalise_label("strongly agree")
    True
    >>> normalise_label("９ 分")
    '9分'
    """
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _key(name: str) -> str:
    """A codebook name as part of a field path in a message (long names cut)."""
    return shorten(name)


def _distinct_labels(labels: dict[str, float], field: str) -> None:
    seen: dict[str, str] = {}
    for label, code in labels.items():
        key = normalise_label(label)
        if key in seen and labels[seen[key]] != code:
            raise ValueError(
                f"{field}: labels {preview(seen[key])} and {preview(label)} are the same once "
                "case and "
                f"spacing are ignored but have codes {labels[seen[key]]:g} and {code:g}"
            )
        seen.setdefault(key, label)


#: A finite number (``.nan`` and ``.inf`` refused).
Finite = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    """Range of valid answer codes, inclusive."""

    min: Finite
    max: Finite

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self


class Item(_Strict):
    """One questionnaire item: its short name and, optionally, a header pattern."""

    name: str
    header: str | None = None

    @model_validator(mode="after")
    def _valid_pattern(self) -> Item:
        if self.header is not None:
            check_header_pattern(self.header)  # a ValueError names what is not allowed
        return self


class Construct(_Strict):
    """A construct measured by one or more items."""

    items: list[str | Item] = Field(min_length=1)
    reverse: list[str] = []
    scale: Scale | None = None
    min_valid: int | None = Field(default=None, ge=1)
    reliability: bool | None = None
    labels: dict[str, Finite] = {}

    @property
    def item_names(self) -> list[str]:
        """Short names of the items, in codebook order."""
        return [item if isinstance(item, str) else item.name for item in self.items]


class Roles(_Strict):
    """Which constructs play which part in the satisfaction–loyalty analyses."""

    satisfaction: str | None = None
    loyalty: str | None = None
    quality: str | None = None
    drivers: list[str] = []


class Speeders(_Strict):
    """Respondents faster than ``min_seconds`` in column ``column`` are dropped."""

    column: str
    min_seconds: float = Field(gt=0)


class Straightlining(_Strict):
    """Respondents giving one same answer to at least ``min_items`` items are dropped."""

    min_items: int = Field(default=10, ge=2)


class AttentionCheck(_Strict):
    """An instructed-response item: respondents not answering ``expected`` are dropped."""

    column: str
    expected: float | str


class PathModel(_Strict):
    """A PLS path model: ``paths`` maps each endogenous construct to its predictors.

    ``missing`` is the treatment of missing answers: ``mean`` (mean replacement per
    item, SmartPLS's default) or ``casewise`` (respondents answering every model item).
    """

    paths: dict[str, list[str]] = Field(min_length=1)
    missing: str = Field("mean", pattern="^(mean|casewise)$")


class NPS(_Strict):
    """The would-recommend item and the promoter / detractor cut-offs (inclusive)."""

    item: str
    promoters_min: Finite = 9
    detractors_max: Finite = 6


class Codebook(_Strict):
    """A validated survey codebook.

    Examples
    --------
    >>> cb = Codebook.model_validate(
    ...     {"scale": {"min": 1, "max": 5}, "constructs": {"Sat": {"items": ["S1", "S2"]}}}
    ... )
    >>> cb.constructs["Sat"].item_names
    ['S1', 'S2']
    """

    scale: Scale
    constructs: dict[str, Construct] = Field(min_length=1)
    labels: dict[str, Finite] = {}
    missing_codes: list[Finite | str] = []
    segments: list[str] = []
    identifying: list[str] = []
    id_column: str | None = None
    header_rows: int | None = Field(default=None, ge=1)
    min_valid: int = Field(default=1, ge=1)
    speeders: Speeders | None = None
    straightlining: Straightlining | None = None
    attention_checks: list[AttentionCheck] = []
    roles: Roles = Roles()
    pls: PathModel | None = None
    nps: NPS | None = None
    allow_unmapped: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        names = set(self.constructs)
        allowed = f"allowed: {preview_list(sorted(names))}"
        _distinct_labels(self.labels, "labels")
        for cname, construct in self.constructs.items():
            items = construct.item_names
            field = f"constructs.{_key(cname)}"
            _distinct_labels(construct.labels, f"{field}.labels")
            twice = sorted({rev for rev in construct.reverse if construct.reverse.count(rev) > 1})
            if twice:
                raise ValueError(f"{field}.reverse: {preview_list(twice)} listed more than once")
            for rev in construct.reverse:
                if rev not in items:
                    raise ValueError(
                        f"{field}.reverse: {preview(rev)} is not an item of {_key(cname)}; "
                        f"allowed: {preview_list(items)}"
                    )
            if construct.min_valid is not None and construct.min_valid > len(items):
                raise ValueError(
                    f"{field}.min_valid: {construct.min_valid} exceeds its {len(items)} item(s)"
                )
            if construct.reliability and len(items) < 2:
                raise ValueError(
                    f"{field}.reliability: Cronbach's alpha needs at least 2 items but "
                    f"{_key(cname)} has {len(items)} ({_key(items[0])}); set reliability: false"
                )
        roles = [self.roles.satisfaction, self.roles.loyalty, self.roles.quality]
        for role in [*roles, *self.roles.drivers]:
            if role is not None and role not in names:
                raise ValueError(f"roles: unknown construct {preview(role)}; {allowed}")
        if self.pls is not None:
            for target, sources in self.pls.paths.items():
                for name in [target, *sources]:
                    if name not in names:
                        raise ValueError(f"pls.paths: unknown construct {preview(name)}; {allowed}")
        all_items = [item for c in self.constructs.values() for item in c.item_names]
        if self.nps is not None:
            self._check_nps(self.nps, all_items)
        used = {
            *all_items,
            *self.segments,
            self.id_column,
            self.speeders.column if self.speeders else None,
            *[check.column for check in self.attention_checks],
        }
        leaked = sorted(set(self.identifying) & used)
        if leaked:
            raise ValueError(
                f"identifying: {preview_list(leaked)} also used as item, segment, id or check "
                "column; identifying columns are never analysed nor copied"
            )
        repeated = sorted({item for item in all_items if all_items.count(item) > 1})
        if repeated:
            raise ValueError(f"constructs: items used more than once: {preview_list(repeated)}")
        return self

    def _check_nps(self, nps: NPS, all_items: list[str]) -> None:
        """The NPS item exists and its cut-offs split its scale into three parts."""
        if nps.item not in all_items:
            raise ValueError(
                f"nps.item: {preview(nps.item)} is not an item; allowed: {preview_list(all_items)}"
            )
        owner = next(name for name, c in self.constructs.items() if nps.item in c.item_names)
        scale = self.scale_of(owner)
        allowed = (
            f"allowed: {scale.min:g} <= detractors_max < promoters_min <= {scale.max:g} "
            f"(the scale of {preview(nps.item)})"
        )
        cut_offs = {"promoters_min": nps.promoters_min, "detractors_max": nps.detractors_max}
        for name, value in cut_offs.items():
            if not scale.min <= value <= scale.max:
                raise ValueError(f"nps.{name}: {value:g} is outside the scale; {allowed}")
        if nps.detractors_max >= nps.promoters_min:
            raise ValueError(
                f"nps.detractors_max: {nps.detractors_max:g} is not below promoters_min "
                f"{nps.promoters_min:g}; {allowed}"
            )

    @property
    def item_names(self) -> list[str]:
        """All item names, construct by construct."""
        return [item for c in self.constructs.values() for item in c.item_names]

    def items_of(self, construct: str) -> list[str]:
        """Item names of one construct.

        Parameters
        ----------
        construct : str
            A construct name from the codebook.

        Returns
        -------
        list of str
            Its item names.

        Examples
        --------
        >>> cb = Codebook.model_validate(
        ...     {"scale": {"min": 1, "max": 5}, "constructs": {"Sat": {"items": ["S1"]}}}
        ... )
        >>> cb.items_of("Sat")
        ['S1']
        """
        if construct not in self.constructs:
            raise CodebookError(
                f"unknown construct {preview(construct)}; "
                f"allowed: {preview_list(sorted(self.constructs))}"
            )
        return self.constructs[construct].item_names

    def scale_of(self, construct: str) -> Scale:
        """Answer scale of one construct (its own, else the codebook's)."""
        return self.constructs[construct].scale or self.scale

    def labels_of(self, construct: str) -> dict[str, float]:
        """Text label → code map of one construct (its own, else the codebook's)."""
        return self.constructs[construct].labels or self.labels

    def min_valid_of(self, construct: str) -> int:
        """Minimum number of valid answers for a construct score."""
        own = self.constructs[construct].min_valid
        return min(own or self.min_valid, len(self.items_of(construct)))

    def wants_reliability(self, construct: str) -> bool:
        """Whether reliability statistics are computed for a construct."""
        asked = self.constructs[construct].reliability
        return len(self.items_of(construct)) >= 2 if asked is None else asked


def _describe(error: dict) -> str:
    # Union branches show up in the location as "str" or "function-after[..., Item]".
    parts = [
        _key(str(part)) for part in error["loc"] if str(part) != "str" and "[" not in str(part)
    ]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"{'.'.join(parts)}: unknown field"
    return f"{'.'.join(parts)}: {message}" if parts else message


def parse_codebook(raw: object, source: str = "codebook") -> Codebook:
    """Validate a codebook given as a mapping (e.g. loaded from YAML).

    Parameters
    ----------
    raw : mapping
        The codebook content.
    source : str
        Where it came from, for error messages.

    Returns
    -------
    Codebook
        The validated codebook.

    Raises
    ------
    CodebookError
        Naming the offending field and the allowed values.

    Examples
    --------
    >>> parse_codebook({"scale": {"min": 1, "max": 5}, "constructs": {"S": {"items": ["a"]}}})
    ... # doctest: +ELLIPSIS
    Codebook(...)
    """
    if not isinstance(raw, dict):
        raise CodebookError(f"{source}: expected a mapping with 'scale' and 'constructs'")
    try:
        return Codebook.model_validate(raw)
    except ValidationError as err:
        errors = err.errors()
        # Within a union (an item is a name or a mapping) prefer the branch that got furthest.
        first = next((e for e in errors if e["type"] != "string_type"), errors[0])
        field_names = sorted(Codebook.model_fields)
        detail = _describe(first)
        if first["type"] == "extra_forbidden" and len(first["loc"]) == 1:
            detail += f"; allowed fields: {field_names}"
        raise CodebookError(f"{source}: {detail}") from None


def _resolve_includes(node: object, path: Path, chain: tuple[Path, ...]) -> object:
    """``node`` (read from ``path``) with every ``include:`` replaced by the merged files."""

    def names_of(value: object) -> list[str]:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise CodebookError(f"{path}: include: expected a file path or a list of file paths")
        return names

    def read(name: str) -> dict[str, Any]:
        return _read_yaml(path.parent / name, chain, included_from=path)

    return resolve_includes(node, read=read, names_of=names_of)


def _read_yaml(
    path: Path, chain: tuple[Path, ...] = (), included_from: Path | None = None
) -> dict[str, Any]:
    """A codebook file (or an included fragment) as a mapping, its includes resolved."""
    key = path.resolve()
    if key in chain:
        cycle = " -> ".join(str(p) for p in (*chain, key))
        raise CodebookError(f"{path}: include cycle: {cycle}")
    via = f" (included from {included_from})" if included_from is not None else ""
    try:
        raw = load_yaml_file(path)  # safe, and bounded in size, depth and aliases
    except YamlError as err:
        if err.stage == "read":
            raise CodebookError(f"{path}: cannot read codebook ({err.problem}){via}") from None
        where = f"{err.where}: " if err.where else ""
        raise CodebookError(f"{path}: not valid YAML ({where}{err.problem}){via}") from None
    if raw is None and included_from is not None:
        raw = {}
    if not isinstance(raw, dict):
        if included_from is None:
            return raw  # type: ignore[return-value]  # parse_codebook names the problem
        raise CodebookError(
            f"{path}: expected a mapping of codebook fields, got {type(raw).__name__}{via}"
        )
    return _resolve_includes(raw, path, (*chain, key))  # type: ignore[return-value]


def load_codebook(path: str | Path) -> Codebook:
    r"""Read and validate a YAML codebook, resolving ``include:`` of other YAML files.

    Any mapping of the codebook may hold ``include: FILE`` (or a list of files), a
    path relative to the file that names it. The included files are merged in order
    (mappings key by key, lists and values replaced) and the mapping's own keys are
    merged on top, so the including file wins.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    Codebook
        The validated codebook.

    Raises
    ------
    CodebookError
        If the file or an included file is missing, is not YAML, or fails
        validation, or if the includes form a cycle; one line naming the file.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> load_codebook(example_paths("ecsi").codebook).roles.satisfaction
    'Satisfaction'

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "roles.yaml").write_text("roles: {satisfaction: Sat}")
    >>> _ = (folder / "main.yaml").write_text(
    ...     "include: roles.yaml\nscale: {min: 1, max: 5}\nconstructs: {Sat: {items: [s1]}}"
    ... )
    >>> load_codebook(folder / "main.yaml").roles.satisfaction
    'Sat'
    """
    path = Path(path)
    return parse_codebook(_read_yaml(path), source=str(path))
