"""Every Examples block in survey/ runs and prints what its docstring says."""

import doctest
import importlib
import pkgutil

import pytest

import survey

MODULES = sorted(info.name for info in pkgutil.walk_packages(survey.__path__, prefix="survey."))


@pytest.mark.parametrize("name", MODULES)
def test_examples_in_docstrings_hold(name):
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0
