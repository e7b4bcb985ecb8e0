"""Order-log targets on the simulated side: the model's log measured as a real one.

``shoplab orders analyze`` turns a real order log into behavioural targets
(:mod:`survey.orders.targets`: ``orders_per_buyer``, ``aov``,
``repeat_purchase_rate``, ``inactive_share_<W>``, ``top20_spend_share``). A
calibration fitting them records every order of each simulated run
(``ShopperModel(..., record_orders=True)``), keeps the focal platform's orders
(:func:`focal_orders`) and applies the very same functions
(:func:`survey.orders.targets.summary_tables` and
:func:`~survey.orders.targets.order_targets`) to that log
(:func:`simulated_order_values`): one code path for real and simulated data.

Observation windows follow the real log's rules: every statistic looks back from
the log's last order, the churn window ``W`` is the one in the target's name, and
the simulated horizon must equal the real log's span (:func:`log_span_days` reads
it from the targets file's ``source``), since the repeat-purchase rate and the
spend concentration grow with the span a log covers.

Examples
--------
>>> churn_window(["aov", "inactive_share_60"])
60
>>> log_span_days("log.csv: 120 orders of 40 customers, 2019-01-01 to 2019-12-31 "
...               "(shoplab orders analyze)")
365
>>> from sim import ShopperModel
>>> model = ShopperModel({"population": {"size": 300}}, rng=1, record_orders=True)
>>> model.run(40)
>>> found = simulated_order_values(focal_orders(model), ["repeat_purchase_rate"])
>>> list(found)
['orders.repeat_purchase_rate']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from survey.orders.frame import CHANNEL
from survey.orders.targets import summary_tables

#: Statistic names of an order-log target carry this prefix in the fit (``orders.aov``).
ORDERS_PREFIX = "orders."

#: Order-log statistics over the whole log (or its last 365 days), by their target name.
FIXED_NAMES = ("orders_per_buyer", "aov", "repeat_purchase_rate", "top20_spend_share")

#: ``inactive_share_<W>``: share of customers without an order in the log's last W days.
INACTIVE = re.compile(r"inactive_share_(\d+)")

#: Bootstrap resamples behind the simulated ``top20_spend_share``'s standard error.
SIMULATED_BOOT = 50

#: Target name -> (table of :func:`~survey.orders.targets.summary_tables`, value column,
#: row ``statistic`` or None): the cells :func:`~survey.orders.targets.order_targets` reads.
_CELLS = {
    "orders_per_buyer": ("orders_per_buyer", "orders_per_buyer", None),
    "aov": ("aov", "aov", None),
    "repeat_purchase_rate": ("repeat", "repeat_rate", None),
    "inactive_share": ("inactive", "inactive_share", None),
    "top20_spend_share": ("concentration", "value", "top_share"),
}

_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})")


def allowed_names() -> str:
    """The order-log target names, for error messages.

    Examples
    --------
    >>> allowed_names()
    'orders_per_buyer, aov, repeat_purchase_rate, top20_spend_share, inactive_share_<W>'
    """
    return ", ".join([*FIXED_NAMES, "inactive_share_<W>"])


def is_order_statistic(name: str) -> bool:
    """Whether ``name`` is an order-log statistic the simulated log yields.

    Examples
    --------
    >>> is_order_statistic("inactive_share_90"), is_order_statistic("mau_ratio")
    (True, False)
    """
    match = INACTIVE.fullmatch(name)
    return name in FIXED_NAMES or (match is not None and int(match.group(1)) >= 1)


def churn_window(names: Iterable[str]) -> int | None:
    """The churn window (days) the ``inactive_share_<W>`` target names, if any.

    Parameters
    ----------
    names : iterable of str
        Order-log target names.

    Returns
    -------
    int or None
        W; None when no name is an inactive share.

    Raises
    ------
    ValueError
        If the names hold several windows (one log, one churn definition).

    Examples
    --------
    >>> churn_window(["aov"]) is None
    True
    >>> churn_window(["inactive_share_30", "inactive_share_90"])
    Traceback (most recent call last):
    ValueError: several churn windows [30, 90]; allowed: one inactive_share_<W>
    """
    windows = sorted({int(m.group(1)) for n in names if (m := INACTIVE.fullmatch(n))})
    if len(windows) > 1:
        raise ValueError(f"several churn windows {windows}; allowed: one inactive_share_<W>")
    return windows[0] if windows else None


def log_span_days(source: str) -> int | None:
    """Days a log spans, first to last order day included, from a targets file's source.

    ``shoplab orders analyze`` writes the span into ``source`` as
    ``YYYY-MM-DD to YYYY-MM-DD``; the last such pair is read.

    Parameters
    ----------
    source : str
        The ``source`` of a targets file.

    Returns
    -------
    int or None
        None when the source states no span (or an inverted one).

    Examples
    --------
    >>> log_span_days("cdnow_sample.csv: 6919 orders of 2357 customers, "
    ...               "1997-01-01 to 1998-06-30 (shoplab orders analyze)")
    546
    >>> log_span_days("a hand-made file") is None
    True
    """
    found = _SPAN.findall(source)
    if not found:
        return None
    start, end = (pd.Timestamp(day) for day in found[-1])
    days = (end - start).days + 1
    return days if days >= 1 else None


def focal_orders(model: object) -> pd.DataFrame:
    """The focal platform's orders of a run, as an order frame (:mod:`survey.orders.frame`).

    A real CRM log holds its own platform's orders only; the model's log holds every
    platform's, so the rivals' rows are dropped.

    Parameters
    ----------
    model : ShopperModel
        A model built with ``record_orders=True``, after its run.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from sim import ShopperModel
    >>> m = ShopperModel({"population": {"size": 300}}, rng=2, record_orders=True)
    >>> m.run(10)
    >>> len(focal_orders(m)) == int(m.daily_metrics()["orders"].sum())
    True
    """
    orders = model.orders()  # type: ignore[attr-defined]
    focal = orders[orders[CHANNEL] == model.focal.name]  # type: ignore[attr-defined]
    return focal.reset_index(drop=True)


def simulated_order_values(
    orders: pd.DataFrame, names: Iterable[str], *, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """The order-log statistics of a simulated log, by the functions of the real log.

    Parameters
    ----------
    orders : DataFrame
        The simulated log's focal orders (:func:`focal_orders`).
    names : iterable of str
        Target names (:func:`is_order_statistic`); the churn window is taken from
        ``inactive_share_<W>``.
    seed : int, default 0
        Seed of the spend-concentration bootstrap (:data:`SIMULATED_BOOT` resamples).

    Returns
    -------
    dict
        ``orders.<name>`` -> (value, standard error), as
        :func:`survey.orders.targets.order_targets` reads them from the same tables
        (a standard error that is not finite counts as 0: a simulated share may sit
        at 0 or 1, where the real side drops the target); a statistic the log cannot
        give (no orders, no customer old enough for the churn window) is absent, and
        the fit counts it as missing.

    Examples
    --------
    >>> from survey.orders.frame import as_order_frame
    >>> orders = as_order_frame(pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...     "date": ["2019-01-01", "2019-01-05", "2019-01-02", "2019-01-03"],
    ...     "amount": [10.0, 20.0, 30.0, 40.0]}))
    >>> found = simulated_order_values(orders, ["aov", "repeat_purchase_rate"])
    >>> {k: round(v[0], 4) for k, v in found.items()}
    {'orders.aov': 25.0, 'orders.repeat_purchase_rate': 0.3333}
    >>> simulated_order_values(orders.iloc[:0], ["aov"])
    {}
    """
    names = list(names)
    if orders.empty:
        return {}
    window = churn_window(names)
    tables = summary_tables(
        orders,
        churn_window_days=window or 90,
        n_boot=SIMULATED_BOOT if "top20_spend_share" in names else 0,
        seed=seed,
    )
    found = {}
    for name in names:
        table, column, statistic = _CELLS["inactive_share" if INACTIVE.fullmatch(name) else name]
        frame = tables[table]
        row = frame.set_index("statistic").loc[statistic] if statistic else frame.iloc[0]
        value, se = float(row[column]), float(row["se"])
        if np.isfinite(value):
            found[f"{ORDERS_PREFIX}{name}"] = (value, se if np.isfinite(se) else 0.0)
    return found
