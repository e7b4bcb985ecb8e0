r"""Bounded, safe YAML: every YAML file shoplab reads goes through these limits.

A YAML file from a colleague can be hostile or broken without looking it: nine levels
of aliases (a "billion laughs") expand 438 bytes into 10⁹ nodes, ``&a [*a]`` refers to
itself, a FIFO blocks a reader forever and ``/dev/zero`` never ends. This module reads
a file only if it is a regular file no larger than :data:`MAX_BYTES`, and parses it with
PyYAML's safe loader (no Python objects) under limits on nesting depth, on the nodes
produced through aliases and on the size of integers. Duplicate and non-scalar mapping
keys are refused. Every failure is one :class:`YamlError` whose message names the source
and, where known, the line; callers (experiment configs, codebooks, ``--set`` values)
turn it into their own error class.

Examples
--------
>>> load_yaml_text("a: &x [1, 2]\nb: *x", source="<example>")
{'a': [1, 2], 'b': [1, 2]}
>>> load_yaml_text("a: 1\na: 2", source="<example>")
Traceback (most recent call last):
...
survey.yaml_safe.YamlError: <example>: line 2, column 1: invalid YAML: key 'a' is given twice
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from survey.errors import SurveyError
from survey.redact import preview

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_INT",
    "YamlError",
    "load_yaml_file",
    "load_yaml_text",
    "preview",
    "read_text_bounded",
]

#: Largest YAML file read, in bytes (configs and codebooks are a few kilobytes).
MAX_BYTES = 1_000_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 100
#: Most nodes a document may produce through aliases (each use counts its whole subtree).
MAX_ALIAS_NODES = 100_000
#: Largest integer magnitude accepted (a count, a seed or a size never needs more).
MAX_INT = 10**18


class YamlError(SurveyError, ValueError):
    """A YAML file or text is unreadable, invalid, or past a limit; one line.

    Parameters
    ----------
    source : str
        The file (or e.g. ``--set name=...``) the text came from.
    problem : str
        What is wrong and, for a limit, the limit.
    where : str, optional
        ``"line L, column C"`` when known.
    stage : {"read", "parse"}
        ``"read"``: refused before parsing (missing, not a regular file, too large,
        not UTF-8); ``"parse"``: the text is not valid YAML or breaks a parse limit.
    """

    def __init__(self, source: str, problem: str, where: str = "", stage: str = "parse") -> None:
        self.source, self.problem, self.where, self.stage = source, problem, where, stage
        at = f" {where}:" if where else ""
        kind = " invalid YAML:" if stage == "parse" else ""
        super().__init__(f"{source}:{at}{kind} {problem}")


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


class _Refused(yaml.MarkedYAMLError):
    """A limit or rule of this module broken at a place in the text."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with limits on depth, alias expansion, keys and integers."""

    def __init__(self, stream: str, *, max_depth: int, max_alias_nodes: int, max_int: int):
        super().__init__(stream)
        self.max_depth, self.max_alias_nodes, self.max_int = max_depth, max_alias_nodes, max_int
        self._depth = 0
        self._alias_nodes = 0
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}  # id(node) -> nodes in its subtree, aliases expanded

    def compose_document(self) -> yaml.Node:
        self._alias_nodes = 0
        return super().compose_document()

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open_anchors:
                raise _Refused(
                    f"alias *{event.anchor} refers to the node that defines it (a loop)",
                    event.start_mark,
                )
            target = self.anchors.get(event.anchor)
            if target is not None:
                self._alias_nodes += self._sizes[id(target)]
                if self._alias_nodes > self.max_alias_nodes:
                    raise _Refused(
                        f"aliases expand to over {self.max_alias_nodes:,} nodes "
                        f"(the limit; an alias bomb?) at *{event.anchor}",
                        event.start_mark,
                    )
            return super().compose_node(parent, index)
        nests = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nests:
            self._depth += 1
            if self._depth > self.max_depth:
                raise _Refused(
                    f"nested over {self.max_depth} levels deep (the limit)", event.start_mark
                )
        anchor = event.anchor
        if anchor is not None:
            self._open_anchors.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._open_anchors.discard(anchor)
        if nests:
            self._depth -= 1
        self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in _children(node))
        return node

    def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                raise _Refused(
                    f"a key must be a plain value (text or a number), not a {kind}",
                    key_node.start_mark,
                )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _Refused(f"key {preview(key)} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(char.isalnum() for char in node.value)
        if digits > 40:
            raise _Refused(
                f"an integer of {digits} digits; the limit is {self.max_int:.0e} in magnitude",
                node.start_mark,
            )
        value = super().construct_yaml_int(node)
        if abs(value) > self.max_int:
            raise _Refused(
                f"integer {value} is over the limit of {self.max_int:.0e} in magnitude",
                node.start_mark,
            )
        return value


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml_text(
    text: str,
    *,
    source: str,
    max_chars: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_alias_nodes: int = MAX_ALIAS_NODES,
    max_int: int = MAX_INT,
) -> Any:
    """Parse YAML text safely and within limits.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str
        Where it came from, for messages (a file, ``--set x=...``).
    max_chars : int, default :data:`MAX_BYTES`
        Longest text parsed (PyYAML scans about a million characters a second).
    max_depth : int, default :data:`MAX_DEPTH`
        Deepest nesting of lists and mappings.
    max_alias_nodes : int, default :data:`MAX_ALIAS_NODES`
        Most nodes produced through aliases (an alias to a list of 10 scalars is 11).
    max_int : int, default :data:`MAX_INT`
        Largest integer magnitude.

    Returns
    -------
    Any
        The data; ``None`` for text with no document (empty or only comments).

    Raises
    ------
    YamlError
        If the text is too long or not YAML, breaks a limit, refers to itself through an alias,
        or has a duplicate or non-scalar key; the message names the line.

    Examples
    --------
    >>> load_yaml_text("[[[1]]]", source="x", max_depth=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey.yaml_safe.YamlError: x: line 1, column 3: invalid YAML: nested over 2 levels deep ...
    >>> load_yaml_text("# only a comment", source="x") is None
    True
    """
    if len(text) > max_chars:
        raise YamlError(
            source, f"the text is over the limit of {max_chars:,} characters", stage="read"
        )
    loader = _BoundedLoader(
        text, max_depth=max_depth, max_alias_nodes=max_alias_nodes, max_int=max_int
    )
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(str(part) for part in (err.context, err.problem) if part)
        raise YamlError(source, " ".join(problem.split()), _where(mark)) from None
    except yaml.YAMLError as err:
        raise YamlError(source, " ".join(str(err).split())) from None
    finally:
        loader.dispose()


def read_text_bounded(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file no larger than ``max_bytes``.

    A FIFO, a device (``/dev/zero``) or a folder is refused before anything is read,
    and so is a file over the size limit, so reading can neither block nor exhaust memory.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int, default :data:`MAX_BYTES`
        Largest size accepted.

    Returns
    -------
    str

    Raises
    ------
    YamlError
        With ``stage="read"``: missing, not a regular file, too large, unreadable or
        not UTF-8; the message names the file and the limit.

    Examples
    --------
    >>> read_text_bounded("/dev/zero")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey.yaml_safe.YamlError: /dev/zero: not a regular file (a character device); ...
    """
    source = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO does not block
    except FileNotFoundError:
        raise YamlError(source, "no such file", stage="read") from None
    except OSError as err:
        raise YamlError(source, f"cannot read the file ({err.strerror})", stage="read") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        problem = f"not a regular file ({_kind(mode)}); expected a YAML file"
        raise YamlError(source, problem, stage="read")
    with os.fdopen(descriptor, "rb") as file:
        try:
            data = file.read(max_bytes + 1)
        except OSError as err:
            raise YamlError(
                source, f"cannot read the file ({err.strerror})", stage="read"
            ) from None
    if len(data) > max_bytes:
        raise YamlError(
            source,
            f"the file is over the limit of {max_bytes:,} bytes for a YAML file",
            stage="read",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise YamlError(
            source, f"not UTF-8 text (byte {err.start}: {err.reason})", stage="read"
        ) from None


def _kind(mode: int) -> str:
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a file")


def load_yaml_file(path: str | Path, *, max_bytes: int = MAX_BYTES, **limits: int) -> Any:
    r"""Read and parse a YAML file within the size limit and the parse limits.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int, default :data:`MAX_BYTES`
        Largest file size accepted.
    **limits : int
        ``max_depth``, ``max_alias_nodes``, ``max_int`` of :func:`load_yaml_text`.

    Returns
    -------
    Any
        The data; ``None`` for an empty or comment-only file.

    Raises
    ------
    YamlError
        As :func:`read_text_bounded` and :func:`load_yaml_text`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "bomb.yaml"
    >>> _ = file.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]")
    >>> load_yaml_file(file, max_alias_nodes=10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey.yaml_safe.YamlError: ...: line 3, column 5: invalid YAML: aliases expand to over 10 ...
    """
    return load_yaml_text(read_text_bounded(path, max_bytes=max_bytes), source=str(path), **limits)
