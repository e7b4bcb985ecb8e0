"""The shopper model: a vectorised Mesa model of a social e-commerce market.

Examples
--------
>>> from sim import ShopperModel
>>> model = ShopperModel({"population": {"size": 1000}}, rng=1)
>>> model.run(10)
>>> sorted(model.summary())[:3]
['acquisition_cost', 'acquisition_cost_homemakers', 'acquisition_cost_low_income']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.errors import ParameterError, SimError
from sim.lazy import lazy_getattr

if TYPE_CHECKING:
    from sim.model import ShopperModel, validate_params
    from sim.params import ModelParams
    from sim.run import RunResult, simulate

#: Public name -> the module that defines it, imported on first use: importing
#: ``sim.errors`` (as the command line does to report errors) or ``sim.schema``
#: then does not import Mesa, SciPy and the model.
__getattr__ = lazy_getattr(
    __name__,
    {
        "ModelParams": "sim.params",
        "RunResult": "sim.run",
        "ShopperModel": "sim.model",
        "simulate": "sim.run",
        "validate_params": "sim.model",
    },
)

__all__ = [
    "ModelParams",
    "ParameterError",
    "RunResult",
    "ShopperModel",
    "SimError",
    "simulate",
    "validate_params",
]
