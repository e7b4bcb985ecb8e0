"""survey/ stands alone: it imports neither sim nor experiments (DESIGN.md)."""

import ast
from pathlib import Path

import survey

FORBIDDEN = {"sim", "experiments"}


def test_survey_imports_neither_sim_nor_experiments():
    for path in Path(survey.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not {name.split(".")[0] for name in names} & FORBIDDEN, path
