"""Behavioural calibration targets from an order log (``targets.json``).

The file has the layout the calibration reads for behavioural targets
(:func:`experiments.calibration.config.read_behavioural_targets`, schema
``shoplab.market.targets/1``)::

    {
      "schema": "shoplab.market.targets/1",
      "source": str,              # the log (file name, no path), its span and n
      "targets": {
        NAME: {"value": float, "se": float, "derivation": str, "n": int}, ...
      }
    }

Names are those of statistics the model's own order log gives through the same
functions (and, for ``orders_per_buyer``, ``aov`` and ``top20_spend_share``, the
figures of its run summary): ``orders_per_buyer``, ``aov``,
``repeat_purchase_rate``, ``inactive_share_<W>`` (W the churn window in days) and
``top20_spend_share``. A target whose SE is not positive or not finite (a single
customer) is left out (the analysis notes name it): the calibration cannot weigh it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from survey.orders.activity import inactive_share, orders_per_buyer
from survey.orders.concentration import spend_concentration
from survey.orders.order_value import average_order_value
from survey.orders.repeat import repeat_purchase_rate
from survey.targets import read_schema_json

#: The schema the calibration reads behavioural targets in.
SCHEMA = "shoplab.market.targets/1"


def summary_tables(
    orders: pd.DataFrame,
    *,
    churn_window_days: int = 90,
    observation_end: object | None = None,
    n_boot: int = 200,
    seed: int = 0,
    transactions: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The summaries the targets are taken from, one function each.

    Parameters
    ----------
    orders : DataFrame
        An order frame (:mod:`survey.orders.frame`).
    churn_window_days : int, default 90
        Inactivity that counts as churn.
    observation_end : date, optional
        End of the log for the look-back statistics (default: the last order's day).
    n_boot : int, default 200
        Bootstrap resamples for the concentration SEs.
    seed : int, default 0
        Bootstrap seed.
    transactions : DataFrame, optional
        ``daily_transactions(orders)`` (:func:`survey.orders.rfm.daily_transactions`)
        when already computed; it is computed here otherwise.

    Returns
    -------
    dict
        ``orders_per_buyer``, ``aov``, ``repeat``, ``inactive`` and
        ``concentration`` frames.

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> sorted(summary_tables(load_cdnow(), n_boot=0))
    ['aov', 'concentration', 'inactive', 'orders_per_buyer', 'repeat']
    """
    return {
        "orders_per_buyer": orders_per_buyer(orders, observation_end=observation_end),
        "aov": average_order_value(orders),
        "repeat": repeat_purchase_rate(orders, transactions=transactions),
        "inactive": inactive_share(
            orders,
            window_days=churn_window_days,
            observation_end=observation_end,
            transactions=transactions,
        ),
        "concentration": spend_concentration(orders, top=0.2, n_boot=n_boot, seed=seed),
    }


def target_entries(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[float, float, int, str]]:
    """Each target's value, SE, n and derivation, read from the summary tables.

    Parameters
    ----------
    tables : dict
        From :func:`summary_tables`.

    Returns
    -------
    dict
        Target name → ``(value, se, n, derivation)``, every target (also those whose
        SE is not positive, which :func:`order_targets` leaves out). The calibration
        can compare a simulated log's values with a real log's targets by name.

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> value, se, n, _ = target_entries(summary_tables(load_cdnow(), n_boot=0))["aov"]
    >>> round(value, 2), round(se, 2), n
    (35.28, 0.95, 2357)
    """
    per_buyer = tables["orders_per_buyer"].iloc[0]
    aov = tables["aov"].iloc[0]
    repeat = tables["repeat"].iloc[0]
    inactive = tables["inactive"].iloc[0]
    concentration = tables["concentration"].set_index("statistic")
    top = concentration.loc["top_share"]
    span = f"{per_buyer['window_start']:%Y-%m-%d} to {per_buyer['window_end']:%Y-%m-%d}"
    window = int(inactive["window_days"])
    return {
        "orders_per_buyer": (
            float(per_buyer["orders_per_buyer"]),
            float(per_buyer["se"]),
            int(per_buyer["n"]),
            f"orders from {span} (the last 365 days of the log"
            + ("" if per_buyer["covered"] else "; the log starts later, so a shorter span")
            + ") / customers with an order in them; SE: SD of orders per buyer / sqrt(n)",
        ),
        "aov": (
            float(aov["aov"]),
            float(aov["se"]),
            int(aov["n_customers"]),
            f"revenue / orders over the log ({int(aov['n_orders'])} orders); SE: ratio "
            "estimator (delta method) with customers as clusters, n = customers",
        ),
        "repeat_purchase_rate": (
            float(repeat["repeat_rate"]),
            float(repeat["se"]),
            int(repeat["customers"]),
            "share of customers who bought on at least two different days; binomial SE",
        ),
        f"inactive_share_{window}": (
            float(inactive["inactive_share"]),
            float(inactive["se"]),
            int(inactive["n"]),
            f"share of customers with no order in the last {window} days of the log, among "
            f"those whose first order is at least {window} days before its end; binomial SE",
        ),
        "top20_spend_share": (
            float(top["value"]),
            float(top["se"]),
            int(top["n"]),
            "share of revenue from the top 20% of customers by spend over the log; SE: SD "
            f"of {int(top['n_boot'])} bootstrap resamples of customers (seeded)",
        ),
    }


def order_targets(tables: dict[str, pd.DataFrame], *, source: str) -> dict[str, Any]:
    """Collect the targets, with SE, n and derivation, into the ``targets.json`` layout.

    Parameters
    ----------
    tables : dict
        From :func:`summary_tables`.
    source : str
        What the log is (file name, span, customers), written as ``source``.

    Returns
    -------
    dict
        Ready for :func:`survey.targets.write_targets`.

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> targets = order_targets(summary_tables(load_cdnow(), n_boot=20), source="CDNOW")
    >>> sorted(targets["targets"])
    ['aov', 'inactive_share_90', 'orders_per_buyer', 'repeat_purchase_rate', 'top20_spend_share']
    >>> targets["targets"]["aov"]["n"]
    2357
    """
    entries = target_entries(tables)
    targets = {}
    for name, (value, se, n, derivation) in entries.items():
        if math.isfinite(float(value)) and math.isfinite(float(se)) and float(se) > 0:
            targets[name] = {"value": value, "se": se, "derivation": derivation, "n": n}
    return {"schema": SCHEMA, "source": source, "targets": targets}


def read_order_targets(path: str | Path) -> dict[str, Any]:
    """Read a ``targets.json`` written by ``shoplab orders analyze``.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    dict

    Raises
    ------
    DataError
        One line naming the file: missing, not JSON, or another schema.

    Examples
    --------
    >>> read_order_targets("no/targets.json")
    Traceback (most recent call last):
    survey.errors.DataError: no/targets.json: no such targets file
    """
    return read_schema_json(
        path, schema=SCHEMA, what="targets file", kind="behavioural targets file"
    )
