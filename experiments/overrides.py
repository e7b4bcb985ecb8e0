"""Change nested config data by dotted path: ``--set`` arguments and scenario overrides.

A path is a dot-separated list of keys. In a list, a part is either an index
(``platforms.1.price_index``) or the ``name`` of an item
(``platforms.assortment_leader.price_index``).

Examples
--------
>>> tree = {"platforms": [{"name": "focal", "price_index": 0.85}]}
>>> apply_overrides(tree, {"platforms.focal.price_index": 0.8})
{'platforms': [{'name': 'focal', 'price_index': 0.8}]}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from experiments.errors import ConfigError
from survey.includes import deep_merge
from survey.yaml_safe import YamlError, load_yaml_text, preview


def _child_key(node: Any, part: str, path: str) -> Any:
    if isinstance(node, dict):
        return part
    if isinstance(node, list):
        if part.lstrip("-").isdigit():
            index = int(part)
            if not -len(node) <= index < len(node):
                raise ConfigError(f"{path}: index {index} is out of range (list of {len(node)})")
            return index
        names = [item.get("name") for item in node if isinstance(item, dict)]
        if part in names:
            return names.index(part)
        raise ConfigError(f"{path}: no item named {part!r}; allowed: indices or names {names}")
    raise ConfigError(f"{path}: cannot go inside a {type(node).__name__} value")


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path in place; a mapping value is merged into a mapping.

    Missing mapping keys on the way are created.

    Parameters
    ----------
    tree : dict
        The data to change.
    path : str
        Dotted path.
    value : Any
        New value.

    Raises
    ------
    ConfigError
        If the path goes through a list index that does not exist, or into a scalar.

    Examples
    --------
    >>> tree = {}
    >>> set_path(tree, "population.size", 500)
    >>> tree
    {'population': {'size': 500}}
    """
    parts = path.split(".")
    if not all(parts):
        raise ConfigError(f"{path!r}: empty part in a dotted path")
    node: Any = tree
    for depth, part in enumerate(parts[:-1]):
        key = _child_key(node, part, ".".join(parts[: depth + 1]))
        if isinstance(node, dict) and key not in node:
            node[key] = {}
        node = node[key]
    key = _child_key(node, parts[-1], path)
    if isinstance(value, Mapping) and isinstance(node, dict) and isinstance(node.get(key), Mapping):
        node[key] = deep_merge(node[key], value)
    else:
        node[key] = copy.deepcopy(value)


def flatten(overrides: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings of overrides as ``dotted.path: value`` leaves.

    Parameters
    ----------
    overrides : mapping
        Keys may be dotted paths or plain keys, values may be nested mappings.
    prefix : str
        Path of ``overrides`` itself.

    Returns
    -------
    dict

    Examples
    --------
    >>> flatten({"platforms": {"1": {"price_index": 0.7}}, "churn_enabled": False})
    {'platforms.1.price_index': 0.7, 'churn_enabled': False}
    """
    leaves: dict[str, Any] = {}
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):  # an empty mapping changes nothing
            leaves.update(flatten(value, f"{path}."))
        else:
            leaves[path] = value
    return leaves


def apply_overrides(tree: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``tree`` with every leaf of ``overrides`` set at its path.

    Nested mappings in ``overrides`` are paths too, so list items can be reached
    either way: ``{"platforms.1.price_index": 0.7}`` or
    ``{"platforms": {"1": {"price_index": 0.7}}}``.

    Parameters
    ----------
    tree : mapping
        Base data.
    overrides : mapping
        Dotted path (or plain key) to value.

    Returns
    -------
    dict

    Examples
    --------
    >>> apply_overrides({"a": {"b": 1}}, {"a": {"c": 2}})
    {'a': {'b': 1, 'c': 2}}
    """
    result = copy.deepcopy(dict(tree))
    for path, value in flatten(overrides).items():
        set_path(result, path, value)
    return result


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split a ``PATH=VALUE`` command-line assignment; the value is parsed as YAML.

    Parameters
    ----------
    text : str
        E.g. ``"model.population.size=2000"``.

    Returns
    -------
    tuple
        ``(path, value)``.

    Raises
    ------
    ConfigError
        If there is no ``=`` or the value is not valid YAML or breaks a limit of
        :mod:`survey.yaml_safe` (nesting depth, alias expansion, integer size).

    Examples
    --------
    >>> parse_assignment("replications=2")
    ('replications', 2)
    >>> parse_assignment("scenarios.base={}")
    ('scenarios.base', {})
    """
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ConfigError(f"--set {preview(text)}: expected PATH=VALUE, e.g. replications=2")
    try:
        value = load_yaml_text(raw, source=f"--set {path.strip()}")  # bounded: depth, aliases
    except YamlError as err:
        where = f"{err.where}: " if err.where else ""
        raise ConfigError(
            f"--set {preview(text)}: the value is not valid YAML ({where}{err.problem})"
        ) from None
    return path.strip(), value


def get_path(tree: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path.

    Parameters
    ----------
    tree : mapping
        The data.
    path : str
        Dotted path (list items by index or name).

    Returns
    -------
    Any

    Raises
    ------
    ConfigError
        If the path does not exist.

    Examples
    --------
    >>> get_path({"platforms": [{"name": "focal", "quality": 0.7}]}, "platforms.focal.quality")
    0.7
    """
    node: Any = tree
    parts = path.split(".")
    for depth, part in enumerate(parts):
        key = _child_key(node, part, ".".join(parts[: depth + 1]))
        if isinstance(node, dict) and key not in node:
            raise ConfigError(f"{path}: no such field ({part!r}; allowed: {', '.join(node)})")
        node = node[key]
    return node
