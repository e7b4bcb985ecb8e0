"""Turn a pydantic validation error into one readable line per problem.

Each problem names the source, the field path and what is allowed: an unknown key
lists the allowed keys, an unknown strategy ``kind`` lists the registered kinds.

Examples
--------
>>> from pydantic import ValidationError
>>> from sim import ModelParams
>>> try:
...     ModelParams.model_validate({"network": {"degree": 4}})
... except ValidationError as err:
...     print(describe_error(err, ModelParams, "quickstart.yaml", prefix="model"))
quickstart.yaml: model.network.degree: unknown key; allowed: kind, mean_degree, rewire_prob
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError


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
    >>> from sim import ModelParams
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


def _describe_problem(problem: dict[str, Any], root: type[BaseModel]) -> str:
    location = problem["loc"]
    kind = problem["type"]
    if kind == "extra_forbidden":
        allowed = allowed_keys(root, location[:-1])
        listed = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown key{listed}"
    if kind == "union_tag_invalid":
        ctx = problem.get("ctx", {})
        allowed = ctx.get("expected_tags", "").replace("'", "")
        return f"unknown kind {ctx.get('tag')!r}; allowed: {allowed}"
    if kind == "union_tag_not_found":
        return "missing 'kind' (which strategy)"
    message = problem["msg"].removeprefix("Value error, ")
    got = problem.get("input")
    shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
    return f"{message}{shown}"


def _path(location: Sequence[Any], root: type[BaseModel]) -> list[str]:
    """Field path without the union tags pydantic inserts."""
    parts: list[str] = []
    annotation: Any = root
    for part in location:
        tagged = len(_members(annotation)) > 1 if annotation is not None else False
        if annotation is not None:
            annotation = _step(annotation, part)
        if not tagged:
            parts.append(str(part))
    return parts


def describe_error(
    error: ValidationError,
    root: type[BaseModel],
    source: str,
    prefix: str = "",
    line_of: Callable[[list[str]], int | None] | None = None,
) -> str:
    """One line per problem: ``source, line N: field.path: message; allowed: ...``.

    Parameters
    ----------
    error : pydantic.ValidationError
        The error.
    root : pydantic model class
        The schema that was validated (to list allowed keys).
    source : str
        What was validated (a file name).
    prefix : str, optional
        Path of ``root`` inside the source (e.g. ``"scenarios.price_war"``).
    line_of : callable, optional
        Field path (list of keys) -> line in the source, or None if not found there.

    Returns
    -------
    str
        Problems joined by ``"; "``.
    """
    lines = []
    for problem in error.errors():
        parts = ([prefix] if prefix else []) + _path(problem["loc"], root)
        line = line_of(parts) if line_of else None
        located = f"{source}, line {line}" if line and source else source
        where = ": ".join(part for part in (located, ".".join(parts)) if part)
        lines.append(f"{where}: {_describe_problem(problem, root)}")
    return "; ".join(lines)
