"""The shopper model: a vectorised Mesa model of a social e-commerce market.

Examples
--------
>>> from sim import ShopperModel
>>> model = ShopperModel({"population": {"size": 1000}}, rng=1)
>>> model.run(10)
>>> sorted(model.summary())[:3]
['acquisition_cost', 'acquisition_cost_homemakers', 'acquisition_cost_low_income']
"""

from sim.errors import ParameterError, SimError
from sim.model import ShopperModel, validate_params
from sim.params import ModelParams
from sim.run import RunResult, simulate

__all__ = [
    "ModelParams",
    "ParameterError",
    "RunResult",
    "ShopperModel",
    "SimError",
    "simulate",
    "validate_params",
]
