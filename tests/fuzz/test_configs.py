"""Mutated configs: every mutation of a shipped config is refused in one line, or runs.

Each example starts from a shipped config (``experiments/configs/``) and applies one to
three mutations: a value of the wrong type, out of range or not finite; an unknown key,
a unicode key or a deleted key at any level; a huge list; deep nesting; a duplicated
key, an alias bomb, a self-referencing alias or a non-scalar key (written into the YAML
text, where they live). An experiment config goes through ``shoplab validate``
(in-process, :func:`experiments.cli.main`), one in four with a ``--set`` of an odd
value as well; it must exit 2 with one line naming the file and a mutated key, a line
of the file or the limit it breaks, or exit 0, and then (one accepted config in
:data:`RUN_EVERY`, without ``--set``) it must also run, made tiny (at most 200
shoppers, 20 days, one replication, two sweep samples, one worker).
Calibration and optimise configs go through their loaders (their commands start the
search at once), with the CLI's error handling. Every example runs under the harness's
time and memory bounds (``tests/fuzz/conftest.py``).
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.calibration.config import load_calibration_config
from experiments.cli import _report_error, user_error_types
from experiments.loader import read_yaml
from experiments.optimise.config import load_optimise_config

CONFIGS = Path(str(files("experiments") / "configs"))
#: Experiment configs (``shoplab validate``) and the other configs with their loaders.
EXPERIMENTS = ("quickstart", "strategies", "uncertainty", "at_risk_predictors", "bass_validation")
LOADERS = {
    "calibrate_ecsi": load_calibration_config,
    "calibrate_market": load_calibration_config,
    "calibrate_orders": load_calibration_config,
    "optimise_budget": load_optimise_config,
}
#: One accepted experiment config in RUN_EVERY is run (tiny) as well as validated.
RUN_EVERY = 3
#: The tiny run: sizes capped, and the rest of the config as mutated.
TINY_SHOPPERS, TINY_DAYS, TINY_SAMPLES = 200, 20, 2

ODD_NUMBERS = [0, -1, 1, 2, 10**6, 10**9, 10**12, 10**18, 10**19, -(10**19), 0.5, -0.5, 1.5]
ODD_NUMBERS += [1e-300, 1e300, -1e300, float("nan"), float("inf"), float("-inf"), 3.7]
ODD_STRINGS = ["", "a__b", "x" * 5000, "é中文🙂", "=1+1", "<script>alert(1)</script>", "1"]
#: Values of every YAML type, odd numbers and odd text (copied when used: a later
#: mutation must not change the shared list or mapping, or the next example's draws).
VALUES = st.one_of(
    st.sampled_from([None, True, False, [], {}, [1, 2], {"k": 1}, *ODD_NUMBERS, *ODD_STRINGS]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.floats(), max_size=4),
)
#: Scale factors that push a valid number out of range, or just inside it.
SCALES = [0.5, 2.0, -1.0, 0.0, 1e-9, 10.0, 1e3, 1e6, 1e12]
#: A nine-level "billion laughs" in YAML flow style: level k holds ten aliases of level k-1.
BOMB_LEVELS = 9


def bomb(levels: int) -> str:
    """An alias bomb of ``levels`` levels, as a flow sequence (10**levels leaves)."""
    parts = ["&l0 [x, x, x, x, x, x, x, x, x, x]"]
    parts += [f"&l{k} [{', '.join([f'*l{k - 1}'] * 10)}]" for k in range(1, levels + 1)]
    return "[" + ", ".join(parts) + "]"


def deep(levels: int) -> str:
    """A flow list nested ``levels`` deep."""
    return "[" * levels + "1" + "]" * levels


@cache
def shipped(name: str) -> dict[str, Any]:
    """A shipped config's data, includes resolved."""
    return read_yaml(CONFIGS / f"{name}.yaml")


def nodes(tree: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, node) of a tree of dicts and lists, the root first."""
    found = [(path, tree)]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += nodes(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += nodes(value, (*path, index))
    return found


def parent_of(tree: Any, path: tuple) -> Any:
    for key in path[:-1]:
        tree = tree[key]
    return tree


class Mutant:
    """A config's data being mutated, with text splices for what YAML data cannot hold."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.splices: dict[str, str] = {}
        self.prefix = ""
        self.done: list[str] = []
        self.paths: list[tuple] = []
        self.items = 0  # list items added by huge_list

    def replace(self, path: tuple, value: Any) -> None:
        if path:
            parent_of(self.data, path)[path[-1]] = value

    def splice(self, path: tuple, text: str) -> None:
        """Put YAML ``text`` at ``path`` (through a placeholder replaced after dumping)."""
        token = f"SPLICE{len(self.splices)}TOKEN"
        self.splices[token] = text
        self.replace(path, token)

    def text(self) -> str:
        text = yaml.safe_dump(self.data, allow_unicode=True, sort_keys=False, width=10**6)
        for token, splice in self.splices.items():
            text = text.replace(token, splice)
        return self.prefix + text


def mutate(data: st.DataObject, mutant: Mutant) -> None:
    """Apply one mutation, drawn from ``data``, to ``mutant``."""
    everything = [(path, node) for path, node in nodes(mutant.data) if path]
    path, node = data.draw(st.sampled_from(everything), label="node")
    kind = data.draw(
        st.sampled_from(
            [  # the simplest first: deleting a key is often harmless (a default)
                "delete",
                "value",
                "value",
                "scale",
                "unknown_key",
                "unicode_key",
                "huge_list",
                "deep",
                "duplicate_key",
                "alias_bomb",
                "self_alias",
                "non_scalar_key",
            ]
        ),
        label="mutation",
    )
    mapping = node if isinstance(node, dict) and node else None
    number = isinstance(node, int | float) and not isinstance(node, bool)
    if (kind.endswith("_key") and kind != "non_scalar_key" and mapping is None) or (
        kind == "scale" and not number
    ):
        kind = "value"  # the node cannot take that mutation: give it an odd value instead
    mutant.done.append(f"{kind} at {'.'.join(map(str, path))}")
    mutant.paths.append(path)
    if kind == "value":
        mutant.replace(path, copy.deepcopy(data.draw(VALUES, label="value")))
    elif kind == "scale":
        factor = data.draw(st.sampled_from(SCALES), label="factor")
        mutant.replace(path, type(node)(node * factor) if node * factor < 1e300 else node)
    elif kind == "unknown_key":
        key = data.draw(st.sampled_from(["bogus", "名字", "__x", "k" * 300]), label="key")
        mapping[key] = copy.deepcopy(data.draw(VALUES, label="value"))
    elif kind == "unicode_key":
        key = data.draw(st.sampled_from(sorted(map(str, mapping))), label="key")
        mapping[f"{key}_é中🙂"] = mapping.pop(key)
    elif kind == "delete":
        del parent_of(mutant.data, path)[path[-1]]
    elif kind == "huge_list":
        size = data.draw(st.sampled_from([100, 5000, 400_000]), label="size")
        mutant.items += size
        if size > 5000 or mutant.items > 10_000:  # written as text: a list of lists of
            mutant.splice(path, "[" + "0, " * size + "0]")  # 5,000 would not dump in time
        else:
            mutant.replace(path, [node] * size if not isinstance(node, list) else node * size)
    elif kind == "deep":
        mutant.splice(path, deep(data.draw(st.integers(2, 400), label="depth")))
    elif kind == "duplicate_key":
        key, value = next(iter(mapping.items()))
        first = f"{json.dumps(str(key))}: {json.dumps(value, default=str)}"
        mutant.splice(path, "{" + first + ", " + json.dumps(mapping, default=str)[1:])
    elif kind == "alias_bomb":
        mutant.splice(path, bomb(data.draw(st.integers(1, BOMB_LEVELS), label="levels")))
    elif kind == "self_alias":
        mutant.splice(path, "&self [*self]")
    elif kind == "non_scalar_key":
        if data.draw(st.booleans(), label="top level"):
            mutant.prefix = "? [a, b]\n: 1\n"
        else:
            mutant.splice(path, "{[a, b]: 1}")


def write_mutant(data: st.DataObject, name: str) -> tuple[Path, Mutant]:
    """A mutated copy of shipped config ``name`` in a fresh folder (with its JSON files)."""
    mutant = Mutant(copy.deepcopy(shipped(name)))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        mutate(data, mutant)
    folder = Path(tempfile.mkdtemp(prefix="fuzz-config-"))
    for companion in CONFIGS.glob("*.json"):  # targets files named relative to the config
        shutil.copy(companion, folder)
    path = folder / f"{name}.yaml"
    path.write_text(mutant.text(), encoding="utf-8")
    return path, mutant


def capped(value: Any, cap: int) -> int:
    """A count the config gave (validation also takes the text "12"), at most ``cap``."""
    return min(int(float(value)), cap)


def tiny(path: Path) -> Path:
    """The accepted config at path, made tiny for a quick run (written beside it)."""
    data = read_yaml(path)
    model = data.setdefault("model", {}) or {}
    population = model.setdefault("population", {})
    population["size"] = capped(population.get("size", TINY_SHOPPERS), TINY_SHOPPERS)
    data["horizon"] = capped(data.get("horizon", TINY_DAYS), TINY_DAYS)
    data["replications"] = 1
    data["outputs"] = {**data.get("outputs", {}), "plots": False}
    data["execution"] = {"backend": "local", "workers": 1}
    if data.get("sweep"):
        data["sweep"]["samples"] = capped(data["sweep"].get("samples", 8), TINY_SAMPLES)
    small = path.with_name(f"tiny_{path.name}")
    small.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return small


def names_the_field(error: str, mutant: Mutant) -> bool:
    """Whether an error names a key on a mutated path, a line of the file, or a limit."""
    keys = {str(key) for path in mutant.paths for key in path if not isinstance(key, int)}
    return any(key in error for key in keys) or "line " in error or "limit" in error


def overrides(data: st.DataObject, mutant: Mutant) -> list[str]:
    """Sometimes a ``--set PATH=VALUE`` of an odd value at a path of the config."""
    if data.draw(st.integers(0, 3), label="--set") != 3:
        return []
    leaves = [path for path, node in nodes(mutant.data) if path and not isinstance(node, dict)]
    if not leaves:
        return []
    path = data.draw(st.sampled_from(leaves), label="--set path")
    value = json.dumps(data.draw(VALUES, label="--set value"))  # JSON is YAML
    mutant.done.append(f"--set {'.'.join(map(str, path))}={value[:40]}")
    mutant.paths.append(path)
    return ["--set", f"{'.'.join(map(str, path))}={value}"]


def loads(loader: Any, path: Path) -> int:
    """A config loader with the CLI's handling of user errors: 0, or one line and 2."""
    try:
        loader(path)
    except user_error_types() as err:
        return _report_error(str(err))  # the CLI's one line
    return 0


def check_config(data: st.DataObject, cli: Any, command: Any, outcomes: Any) -> None:
    name = data.draw(st.sampled_from([*EXPERIMENTS, *LOADERS]), label="config")
    path, mutant = write_mutant(data, name)
    sets = [] if name in LOADERS else overrides(data, mutant)
    what = f"{name}.yaml with {'; '.join(mutant.done)} ({path})"
    if name in LOADERS:
        result = command(lambda: loads(LOADERS[name], path))
    else:
        result = cli(["validate", str(path), *sets])
    counts = outcomes["configs"]
    counts["tried"] += 1  # here: an example hypothesis drops while drawing is not tried
    counts[result.outcome] += 1
    counts["seconds"] += result.seconds
    outcomes.save()
    assert result.outcome in {"clean_error", "accepted"}, result.explain(what)
    if result.outcome == "clean_error":
        named = path.name in result.err or (sets and "--set" in result.err)  # a bad --set
        assert named, f"the error names no file for {what}: {result.err}"  # value: the --set
        assert names_the_field(result.err, mutant), f"the error names no field: {what}"
    if result.outcome != "accepted" or name in LOADERS or sets:
        return
    if data.draw(st.integers(0, RUN_EVERY - 1), label="run it") != 0:
        return
    small = tiny(path)
    run = cli(["run", str(small), "--out", str(path.parent / "out"), "--no-progress"], trace=False)
    counts[f"run_{run.outcome}"] += 1
    counts["run_seconds"] += run.seconds
    outcomes.save()
    if run.outcome == "clean_error":  # making it tiny may break it: validate must say so too
        again = cli(["validate", str(small)])
        assert again.outcome == "clean_error", f"validate accepts what run refuses: {what}"
        return
    assert run.outcome == "accepted", run.explain(f"the tiny run of {what}")
    shutil.rmtree(path.parent, ignore_errors=True)


@settings(settings.get_profile("fuzz-fast"), max_examples=40)
@given(data=st.data())
def test_mutated_configs_are_refused_in_one_line_or_validate_and_run(data, cli, command, outcomes):
    check_config(data, cli, command, outcomes)


@pytest.mark.slow
@settings(settings.get_profile("fuzz-slow"), max_examples=2000)
@given(data=st.data())
def test_thousands_of_mutated_configs_are_refused_in_one_line_or_run(data, cli, command, outcomes):
    check_config(data, cli, command, outcomes)
