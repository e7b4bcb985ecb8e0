"""Shopper state as column arrays (structure of arrays).

One NumPy array per attribute, each of length N. Behaviour rules in
:mod:`sim.rules` are functions over these arrays; no Python object per shopper
exists, which is what lets one run hold a million shoppers.

Examples
--------
>>> import numpy as np
>>> from sim.params import ModelParams
>>> shoppers = create_shoppers(ModelParams(population={"size": 100}), np.random.default_rng(1))
>>> shoppers.size, int(shoppers.active_mask().sum())  # initial_active_share 0.447
(100, 45)
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.jit import kernel
from sim.params import ModelParams, Moments
from sim.rules.loyalty_churn import target_loyalty
from sim.states import ACTIVE, CHURNED, INITIAL, NEVER, OUTSIDE, PROSPECT, WON_BACK


@dataclass
class Shoppers:
    """Column arrays of shopper state; index i is shopper i throughout the run.

    Attributes
    ----------
    segment : int8 array
        Index into ``params.population.segments``.
    price_sensitivity, quality_expectation, satisfaction, loyalty : float arrays
        In [0, 1].
    perceived_quality : float array
        Perceived performance of the focal platform, averaged over the shopper's
        orders with the satisfaction learning rate, in [0, 1].
    purchase_rate : float array
        Orders per day while active.
    order_value : float array
        Basket value per order, CNY.
    state : int8 array
        Lifecycle state: PROSPECT, ACTIVE, CHURNED or WON_BACK (:mod:`sim.states`).
    platform : int8 array
        Platform of the shopper's latest order (-1 before any).
    channel : int8 array
        Acquisition channel of the first adoption (:mod:`sim.states`).
    acquired_day, churned_day, first_order_day, last_order_day : int32 arrays
        Day of the event, ``NEVER`` (-1) if it has not happened (churned_day keeps
        the first churn).
    orders, orders_elsewhere, defects, inter_purchase_days : int32 arrays
        Focal orders, orders placed with rivals while active, defects met, and the
        sum of days between consecutive focal orders.
    complaints, complaints_resolved : int32 arrays
        Complaints made, and those resolved by after-sales service.
    spend, recent_spend, clv, points : float arrays
        Focal spend (CNY), exponentially weighted recent spend (about 90 days),
        discounted platform revenue (take rate × GMV) earned from the shopper since
        acquisition, points balance
        (kept by :class:`~sim.strategies.loyalty_points.LoyaltyPoints`).
    tier : int8 array
        Value tier from recent spend (0 = basic).
    churn_frailty : float32 array
        Multiplier of the shopper's churn hazard (unobserved heterogeneity, mean 1).
    churn_satisfaction : float32 array
        Satisfaction at the shopper's latest churn (NaN if never churned).
    winback_discount_due : bool array
        Came back through a win-back offer and has not yet placed the first focal
        order, whose discount is due (kept by :class:`~sim.strategies.winback.WinBack`).

    Notes
    -----
    Strategies keep their per-run state per shopper here, as columns, not on the
    strategy object: a run's state lives and dies with its shoppers, and one
    strategy object (a validated parameter block) can serve many runs.

    In shoppers made by :func:`create_shoppers`, the columns that booking a focal
    order adds to (inter_purchase_days, orders, spend, clv) are fields of one
    record per shopper, ``booking`` (:data:`BOOKING`), which also holds the
    ledger's per-shopper money: booking a shopper's orders then touches one
    48-byte record instead of five arrays
    (:func:`sim.rules.accounting.book_focal_orders`). The columns are views of
    those fields, used like any other column (a column assigned anew still works,
    the booking only touches more memory); the records take the bytes the
    separate arrays took.
    """

    #: The booking records whose fields the booking columns are views of (not a
    #: dataclass field: shoppers assembled by hand have none).
    booking = None

    segment: np.ndarray
    price_sensitivity: np.ndarray
    quality_expectation: np.ndarray
    satisfaction: np.ndarray
    loyalty: np.ndarray
    perceived_quality: np.ndarray
    purchase_rate: np.ndarray
    order_value: np.ndarray
    state: np.ndarray
    platform: np.ndarray
    channel: np.ndarray
    acquired_day: np.ndarray
    churned_day: np.ndarray
    first_order_day: np.ndarray
    last_order_day: np.ndarray
    orders: np.ndarray
    orders_elsewhere: np.ndarray
    defects: np.ndarray
    inter_purchase_days: np.ndarray
    complaints: np.ndarray
    complaints_resolved: np.ndarray
    spend: np.ndarray
    recent_spend: np.ndarray
    clv: np.ndarray
    points: np.ndarray
    tier: np.ndarray
    winback_discount_due: np.ndarray
    churn_frailty: np.ndarray
    churn_satisfaction: np.ndarray

    @property
    def size(self) -> int:
        """Number of shoppers."""
        return int(self.segment.shape[0])

    def active_mask(self) -> np.ndarray:
        """Boolean mask of current focal customers (active or won back)."""
        return (self.state == ACTIVE) | (self.state == WON_BACK)

    def active_ids(
        self, listed: np.ndarray | None = None, changed: np.ndarray | None = None
    ) -> np.ndarray:
        """Ids of the current focal customers (active or won back), ascending.

        Parameters
        ----------
        listed : numpy.ndarray, optional
            The focal customers as listed earlier (int64, ascending).
        changed : numpy.ndarray, optional
            With ``listed``: every shopper whose state may have changed since it was
            listed, in any order (repeats and unchanged shoppers do no harm).

        Returns
        -------
        numpy.ndarray
            Int64, ascending: the shoppers in state ACTIVE or WON_BACK. Without
            ``listed``, by a pass over every shopper; with it, ``listed`` without the
            ``changed`` shoppers no longer focal customers, and with those who now
            are: the merge looks only at the changed shoppers and copies the list
            between them, faster than the pass when a few thousand changed.

        Examples
        --------
        >>> from sim.params import ModelParams
        >>> from sim.states import CHURNED, PROSPECT
        >>> sh = create_shoppers(ModelParams(population={"size": 5}), np.random.default_rng(1))
        >>> sh.state[:] = [ACTIVE, PROSPECT, WON_BACK, ACTIVE, PROSPECT]
        >>> listed = sh.active_ids()
        >>> listed.tolist()
        [0, 2, 3]
        >>> sh.state[[1, 3]] = ACTIVE, CHURNED
        >>> sh.active_ids(listed, np.array([3, 1, 4])).tolist()
        [0, 1, 2]
        """
        if listed is None:
            return np.flatnonzero(self.active_mask())
        return self._merge(listed, changed, ACTIVE, WON_BACK)

    def prospect_ids(
        self, listed: np.ndarray | None = None, changed: np.ndarray | None = None
    ) -> np.ndarray:
        """Ids of the prospects (state PROSPECT), ascending.

        Parameters
        ----------
        listed, changed : numpy.ndarray, optional
            As for :meth:`active_ids`: the prospects as listed earlier, and every
            shopper whose state may have changed since.

        Returns
        -------
        numpy.ndarray
            Int64, ascending: the shoppers in state PROSPECT, by a pass over every
            shopper or (with ``listed``) by a merge as in :meth:`active_ids`.

        Examples
        --------
        >>> from sim.params import ModelParams
        >>> from sim.states import PROSPECT
        >>> sh = create_shoppers(ModelParams(population={"size": 4}), np.random.default_rng(1))
        >>> sh.state[:] = [PROSPECT, ACTIVE, OUTSIDE, PROSPECT]
        >>> listed = sh.prospect_ids()
        >>> listed.tolist()
        [0, 3]
        >>> sh.state[[0, 2]] = ACTIVE, PROSPECT
        >>> sh.prospect_ids(listed, np.array([2, 0])).tolist()
        [2, 3]
        """
        if listed is None:
            return np.flatnonzero(self.state == PROSPECT)
        return self._merge(listed, changed, PROSPECT, PROSPECT)

    def churned_ids(
        self, listed: np.ndarray | None = None, changed: np.ndarray | None = None
    ) -> np.ndarray:
        """Ids of the churned shoppers (state CHURNED, who may be won back), ascending.

        Parameters
        ----------
        listed, changed : numpy.ndarray, optional
            As for :meth:`active_ids`: the churned shoppers as listed earlier, and
            every shopper whose state may have changed since.

        Returns
        -------
        numpy.ndarray
            Int64, ascending: the shoppers in state CHURNED, by a pass over every
            shopper or (with ``listed``) by a merge as in :meth:`active_ids`.

        Examples
        --------
        >>> from sim.params import ModelParams
        >>> from sim.states import CHURNED
        >>> sh = create_shoppers(ModelParams(population={"size": 4}), np.random.default_rng(1))
        >>> sh.state[:] = [CHURNED, ACTIVE, CHURNED, ACTIVE]
        >>> listed = sh.churned_ids()
        >>> listed.tolist()
        [0, 2]
        >>> sh.state[[0, 3]] = WON_BACK, CHURNED
        >>> sh.churned_ids(listed, np.array([3, 0])).tolist()
        [2, 3]
        """
        if listed is None:
            return np.flatnonzero(self.state == CHURNED)
        return self._merge(listed, changed, CHURNED, CHURNED)

    def _merge(
        self, listed: np.ndarray, changed: np.ndarray, first: int, second: int
    ) -> np.ndarray:
        """``listed`` updated for the ``changed`` shoppers: those in state first or second."""
        changed = np.sort(np.asarray(changed, dtype=np.int64))
        out = np.empty(listed.size + changed.size, dtype=np.int64)
        return out[: _merge_changes(listed, changed, self.state, first, second, out)]

    def nbytes(self) -> int:
        """Memory held by the state arrays, in bytes."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


@kernel
def _merge_changes(listed, changed, state, first, second, out):
    """Merge the ``changed`` shoppers into the ascending ``listed`` ones, into ``out``; count.

    ``changed`` is ascending (repeats are skipped). The listed ids between two
    changed shoppers are copied as a block; a changed shopper is dropped from the
    list (if listed) and written back if its state is ``first`` or ``second`` now. Where
    a changed shopper falls in ``listed`` is found by galloping from the last place
    (steps 1, 2, 4, ... then halving): it looks at the part of the list about to be
    copied, which a binary search over the whole list (``np.searchsorted``) would
    not, and costs a few cache misses rather than about twenty.
    """
    n, written, read = listed.size, 0, 0
    for j in range(changed.size):
        shopper = changed[j]
        if j > 0 and shopper == changed[j - 1]:
            continue
        # gallop: listed[low - 1] < shopper <= listed[high] (as if listed[n] were infinite)
        low, step = read, 1
        while low + step - 1 < n and listed[low + step - 1] < shopper:
            low += step
            step *= 2
        high = min(low + step - 1, n)
        while low < high:  # binary search in listed[low:high]
            middle = (low + high) // 2
            if listed[middle] < shopper:
                low = middle + 1
            else:
                high = middle
        block = low - read
        out[written : written + block] = listed[read:low]  # a block copy
        written += block
        read = low
        if read < n and listed[read] == shopper:
            read += 1  # listed before: kept below only if still in the states
        out[written] = shopper
        written += (state[shopper] == first) | (state[shopper] == second)
    block = n - read
    out[written : written + block] = listed[read:n]
    return written + block


#: One shopper's booking record: the fields booking a focal order adds to, side by
#: side (48 bytes); the last three are the ledger's per-shopper money
#: (:class:`sim.rules.accounting.Ledger`). The order days booking also writes
#: (acquired_day, first_order_day, last_order_day and the model's order_days) stay
#: arrays of their own: at-risk targeting reads them in a pass over every shopper
#: each day (:mod:`sim.rules.risk_prediction`), which fields 16 or 64 bytes apart
#: made 30-100% slower.
BOOKING = np.dtype(
    [
        ("inter_purchase_days", np.int32),
        ("orders", np.int32),
        ("spend", np.float64),
        ("clv", np.float64),
        ("revenue", np.float64),
        ("acquisition_cost", np.float64),
        ("strategy_cost", np.float64),
    ]
)


def beta_from_moments(m: Moments, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw from the Beta distribution on [0, 1] with the given mean and SD.

    Parameters
    ----------
    m : Moments
        Mean in (0, 1) and standard deviation (0 gives a constant).
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        ``n`` draws.

    Notes
    -----
    With mean μ and variance σ², the concentration is κ = μ(1-μ)/σ² − 1, and
    α = μκ, β = (1-μ)κ. A variance at or above μ(1-μ) has no Beta distribution
    and is refused.

    Examples
    --------
    >>> x = beta_from_moments(Moments(mean=0.3, sd=0.1), 100_000, np.random.default_rng(0))
    >>> round(float(x.mean()), 2), round(float(x.std()), 2)
    (0.3, 0.1)
    """
    if m.sd == 0:
        return np.full(n, m.mean)
    if not m.mean < 1:
        raise ValueError(f"a share in [0, 1] needs a mean below 1, got {m.mean}")
    var = m.sd**2
    if var >= m.mean * (1 - m.mean):
        raise ValueError(
            f"sd {m.sd} is too large for a share with mean {m.mean}: "
            f"it must be below {np.sqrt(m.mean * (1 - m.mean)):.4g}"
        )
    kappa = m.mean * (1 - m.mean) / var - 1
    return rng.beta(m.mean * kappa, (1 - m.mean) * kappa, size=n)


def gamma_from_moments(m: Moments, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw from the Gamma distribution with the given mean and SD.

    Parameters
    ----------
    m : Moments
        Mean and standard deviation (0 gives a constant).
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        ``n`` positive draws.

    Notes
    -----
    Shape k = μ²/σ², scale θ = σ²/μ.

    Examples
    --------
    >>> x = gamma_from_moments(Moments(mean=50, sd=25), 100_000, np.random.default_rng(0))
    >>> round(float(x.mean())), round(float(x.std()))
    (50, 25)
    """
    if m.sd == 0:
        return np.full(n, m.mean)
    return rng.gamma(m.mean**2 / m.sd**2, m.sd**2 / m.mean, size=n)


def assign_segments(
    params: ModelParams, rng: np.random.Generator, n: int | None = None
) -> np.ndarray:
    """Give each shopper a segment, in exact proportion to the segment shares.

    Parameters
    ----------
    params : ModelParams
        Population size and segment shares.
    n : int, optional
        Number of shoppers (default: the population size).
    rng : numpy.random.Generator
        Source of randomness (the order of shoppers is shuffled).

    Returns
    -------
    numpy.ndarray
        int8 segment index per shopper; counts are the shares times N, rounded by
        largest remainder.

    Examples
    --------
    >>> p = ModelParams(population={"size": 10})
    >>> np.bincount(assign_segments(p, np.random.default_rng(0))).tolist()
    [2, 2, 2, 1, 2, 1]
    """
    n = params.population.size if n is None else n
    shares = np.array([s.share for s in params.population.segments])
    exact = shares * n
    counts = np.floor(exact).astype(np.int64)
    remainder_order = np.argsort(-(exact - counts), kind="stable")
    counts[remainder_order[: n - counts.sum()]] += 1
    segment = np.repeat(np.arange(len(shares), dtype=np.int8), counts)
    rng.shuffle(segment)
    return segment


def create_shoppers(
    params: ModelParams, rng: np.random.Generator, entry_day: np.ndarray | None = None
) -> Shoppers:
    """Create the population: segments, attributes drawn per segment, initial state.

    Parameters
    ----------
    params : ModelParams
        Model parameters.
    rng : numpy.random.Generator
        Source of randomness.
    entry_day : numpy.ndarray, optional
        Day each shopper enters the market (:mod:`sim.rules.market_entry`); its
        length is the number of shoppers. Default: everyone there on day 0.

    Returns
    -------
    Shoppers
        Everyone in the market on day 0 a prospect, except a random
        ``initial_active_share`` of them who start as focal customers (channel
        INITIAL, acquired on day 0, with the loyalty their satisfaction supports);
        later entrants OUTSIDE until their day.

    Examples
    --------
    >>> p = ModelParams(population={"size": 1000, "initial_active_share": 0.1})
    >>> int(create_shoppers(p, np.random.default_rng(0)).active_mask().sum())
    100
    """
    n = params.population.size if entry_day is None else int(entry_day.size)
    pop = params.population
    segment = assign_segments(params, rng, n)
    attrs = {name: np.empty(n) for name in ("ps", "rate", "value", "expect")}
    for k, seg in enumerate(params.population.segments):
        members = np.flatnonzero(segment == k)
        attrs["ps"][members] = beta_from_moments(seg.price_sensitivity, members.size, rng)
        attrs["rate"][members] = pop.purchase_rate_scale * gamma_from_moments(
            seg.purchase_rate, members.size, rng
        )
        attrs["value"][members] = pop.order_value_scale * gamma_from_moments(
            seg.order_value, members.size, rng
        )
        attrs["expect"][members] = beta_from_moments(seg.quality_expectation, members.size, rng)

    def days() -> np.ndarray:
        return np.full(n, NEVER, dtype=np.int32)

    def counts() -> np.ndarray:
        return np.zeros(n, dtype=np.int32)

    booking = np.zeros(n, dtype=BOOKING)
    shoppers = Shoppers(
        segment=segment,
        price_sensitivity=attrs["ps"],
        quality_expectation=attrs["expect"],
        satisfaction=np.zeros(n),
        loyalty=np.zeros(n),
        perceived_quality=attrs["expect"].copy(),
        purchase_rate=attrs["rate"],
        order_value=attrs["value"],
        state=np.zeros(n, dtype=np.int8),
        platform=np.full(n, -1, dtype=np.int8),
        channel=np.zeros(n, dtype=np.int8),
        acquired_day=days(),
        churned_day=days(),
        first_order_day=days(),
        last_order_day=days(),
        orders=booking["orders"],
        orders_elsewhere=counts(),
        defects=counts(),
        inter_purchase_days=booking["inter_purchase_days"],
        complaints=counts(),
        complaints_resolved=counts(),
        spend=booking["spend"],
        recent_spend=np.zeros(n),
        clv=booking["clv"],
        points=np.zeros(n),
        tier=np.zeros(n, dtype=np.int8),
        winback_discount_due=np.zeros(n, dtype=bool),
        churn_frailty=frailty(params.loyalty.churn_frailty_shape, n, rng),
        churn_satisfaction=np.full(n, np.nan, dtype=np.float32),
    )
    shoppers.booking = booking
    present = np.arange(n) if entry_day is None else np.flatnonzero(entry_day == 0)
    if entry_day is not None:
        shoppers.state[entry_day > 0] = OUTSIDE
    n_initial = round(pop.initial_active_share * present.size)
    if n_initial:
        initial = rng.choice(present, size=n_initial, replace=False)
        shoppers.state[initial] = ACTIVE
        shoppers.channel[initial] = INITIAL
        shoppers.acquired_day[initial] = 0
        shoppers.satisfaction[initial] = params.satisfaction.initial
        lp = params.loyalty
        shoppers.loyalty[initial] = target_loyalty(
            shoppers.satisfaction[initial], lp.curve_midpoint, lp.curve_steepness
        )
    return shoppers


def frailty(shape: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each shopper's churn-propensity multiplier: Gamma with mean 1 and shape ``shape``.

    Parameters
    ----------
    shape : float
        Gamma shape k (variance 1/k).
    n : int
        Number of shoppers.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        float32 draws.

    Notes
    -----
    Unobserved heterogeneity in churn propensity: the high-propensity shoppers
    leave first, so the hazard of a surviving cohort falls with tenure (Fader &
    Hardie 2007; the gamma frailty of survival analysis, Vaupel et al. 1979).

    Examples
    --------
    >>> x = frailty(0.5, 200_000, np.random.default_rng(0))
    >>> round(float(x.mean()), 2), round(float(x.var()), 1)
    (1.0, 2.0)
    """
    return rng.gamma(shape, 1.0 / shape, size=n).astype(np.float32)
