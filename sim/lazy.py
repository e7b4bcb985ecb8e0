"""Package attributes imported on first use (PEP 562), so that importing a package is quick.

``shoplab validate`` must refuse a hostile config before the model, SciPy and Mesa are
imported, and ``sim.errors`` or a command module must be importable without them. A
package lists its public names with the module defining each, and imports that
module when a name is first used.

Examples
--------
>>> import types
>>> package = types.ModuleType("demo")
>>> package.__getattr__ = lazy_getattr("demo", {"sqrt": "math"})
>>> package.__getattr__("sqrt")(9.0)
3.0
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each public name's module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : mapping
        Public name -> the module that defines it.

    Returns
    -------
    callable
        To assign to the package's ``__getattr__``; each name, once imported, is
        stored in the package (later uses are plain attribute look-ups).
    """

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        if package in sys.modules:
            setattr(sys.modules[package], name, value)
        return value

    return __getattr__
