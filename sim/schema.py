"""Building blocks of every parameter schema: strict models and documented fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


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


class Strict(BaseModel):
    """Base of every parameter block: unknown keys are rejected, values validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


def describe_validation_error(error: ValidationError, source: str = "parameters") -> str:
    """One readable line per problem in a pydantic error: field path, message, value.

    Parameters
    ----------
    error : pydantic.ValidationError
        The error.
    source : str
        What was being validated (a file name, "parameters").

    Returns
    -------
    str

    Examples
    --------
    >>> class P(Strict):
    ...     size: int = Field(1, ge=1)
    >>> try:
    ...     P(size=0)
    ... except ValidationError as err:
    ...     print(describe_validation_error(err, "config.yaml"))
    config.yaml: size: Input should be greater than or equal to 1 (got 0)
    """
    lines = []
    for problem in error.errors():
        path = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = problem["msg"]
        if problem["type"] == "extra_forbidden":
            message = "unknown field (not allowed here)"
        got = problem.get("input")
        shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
        lines.append(f"{source}: {path}: {message}{shown}")
    return "; ".join(lines)
