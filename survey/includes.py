"""``include:`` in YAML files: the named files merged under the including mapping.

One mechanism for every YAML file shoplab reads that may include others (experiment
configs in :mod:`experiments.loader`, codebooks in :mod:`survey.codebook`). The
caller says how to read an included file and which ``include:`` values it accepts,
so each keeps its own errors; the walk and the merge are the same for all.

Examples
--------
>>> files = {"base.yaml": {"a": 1, "b": {"x": 1, "y": 2}}}
>>> resolve_includes({"include": "base.yaml", "b": {"y": 3}},
...                  read=files.__getitem__, names_of=lambda v: [v])
{'a': 1, 'b': {'x': 1, 'y': 3}}
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

#: The key that names the files to include.
INCLUDE_KEY = "include"


def deep_merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into a copy of ``base``: mappings merge, anything else replaces.

    Parameters
    ----------
    base, update : mapping

    Returns
    -------
    dict

    Examples
    --------
    >>> deep_merge({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}, "b": [1]})
    {'a': {'x': 1, 'y': 3}, 'b': [1]}
    """
    merged = copy.deepcopy(dict(base))
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_includes(
    node: Any,
    *,
    read: Callable[[str], Mapping[str, Any]],
    names_of: Callable[[Any], list[str]],
) -> Any:
    """``node`` with every mapping's ``include:`` replaced by the included files, merged.

    Included files merge in order, then the including mapping's own keys on top (it
    wins); lists and plain values are replaced, not combined.

    Parameters
    ----------
    node : Any
        Parsed YAML.
    read : callable
        Name as written under ``include:`` -> that file's mapping, its own includes
        resolved (the caller resolves paths, detects cycles and raises its errors).
    names_of : callable
        The ``include:`` value -> the list of names; raises the caller's error for a
        value it does not accept.

    Returns
    -------
    Any
    """

    def resolve(child: Any) -> Any:
        return resolve_includes(child, read=read, names_of=names_of)

    if isinstance(node, list):
        return [resolve(item) for item in node]
    if not isinstance(node, dict):
        return node
    own = {key: resolve(child) for key, child in node.items()}
    included = own.pop(INCLUDE_KEY, None)
    if included is None:  # no include (or an empty one)
        return own
    merged: dict[str, Any] = {}
    for name in names_of(included):
        merged = deep_merge(merged, read(name))
    return deep_merge(merged, own)
