"""Turn a pydantic validation error into one readable line per problem, for config files.

The formatting is the model's own, :func:`sim.schema.describe_validation_error`: each
problem names the source, the field path and what is allowed (an unknown key lists
the allowed keys, an unknown strategy ``kind`` the registered kinds). Here the
experiments add where a config file holds the field (its line) and where the
validated block sits in the file (a prefix).

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

from collections.abc import Callable

from pydantic import BaseModel, ValidationError

from sim.schema import allowed_keys, describe_validation_error

__all__ = ["allowed_keys", "describe_error"]


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
        Problems joined by ``"; "`` (see :func:`sim.schema.describe_validation_error`).
    """
    return describe_validation_error(error, source, root=root, prefix=prefix, line_of=line_of)
