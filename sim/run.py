"""Run the model for a horizon and collect its results in one object.

Examples
--------
>>> result = simulate({"population": {"size": 500}}, rng=3, days=5)
>>> len(result.daily), result.summary["days"], result.orders
(5, 5, None)
>>> logged = simulate({"population": {"size": 500}}, rng=3, days=5, record_orders=True)
>>> list(logged.orders.columns)
['customer_id', 'date', 'amount', 'order_id', 'channel', 'segment', 'group_order']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.model import ShopperModel, validate_params
from sim.params import ModelParams


@dataclass
class RunResult:
    """The results of one run.

    Attributes
    ----------
    daily : pandas.DataFrame
        One row per day (:func:`sim.metrics.metric_names`).
    summary : dict
        One row for the run (:func:`sim.metrics.run_summary`).
    cohorts : pandas.DataFrame
        Monthly acquisition-cohort retention by day.
    orders : pandas.DataFrame or None
        Every order, on every platform, as an order frame
        (:meth:`ShopperModel.orders`), with ``record_orders``; else None.
    """

    daily: pd.DataFrame
    summary: dict[str, float]
    cohorts: pd.DataFrame
    orders: pd.DataFrame | None = None


def simulate(
    params: ModelParams | dict[str, Any] | None,
    *,
    rng: int | np.random.SeedSequence | None,
    days: int,
    record_orders: bool = False,
) -> RunResult:
    """Build a :class:`~sim.model.ShopperModel`, run it ``days`` days, return its results.

    Parameters
    ----------
    params : ModelParams, dict or None
        Model parameters.
    rng : int or numpy.random.SeedSequence or None
        The run's seed, as ``ShopperModel(params, rng=...)`` (Mesa 3's name); None
        draws fresh entropy (not reproducible).
    days : int
        Horizon in days; it is also the run's ``horizon_days`` when the parameters
        set none (so a growing market holds room for the entrants of every day).
    record_orders : bool, default False
        Keep every order (:mod:`sim.order_log`) and return it as ``orders``.

    Returns
    -------
    RunResult
    """
    params = validate_params(params)
    if params.horizon_days is None:
        params = params.model_copy(update={"horizon_days": days})
    model = ShopperModel(params, rng=rng, record_orders=record_orders)
    model.run(days)
    return RunResult(
        daily=model.daily_metrics(),
        summary=model.summary(),
        cohorts=model.cohort_retention(),
        orders=model.orders() if record_orders else None,
    )
