"""Daily metrics and the one-row run summary.

Examples
--------
>>> metric_names(["rural"])[:4]
['day', 'prospects', 'active', 'churned']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.outcome import DayOutcome
from sim.params import Accounting
from sim.rules.word_of_mouth import net_promoter_score
from sim.shoppers import Shoppers
from sim.states import CHURNED, NEVER, PROSPECT

if TYPE_CHECKING:
    from sim.model import ShopperModel

#: Days after acquisition at which the summary reports retention.
RETENTION_DAYS = (90, 180, 365)

_OVERALL = (
    "day",
    "prospects",
    "active",
    "churned",
    "new_ads",
    "new_referral",
    "new_group_buy",
    "new_customers",
    "churned_today",
    "won_back_today",
    "orders",
    "revenue",
    "margin",
    "acquisition_cost",
    "strategy_cost",
    "profit",
    "satisfaction",
    "loyalty",
    "nps",
)
_PER_SEGMENT = ("active", "satisfaction", "loyalty")


def metric_names(segment_names: list[str]) -> list[str]:
    """Names of the daily metrics, overall then per segment (``active_<segment>``, ...).

    Parameters
    ----------
    segment_names : list of str

    Returns
    -------
    list of str
    """
    per_segment = [f"{m}_{s}" for s in segment_names for m in _PER_SEGMENT]
    return list(_OVERALL) + per_segment


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def daily_metrics(
    day: int,
    shoppers: Shoppers,
    outcome: DayOutcome,
    ltr: np.ndarray,
    revenue: float,
    margin: float,
    acquisition_cost: float,
    strategy_cost: float,
    accounting_params: Accounting,
    segment_names: list[str],
) -> dict[str, float]:
    """The day's metrics as a flat dict (keys: :func:`metric_names`).

    Parameters
    ----------
    day : int
        The day.
    shoppers : Shoppers
        State at the end of the day.
    outcome : DayOutcome
        The day's events.
    ltr : numpy.ndarray
        Likelihood to recommend of every shopper (0-10).
    revenue, margin, acquisition_cost, strategy_cost : float
        The day's money, CNY. Revenue is the value of focal orders net of group
        discounts; profit = margin − acquisition cost − strategy cost.
    accounting_params : Accounting
        NPS thresholds.
    segment_names : list of str
        Segment names by index.

    Returns
    -------
    dict
        Satisfaction, loyalty and NPS are over active shoppers (NaN if none).
    """
    active_mask = shoppers.active_mask()
    active = np.flatnonzero(active_mask)
    new = outcome.new_ads.size + outcome.new_referral.size + outcome.new_group.size
    row: dict[str, float] = {
        "day": day,
        "prospects": int(np.count_nonzero(shoppers.state == PROSPECT)),
        "active": int(active.size),
        "churned": int(np.count_nonzero(shoppers.state == CHURNED)),
        "new_ads": int(outcome.new_ads.size),
        "new_referral": int(outcome.new_referral.size),
        "new_group_buy": int(outcome.new_group.size),
        "new_customers": int(new),
        "churned_today": int(outcome.churned.size),
        "won_back_today": int(outcome.won_back.size),
        "orders": int(outcome.focal_shoppers.size),
        "revenue": revenue,
        "margin": margin,
        "acquisition_cost": acquisition_cost,
        "strategy_cost": strategy_cost,
        "profit": margin - acquisition_cost - strategy_cost,
        "satisfaction": _mean(shoppers.satisfaction[active]),
        "loyalty": _mean(shoppers.loyalty[active]),
        "nps": net_promoter_score(
            ltr[active], accounting_params.promoter_threshold, accounting_params.detractor_threshold
        ),
    }
    k = len(segment_names)
    seg = shoppers.segment[active]
    counts = np.bincount(seg, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        sat = np.bincount(seg, weights=shoppers.satisfaction[active], minlength=k) / counts
        loy = np.bincount(seg, weights=shoppers.loyalty[active], minlength=k) / counts
    for i, name in enumerate(segment_names):
        row[f"active_{name}"] = int(counts[i])
        row[f"satisfaction_{name}"] = float(sat[i])
        row[f"loyalty_{name}"] = float(loy[i])
    return row


def retention_at(
    shoppers: Shoppers, horizon: int, last_day: int, mask: np.ndarray | None = None
) -> float:
    """Share of customers still with the platform ``horizon`` days after acquisition.

    Only customers acquired at least ``horizon`` days before the end count; a
    customer is retained if their first churn came later than ``horizon`` days after
    acquisition (or never). NaN if no customer qualifies.

    Parameters
    ----------
    shoppers : Shoppers
        End-of-run state.
    horizon : int
        Days after acquisition.
    last_day : int
        Last simulated day.
    mask : numpy.ndarray, optional
        Restrict to these shoppers (a segment, say).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> sh = create_shoppers(ModelParams(population={"size": 2}), np.random.default_rng(0))
    >>> sh.acquired_day[:] = 0; sh.churned_day[:] = [NEVER, 50]
    >>> retention_at(sh, 90, 100)
    0.5
    """
    eligible = (shoppers.acquired_day >= 0) & (shoppers.acquired_day <= last_day - horizon)
    if mask is not None:
        eligible &= mask
    if not eligible.any():
        return float("nan")
    first_churn = shoppers.churned_day[eligible]
    kept = (first_churn == NEVER) | (first_churn > shoppers.acquired_day[eligible] + horizon)
    return float(kept.mean())


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def run_summary(model: ShopperModel) -> dict[str, float]:
    """One row per run.

    Returns
    -------
    dict
        ``days``, ``shoppers``, ``customers`` (ever acquired), ``active_end``,
        ``retention_90``/``_180``/``_365``, ``clv_mean`` (mean discounted margin per
        customer, realised up to the horizon), ``revenue``, ``margin``,
        ``acquisition_cost``, ``strategy_cost``, ``profit``, ``roi`` (profit over
        acquisition plus strategy spend), ``nps_end``, ``satisfaction_end``,
        ``loyalty_end``; the five behavioural loyalty indicators of the source
        material: ``repeat_purchases`` (mean focal orders after the first, per
        customer who ordered), ``days_between_purchases`` (mean gap between
        consecutive focal orders), ``price_switch_share`` (share of orders that went
        to a cheaper rival when one was cheaper than the focal price),
        ``orders_elsewhere_share`` (share of customers' orders placed with rivals),
        ``defect_tolerance`` (share of customers who met a defect and are active at
        the end); ``points_liability`` (CNY value of unredeemed points); and per
        segment ``active_end_<segment>`` and ``retention_90_<segment>``.
    """
    sh = model.shoppers
    daily = model.daily_metrics()
    last_day = int(daily["day"].iloc[-1]) if len(daily) else -1
    customers = sh.acquired_day >= 0
    active = sh.active_mask()
    money = {
        k: float(daily[k].sum()) for k in ("revenue", "margin", "acquisition_cost", "strategy_cost")
    }
    profit = money["margin"] - money["acquisition_cost"] - money["strategy_cost"]
    ordered = sh.orders > 0
    met_defect = sh.defects > 0
    point_value = sum(
        getattr(s, "point_value", 0.0)
        for s in model.params.strategies
        if s.kind == "loyalty_points"
    )
    row: dict[str, float] = {
        "days": last_day + 1,
        "shoppers": sh.size,
        "customers": int(customers.sum()),
        "active_end": int(active.sum()),
        **{f"retention_{h}": retention_at(sh, h, last_day) for h in RETENTION_DAYS},
        "clv_mean": _mean(sh.clv[customers]),
        **money,
        "profit": profit,
        "roi": _ratio(profit, money["acquisition_cost"] + money["strategy_cost"]),
        "nps_end": float(daily["nps"].iloc[-1]) if len(daily) else float("nan"),
        "satisfaction_end": _mean(sh.satisfaction[active]),
        "loyalty_end": _mean(sh.loyalty[active]),
        "repeat_purchases": _mean(sh.orders[ordered] - 1.0),
        "days_between_purchases": _ratio(
            float(sh.inter_purchase_days.sum()), float((sh.orders[ordered] - 1).sum())
        ),
        "price_switch_share": _ratio(
            model.counters["switched_to_cheaper"], model.counters["cheaper_rival_occasions"]
        ),
        "orders_elsewhere_share": _ratio(
            float(sh.orders_elsewhere[customers].sum()),
            float(sh.orders_elsewhere[customers].sum() + sh.orders[customers].sum()),
        ),
        "defect_tolerance": _mean(active[met_defect & customers].astype(float)),
        "points_liability": float(sh.points.sum() * point_value),
    }
    for i, name in enumerate(model.segment_names):
        in_segment = sh.segment == i
        row[f"active_end_{name}"] = int((active & in_segment).sum())
        row[f"retention_90_{name}"] = retention_at(sh, 90, last_day, in_segment)
    return row
