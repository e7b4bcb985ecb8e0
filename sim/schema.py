"""Building blocks of every parameter schema: strict models, documented fields, errors.

Parameters are declared with :func:`param` on :class:`Strict` models; a validation
error becomes one readable line per problem with :func:`describe_validation_error`,
the one formatter of the project (the experiment configs use it too).
"""

from __future__ import annotations

import functools
import math
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from survey.redact import SHOWN_CHARS, preview

#: Problems of one validation error described in full; the rest are counted. A list of
#: 5,000 bad items gave 5,000 descriptions, each looking up its line in the file (over
#: two minutes), for a line the CLI cuts at 500 characters anyway.
MAX_PROBLEMS = 5


def param(default: Any, description: str, unit: str, source: str, **bounds: Any) -> Any:
    """Declare a model parameter with its unit and source.

    Parameters
    ----------
    default : Any
        Default value.
    description : str
        What the parameter means (one sentence).
    unit : str
        Unit ("1/day", "CNY", "share", "-" for dimensionless).
    source : str
        Where the default comes from.
    **bounds
        ``ge``, ``le``, ``gt``, ``lt`` as for :func:`pydantic.Field`.

    Returns
    -------
    pydantic.fields.FieldInfo
        The field.

    Examples
    --------
    >>> class P(Strict):
    ...     rate: float = param(0.1, "A rate.", "1/day", "to be calibrated", ge=0)
    >>> P().rate
    0.1
    """
    return Field(
        default,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
        **bounds,
    )


def field_range(model: type[BaseModel], name: str) -> dict[str, float]:
    """The closed hull of a numeric field's allowed range, from its bounds.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model.
    name : str
        A numeric field of it.

    Returns
    -------
    dict
        ``low`` and ``high`` (infinite when unbounded; a strict bound is given as is).

    Examples
    --------
    >>> class P(Strict):
    ...     share: float = param(0.1, "A share.", "share", "-", ge=0, lt=1)
    >>> field_range(P, "share")
    {'low': 0, 'high': 1}
    """
    low, high = -math.inf, math.inf
    for bound in model.model_fields[name].metadata:
        for attribute in ("ge", "gt"):
            low = getattr(bound, attribute, low)
        for attribute in ("le", "lt"):
            high = getattr(bound, attribute, high)
    return {"low": low, "high": high}


def _admits_bool(annotation: Any) -> bool:
    """Whether a field of this type may hold a boolean (or a model that checks its own)."""
    if annotation is bool or annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_admits_bool(arg) for arg in typing.get_args(annotation))


@functools.cache
def _numeric_fields(model: type[BaseModel]) -> frozenset[str]:
    """Fields of a model that may not hold a boolean, computed once per class.

    Validating thousands of scenarios asks this for every block of every one.
    """
    return frozenset(
        name for name, info in model.model_fields.items() if not _admits_bool(info.annotation)
    )


def _holds_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if not isinstance(value, list | tuple):
        return False
    kinds = set(map(type, value))  # at C speed: long lists of numbers are common
    if bool in kinds:
        return True
    return bool(kinds - {int, float, str}) and any(_holds_bool(item) for item in value)


class NoBoolNumbers(BaseModel):
    """Refuses ``true``/``false`` where a number (or a list of numbers) is expected.

    Python's ``bool`` is an ``int``, so pydantic's lax mode would read ``horizon: true``
    as 1 day; a mixin for the project's schema bases.

    Examples
    --------
    >>> class P(NoBoolNumbers):
    ...     days: int = 1
    >>> try:
    ...     P(days=True)
    ... except ValidationError as err:
    ...     print(err.errors()[0]["msg"])
    a boolean where a number is expected
    """

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        numeric = _numeric_fields(cls)
        problems = [
            InitErrorDetails(
                type=PydanticCustomError("bool_number", "a boolean where a number is expected"),
                loc=(name,),
                input=value,
            )
            for name, value in data.items()
            if name in numeric and _holds_bool(value)
        ]
        if problems:
            raise ValidationError.from_exception_data(cls.__name__, problems)
        return data


class Strict(NoBoolNumbers):
    """Base of every parameter block: unknown keys are rejected, values validated.

    Numbers must be finite (``.inf`` and ``.nan`` are refused; a field that means an
    open bound says so with ``Field(allow_inf_nan=True)``) and booleans are not numbers.

    Examples
    --------
    >>> class P(Strict):
    ...     rate: float = 0.1
    >>> try:
    ...     P(rate=float("inf"))
    ... except ValidationError as err:
    ...     print(err.errors()[0]["msg"])
    Input should be a finite number
    """

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, allow_inf_nan=False
    )


def _members(annotation: Any) -> tuple[Any, ...]:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def _tag(member: Any) -> str | None:
    if isinstance(member, type) and issubclass(member, BaseModel):
        field = member.model_fields.get("kind")
        return None if field is None else field.default
    return None


def _step(annotation: Any, part: Any) -> Any:
    """The annotation one level down ``part`` (a key, an index or a union tag), or None."""
    members = _members(annotation)
    if len(members) > 1:
        matches = [m for m in members if _tag(m) == part or getattr(m, "__name__", None) == part]
        return matches[0] if matches else None
    (annotation,) = members
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return None if field is None else field.annotation
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def allowed_keys(root: type[BaseModel], location: Sequence[Any]) -> list[str] | None:
    """The keys allowed in the mapping at ``location`` of ``root``, if it is a model.

    Parameters
    ----------
    root : pydantic model class
        The schema.
    location : sequence
        Path of the mapping (keys and list indices).

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> from sim.params import ModelParams
    >>> allowed_keys(ModelParams, ["network"])
    ['kind', 'mean_degree', 'rewire_prob']
    """
    annotation: Any = root
    for part in location:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return list(models[0].model_fields) if len(models) == 1 else None


def _describe_problem(problem: dict[str, Any], root: type[BaseModel] | None) -> str:
    location = problem["loc"]
    kind = problem["type"]
    if kind == "extra_forbidden":
        allowed = allowed_keys(root, location[:-1]) if root is not None else None
        listed = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{listed}"
    if kind == "union_tag_invalid":
        ctx = problem.get("ctx", {})
        allowed = ctx.get("expected_tags", "").replace("'", "")
        return f"unknown kind {preview(ctx.get('tag'))}; allowed: {allowed}"
    if kind == "union_tag_not_found":
        return "missing 'kind' (which strategy)"
    message = problem["msg"].removeprefix("Value error, ")
    got = problem.get("input")
    quoted = preview(got) if isinstance(got, str) else repr(got)  # a 1 MB name: 60 characters
    shown = "" if isinstance(got, dict | list) or got is None else f" (got {quoted})"
    return f"{message}{shown}"


def _path(location: Sequence[Any], root: type[BaseModel] | None) -> list[str]:
    """Field path without the union tags pydantic inserts (known only with a ``root``)."""
    parts: list[str] = []
    annotation: Any = root
    for part in location:
        tagged = len(_members(annotation)) > 1 if annotation is not None else False
        if annotation is not None:
            annotation = _step(annotation, part)
        if not tagged:
            parts.append(str(part))
    return parts


def describe_validation_error(
    error: ValidationError,
    source: str = "parameters",
    *,
    root: type[BaseModel] | None = None,
    prefix: str = "",
    line_of: Callable[[list[str]], int | None] | None = None,
) -> str:
    """One line per problem: ``source[, line N]: field.path: message; allowed: ...``.

    Parameters
    ----------
    error : pydantic.ValidationError
        The error.
    source : str, default "parameters"
        What was validated (a file name, "parameters"); "" leaves it out.
    root : pydantic model class, optional
        The schema that was validated: with it an unknown key lists the allowed keys
        and the field path leaves out the tags pydantic adds inside a strategy union.
    prefix : str, optional
        Path of ``root`` inside the source (e.g. ``"scenarios.price_war"``).
    line_of : callable, optional
        Field path (list of keys) -> line in the source, or None if not found there.

    Returns
    -------
    str
        Problems joined by ``"; "``; past :data:`MAX_PROBLEMS`, how many there are
        and the first of them. An unknown key says which keys are allowed, an unknown
        strategy ``kind`` which kinds exist, and an invalid value shows it.

    Examples
    --------
    >>> from sim.params import ModelParams
    >>> try:
    ...     ModelParams.model_validate({"network": {"degree": 4}})
    ... except ValidationError as err:
    ...     print(describe_validation_error(err, root=ModelParams))
    parameters: network.degree: unknown key; allowed: kind, mean_degree, rewire_prob
    >>> try:
    ...     ModelParams.model_validate({"population": {"size": 0}})
    ... except ValidationError as err:
    ...     print(describe_validation_error(err, "config.yaml", prefix="model"))
    config.yaml: model.population.size: Input should be greater than or equal to 1 (got 0)
    """
    lines = []
    problems = error.errors()
    for problem in problems[:MAX_PROBLEMS]:
        parts = ([prefix] if prefix else []) + _path(problem["loc"], root)
        line = line_of(parts) if line_of else None
        located = f"{source}, line {line}" if line and source else source
        path = ".".join(part if len(part) <= SHOWN_CHARS else preview(part) for part in parts)
        where = ": ".join(part for part in (located, path) if part)
        lines.append(f"{where}: {_describe_problem(problem, root)}")
    if len(problems) > MAX_PROBLEMS:  # said first: a long line is cut at its end
        lines.insert(0, f"{len(problems):,} problems, the first {MAX_PROBLEMS} follow")
    return "; ".join(lines)
