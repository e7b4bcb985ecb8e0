"""Daily metrics and the one-row run summary.

Examples
--------
>>> metric_names(["rural"])[:4]
['day', 'prospects', 'active', 'churned']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.jit import kernel
from sim.outcome import DayOutcome
from sim.params import Accounting
from sim.rules.word_of_mouth import score_of_counts
from sim.shoppers import Shoppers
from sim.states import CHURNED, INITIAL, NEVER, OUTSIDE, PROSPECT

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
    "entrants",
    "orders",
    "gmv",
    "revenue",
    "group_orders",
    "group_gmv",
    "groups_formed",
    "groups_lapsed",
    "rival_deal",
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
    *,
    day: int,
    shoppers: Shoppers,
    outcome: DayOutcome,
    ltr: np.ndarray,
    money: dict[str, float],
    acquisition_cost: float,
    strategy_cost: float,
    accounting_params: Accounting,
    segment_names: list[str],
    rival_deal: bool = False,
    active: np.ndarray | None = None,
    answers: tuple[int, int] | None = None,
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
    money : dict
        The day's ``orders`` (count), ``gmv`` (CNY shoppers paid merchants for focal
        orders), ``revenue`` (the platform's: take rate times GMV), ``group_orders``
        and ``group_gmv`` (confirmed group orders); missing keys count 0.
    acquisition_cost, strategy_cost : float
        What the platform paid today, CNY; profit = revenue − acquisition cost −
        strategy cost.
    accounting_params : Accounting
        NPS thresholds.
    segment_names : list of str
        Segment names by index.
    rival_deal : bool
        Whether a rival ran a promotion today.
    active : numpy.ndarray, optional
        The active shoppers' ids, increasing, if the caller has them (default:
        listed from ``shoppers.state``).
    answers : tuple of int, optional
        How many of the active shoppers are promoters and detractors (by ``ltr``
        and the thresholds), if the caller has counted them (default: counted
        here).

    Returns
    -------
    dict
        Satisfaction, loyalty and NPS are over active shoppers (NaN if none); the
        means are numpy's (``satisfaction[active].mean()``), bit for bit.

    Examples
    --------
    Half of 100 shoppers are customers, all promoters (likelihood to recommend 9):

    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> params = ModelParams(population={"size": 100, "initial_active_share": 0.5})
    >>> sh = create_shoppers(params, np.random.default_rng(0))
    >>> row = daily_metrics(
    ...     day=0, shoppers=sh, outcome=DayOutcome.empty(0), ltr=np.full(100, 9), money={},
    ...     acquisition_cost=0.0, strategy_cost=0.0, accounting_params=params.accounting,
    ...     segment_names=[s.name for s in params.population.segments])
    >>> row["active"], row["prospects"], row["nps"]
    (50, 50, 100.0)
    >>> row["satisfaction"] == float(sh.satisfaction[sh.active_mask()].mean())
    True
    """
    if active is None:
        active = np.flatnonzero(shoppers.active_mask())
    k = len(segment_names)
    counts = np.zeros(k, dtype=np.int64)
    sat_sums, loy_sums = np.zeros(k), np.zeros(k)
    # unsigned views of the shopper ids and segments (the same numbers): numba then
    # indexes without testing for negative indices, and the pass runs about 40% faster
    ids = np.asarray(active, dtype=np.int64).view(np.uint64)
    sat_total, loy_total = _active_sums(
        ids,
        0,
        active.size,
        shoppers.segment.view(np.uint8),
        shoppers.satisfaction,
        shoppers.loyalty,
        counts,
        sat_sums,
        loy_sums,
    )
    # numpy adds the pairwise sum to 0.0 (a sum of only -0.0 is 0.0)
    sat_total, loy_total = 0.0 + sat_total, 0.0 + loy_total
    if answers is None:
        answers = _count_answers(
            ids,
            ltr,
            accounting_params.promoter_threshold,
            accounting_params.detractor_threshold,
        )
    promoters, detractors = answers
    prospects, churned = _count_states(shoppers.state, PROSPECT, CHURNED)
    new = (
        outcome.new_ads.size
        + outcome.new_referral.size
        + outcome.new_group.size
        + outcome.new_unlock.size
    )
    row: dict[str, float] = {
        "day": day,
        "prospects": prospects,
        "active": int(active.size),
        "churned": churned,
        "new_ads": int(outcome.new_ads.size),
        "new_referral": int(outcome.new_referral.size),
        "new_group_buy": int(outcome.new_group.size),
        "new_customers": int(new),
        "churned_today": int(outcome.churned.size),
        "won_back_today": int(outcome.won_back.size + outcome.group_won_back.size),
        "entrants": int(outcome.entrants.size),
        "orders": int(money.get("orders", 0)),
        "gmv": float(money.get("gmv", 0.0)),
        "revenue": float(money.get("revenue", 0.0)),
        "group_orders": int(money.get("group_orders", 0)),
        "group_gmv": float(money.get("group_gmv", 0.0)),
        "groups_formed": int(outcome.groups_formed),
        "groups_lapsed": int(outcome.groups_lapsed),
        "rival_deal": int(rival_deal),
        "acquisition_cost": acquisition_cost,
        "strategy_cost": strategy_cost,
        "profit": float(money.get("revenue", 0.0)) - acquisition_cost - strategy_cost,
        "satisfaction": sat_total / active.size if active.size else float("nan"),
        "loyalty": loy_total / active.size if active.size else float("nan"),
        "nps": score_of_counts(promoters, detractors, active.size),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        sat = sat_sums / counts
        loy = loy_sums / counts
    for i, name in enumerate(segment_names):
        row[f"active_{name}"] = int(counts[i])
        row[f"satisfaction_{name}"] = float(sat[i])
        row[f"loyalty_{name}"] = float(loy[i])
    return row


@kernel
def _count_answers(who, ltr, promoter_threshold, detractor_threshold):
    """How many of the shoppers ``who`` are promoters and detractors, by their ``ltr``.

    Promoters answer at least ``promoter_threshold``, detractors at most
    ``detractor_threshold`` (as :func:`sim.rules.word_of_mouth.net_promoter_score`
    counts them); one pass, without gathering the answers into an array first.
    """
    promoters, detractors = 0, 0
    for k in range(who.size):
        i = who[k]
        if i >= ltr.size:
            raise ValueError("an active shopper id is not a shopper's")
        answer = ltr[i]
        promoters += 1 if answer >= promoter_threshold else 0
        detractors += 1 if answer <= detractor_threshold else 0
    return promoters, detractors


@kernel
def _count_states(state, first, second):
    """How many shoppers are in state ``first`` and in state ``second``: one pass, no mask.

    The codes are compared in the state's own dtype (int8), which lets the loop be
    vectorised (about 3 times faster than comparing as int64).
    """
    code_first, code_second = state.dtype.type(first), state.dtype.type(second)
    n_first, n_second = 0, 0
    for i in range(state.size):
        n_first += 1 if state[i] == code_first else 0
        n_second += 1 if state[i] == code_second else 0
    return n_first, n_second


#: Elements numpy sums one after another (with eight partial sums) rather than by
#: halving the array (its ``PW_BLOCKSIZE``, numpy/_core/src/umath/loops_utils.h.src).
_PAIRWISE_BLOCK = 128


@kernel
def _active_sums(active, lo, n, segment, satisfaction, loyalty, counts, sat_sums, loy_sums):
    """Sums over the shoppers ``active[lo:lo + n]`` in one pass, as numpy would give them.

    Returns the total satisfaction and loyalty summed in numpy's pairwise order
    (what ``satisfaction[active].sum()`` gives, bit for bit: blocks of up to 128
    values summed with eight partial sums, the halves of longer runs summed
    separately and then added); adds each shopper to ``counts``, ``sat_sums`` and
    ``loy_sums`` of their segment in the order of ``active`` (what ``np.bincount``
    with weights gives). The recursion visits the blocks from left to right, so
    the per-segment sums keep that order.

    A block: fewer than eight values are added one after another; otherwise eight
    partial sums take every eighth value, are added pairwise, and the values past
    the last multiple of eight follow one by one (numpy's ``pairwise_sum``). Each
    shopper's values are read once for both kinds of sums (:func:`_add_shopper`);
    the block is written out here, not in a function of its own, and its ids are
    tested eight at a time (:func:`_check_ids`): a function for the block made the
    pass about 13% slower, a test of each id about 20%.
    """
    if n > _PAIRWISE_BLOCK:
        half = n // 2
        half -= half % 8  # numpy's split: the first half a multiple of its unrolling by 8
        sat_a, loy_a = _active_sums(
            active, lo, half, segment, satisfaction, loyalty, counts, sat_sums, loy_sums
        )
        sat_b, loy_b = _active_sums(
            active, lo + half, n - half, segment, satisfaction, loyalty, counts, sat_sums, loy_sums
        )
        return sat_a + sat_b, loy_a + loy_b
    sat_total, loy_total = 0.0, 0.0
    j = lo
    if n >= 8:
        # numpy starts the partial sums at the first eight values: -0.0 + x is x for
        # every x (0.0 + -0.0 would be 0.0), so adding them to -0.0 gives the same bits
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = -0.0
        q0 = q1 = q2 = q3 = q4 = q5 = q6 = q7 = -0.0
        while j < lo + n - n % 8:
            i0, i1, i2, i3 = active[j], active[j + 1], active[j + 2], active[j + 3]
            i4, i5, i6, i7 = active[j + 4], active[j + 5], active[j + 6], active[j + 7]
            _check_ids(max(max(max(i0, i1), max(i2, i3)), max(max(i4, i5), max(i6, i7))), segment)
            s, q = _add_shopper(i0, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s0 += s
            q0 += q
            s, q = _add_shopper(i1, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s1 += s
            q1 += q
            s, q = _add_shopper(i2, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s2 += s
            q2 += q
            s, q = _add_shopper(i3, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s3 += s
            q3 += q
            s, q = _add_shopper(i4, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s4 += s
            q4 += q
            s, q = _add_shopper(i5, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s5 += s
            q5 += q
            s, q = _add_shopper(i6, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s6 += s
            q6 += q
            s, q = _add_shopper(i7, segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
            s7 += s
            q7 += q
            j += 8
        sat_total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        loy_total = ((q0 + q1) + (q2 + q3)) + ((q4 + q5) + (q6 + q7))
    while j < lo + n:
        _check_ids(active[j], segment)
        s, q = _add_shopper(active[j], segment, satisfaction, loyalty, counts, sat_sums, loy_sums)
        sat_total += s
        loy_total += q
        j += 1
    return sat_total, loy_total


@kernel
def _check_ids(i, segment):
    """Refuse a shopper id ``i`` past the shoppers (reading at it would read past the columns)."""
    if i >= segment.size:
        raise ValueError("an active shopper id is not a shopper's")


@kernel
def _add_shopper(i, segment, satisfaction, loyalty, counts, sat_sums, loy_sums):
    """Add shopper ``i`` to its segment's count and sums; return its satisfaction and loyalty."""
    g = segment[i]
    if g >= counts.size:  # also keeps the writes below inside the sums
        raise ValueError("a shopper's segment index is past the segment names")
    s, q = satisfaction[i], loyalty[i]
    counts[g] += 1
    sat_sums[g] += s
    loy_sums[g] += q
    return s, q


def retention_at(
    shoppers: Shoppers, horizon: int, last_day: int, mask: np.ndarray | None = None
) -> float:
    """Share of customers still with the platform ``horizon`` days after acquisition.

    Only customers who have been customers for at least ``horizon`` days by the end
    of the run count (acquired on day ``a`` with ``a + horizon − 1`` ≤ the last day, so
    a 365-day run reports ``retention_365`` for its day-0 customers); a customer is
    retained if their first churn did not come within those ``horizon`` days (days
    ``a`` to ``a + horizon − 1``). NaN if no customer qualifies.

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
    eligible = (shoppers.acquired_day >= 0) & (shoppers.acquired_day <= last_day + 1 - horizon)
    if mask is not None:
        eligible &= mask
    if not eligible.any():
        return float("nan")
    first_churn = shoppers.churned_day[eligible]
    kept = (first_churn == NEVER) | (first_churn >= shoppers.acquired_day[eligible] + horizon)
    return float(kept.mean())


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def run_summary(model: ShopperModel) -> dict[str, float]:
    """One row per run.

    Returns
    -------
    dict
        ``days``, ``shoppers`` (in the market at the end: the day-0 market and the
        entrants so far), ``customers`` (ever acquired), ``active_end``,
        ``retention_90``/``_180``/``_365``, ``retention_horizon`` (share of the day-0
        customers still active at the end), ``clv_mean`` (mean discounted platform
        revenue per customer, realised up to the horizon), ``gmv``, ``revenue`` (the
        platform's), ``acquisition_cost``, ``strategy_cost``, ``profit``, ``roi``
        (profit over acquisition plus strategy spend), ``nps_end``, ``satisfaction_end``,
        ``loyalty_end``; the five behavioural loyalty indicators of the source
        material: ``repeat_purchases`` (mean focal orders after the first, per
        customer who ordered), ``days_between_purchases`` (mean gap between
        consecutive focal orders), ``price_switch_share`` (share of orders that went
        to a cheaper rival when one was cheaper than the focal price),
        ``orders_elsewhere_share`` (share of customers' orders placed with rivals),
        ``defect_tolerance`` (share of customers who met a defect and are active at
        the end); ``points_liability`` (CNY value of unredeemed points); per
        segment ``active_end_<segment>``, ``retention_90_<segment>`` and
        ``churn_rate_<segment>``; the money per segment ``revenue_<segment>``,
        ``acquisition_cost_<segment>``, ``strategy_cost_<segment>`` and
        ``profit_<segment>`` (booked per shopper in :class:`sim.rules.accounting.Ledger`:
        revenue from the shopper's orders, the shopper's paid acquisition, the
        strategy costs paid for the shopper), and ``strategy_cost_unallocated``
        (strategy costs that belong to no shopper, such as fixed daily costs, in no
        segment: the segments' profits add up to ``profit`` plus this, to rounding);
        and the platform figures of :func:`platform_figures`.
    """
    sh = model.shoppers
    daily = model.daily_metrics()
    last_day = int(daily["day"].iloc[-1]) if len(daily) else -1
    customers = sh.acquired_day >= 0
    active = sh.active_mask()
    flows = ("gmv", "revenue", "acquisition_cost", "strategy_cost")
    money = {k: float(daily[k].sum()) for k in flows}
    profit = money["revenue"] - money["acquisition_cost"] - money["strategy_cost"]
    initial = sh.channel == INITIAL
    ordered = sh.orders > 0
    met_defect = sh.defects > 0
    point_value = sum(
        getattr(s, "point_value", 0.0)
        for s in model.params.strategies
        if s.kind == "loyalty_points"
    )
    row: dict[str, float] = {
        "days": last_day + 1,
        "shoppers": int(np.count_nonzero(sh.state != OUTSIDE)),
        "customers": int(customers.sum()),
        "active_end": int(active.sum()),
        **{f"retention_{h}": retention_at(sh, h, last_day) for h in RETENTION_DAYS},
        "retention_horizon": _mean(active[initial].astype(float)),
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
    row["strategy_cost_unallocated"] = model.ledger.strategy_cost_unallocated
    money_by_segment = model.ledger.by_group(sh.segment, len(model.segment_names))
    for flow, values in money_by_segment.items():
        for i, name in enumerate(model.segment_names):
            row[f"{flow}_{name}"] = float(values[i])
    exposure = daily[[f"active_{name}" for name in model.segment_names]].to_numpy().sum(axis=0)
    for i, name in enumerate(model.segment_names):
        row[f"churn_rate_{name}"] = _ratio(365.0 * model.churn_by_segment[i], float(exposure[i]))
    row.update(platform_figures(model, daily, last_day))
    return row


def platform_figures(model: ShopperModel, daily: pd.DataFrame, last_day: int) -> dict[str, float]:
    """The platform's published per-buyer figures and the stylised facts, from a run.

    Over the run's last 365 days (the whole run if shorter).

    Returns
    -------
    dict
        ``annual_buyers`` (shoppers with a focal order in the window),
        ``orders_per_buyer``, ``aov`` (GMV / orders), ``spend_per_buyer``,
        ``take_rate`` (platform revenue / GMV), ``mau_ratio`` (mean active customers
        over the last 90 days / annual buyers; Pinduoduo's Q4 MAU over annual
        active buyers), ``top20_spend_share`` (share of the run's focal spend by the
        top 20% of the window's buyers), ``top_tier_share`` (share of active
        customers in the highest value tier at the end), ``group_order_share``,
        ``group_gmv_share``, ``group_fill_rate`` (formed / closed groups),
        ``promoter_share_end`` and ``detractor_share_end`` (NPS shares of active
        customers at the end),
        ``defections`` (churn events), ``satisfied_defector_share`` (share of them
        with likelihood to recommend ≥ 7 when they churned), ``hazard_tenure_early``
        and ``hazard_tenure_late`` (first churns per customer-day at tenure days
        0-89 and 180-364, over customers acquired during the run).
    """
    sh = model.shoppers
    window = daily[daily["day"] > last_day - 365]
    buyers = sh.last_order_day > last_day - 365
    n_buyers = int(buyers.sum())
    orders, gmv = float(window["orders"].sum()), float(window["gmv"].sum())
    spend = np.sort(sh.spend[buyers])[::-1]
    top = spend[: max(int(round(0.2 * spend.size)), 1)].sum() if spend.size else 0.0
    active = sh.active_mask()
    tiers = sh.tier[active]
    groups = model.counters["groups_formed"] + model.counters["groups_lapsed"]
    early, late = tenure_hazards(sh, last_day)
    acc = model.params.accounting
    return {
        "annual_buyers": n_buyers,
        "orders_per_buyer": _ratio(orders, n_buyers),
        "aov": _ratio(gmv, orders),
        "spend_per_buyer": _ratio(gmv, n_buyers),
        "take_rate": _ratio(float(window["revenue"].sum()), gmv),
        "mau_ratio": _ratio(float(window["active"].tail(90).mean()), n_buyers),
        "top20_spend_share": _ratio(float(top), float(spend.sum())),
        "top_tier_share": _mean((tiers == tiers.max()).astype(float)) if tiers.size else np.nan,
        "group_order_share": _ratio(float(window["group_orders"].sum()), orders),
        "group_gmv_share": _ratio(float(window["group_gmv"].sum()), gmv),
        "group_fill_rate": _ratio(model.counters["groups_formed"], groups),
        "promoter_share_end": _mean((model.ltr[active] >= acc.promoter_threshold).astype(float)),
        "detractor_share_end": _mean((model.ltr[active] <= acc.detractor_threshold).astype(float)),
        "defections": model.counters["defections"],
        "satisfied_defector_share": _ratio(
            model.counters["satisfied_defections"], model.counters["defections"]
        ),
        "hazard_tenure_early": early,
        "hazard_tenure_late": late,
    }


def tenure_hazards(shoppers: Shoppers, last_day: int) -> tuple[float, float]:
    """First-churn hazards per customer-day at tenure days 0-89 and 180-364.

    Over customers acquired during the run (not the day-0 customers, whose tenure
    is unknown): events in a tenure band over the days customers spent at risk in
    it. A customer is at risk from the day of acquisition (tenure 0) to the day of
    their first churn, that day included, or to the last day.

    Examples
    --------
    Acquired on day 1, one stays to day 400, one churns on day 51 (tenure 50): 90
    days at risk at tenure 0-89 for the first, 51 (tenure 0-50) for the second.

    >>> import numpy as np
    >>> from types import SimpleNamespace as NS
    >>> sh = NS(acquired_day=np.array([1, 1]), churned_day=np.array([NEVER, 51]),
    ...         channel=np.array([2, 2]))
    >>> early, late = tenure_hazards(sh, 400)
    >>> early == 1 / (90 + 51), round(early, 4), late
    (True, 0.0071, 0.0)
    """
    new = (shoppers.acquired_day >= 0) & (shoppers.channel != INITIAL)
    start = shoppers.acquired_day[new].astype(np.int64)
    churned = shoppers.churned_day[new]
    ended = churned != NEVER
    # days at risk: tenure at the first churn + 1 (the churn day), or to the last day
    at_risk = np.where(ended, churned + 1, last_day + 1) - start
    rates = []
    for low, high in ((0, 90), (180, 365)):
        days = np.clip(at_risk, low, high) - low
        events = ended & (at_risk > low) & (at_risk <= high)  # churned at tenure low..high-1
        rates.append(_ratio(float(events.sum()), float(days.sum())))
    return rates[0], rates[1]
