"""Stage 8: money, discounting and value tiers.

Examples
--------
>>> round(daily_discount_factor(0.10) ** 365, 6)
0.909091
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.jit import kernel, prefetch
from sim.states import NEVER

if TYPE_CHECKING:
    from sim.shoppers import Shoppers

RECENT_SPEND_DAYS = 90.0  # memory of the exponentially weighted recent spend


def daily_discount_factor(annual_rate: float) -> float:
    """One-day discount factor 1/(1 + i_d) with (1 + i_d)^365 = 1 + annual rate."""
    return (1.0 + annual_rate) ** (-1.0 / 365.0)


def discount_factors(days: int, factor: float) -> np.ndarray:
    """Present value at acquisition of 1 CNY earned 0, 1, ..., ``days`` days later.

    Parameters
    ----------
    days : int
        The longest delay, days.
    factor : float
        One-day discount factor (:func:`daily_discount_factor`).

    Returns
    -------
    numpy.ndarray
        ``factor ** d`` for ``d`` = 0 .. ``days`` (``days + 1`` values).

    Examples
    --------
    >>> discount_factors(2, 0.5).tolist()
    [1.0, 0.5, 0.25]
    """
    return factor ** np.arange(days + 1, dtype=float)


def book_focal_orders(
    shoppers: Shoppers,
    order_days: np.ndarray,
    revenue_booked: np.ndarray,
    *,
    day: int,
    focal: np.ndarray,
    values: np.ndarray,
    counts: np.ndarray,
    take_rate: float,
    discount_factor: float,
) -> None:
    """Book the day's focal orders in the columns of the shoppers who placed them (in place).

    For each shopper ``i = focal[k]``, with revenue ``r = take_rate * values[k]``:

    * ``clv[i] += r * discount_factor ** (day - acquired_day[i])`` (the revenue's
      present value at acquisition) and ``revenue_booked[i] += r``;
    * ``inter_purchase_days[i] += day - last_order_day[i]`` if the shopper ordered
      before; ``first_order_day[i] = day`` if not; ``last_order_day[i] = day``;
    * ``order_days[i] += 1``, ``orders[i] += counts[k]``, and ``values[k]`` is
      added to ``spend[i]`` and ``recent_spend[i]`` (age ``recent_spend`` first,
      :func:`decay_recent_spend`).

    Parameters
    ----------
    shoppers : Shoppers
        The shoppers' columns, changed in place.
    order_days : numpy.ndarray
        Per shopper, the days with a focal order (int32, changed in place).
    revenue_booked : numpy.ndarray
        Per shopper, the platform's revenue so far (``Ledger.revenue``, changed in
        place).
    day : int
        The day.
    focal : numpy.ndarray
        Shoppers with a focal order today, each once, all acquired by ``day``.
    values : numpy.ndarray
        Value of each one's orders today, CNY.
    counts : numpy.ndarray
        How many orders each placed today.
    take_rate : float
        The platform's share of GMV.
    discount_factor : float
        One-day discount factor (:func:`daily_discount_factor`).

    Raises
    ------
    ValueError
        If an id in ``focal`` is not a shopper's, or a shopper in it was not
        acquired on or before ``day``.

    Examples
    --------
    A shopper acquired on day 3 orders twice (30 CNY) on day 5, having last ordered
    on day 4; the platform takes 10% and a day's delay halves the present value:

    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> sh = create_shoppers(ModelParams(population={"size": 2}), np.random.default_rng(0))
    >>> sh.acquired_day[1], sh.last_order_day[1], sh.first_order_day[1] = 3, 4, 4
    >>> order_days, revenue = np.zeros(2, np.int32), np.zeros(2)
    >>> book_focal_orders(sh, order_days, revenue, day=5, focal=np.array([1]),
    ...                   values=np.array([30.0]), counts=np.array([2]), take_rate=0.1,
    ...                   discount_factor=0.5)
    >>> float(sh.clv[1]), float(revenue[1]), int(sh.inter_purchase_days[1]), int(sh.orders[1])
    (0.75, 3.0, 1, 2)
    >>> int(sh.first_order_day[1]), int(sh.last_order_day[1]), int(order_days[1])
    (4, 5, 1)
    """
    _book_focal_orders(
        # an unsigned view of the ids (the same numbers): numba then indexes without
        # testing for negative indices, about 15% faster; the kernel checks the range
        np.asarray(focal, dtype=np.int64).view(np.uint64),
        values,
        counts,
        day,
        take_rate,
        discount_factors(day, discount_factor),
        shoppers.acquired_day,
        shoppers.first_order_day,
        shoppers.last_order_day,
        shoppers.inter_purchase_days,
        shoppers.orders,
        shoppers.spend,
        shoppers.recent_spend,
        shoppers.clv,
        order_days,
        revenue_booked,
    )


#: How many focal shoppers ahead :func:`_book_focal_orders` asks for memory (about
#: the latency of a memory read over the time of one shopper's booking; 8-16 measured
#: alike, 4 slower).
_PREFETCH_AHEAD = 8


@kernel
def _book_focal_orders(
    focal,
    values,
    counts,
    day,
    take_rate,
    factors,
    acquired_day,
    first_order_day,
    last_order_day,
    inter_purchase_days,
    orders,
    spend,
    recent_spend,
    clv,
    order_days,
    revenue_booked,
):
    """The loop of :func:`book_focal_orders`: one pass over the focal shoppers.

    Each shopper's columns are read and written once (rather than a gather and a
    scatter per column); the discount ``factor ** d`` is looked up in ``factors``,
    computed by numpy (a power stays in numpy so that it has numpy's bits). The
    columns booking adds to are usually fields of the shoppers' booking records
    (:data:`sim.shoppers.BOOKING`), one or two cache lines a shopper; those lines
    and the recent spend of the shopper ``_PREFETCH_AHEAD`` places on are asked
    for early: the ids are sparse, so the processor's own prefetching does not
    guess them, and without the hint the records alone did not pay. The day
    columns are read as sparse runs of whole arrays, which the processor fetches
    well by itself (hints for them changed nothing). 1M shoppers, 69k focal ones a
    day, caches cold: 2.5-2.7 ms a day with ten arrays, 2.1 with these records and
    the hint; 1.5 with every booked column in one 64-byte record, which made the
    daily passes of at-risk targeting over the day columns slower (see BOOKING).
    """
    for k in range(focal.size):
        if k + _PREFETCH_AHEAD < focal.size:
            ahead = focal[k + _PREFETCH_AHEAD]
            if ahead < acquired_day.size:
                # the record's first and last booked fields, and the recent spend
                prefetch(inter_purchase_days, ahead)
                prefetch(revenue_booked, ahead)
                prefetch(recent_spend, ahead)
        i = focal[k]
        if i >= acquired_day.size:
            raise ValueError("a focal shopper id is not a shopper's")
        delay = day - acquired_day[i]
        if delay < 0 or delay >= factors.size:
            raise ValueError("a shopper with a focal order was not acquired by the day")
        revenue = take_rate * values[k]
        clv[i] += revenue * factors[delay]
        revenue_booked[i] += revenue
        if last_order_day[i] != NEVER:
            inter_purchase_days[i] += day - last_order_day[i]
        if first_order_day[i] == NEVER:
            first_order_day[i] = day
        last_order_day[i] = day
        order_days[i] += 1
        orders[i] += counts[k]
        spend[i] += values[k]
        recent_spend[i] += values[k]


def decay_recent_spend(recent: np.ndarray) -> None:
    """Age the exponentially weighted recent spend by one day (in place)."""
    recent *= np.exp(-1.0 / RECENT_SPEND_DAYS)


def value_tier(recent_spend: np.ndarray, thresholds: list[float]) -> np.ndarray:
    """Tier 0, 1, ... by recent spend against ascending thresholds.

    Examples
    --------
    >>> value_tier(np.array([0.0, 300.0, 2000.0]), [300.0, 1000.0]).tolist()
    [0, 1, 2]
    """
    # the thresholds at or below each spend, counted one threshold at a time: what
    # searchsorted(thresholds, spend, side="right") gives, without a binary search
    # per shopper (several times slower for a few thresholds)
    tier = np.zeros(np.shape(recent_spend), dtype=np.int8)
    for threshold in thresholds:
        tier += recent_spend >= threshold
    return tier


def spend_percentiles(values: np.ndarray, percentiles: list[float]) -> list[float]:
    """``np.percentile(values, percentiles)`` (linear method), without partitioning them.

    Parameters
    ----------
    values : numpy.ndarray
        Non-empty float64 values, none NaN and no ``-0.0`` (recent spend).
    percentiles : list of float
        Percentiles in [0, 100].

    Returns
    -------
    list of float
        The same numbers as :func:`numpy.percentile`: the order statistics around
        each virtual index ``(n - 1) * q / 100`` and numpy's interpolation between
        them. The order statistics come from a histogram of the values' leading bits
        (:func:`_bin_counts`) and a sort of the few values in the bins holding them
        (:func:`_values_in_bins`): two passes over the values, several times faster
        than numpy's partition of all of them.

    Examples
    --------
    >>> spend_percentiles(np.array([4.0, 1.0, 3.0, 2.0]), [50.0, 80.0, 100.0])
    [2.5, 3.4000000000000004, 4.0]
    """
    n = values.size
    quantiles = np.true_divide(np.asarray(percentiles, dtype=float), 100)
    virtual = (n - 1) * quantiles  # numpy's virtual indices (linear method)
    below = np.floor(virtual).astype(np.int64)
    below[virtual >= n - 1] = n - 1  # at the top: the largest value, as numpy takes it
    above = np.minimum(below + 1, n - 1)
    ranks = np.unique(np.concatenate([below, above]))
    # the values' bits, made to sort as the values do (negative: all bits flipped)
    keys = values.view(np.uint64)
    counts = np.zeros(1 << _LEADING_BITS, dtype=np.int64)
    _bin_counts(keys, counts)
    starts = np.cumsum(counts) - counts  # rank of each bin's smallest value
    bins = np.searchsorted(starts, ranks, side="right") - 1
    wanted = np.zeros(counts.size, dtype=np.bool_)
    wanted[bins] = True
    held = np.empty(int(counts[wanted].sum()))
    _values_in_bins(keys, wanted, held.view(np.uint64))  # the values' bits copied
    held.sort()  # the values of the wanted bins, in order
    # rank r is the (r - starts[bin])-th of its bin, after the wanted bins below it
    held_before = np.cumsum(np.where(wanted, counts, 0)) - np.where(wanted, counts, 0)
    ranked = held[ranks - starts[bins] + held_before[bins]]  # the value of each rank
    a = ranked[np.searchsorted(ranks, below)]
    b = ranked[np.searchsorted(ranks, above)]
    gamma = virtual - below
    # numpy's interpolation (_lerp): from below, or from above for gamma >= 1/2
    diff = b - a
    result = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=result, where=gamma >= 0.5)
    return result.tolist()


_LEADING_BITS = 16  # the histogram's bins: sign, exponent and 4 mantissa bits


@kernel
def _sort_key(bits: np.uint64) -> np.uint64:
    """Bits of a float64 as an unsigned integer ordered as the floats are."""
    if bits >> np.uint64(63):
        return ~bits
    return bits | (np.uint64(1) << np.uint64(63))


@kernel
def _bin_counts(keys: np.ndarray, counts: np.ndarray) -> None:
    """Count the values (their bits ``keys``) by the leading bits of :func:`_sort_key`."""
    shift = np.uint64(64 - _LEADING_BITS)
    for k in range(keys.size):
        counts[_sort_key(keys[k]) >> shift] += 1


@kernel
def _values_in_bins(keys: np.ndarray, wanted: np.ndarray, out: np.ndarray) -> None:
    """Write to ``out`` the values (bits ``keys``) whose bin (:func:`_bin_counts`) is wanted."""
    shift = np.uint64(64 - _LEADING_BITS)
    n = 0
    for k in range(keys.size):
        if wanted[_sort_key(keys[k]) >> shift]:
            out[n] = keys[k]
            n += 1


def lifetime_value_closed_form(
    margin: float,
    retention: float,
    discount_rate: float,
    *,
    first_margin_at_acquisition: bool = True,
) -> float:
    """Expected discounted lifetime value at constant retention (Gupta & Lehmann 2003).

    Parameters
    ----------
    margin : float
        Margin per period while a customer (in this model the platform's revenue:
        take rate × the period's GMV).
    retention : float
        Probability of staying from one period to the next.
    discount_rate : float
        Per-period discount rate i.
    first_margin_at_acquisition : bool
        True for this model's convention (a new customer can order on the day of
        acquisition): m·(1 + i)/(1 + i − r); False for margins at period ends:
        m·r/(1 + i − r).

    Returns
    -------
    float

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2003). Customers as assets. Journal of Interactive
    Marketing 17(1), 9-24.

    Examples
    --------
    >>> round(lifetime_value_closed_form(10, 0.9, 0.1), 6)
    55.0
    """
    if first_margin_at_acquisition:
        return margin * (1.0 + discount_rate) / (1.0 + discount_rate - retention)
    return margin * retention / (1.0 + discount_rate - retention)


@dataclass(frozen=True)
class StrategyCost:
    """A strategy's cost of one day, and which shoppers it was paid for.

    Attributes
    ----------
    total : float
        The day's cost in CNY (the figure booked in the accounts, computed as the
        strategy's cost formula states it).
    shoppers : numpy.ndarray
        Ids of the shoppers a part of the cost was paid for (may repeat).
    amounts : numpy.ndarray
        CNY paid for each of them (same length as ``shoppers``).
    unallocated : float
        The part that belongs to no shopper (a fixed daily cost): reported as such,
        never spread over shoppers by assumption.

    Examples
    --------
    >>> cost = StrategyCost.per_shopper(np.array([0, 2]), np.array([1.5, 2.5]), fixed=3.0)
    >>> cost.total, cost.unallocated
    (7.0, 3.0)
    """

    total: float
    shoppers: np.ndarray
    amounts: np.ndarray
    unallocated: float = 0.0

    def __post_init__(self) -> None:
        """Refuse parts that do not add up to the total (a strategy's bookkeeping bug)."""
        parts = float(np.sum(self.amounts)) + self.unallocated
        if np.shape(self.shoppers) != np.shape(self.amounts) or not np.isclose(
            parts, self.total, rtol=1e-9, atol=1e-9
        ):
            raise ValueError(
                f"strategy cost parts ({parts!r} CNY over {np.size(self.shoppers)} shoppers "
                f"and {np.size(self.amounts)} amounts) do not make its total {self.total!r}"
            )

    @classmethod
    def nothing(cls) -> StrategyCost:
        """No cost today.

        Examples
        --------
        >>> StrategyCost.nothing().total
        0.0
        """
        return cls(0.0, np.empty(0, np.int64), np.empty(0))

    @classmethod
    def per_shopper(
        cls,
        shoppers: np.ndarray,
        amounts: np.ndarray | float,
        fixed: float = 0.0,
        total: float | None = None,
    ) -> StrategyCost:
        """The cost of ``amounts`` paid for ``shoppers`` plus a ``fixed`` unallocated part.

        Parameters
        ----------
        shoppers : numpy.ndarray
            Shopper ids.
        amounts : numpy.ndarray or float
            CNY per shopper (a scalar: the same for each).
        fixed : float
            CNY that belongs to no shopper.
        total : float, optional
            The day's cost as the strategy's formula computes it (default
            ``fixed + amounts * len(shoppers)`` for a scalar amount, else
            ``amounts.sum() + fixed``); booked as is, so that the accounts do not
            depend on the order of a summation. The parts must add up to it (to
            1e-9 relative).

        Returns
        -------
        StrategyCost

        Raises
        ------
        ValueError
            If the parts do not add up to ``total``.
        """
        ids = np.asarray(shoppers)
        paid = np.broadcast_to(np.asarray(amounts, dtype=float), ids.shape)
        if total is not None:
            booked = float(total)
        elif np.ndim(amounts) == 0:  # a price per shopper: the price times the count
            booked = float(fixed + amounts * ids.size)
        else:
            booked = float(paid.sum() + fixed)
        return cls(booked, ids, paid, float(fixed))


def as_strategy_cost(cost: float | StrategyCost) -> StrategyCost:
    """A strategy's settled cost as a :class:`StrategyCost`.

    A plain number says nothing about whom it was paid for, so it is all unallocated.

    Examples
    --------
    >>> as_strategy_cost(4.0).unallocated
    4.0
    """
    if isinstance(cost, StrategyCost):
        return cost
    return StrategyCost(float(cost), np.empty(0, np.int64), np.empty(0), float(cost))


@dataclass
class Ledger:
    """Money booked per shopper over a run: the platform's revenue and what it paid.

    Attributes
    ----------
    revenue : numpy.ndarray
        Take-rate revenue from each shopper's focal orders (CNY).
    acquisition_cost : numpy.ndarray
        Paid acquisition of each shopper (CNY).
    strategy_cost : numpy.ndarray
        Strategy costs paid for each shopper (CNY).
    strategy_cost_unallocated : float
        Strategy costs that belong to no shopper (fixed daily costs, CNY).

    Examples
    --------
    >>> ledger = Ledger.empty(3)
    >>> ledger.book_strategy_cost(StrategyCost.per_shopper(np.array([1, 1]), 2.0, fixed=5.0))
    >>> ledger.strategy_cost.tolist(), ledger.strategy_cost_unallocated
    ([0.0, 4.0, 0.0], 5.0)
    """

    revenue: np.ndarray
    acquisition_cost: np.ndarray
    strategy_cost: np.ndarray
    strategy_cost_unallocated: float = 0.0

    @classmethod
    def empty(cls, size: int) -> Ledger:
        """A ledger of ``size`` shoppers with nothing booked."""
        return cls(np.zeros(size), np.zeros(size), np.zeros(size))

    @classmethod
    def of_records(cls, records: np.ndarray) -> Ledger:
        """A ledger whose columns are the fields of per-shopper records (views, not copies).

        Parameters
        ----------
        records : numpy.ndarray
            Structured array with float64 fields ``revenue``, ``acquisition_cost``
            and ``strategy_cost`` (the shoppers' booking records,
            :data:`sim.shoppers.BOOKING`).

        Returns
        -------
        Ledger

        Examples
        --------
        >>> from sim.shoppers import BOOKING
        >>> records = np.zeros(2, dtype=BOOKING)
        >>> ledger = Ledger.of_records(records)
        >>> ledger.revenue[1] += 5.0
        >>> records["revenue"].tolist()
        [0.0, 5.0]
        """
        return cls(records["revenue"], records["acquisition_cost"], records["strategy_cost"])

    def book_strategy_cost(self, cost: StrategyCost) -> None:
        """Add one strategy's cost of a day (per shopper, and the unallocated part)."""
        np.add.at(self.strategy_cost, cost.shoppers, cost.amounts)
        self.strategy_cost_unallocated += cost.unallocated

    def by_group(self, group: np.ndarray, size: int) -> dict[str, np.ndarray]:
        """Revenue, acquisition and strategy cost, and profit summed per group (segment).

        Parameters
        ----------
        group : numpy.ndarray
            Group index of every shopper (0 .. ``size`` − 1).
        size : int
            Number of groups.

        Returns
        -------
        dict
            ``revenue``, ``acquisition_cost``, ``strategy_cost``, ``profit``: one
            value per group; the unallocated strategy cost is in none of them.

        Examples
        --------
        >>> ledger = Ledger(np.array([3.0, 1.0, 2.0]), np.zeros(3), np.array([1.0, 0, 0]))
        >>> ledger.by_group(np.array([0, 1, 0]), 2)["profit"].tolist()
        [4.0, 1.0]
        """
        sums = {
            name: np.bincount(group, weights=getattr(self, name), minlength=size)
            for name in ("revenue", "acquisition_cost", "strategy_cost")
        }
        sums["profit"] = sums["revenue"] - sums["acquisition_cost"] - sums["strategy_cost"]
        return sums
