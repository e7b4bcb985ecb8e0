"""Conventions every rule module keeps."""

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import sim.rules

MODULES = sorted(m.name for m in pkgutil.iter_modules(sim.rules.__path__))


def _functions(module):
    for name, obj in vars(module).items():
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj, False
        elif inspect.isclass(obj):
            for attr, member in vars(obj).items():
                func = getattr(member, "__func__", member)
                if inspect.isfunction(func):
                    yield f"{name}.{attr}", func, not isinstance(member, staticmethod)


@pytest.mark.parametrize("name", MODULES)
def test_no_rule_takes_more_than_four_positional_parameters(name):
    module = importlib.import_module(f"sim.rules.{name}")
    for qualname, func, bound in _functions(module):
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        positional = [p for p in inspect.signature(func).parameters.values() if p.kind in kinds]
        count = len(positional) - (1 if bound and positional else 0)  # self / cls
        assert count <= 4, f"{name}.{qualname} takes {count} positional parameters"


def test_every_rule_module_has_a_test_module():
    here = Path(__file__).parent
    missing = [m for m in MODULES if not (here / f"test_{m}.py").exists()]
    assert missing == []
