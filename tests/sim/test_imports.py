"""The package imports cleanly: no runtime import cycle, every module importable alone."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import sim

SIM = Path(sim.__file__).resolve().parent
MODULES = sorted(m.name for m in pkgutil.walk_packages(sim.__path__, "sim."))


def _path(module: str) -> Path:
    parts = module.split(".")[1:]
    package = SIM.joinpath(*parts)
    if package.is_dir():
        return package / "__init__.py"
    return SIM.joinpath(*parts[:-1], f"{parts[-1]}.py")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(module: str) -> tuple[set[str], list[int]]:
    """Project modules imported at run time (not under TYPE_CHECKING); lines of nested ones."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    imported: set[str] = set()
    nested: list[int] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in child.names]
                    if isinstance(child, ast.Import)
                    else [child.module or ""] + [f"{child.module}.{a.name}" for a in child.names]
                )
                found = {n for n in names if n in MODULES or n == "sim"}
                imported.update(found)
                if found and not top:
                    nested.append(child.lineno)
            inner = top and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            )
            visit(child, inner)

    visit(tree, True)
    return imported, nested


def test_sim_states_imports_nothing_from_the_project():
    tree = ast.parse(_path("sim.states").read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == [], "sim/states.py must stay free of imports"


#: Command modules import what a command needs inside the command, so that
#: ``shoplab --help`` and ``shoplab validate`` load no more than they use.
COMMAND_MODULES = {m for m in MODULES if m.endswith(".cli")}


def test_no_module_imports_project_code_inside_a_function():
    nested = {
        m: lines for m in MODULES if m not in COMMAND_MODULES and (lines := _runtime_imports(m)[1])
    }
    assert nested == {}, f"function-level imports (cycle dodges?) in {nested}"


def test_runtime_imports_form_no_cycle():
    graph = {m: _runtime_imports(m)[0] - {m} for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for module in MODULES:
        if module not in state:
            walk(module, [module])


def test_every_module_imports_alone_in_a_fresh_interpreter():
    # One fresh interpreter; before each module every project module is dropped from
    # sys.modules, so each import starts from nothing of the project (third-party
    # libraries stay loaded, which keeps this fast and does not affect project cycles).
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    for key in [k for k in sys.modules if k == 'sim' or k.startswith('sim.')]:\n"
        "        del sys.modules[key]\n"
        "    importlib.import_module(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=SIM.parent
    )
    assert done.returncode == 0, done.stderr


def test_the_model_modules_import_first_in_a_truly_fresh_interpreter():
    for name in ("sim.states", "sim.shoppers", "sim.strategies.winback"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, cwd=SIM.parent
        )
        assert done.returncode == 0, f"{name}: {done.stderr}"
