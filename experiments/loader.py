"""Read a YAML config file, resolving ``include:`` of other YAML fragments.

Any mapping may hold an ``include:`` key (a path or a list of paths, relative to the
file that names it). The included fragments are merged in order and the mapping's own
keys are merged on top, so a config can include a calibrated parameters fragment under
``model:`` (``model: {include: calibrated.yaml}``) or a whole shared config at the top.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "part.yaml").write_text("population: {size: 500}")
>>> _ = (folder / "main.yaml").write_text("model: {include: part.yaml}")
>>> read_yaml(folder / "main.yaml")
{'model': {'population': {'size': 500}}}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from experiments.errors import ConfigError
from survey.includes import resolve_includes
from survey.yaml_safe import YamlError, load_yaml_file, read_text_bounded


def _parse(path: Path) -> Any:
    try:
        return load_yaml_file(path)  # safe, and bounded in size, depth and aliases
    except YamlError as err:
        raise ConfigError(str(err)) from None


def _resolve(node: Any, folder: Path, chain: tuple[Path, ...]) -> Any:
    def names_of(value: Any) -> list[str]:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise ConfigError(f"{chain[-1]}: include: expected a file path or a list of paths")
        return names

    return resolve_includes(
        node, read=lambda name: _read_mapping((folder / name).resolve(), chain), names_of=names_of
    )


def _read_mapping(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ConfigError(f"{path}: include cycle: {cycle}")
    data = _parse(path)
    if data is None and not chain:
        raise ConfigError(
            f"{path}: the file is empty (only blank lines or comments); "
            "a config needs at least one field, e.g. `name: my_study`"
        )
    if data is None:  # an empty included fragment changes nothing
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys to values, got {type(data).__name__}"
        )
    return _resolve(data, path.parent, (*chain, path))


def read_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping from a file, with its includes resolved.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    dict

    Raises
    ------
    ConfigError
        If the file is missing, is not a regular file, is over the size limit, is
        empty or only comments, is not valid YAML or breaks a limit of
        :mod:`survey.yaml_safe` (the message names the line), is not a mapping, or
        includes itself.
    """
    return _read_mapping(Path(path).resolve())


def yaml_line(path: str | Path, keys: list[str]) -> int | None:
    r"""The line (from 1) of a field in a YAML file, or None if the file does not spell it.

    Follows mapping keys and list indices; a field the file does not spell (a
    default, or one set by an include or ``--set``) has no line.

    Parameters
    ----------
    path : str or Path
        The YAML file.
    keys : list of str
        Field path, e.g. ``["model", "population", "size"]``.

    Returns
    -------
    int or None

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = file.write_text("name: x\nmodel:\n  population:\n    size: 0\n")
    >>> yaml_line(file, ["model", "population", "size"])
    4
    """
    try:
        node = yaml.compose(read_text_bounded(path), Loader=yaml.SafeLoader)
    except (YamlError, yaml.YAMLError):
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == key]
            if not found:
                return None
            key_node, node = found[0]
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
            line = node.start_mark.line + 1
        else:
            return None
    return line
