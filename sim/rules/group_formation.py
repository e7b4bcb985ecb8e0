"""Group buying as the platform runs it: open, share, fill from the list, form or refund.

A shopper who buys at the group price pays and either opens a group or joins one
that the platform lists as still open ("quick group formation", where the other
members are strangers). The opener shares the group with friends (WeChat). A group
forms when ``group_size`` members have paid within ``window_days`` days, and every
member's order is confirmed at the group price; otherwise the group lapses and every
member is refunded automatically. Existing customers as well as new ones can join:
a group is a purchase, not only an acquisition.

One call of :func:`run_group_day` is one day (a group opened on day d can be joined
on days d .. d + window_days - 1), in four steps:

1. **Seekers**, today's focal orderers who chose the group price, look at the list
   of open groups with probability ``listing_match_prob``; the others open their
   own group.
2. **Friend shares**: each group opened today is shared with at most
   ``shares_per_group`` of the opener's ties, drawn at random; a contacted friend
   joins with a probability that depends on their lifecycle state.
3. **Strangers from the list**: the seekers who looked fill free places of open
   groups; those left without a place complete each other's groups in chunks of
   ``group_size`` (a last, partial chunk is an open group, shared like the others).
4. **Close**: full groups form; groups whose window ends today lapse.

A shopper joins at most one group a day, never a group they are already in, and a
seeker does not join another group as a friend. Every payment is traceable: each
member row carries its value, and a day reports who paid (``paid``), whose order
was confirmed (``confirmed``) and who was refunded (``refunded``), so that money
paid in = confirmed + refunded + still held in open groups (``GroupBook.held``).

Lifecycle state codes are the model's (:mod:`sim.states`).

Examples
--------
>>> rules = GroupRules(group_size=2, window_days=1, shares_per_group=1,
...                    prospect_join_prob=1.0, customer_join_prob=1.0,
...                    listing_match_prob=0.0, price_factor=0.9)
>>> def ties_of(shoppers):  # each shopper's one friend is the next shopper
...     return np.arange(shoppers.size), (shoppers + 1) % 3
>>> book = GroupBook.empty()
>>> day = run_group_day(book, np.array([0]), np.array([9.0]), day=0,
...                     state=np.array([1, 0, 0], dtype=np.int8),
...                     order_value=np.full(3, 10.0), ties_of=ties_of,
...                     rng=np.random.default_rng(0), params=rules)
>>> day.confirmed.shopper.tolist(), day.confirmed.value.tolist()
([0, 1], [9.0, 9.0])
>>> day.joined_prospects.tolist(), day.formed, book.size
([1], 1, 0)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Protocol

import numpy as np

from sim.jit import AHEAD, kernel, prefetch
from sim.rules.satisfaction import HeldChanges
from sim.states import ACTIVE, CHURNED, PROSPECT, STATE_NAMES, WON_BACK

# Member roles.
OPENER, FRIEND, STRANGER = 0, 1, 2
ROLE_NAMES = ("opener", "friend", "stranger")

# Rounds of re-drawing for seekers whose first place was in a group they are already in.
_MATCH_ROUNDS = 8

TiesOf = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


class GroupRulesLike(Protocol):
    """Any object with the attributes of :class:`GroupRules` (e.g. a pydantic block)."""

    @property
    def group_size(self) -> int: ...  # noqa: D102
    @property
    def window_days(self) -> int: ...  # noqa: D102
    @property
    def shares_per_group(self) -> int: ...  # noqa: D102
    @property
    def prospect_join_prob(self) -> float: ...  # noqa: D102
    @property
    def customer_join_prob(self) -> float: ...  # noqa: D102
    @property
    def listing_match_prob(self) -> float: ...  # noqa: D102
    @property
    def price_factor(self) -> float: ...  # noqa: D102


@dataclass(frozen=True, kw_only=True)
class GroupRules:
    """Platform rules and shopper behaviour of group buying.

    Attributes
    ----------
    group_size : int
        Members (opener included) who must pay for the group to form (>= 2).
    window_days : int
        Days a group stays open, the opening day included (>= 1; 1 = same day).
    shares_per_group : int
        Ties of the opener a new group is shared with, at most (>= 0).
    prospect_join_prob : float
        Probability that a contacted prospect or churned friend joins.
    customer_join_prob : float
        Probability that a contacted current customer (active or won back) joins.
    listing_match_prob : float
        Probability that a seeker looks at the list of open groups (the item they
        want has an open group listed) instead of opening their own group.
    price_factor : float
        Group price as a share of a friend's usual order value (1 - group discount).

    Examples
    --------
    >>> GroupRules().group_size, GroupRules().window_days
    (2, 1)
    """

    group_size: int = 2
    window_days: int = 1
    shares_per_group: int = 3
    prospect_join_prob: float = 0.05
    customer_join_prob: float = 0.15
    listing_match_prob: float = 0.5
    price_factor: float = 1.0

    def __post_init__(self) -> None:
        check_rules(self)


def check_rules(params: GroupRulesLike) -> None:
    """Raise ValueError when a group-buying parameter is out of range.

    Parameters
    ----------
    params : GroupRulesLike
        The parameters to check.

    Examples
    --------
    >>> check_rules(GroupRules())
    >>> GroupRules(group_size=1)
    Traceback (most recent call last):
    ...
    ValueError: group_size must be an integer >= 2, got 1
    """
    for name, low in (("group_size", 2), ("window_days", 1), ("shares_per_group", 0)):
        value = getattr(params, name)
        if isinstance(value, bool) or int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    for name in ("prospect_join_prob", "customer_join_prob", "listing_match_prob"):
        value = getattr(params, name)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    if not params.price_factor >= 0.0:
        raise ValueError(f"price_factor must be >= 0, got {params.price_factor!r}")


@dataclass(kw_only=True)
class Members:
    """Member rows: who paid into which group, in which role, how much.

    Attributes
    ----------
    shopper : numpy.ndarray
        Shopper id (int64).
    group : numpy.ndarray
        Group id (int64).
    role : numpy.ndarray
        OPENER, FRIEND or STRANGER (int8).
    value : numpy.ndarray
        Amount paid at the group price (float64).
    state : numpy.ndarray
        Lifecycle state of the shopper when they joined (int8): who joined as a
        prospect (PROSPECT) or a churned shopper (CHURNED). The model adopts or wins
        back members by their state when the group forms, which may differ when the
        window is longer than a day.
    day : numpy.ndarray
        Day they joined and paid (int64).

    Examples
    --------
    >>> m = Members.empty()
    >>> m.size, m.total
    (0, 0.0)
    """

    shopper: np.ndarray
    group: np.ndarray
    role: np.ndarray
    value: np.ndarray
    state: np.ndarray
    day: np.ndarray

    @classmethod
    def empty(cls) -> Members:
        """No rows."""
        ints = np.empty(0, dtype=np.int64)
        small = np.empty(0, dtype=np.int8)
        return cls(shopper=ints, group=ints, role=small, value=np.empty(0), state=small, day=ints)

    @property
    def size(self) -> int:
        """Number of rows."""
        return int(self.shopper.size)

    @property
    def total(self) -> float:
        """Sum of the values."""
        return float(self.value.sum())

    def take(self, index: np.ndarray) -> Members:
        """Rows selected by a boolean mask, an index array or a slice (views)."""
        return Members(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @classmethod
    def concat(cls, parts: list[Members]) -> Members:
        """The rows of ``parts``, one after the other (one copy of each column).

        Examples
        --------
        >>> Members.concat([Members.empty(), Members.empty()]).size
        0
        """
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )


class _Scratch:
    """Per-shopper buffers a book reuses from day to day (all False / zero between uses).

    ``busy`` flags who already paid into a group today; ``marks`` is the int32
    scratch of :func:`allocate` and the membership check, ``bits`` the bitset of
    :func:`tally_orders`. Sized to the population
    at the first day, so that a day allocates nothing of the population's size.
    """

    def __init__(self) -> None:
        self.busy = np.zeros(0, dtype=bool)
        self.marks = np.zeros(0, dtype=np.int32)
        self.bits = np.zeros(0, dtype=np.uint64)

    def fit(self, population: int) -> None:
        """Grow the buffers to ``population`` shoppers if they are shorter."""
        if self.busy.size < population:
            self.busy = np.zeros(population, dtype=bool)
            self.marks = np.zeros(population, dtype=np.int32)
            self.bits = np.zeros(population // 64 + 1, dtype=np.uint64)


@dataclass(kw_only=True)
class GroupBook:
    """Open groups (one entry per group, in increasing ``group_id``) and their members.

    Attributes
    ----------
    group_id : numpy.ndarray
        Group id (int64), increasing.
    opener : numpy.ndarray
        Shopper id of the opener.
    opened : numpy.ndarray
        Day the group was opened.
    member_count : numpy.ndarray
        Members who have paid so far (opener included).
    members : Members
        One row per member of an open group, in join order (rows added since the
        last look are gathered in one copy when it is read).
    next_id : int
        Id of the next group.

    Examples
    --------
    >>> book = GroupBook.empty()
    >>> pos = book.open(np.array([4, 9]), np.array([10.0, 20.0]), day=0,
    ...                 state=np.array([1, 1]))
    >>> book.join(pos[:1], np.array([5]), np.array([12.0]), day=0, role=FRIEND,
    ...           state=np.array([0]))
    >>> book.size, book.member_count.tolist(), book.held
    (2, [2, 1], 42.0)
    >>> book.close(book.member_count >= 2).shopper.tolist()
    [4, 5]
    >>> book.group_id.tolist()
    [1]
    """

    group_id: np.ndarray
    opener: np.ndarray
    opened: np.ndarray
    member_count: np.ndarray
    next_id: int = 0
    scratch: _Scratch = field(default_factory=_Scratch, repr=False, compare=False)
    # the member rows: those gathered so far, and the parts added since
    _rows: Members = field(default_factory=Members.empty, init=False, repr=False)
    _added: list[Members] = field(default_factory=list, init=False, repr=False)

    @classmethod
    def empty(cls) -> GroupBook:
        """No groups."""
        none = np.empty(0, dtype=np.int64)
        return cls(group_id=none, opener=none, opened=none, member_count=none)

    @property
    def members(self) -> Members:
        """One row per member of an open group (see the class attributes)."""
        if self._added:
            self._rows = Members.concat([self._rows, *self._added])
            self._added = []
        return self._rows

    @property
    def size(self) -> int:
        """Number of open groups."""
        return int(self.group_id.size)

    @property
    def held(self) -> float:
        """Money paid into the open groups and neither confirmed nor refunded yet."""
        return self.members.total

    def free_slots(self, group_size: int) -> np.ndarray:
        """Places still free in each open group."""
        return np.maximum(group_size - self.member_count, 0)

    def open(
        self, openers: np.ndarray, values: np.ndarray, *, day: int, state: np.ndarray
    ) -> np.ndarray:
        """Open one group per opener, who pays ``values``; return the new groups' positions.

        ``state`` is each opener's lifecycle state.
        """
        n = int(openers.size)
        ids = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        positions = np.arange(self.size, self.size + n)
        self.next_id += n
        self.group_id = np.concatenate([self.group_id, ids])
        self.opener = np.concatenate([self.opener, openers.astype(np.int64, copy=False)])
        self.opened = np.concatenate([self.opened, np.full(n, day, dtype=np.int64)])
        self.member_count = np.concatenate([self.member_count, np.ones(n, dtype=np.int64)])
        self._add_rows(ids, openers, values, day=day, role=OPENER, state=state)
        return positions

    def join(
        self,
        positions: np.ndarray,
        shoppers: np.ndarray,
        values: np.ndarray,
        *,
        day: int,
        role: int,
        state: np.ndarray,
    ) -> None:
        """Add ``shoppers`` (paying ``values``) to the open groups at ``positions``."""
        if positions.size == 0:
            return
        _count_in(self.member_count, positions)
        self._add_rows(self.group_id[positions], shoppers, values, day=day, role=role, state=state)

    def positions(self, group_ids: np.ndarray) -> np.ndarray:
        """Positions of open groups given their ids (all must be open)."""
        if self.size == 0:
            return np.empty(0, dtype=np.int64)
        base = self.group_id[0]
        lookup = np.empty(self.next_id - base, dtype=np.int64)
        lookup[self.group_id - base] = np.arange(self.size)
        return lookup[group_ids - base]

    def close(self, done: np.ndarray) -> Members:
        """Remove the groups flagged ``done``; return their members' rows (join order)."""
        if not done.any():
            return Members.empty()
        if done.all():  # every open group closes (as with a one-day window): nothing to copy
            rows, self._rows = self.members, Members.empty()
            self.group_id, self.opener, self.opened, self.member_count = (
                np.empty(0, dtype=np.int64) for _ in range(4)
            )
            return rows
        closing = done[self.positions(self.members.group)]
        rows = self.members.take(closing)
        self._rows = self._rows.take(~closing)
        keep = ~done
        self.group_id, self.opener = self.group_id[keep], self.opener[keep]
        self.opened, self.member_count = self.opened[keep], self.member_count[keep]
        return rows

    def _add_rows(
        self,
        groups: np.ndarray,
        shoppers: np.ndarray,
        values: np.ndarray,
        *,
        day: int,
        role: int,
        state: np.ndarray,
    ) -> None:
        n = int(shoppers.size)
        rows = Members(
            shopper=np.asarray(shoppers, dtype=np.int64),
            group=groups.astype(np.int64, copy=False),
            role=np.full(n, role, dtype=np.int8),
            value=np.asarray(values, dtype=np.float64),
            state=np.asarray(state, dtype=np.int8),
            day=np.full(n, day, dtype=np.int64),
        )
        self._added.append(rows)


@kernel
def _count_in(counts: np.ndarray, positions: np.ndarray) -> None:
    """``counts[p] += 1`` for each of ``positions`` (in place: no bincount of every group)."""
    for p in positions:
        if p < 0 or p >= counts.size:
            raise IndexError("positions must be positions of open groups")
    for p in positions:
        counts[p] += 1


@dataclass(frozen=True, kw_only=True)
class GroupDay:
    """What happened to groups on one day.

    Attributes
    ----------
    paid : Members
        Everyone who paid into a group today (openers, friends, strangers).
    confirmed : Members
        Members of the groups that formed today: each order is confirmed at the
        group price (``value``); ``state`` tells who was a prospect or churned.
    refunded : Members
        Members of the groups that lapsed today: each is refunded ``value``.
    joined_prospects : numpy.ndarray
        Ids of the prospects who paid into a group today (to adopt).
    joined_churned : numpy.ndarray
        Ids of the churned shoppers who paid into a group today (to win back).
    opened, formed, lapsed : int
        Groups opened, formed and lapsed today.
    friend_joins, stranger_joins : int
        Shoppers who joined a group today as a friend of its opener, or from the list.
    """

    paid: Members
    confirmed: Members
    refunded: Members
    opened: int
    formed: int
    lapsed: int

    # read from ``paid`` when asked (the model does not ask)
    @property
    def joined_prospects(self) -> np.ndarray:
        """Ids of the prospects who paid into a group today (to adopt)."""
        return self.paid.shopper[self.paid.state == PROSPECT]

    @property
    def joined_churned(self) -> np.ndarray:
        """Ids of the churned shoppers who paid into a group today (to win back)."""
        return self.paid.shopper[self.paid.state == CHURNED]

    @property
    def friend_joins(self) -> int:
        """Shoppers who joined a group today as a friend of its opener."""
        return int(np.count_nonzero(self.paid.role == FRIEND))

    @property
    def stranger_joins(self) -> int:
        """Shoppers who joined a group today from the list."""
        return int(np.count_nonzero(self.paid.role == STRANGER))

    @property
    def fill_rate(self) -> float:
        """Share of today's closed groups that formed (nan when none closed)."""
        return float(fill_rate(self.formed, self.lapsed))


def fill_rate(formed: np.ndarray | float, lapsed: np.ndarray | float) -> np.ndarray | float:
    """Share of closed groups that formed: formed / (formed + lapsed), nan when none closed.

    Parameters
    ----------
    formed, lapsed : array or float
        Groups formed and lapsed (e.g. daily counts, or totals).

    Returns
    -------
    numpy.ndarray or float

    Examples
    --------
    >>> fill_rate(3, 1)
    0.75
    >>> fill_rate(np.array([1, 0]), np.array([1, 0])).tolist()
    [0.5, nan]
    """
    formed = np.asarray(formed, dtype=float)
    total = formed + np.asarray(lapsed, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = formed / total
    return float(rate) if rate.ndim == 0 else rate


def join_probability(state: np.ndarray, params: GroupRulesLike) -> np.ndarray:
    """Probability that a contacted friend joins, from their lifecycle state.

    Prospects and churned shoppers join with ``prospect_join_prob`` (the churned
    come back through the group), current customers (active, won back) with
    ``customer_join_prob``.

    Parameters
    ----------
    state : numpy.ndarray
        Lifecycle state codes of the friends.
    params : GroupRulesLike
        The two probabilities.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> rules = GroupRules(prospect_join_prob=0.1, customer_join_prob=0.3)
    >>> join_probability(np.array([0, 1, 2, 3]), rules).tolist()
    [0.1, 0.3, 0.1, 0.3]
    """
    return _join_table(params)[state]


def _join_table(params: GroupRulesLike) -> np.ndarray:
    """Join probability by lifecycle state code (see :func:`join_probability`)."""
    table = np.zeros(len(STATE_NAMES))  # shoppers outside the market never join
    table[[PROSPECT, CHURNED]] = params.prospect_join_prob
    table[[ACTIVE, WON_BACK]] = params.customer_join_prob
    return table


def pick_shares(owner: np.ndarray, shares: int, rng: np.random.Generator) -> np.ndarray:
    """Choose at most ``shares`` ties of each owner, uniformly at random without replacement.

    Owners with ``shares`` ties or fewer keep them all; for the others a uniform
    random subset is drawn with Floyd's algorithm (a loop over the ``shares`` draws,
    vectorised over owners).

    Parameters
    ----------
    owner : numpy.ndarray
        Owner of each tie (as returned by ``ties_of``; need not be sorted).
    shares : int
        Ties to keep per owner, at most.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    numpy.ndarray
        Indices of the kept ties, increasing.

    Examples
    --------
    >>> owner = np.array([0, 0, 0, 0, 1, 2, 2])
    >>> kept = pick_shares(owner, 2, np.random.default_rng(0))
    >>> np.bincount(owner[kept]).tolist()
    [2, 1, 2]
    """
    n = int(owner.size)
    if n == 0 or shares <= 0:
        return np.empty(0, dtype=np.int64)
    order = None
    if np.any(owner[1:] < owner[:-1]):
        order = np.argsort(owner, kind="stable")
        owner = owner[order]
    start = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
    degree = np.diff(np.append(start, n))
    many = int(np.count_nonzero(degree > shares))
    kept = _floyd_pick(start, degree, shares, _share_draws(many, shares, rng))[1]
    return kept if order is None else np.sort(order[kept])


def _share_draws(many: int, shares: int, rng: np.random.Generator) -> np.ndarray:
    """The uniforms of :func:`pick_shares`: ``shares`` per owner with more ties (``many``)."""
    return rng.random((shares, many)) if many else np.empty((shares, 0))


@kernel
def _floyd_pick(
    start: np.ndarray, degree: np.ndarray, shares: int, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Floyd's sampling of at most ``shares`` ties per owner, as (owner, tie index) pairs.

    Owner ``o``'s ties are ``start[o] .. start[o] + degree[o] - 1``. An owner with
    ``shares`` ties or fewer keeps them all; the ``m``-th owner with more draws
    from ``u[:, m]`` (:func:`_floyd_offsets`). Pairs come owner by owner, each
    owner's ties in increasing order.
    """
    total = 0
    for o in range(start.size):
        total += min(degree[o], shares)
    owner = np.empty(total, dtype=np.int64)
    tie = np.empty(total, dtype=np.int64)
    chosen = np.empty(shares, dtype=np.int64)
    k = 0
    m = 0
    for o in range(start.size):
        d = degree[o]
        if d <= shares:
            for j in range(d):
                owner[k] = o
                tie[k] = start[o] + j
                k += 1
            continue
        _floyd_offsets(d, shares, u, m, chosen)
        m += 1
        for j in range(shares):
            owner[k] = o
            tie[k] = start[o] + chosen[j]
            k += 1
    return owner, tie


@kernel
def _floyd_offsets(d: int, shares: int, u: np.ndarray, m: int, chosen: np.ndarray) -> None:
    """Floyd's ``shares`` distinct offsets out of ``d`` (> shares), increasing, into ``chosen``.

    Draw ``j`` (``top`` = d - shares + j) takes ``t = min(int(u[j, m] * (top + 1)),
    top)`` unless already taken, then ``top``.
    """
    top = d - shares
    for j in range(shares):
        t = min(np.int64(u[j, m] * (top + 1)), top)
        for e in range(j):
            if chosen[e] == t:
                t = top
                break
        chosen[j] = t
        top += 1
    for j in range(1, shares):  # insertion sort: a handful of offsets
        value = chosen[j]
        e = j - 1
        while e >= 0 and chosen[e] > value:
            chosen[e + 1] = chosen[e]
            e -= 1
        chosen[e + 1] = value


def allocate(
    group: np.ndarray,
    shopper: np.ndarray,
    free: np.ndarray,
    *,
    marks: np.ndarray | None = None,
) -> np.ndarray:
    """Which candidate joins happen: each shopper once, each group within its free places.

    Candidates are in priority order. In each round every shopper's first remaining
    candidate is taken if its group still has a free place (earlier candidates
    first); a shopper whose choice was full falls back on their next candidate.

    Parameters
    ----------
    group : numpy.ndarray
        Position of the group of each candidate join.
    shopper : numpy.ndarray
        Shopper id of each candidate join.
    free : numpy.ndarray
        Free places of every group (indexed by position); not modified.
    marks : numpy.ndarray, optional
        A zero int32 buffer indexed by shopper id (at least ``shopper.max() + 1``
        long), returned zero; without it one is allocated.

    Returns
    -------
    numpy.ndarray
        Boolean mask of the joins that happen.

    Examples
    --------
    >>> allocate(np.array([0, 0, 0, 1]), np.array([5, 6, 7, 6]), np.array([1, 2])).tolist()
    [True, False, False, True]
    """
    if group.size == 0:
        return np.zeros(0, dtype=bool)
    if marks is None:
        marks = np.zeros(int(shopper.max()) + 1, dtype=np.int32)
    return _allocate(
        np.asarray(group, dtype=np.int64),
        np.asarray(shopper, dtype=np.int64),
        np.asarray(free, dtype=np.int64),
        marks,
    )


@kernel
def _allocate(
    group: np.ndarray, shopper: np.ndarray, free: np.ndarray, marks: np.ndarray
) -> np.ndarray:
    """The rounds of :func:`allocate`, with ``marks`` as each shopper's round stamp.

    In round ``r`` a shopper's first live candidate stamps ``marks[shopper] = r``
    and is taken if its group has a free place (candidates in order, so within
    a group the earliest first); a taken shopper is stamped -1 (done). The next
    round keeps the candidates that were not a shopper's first, whose shopper is
    not done and whose group still has a place. ``marks`` is zeroed at the end.
    """
    free = free.copy()
    n = group.size
    accepted = np.zeros(n, dtype=np.bool_)
    first = np.zeros(n, dtype=np.bool_)
    live = np.arange(n)
    n_live = n
    round_ = 0
    while n_live > 0:
        round_ += 1
        for k in range(n_live):
            i = live[k]
            s = shopper[i]
            first[k] = marks[s] != round_
            if first[k]:
                marks[s] = round_
                if free[group[i]] > 0:
                    free[group[i]] -= 1
                    accepted[i] = True
        for k in range(n_live):
            if first[k] and accepted[live[k]]:
                marks[shopper[live[k]]] = -1
        kept = 0
        for k in range(n_live):
            i = live[k]
            if not first[k] and marks[shopper[i]] != -1 and free[group[i]] > 0:
                live[kept] = i
                kept += 1
        n_live = kept
    for i in range(n):
        marks[shopper[i]] = 0
    return accepted


@kernel
def _place_friends(
    owner: np.ndarray,
    friend: np.ndarray,
    positions: np.ndarray,
    member_count: np.ndarray,
    group_size: int,
    marks: np.ndarray,
    order_value: np.ndarray,
    price_factor: float,
    state: np.ndarray,
    busy: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The friends who take a place (:func:`allocate`), with their groups, payments and states.

    ``owner`` indexes ``positions`` (the shared groups), candidates in priority
    order. Only the shared groups' free places are counted (groups numbered as
    in ``positions``). Each placed friend pays their ``order_value`` times
    ``price_factor`` and is marked ``busy``. One call instead of a dozen numpy
    steps, each of which costs more than its work on the day's cold caches.
    """
    free = np.empty(positions.size, dtype=np.int64)
    for j in range(positions.size):
        free[j] = max(group_size - member_count[positions[j]], 0)
    ok = _allocate(owner, friend, free, marks)
    n = 0
    for i in range(ok.size):
        n += ok[i]
    group = np.empty(n, dtype=np.int64)
    placed = np.empty(n, dtype=np.int64)
    value = np.empty(n)
    placed_state = np.empty(n, dtype=state.dtype)
    k = 0
    for i in range(ok.size):
        if ok[i]:
            f = friend[i]
            group[k] = positions[owner[i]]
            placed[k] = f
            value[k] = order_value[f] * price_factor
            placed_state[k] = state[f]
            busy[f] = True
            k += 1
    return group, placed, value, placed_state


@kernel
def _accepted(
    owner: np.ndarray,
    friend: np.ndarray,
    u: np.ndarray,
    openers: np.ndarray,
    busy: np.ndarray,
    state: np.ndarray,
    table: np.ndarray,
    join_prob: np.ndarray,
    by_state: bool,
) -> np.ndarray:
    """Which shares a friend accepts: ``u`` below their join probability, not busy today.

    The probability is ``table[state[friend]]`` (``by_state``) or
    ``join_prob[friend]``; a share to the opener themself is refused. The
    friends' probabilities and busy flags are read in loops of their own, without
    a branch between the reads, so that their cache misses overlap (a loop that
    tested each share in turn waited for one miss after another).
    """
    n = friend.size
    prob = np.empty(n)
    for i in range(n):
        prob[i] = table[state[friend[i]]] if by_state else join_prob[friend[i]]
    taken = np.empty(n, dtype=np.bool_)
    for i in range(n):
        taken[i] = busy[friend[i]]
    keep = np.empty(n, dtype=np.bool_)
    for i in range(n):
        keep[i] = u[i] < prob[i] and not taken[i] and friend[i] != openers[owner[i]]
    return keep


@kernel
def _csr_friend_joins(
    indices: np.ndarray,
    start: np.ndarray,
    degree: np.ndarray,
    shares: int,
    u_pick: np.ndarray,
    u: np.ndarray,
    openers: np.ndarray,
    busy: np.ndarray,
    state: np.ndarray,
    table: np.ndarray,
    join_prob: np.ndarray,
    by_state: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_csr_pick` then :func:`_accepted`, looking up only the ties that may join.

    ``u[k]`` belongs to the ``k``-th picked tie (owner by owner, each owner's ties
    in increasing order). A tie whose draw is not below the highest join
    probability (``cutoff``) is refused whoever the friend is, so most ties are
    never looked at: an owner none of whose draws is below it needs no Floyd
    offsets, and a refused tie no read far into ``indices`` and no state. The
    candidates' friends are then read in a loop of independent loads (the memory
    reads overlap), and accepted by :func:`_accepted`. The result is that of
    picking, then accepting, every tie.
    """
    cutoff = 1.0  # u < 1 always: every tie is a candidate
    if by_state:
        cutoff = table.max()
    cand_owner = np.empty(u.size, dtype=np.int64)
    cand_tie = np.empty(u.size, dtype=np.int64)
    cand_u = np.empty(u.size)
    chosen = np.empty(shares, dtype=np.int64)
    n = 0
    k = 0
    m = 0
    for o in range(start.size):
        d = degree[o]
        c = min(d, shares)
        hit = False
        for j in range(c):
            hit = hit or u[k + j] < cutoff
        if hit and d > shares:
            _floyd_offsets(d, shares, u_pick, m, chosen)
        for j in range(c if hit else 0):
            if u[k + j] < cutoff:
                cand_owner[n] = o
                cand_tie[n] = start[o] + (chosen[j] if d > shares else j)
                cand_u[n] = u[k + j]
                n += 1
        if d > shares:
            m += 1
        k += c
    friend = np.empty(n, dtype=np.int64)
    for i in range(n):
        friend[i] = indices[cand_tie[i]]
    cand_owner = cand_owner[:n]
    keep = _accepted(
        cand_owner, friend, cand_u[:n], openers, busy, state, table, join_prob, by_state
    )
    return cand_owner[keep], friend[keep]


# What _mark_distinct found wrong with the seekers, if anything.
_FINE, _OUTSIDE, _TWICE = 0, 1, 2


@kernel
def _mark_distinct(busy: np.ndarray, shoppers: np.ndarray, population: int) -> int:
    """Set ``busy`` for each shopper; _FINE, or (nothing set) _OUTSIDE or _TWICE.

    _OUTSIDE: a shopper id is not in ``0 .. population - 1``; _TWICE: one comes
    twice. The range is checked here rather than by a min and a max over the
    shoppers first.
    """
    for i in range(shoppers.size):
        s = shoppers[i]
        problem = _FINE
        if s < 0 or s >= population:
            problem = _OUTSIDE
        elif busy[s]:
            problem = _TWICE
        if problem != _FINE:
            for j in range(i):
                busy[shoppers[j]] = False
            return problem
        busy[s] = True
    return _FINE


def split_orders(
    focal: np.ndarray,
    order_value: np.ndarray,
    u: np.ndarray,
    *,
    group_order_prob: float,
    price_factor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split today's focal orders into group-price seekers and regular orders.

    An order is placed at the group price when its uniform ``u`` is below
    ``group_order_prob``; its shopper then seeks a group and pays their usual
    order value times ``price_factor``. One pass reads each shopper's value and
    files the order on its side, instead of a gather, a mask and four selections.

    Parameters
    ----------
    focal : numpy.ndarray
        Shopper of each focal order (int64).
    order_value : numpy.ndarray
        Usual order value of every shopper (float64, indexed by shopper id).
    u : numpy.ndarray
        One uniform per order.
    group_order_prob : float
        Probability that an order is placed at the group price.
    price_factor : float
        Group price as a share of the usual value.

    Returns
    -------
    seekers, seeker_values, regular, regular_values : numpy.ndarray
        The group-price orders (values at the group price) and the others (at the
        usual value), each in the order of ``focal``.

    Examples
    --------
    >>> order_value = np.array([0.0, 0.0, 0.0, 10.0, 0.0, 20.0, 0.0, 0.0, 40.0])
    >>> parts = split_orders(np.array([3, 5, 8]), order_value,
    ...                      np.array([0.1, 0.9, 0.2]), group_order_prob=0.5, price_factor=0.5)
    >>> [part.tolist() for part in parts]
    [[3, 8], [5.0, 20.0], [5], [20.0]]
    """
    focal = np.asarray(focal, dtype=np.int64)
    order_value = np.asarray(order_value, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    if focal.shape != u.shape or focal.ndim != 1 or order_value.ndim != 1:
        raise ValueError("focal and u must be 1-d arrays of the same length, order_value 1-d")
    return _split_orders(focal, order_value, u, float(group_order_prob), float(price_factor))


@kernel
def _split_orders(
    focal: np.ndarray, order_value: np.ndarray, u: np.ndarray, prob: float, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`split_orders`: seekers fill their arrays from the front, the others theirs."""
    seekers = np.empty(focal.size, dtype=np.int64)
    seeker_values = np.empty(focal.size)
    regular = np.empty(focal.size, dtype=np.int64)
    regular_values = np.empty(focal.size)
    n_seek = 0
    n_regular = 0
    for i in range(focal.size):
        shopper = focal[i]
        if shopper < 0 or shopper >= order_value.size:  # checked here: no extra pass
            raise ValueError("focal must be shopper ids, 0 <= id < order_value.size")
        value = order_value[shopper]
        if u[i] < prob:
            seekers[n_seek] = shopper
            seeker_values[n_seek] = value * factor
            n_seek += 1
        else:
            regular[n_regular] = shopper
            regular_values[n_regular] = value
            n_regular += 1
    return (
        seekers[:n_seek],
        seeker_values[:n_seek],
        regular[:n_regular],
        regular_values[:n_regular],
    )


def newcomers_and_returning(
    members: np.ndarray, state: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Members of formed groups who are prospects, and who are churned, by their state now.

    With a window of several days a member may have been acquired (or won back)
    since they paid, or be in two groups: each shopper is listed once.

    Parameters
    ----------
    members : numpy.ndarray
        Shopper id of each member row of today's formed groups (int64).
    state : numpy.ndarray
        Lifecycle state of every shopper (``Shoppers.state``).

    Returns
    -------
    newcomers, returning : numpy.ndarray
        The distinct members in state PROSPECT, and those in state CHURNED
        (increasing ids, int64).

    Examples
    --------
    >>> state = np.array([PROSPECT, ACTIVE, CHURNED, PROSPECT], dtype=np.int8)
    >>> newcomers, returning = newcomers_and_returning(np.array([3, 1, 2, 0, 3]), state)
    >>> newcomers.tolist(), returning.tolist()
    ([0, 3], [2])
    """
    return _members_by_state(np.asarray(members, dtype=np.int64), state, PROSPECT, CHURNED)


@kernel
def _members_by_state(
    members: np.ndarray, state: np.ndarray, first: int, second: int
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct members whose state is ``first``, and those whose state is ``second``.

    The states are read first in a loop of their own, without a branch between the
    reads (so their cache misses overlap), then sorted out; ``np.unique`` here
    (sort, then drop repeats) saves numpy's per-call overhead on these short lists.
    """
    codes = np.empty(members.size, dtype=state.dtype)
    for i in range(members.size):
        if members[i] < 0 or members[i] >= state.size:  # checked here: no extra pass
            raise ValueError("members must be shopper ids, 0 <= id < state.size")
        codes[i] = state[members[i]]
    is_first = np.empty(members.size, dtype=np.int64)
    is_second = np.empty(members.size, dtype=np.int64)
    n_first = 0
    n_second = 0
    for i in range(members.size):
        if codes[i] == first:
            is_first[n_first] = members[i]
            n_first += 1
        elif codes[i] == second:
            is_second[n_second] = members[i]
            n_second += 1
    return np.unique(is_first[:n_first]), np.unique(is_second[:n_second])


def tally_orders(
    ids: np.ndarray,
    values: np.ndarray,
    *,
    more: tuple[np.ndarray, np.ndarray] | None = None,
    bits: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each shopper's orders of the day: who (increasing, once), total value and count.

    The same as ``shoppers, where = np.unique(ids, return_inverse=True)`` followed by
    ``np.bincount(where, weights=values)`` and ``np.bincount(where)`` (each total adds
    its values in the order of ``ids``), without sorting: the ids are set in a
    bitset of all shoppers, read in increasing order.

    Parameters
    ----------
    ids : numpy.ndarray
        Shopper id of each order (int).
    values : numpy.ndarray
        Value of each order (float64).
    more : tuple of numpy.ndarray, optional
        A second list of orders ``(ids, values)``, tallied after the first as if
        the two were concatenated (without the copy).
    bits : numpy.ndarray, optional
        A zero uint64 buffer of at least ``max id // 64 + 1`` words, returned
        zero (one bit per shopper); without it one is allocated.

    Returns
    -------
    shoppers : numpy.ndarray
        The distinct ids, increasing (int64).
    totals : numpy.ndarray
        Sum of each shopper's values (float64).
    counts : numpy.ndarray
        Orders of each shopper (int64).

    Examples
    --------
    >>> shoppers, totals, counts = tally_orders(
    ...     np.array([2, 5, 90, 5]), np.array([1.0, 2.0, 4.0, 8.0]))
    >>> shoppers.tolist(), totals.tolist(), counts.tolist()
    ([2, 5, 90], [1.0, 10.0, 4.0], [1, 2, 1])
    >>> tally_orders(np.array([7]), np.array([1.0]), more=(np.array([7]), np.array([2.0])))[1]
    array([3.])
    """
    parts = [(ids, values), more if more is not None else (np.empty(0), np.empty(0))]
    parts = [(np.asarray(i, dtype=np.int64), np.asarray(v, dtype=np.float64)) for i, v in parts]
    for i, v in parts:
        if i.shape != v.shape or i.ndim != 1:
            raise ValueError("ids and values must be 1-d arrays of the same length")
    (ids, values), (ids2, values2) = parts
    if bits is None:
        top = max(int(ids.max(initial=-1)), int(ids2.max(initial=-1)))
        bits = np.zeros(max(top, 0) // 64 + 1, dtype=np.uint64)
    words, problem = _words_for(ids, ids2, bits.size)
    if problem:
        raise ValueError(
            "ids must be shopper ids (>= 0)"
            if problem < 0
            else f"bits holds {64 * bits.size} shoppers, the ids need {64 * words}"
        )
    return _tally(ids, values, ids2, values2, bits, words)


@kernel
def _words_for(ids: np.ndarray, ids2: np.ndarray, have: int) -> tuple[int, int]:
    """Bitset words the ids need; then 0, -1 (a negative id) or 1 (more than ``have``)."""
    low = 0
    top = -1
    for s in ids:
        low = min(low, s)
        top = max(top, s)
    for s in ids2:
        low = min(low, s)
        top = max(top, s)
    words = top // 64 + 1
    return words, -1 if low < 0 else (1 if words > have else 0)


@kernel
def _tally(
    ids: np.ndarray,
    values: np.ndarray,
    ids2: np.ndarray,
    values2: np.ndarray,
    bits: np.ndarray,
    words: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`tally_orders` of ``ids`` then ``ids2`` with a zero bitset (zeroed at the end).

    Shopper ``s`` is bit ``s % 64`` of word ``s // 64``. Reading the set bits
    word by word lists the shoppers in increasing order; a shopper's place in
    that list is the bits set in the words before its own (``before``) plus the
    lower bits of its own word. All arithmetic on words is unsigned (uint64).
    """
    one = np.uint64(1)
    for s in ids:
        bits[s >> 6] |= one << np.uint64(s & 63)
    for s in ids2:
        bits[s >> 6] |= one << np.uint64(s & 63)
    before = np.empty(words, dtype=np.int64)
    n = 0
    for w in range(words):
        before[w] = n
        n += _popcount(bits[w])
    shoppers = np.empty(n, dtype=np.int64)
    k = 0
    for w in range(words):
        word = bits[w]
        while word:
            low = word & (~word + one)  # the lowest set bit
            shoppers[k] = (w << 6) + _popcount(low - one)
            k += 1
            word ^= low
    totals = np.zeros(n)
    counts = np.zeros(n, dtype=np.int64)
    for i in range(ids.size):
        s = ids[i]
        lower = bits[s >> 6] & ((one << np.uint64(s & 63)) - one)
        r = before[s >> 6] + _popcount(lower)
        totals[r] += values[i]
        counts[r] += 1
    for i in range(ids2.size):
        s = ids2[i]
        lower = bits[s >> 6] & ((one << np.uint64(s & 63)) - one)
        r = before[s >> 6] + _popcount(lower)
        totals[r] += values2[i]
        counts[r] += 1
    bits[:words] = 0
    return shoppers, totals, counts


@kernel
def _popcount(x: np.uint64) -> int:
    """Bits set in a uint64 (the SWAR count of Hacker's Delight, 5-1)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


def add_deal_bonus(satisfaction: np.ndarray, members: np.ndarray, bonus: float) -> None:
    """Members of formed groups enjoy the deal: ``bonus`` added per member row, capped at 1.

    A shopper listed twice (in two formed groups) gets the bonus twice, as with
    ``np.add.at``; then each member's satisfaction is capped at 1
    (:func:`sim.rules.satisfaction.with_deal_bonus`). Satisfaction is in [0, 1] for
    every shopper (:mod:`sim.shoppers`), so capping the members alone is capping
    everyone. The model holds the bonuses for the loyalty stage's pass over the
    customers instead (:class:`sim.rules.satisfaction.HeldChanges`); this applies
    them at once.

    Parameters
    ----------
    satisfaction : numpy.ndarray
        Every shopper's satisfaction (float64), updated in place.
    members : numpy.ndarray
        Shopper id of each member row of today's formed groups.
    bonus : float
        Satisfaction added per row.

    Examples
    --------
    >>> satisfaction = np.array([0.5, 0.95, 0.2])
    >>> add_deal_bonus(satisfaction, np.array([0, 1, 0]), 0.1)
    >>> satisfaction.tolist()
    [0.7, 1.0, 0.2]
    """
    held = HeldChanges(satisfaction.size)
    held.add_bonus(members, bonus)
    held.apply(satisfaction)


def random_ties(population: int, contacts: int, rng: np.random.Generator) -> TiesOf:
    """A ``ties_of`` for the fully mixed population: ``contacts`` random shoppers each.

    Parameters
    ----------
    population : int
        Number of shoppers.
    contacts : int
        Random contacts drawn per shopper (with replacement; self-ties are dropped
        by :func:`run_group_day`).
    rng : numpy.random.Generator
        Source of randomness (drawn at every call).

    Returns
    -------
    callable
        ``ties_of(shoppers) -> (position in shoppers, friend id)``.

    Examples
    --------
    >>> owner, friend = random_ties(100, 3, np.random.default_rng(0))(np.array([7, 8]))
    >>> owner.tolist(), bool(((friend >= 0) & (friend < 100)).all())
    ([0, 0, 0, 1, 1, 1], True)
    """

    def ties_of(shoppers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        owner = np.repeat(np.arange(shoppers.size), contacts)
        return owner, rng.integers(0, population, size=owner.size)

    return ties_of


@dataclass(frozen=True)
class CsrTies:
    """Ties as a CSR adjacency: shopper ``i``'s friends are ``indices[indptr[i]:indptr[i + 1]]``.

    Passed to :func:`run_group_day` (or :func:`sim.rules.share_to_unlock.run_unlocks`)
    as ``ties_of``, e.g. a :class:`~sim.network.SocialNetwork`'s
    ``adjacency.indptr`` and ``indices``: the day then reads the ties it needs
    straight from the graph, with the same draws and results as
    ``SocialNetwork.ties_of``, without listing every tie of every opener first.

    Attributes
    ----------
    indptr, indices : numpy.ndarray
        The CSR row pointers (N + 1) and column indices.

    Examples
    --------
    >>> ties = CsrTies(np.array([0, 2, 3, 4]), np.array([1, 2, 0, 0]))  # 0-1, 0-2
    >>> ties.indices[ties.indptr[0]:ties.indptr[1]].tolist()
    [1, 2]
    """

    indptr: np.ndarray
    indices: np.ndarray

    def pick(
        self, shoppers: np.ndarray, shares: int, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """At most ``shares`` random ties of each shopper, as (position in shoppers, friend).

        The same draws and ties as :func:`pick_shares` on the shoppers' ties listed
        in CSR order (``SocialNetwork.ties_of``), owner by owner.

        Parameters
        ----------
        shoppers : numpy.ndarray
            Shopper ids.
        shares : int
            Ties to keep per shopper, at most (>= 1).
        rng : numpy.random.Generator
            Source of randomness.

        Returns
        -------
        owner, friend : numpy.ndarray
            Position in ``shoppers`` and friend id of each kept tie (int64).

        Examples
        --------
        >>> ties = CsrTies(np.array([0, 3, 4, 5, 6]), np.array([1, 2, 3, 0, 0, 0]))
        >>> owner, friend = ties.pick(np.array([0, 2]), 2, np.random.default_rng(0))
        >>> owner.tolist(), friend.tolist()
        ([0, 0, 1], [1, 2, 0])
        """
        rows = _csr_rows(self.indptr, np.asarray(shoppers, dtype=np.int64), shares)
        start, degree, many = rows[:3]
        return _csr_pick(self.indices, start, degree, shares, _share_draws(many, shares, rng))


@kernel
def _csr_rows(
    indptr: np.ndarray, shoppers: np.ndarray, shares: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Where each shopper's ties start in a CSR graph, how many there are, and the picks.

    Returns ``start`` and ``degree`` (int64), the shoppers with more than
    ``shares`` ties (who draw Floyd's offsets) and the ties picked in all (each
    shopper's degree, at most ``shares``). One pass reading ``indptr[s]`` and
    ``indptr[s + 1]`` together (the same cache line, mostly), instead of numpy
    gathers, a subtraction and the counts, each a call of its own. The rows are
    scattered over the graph: each is asked for :data:`sim.network.AHEAD`
    shoppers early (:func:`sim.network.prefetch`), so that their loads overlap.
    """
    start = np.empty(shoppers.size, dtype=np.int64)
    degree = np.empty(shoppers.size, dtype=np.int64)
    many = 0
    total = 0
    for i in range(shoppers.size):
        if i + AHEAD < shoppers.size:  # kept in range (the id is checked when its turn comes)
            prefetch(indptr, min(max(shoppers[i + AHEAD], 0), indptr.size - 1))
        if shoppers[i] < 0 or shoppers[i] + 1 >= indptr.size:
            raise IndexError("shoppers must be rows of the graph")
        start[i] = indptr[shoppers[i]]
        degree[i] = indptr[shoppers[i] + 1] - start[i]
        many += degree[i] > shares
        total += min(degree[i], shares)
    return start, degree, many, total


@kernel
def _csr_pick(
    indices: np.ndarray, start: np.ndarray, degree: np.ndarray, shares: int, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_floyd_pick`'s ties read from the CSR ``indices``: (owner, friend id), int64."""
    owner, tie = _floyd_pick(start, degree, shares, u)
    friend = np.empty(tie.size, dtype=np.int64)
    for i in range(tie.size):
        friend[i] = indices[tie[i]]
    return owner, friend


def _already_in(
    book: GroupBook,
    shoppers: np.ndarray,
    positions: np.ndarray,
    *,
    marks: np.ndarray,
    earlier: int,
) -> np.ndarray:
    """Whether each seeker (distinct) is already a member of the open group at ``positions``.

    Only the first ``earlier`` member rows, those of earlier days, are searched:
    today's rows are openers of their own group (seekers who did not look at the
    list) and friends (never seekers).
    """
    if earlier == 0 or shoppers.size == 0:
        return np.zeros(shoppers.size, dtype=bool)
    rows = book.members
    return _member_of(
        rows.shopper[:earlier], rows.group[:earlier], shoppers, book.group_id[positions], marks
    )


@kernel
def _member_of(
    row_shopper: np.ndarray,
    row_group: np.ndarray,
    shoppers: np.ndarray,
    asked: np.ndarray,
    marks: np.ndarray,
) -> np.ndarray:
    """Whether distinct ``shoppers[q]`` has a member row in group id ``asked[q]``.

    One pass over the member rows: ``marks[shopper] = q + 1`` says which query a
    row's shopper belongs to (zeroed again at the end).
    """
    for q in range(shoppers.size):
        marks[shoppers[q]] = q + 1
    bad = np.zeros(shoppers.size, dtype=np.bool_)
    for r in range(row_shopper.size):
        q = marks[row_shopper[r]]
        if q > 0 and row_group[r] == asked[q - 1]:
            bad[q - 1] = True
    for q in range(shoppers.size):
        marks[shoppers[q]] = 0
    return bad


def _listed_slots(free: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Free places of the listed groups (positions, one per place), fewest missing first.

    The groups with free places are shuffled, then ordered by free places (stable).
    """
    listed = np.flatnonzero(free > 0)
    listed = listed[rng.permutation(listed.size)]
    return _slots_by_free(listed, free)


@kernel
def _slots_by_free(listed: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Each listed group's position repeated ``free`` times, groups by free places.

    A stable counting sort of ``listed`` by ``min(free, 32767)`` (the int16 key the
    listing has always sorted by), then each position once per free place.
    """
    cap = 32767
    top = 0
    total = 0
    for g in listed:
        top = max(top, min(free[g], cap))
        total += free[g]
    start = np.zeros(top + 2, dtype=np.int64)
    for g in listed:
        start[min(free[g], cap) + 1] += 1
    for key in range(1, top + 2):
        start[key] += start[key - 1]
    order = np.empty(listed.size, dtype=np.int64)
    for g in listed:
        key = min(free[g], cap)
        order[start[key]] = g
        start[key] += 1
    slots = np.empty(total, dtype=np.int64)
    k = 0
    for g in order:
        for _ in range(free[g]):
            slots[k] = g
            k += 1
    return slots


@dataclass(kw_only=True)
class _Today:
    """What one day's steps share (internal)."""

    book: GroupBook
    day: int
    state: np.ndarray
    order_value: np.ndarray
    ties_of: TiesOf | CsrTies
    rng: np.random.Generator
    params: GroupRulesLike
    join_prob: np.ndarray | None
    join_table: np.ndarray  # _join_table(params), built once a day (empty with join_prob)
    busy: np.ndarray
    marks: np.ndarray
    earlier: int
    friends: list[np.ndarray] = field(default_factory=list)

    def share(self, positions: np.ndarray) -> None:
        """Step 2: openers of the groups at ``positions`` share them with friends."""
        p, book, rng = self.params, self.book, self.rng
        if positions.size == 0 or p.shares_per_group == 0:
            return
        openers = book.opener[positions]
        shares = int(p.shares_per_group)
        by_state = self.join_prob is None
        accept = (
            self.busy,
            self.state,
            self.join_table,
            np.empty(0) if by_state else self.join_prob,
            by_state,
        )
        if isinstance(self.ties_of, CsrTies):
            # the draws of CsrTies.pick, then one uniform per picked tie: the same
            # draws as below, without listing the refused ties (_csr_friend_joins)
            start, degree, many, total = _csr_rows(self.ties_of.indptr, openers, shares)
            u_pick = _share_draws(many, shares, rng)
            u = rng.random(total)
            owner, friend = _csr_friend_joins(
                self.ties_of.indices, start, degree, shares, u_pick, u, openers, *accept
            )
        else:
            owner, friend = self.ties_of(openers)
            owner = np.asarray(owner, dtype=np.int64)
            friend = np.asarray(friend, dtype=np.int64)
            if friend.size and (friend.min() < 0 or friend.max() >= self.state.size):
                raise ValueError("ties_of returned friend ids outside the population")
            kept = pick_shares(owner, shares, rng)
            owner, friend = owner[kept], friend[kept]
            u = rng.random(friend.size)
            keep = _accepted(owner, friend, u, openers, *accept)
            owner, friend = owner[keep], friend[keep]
        shuffle = rng.permutation(friend.size)
        group, friend, value, state = _place_friends(
            owner[shuffle],
            friend[shuffle],
            positions,
            book.member_count,
            int(p.group_size),
            self.marks,
            self.order_value,
            float(p.price_factor),
            self.state,
            self.busy,
        )
        book.join(group, friend, value, day=self.day, role=FRIEND, state=state)
        self.friends.append(friend)

    def match_strangers(
        self, seekers: np.ndarray, values: np.ndarray, lookers: np.ndarray
    ) -> np.ndarray:
        """Step 3: lookers (indices into ``seekers``) fill listed places; return the rest."""
        book, rng = self.book, self.rng
        slots = _listed_slots(book.free_slots(int(self.params.group_size)), rng)
        pool = lookers[rng.permutation(lookers.size)]
        placed, where = [], []
        for _ in range(_MATCH_ROUNDS):
            k = min(pool.size, slots.size)
            if k == 0:
                break
            bad = None  # with no rows of earlier days nobody can be in a listed group
            if self.earlier:
                bad = _already_in(
                    book, seekers[pool[:k]], slots[:k], marks=self.marks, earlier=self.earlier
                )
            if bad is None or not bad.any():  # every place taken as drawn (views, no copies)
                placed.append(pool[:k])
                where.append(slots[:k])
                pool = pool[k:]
                break
            placed.append(pool[:k][~bad])
            where.append(slots[:k][~bad])
            rest = np.concatenate([pool[:k][bad], pool[k:]])
            pool = rest[rng.permutation(rest.size)]
            slots = np.concatenate([slots[:k][bad], slots[k:]])
        if placed:
            who = placed[0] if len(placed) == 1 else np.concatenate(placed)
            strangers = seekers[who]
            book.join(
                where[0] if len(where) == 1 else np.concatenate(where),
                strangers,
                values[who],
                day=self.day,
                role=STRANGER,
                state=self.state[strangers],
            )
        return pool

    def chunk(self, seekers: np.ndarray, values: np.ndarray, left: np.ndarray) -> None:
        """Step 3, end: unplaced lookers complete each other's groups in chunks."""
        if left.size == 0:
            return
        size = int(self.params.group_size)
        head = left[::size]  # each chunk's first opens the group
        rest = np.flatnonzero(np.arange(left.size) % size)  # the others join it
        tail = left[rest]
        openers, joiners = seekers[head], seekers[tail]
        positions = self.book.open(openers, values[head], day=self.day, state=self.state[openers])
        self.book.join(
            positions[rest // size],
            joiners,
            values[tail],
            day=self.day,
            role=STRANGER,
            state=self.state[joiners],
        )
        if left.size % size:
            self.share(positions[-1:])


def run_group_day(
    book: GroupBook,
    seekers: np.ndarray,
    seeker_values: np.ndarray,
    *,
    day: int,
    state: np.ndarray,
    order_value: np.ndarray,
    ties_of: TiesOf,
    rng: np.random.Generator,
    params: GroupRulesLike,
    join_prob: np.ndarray | None = None,
) -> GroupDay:
    """Run one day of group buying; update ``book`` in place and report the day.

    Parameters
    ----------
    book : GroupBook
        Groups still open from earlier days; updated in place (today's groups are
        added, formed and lapsed groups removed).
    seekers : numpy.ndarray
        Distinct ids of today's focal orderers who chose the group price.
    seeker_values : numpy.ndarray
        Their order values at the group price (what each pays).
    day : int
        Today (increasing from call to call).
    state : numpy.ndarray
        Lifecycle state of every shopper (``Shoppers.state``), read only.
    order_value : numpy.ndarray
        Usual order value of every shopper; a friend who joins pays it times
        ``params.price_factor``.
    ties_of : callable
        ``ties_of(shoppers) -> (owner position, friend id)``, like
        ``SocialNetwork.ties_of``; for a fully mixed population see
        :func:`random_ties`.
    rng : numpy.random.Generator
        Source of randomness.
    params : GroupRulesLike
        ``group_size``, ``window_days``, ``shares_per_group``,
        ``prospect_join_prob``, ``customer_join_prob``, ``listing_match_prob``,
        ``price_factor`` (a :class:`GroupRules` or any object with them).
    join_prob : numpy.ndarray, optional
        Per-shopper probability of joining when contacted by a friend; replaces the
        state-based :func:`join_probability` (e.g. for targeted incentives).

    Returns
    -------
    GroupDay

    Examples
    --------
    Two seekers who both look at an empty list complete each other's group:

    >>> rules = GroupRules(listing_match_prob=1.0, shares_per_group=0)
    >>> book = GroupBook.empty()
    >>> day = run_group_day(book, np.array([3, 5]), np.array([8.0, 6.0]), day=0,
    ...                     state=np.ones(6, dtype=np.int8), order_value=np.ones(6),
    ...                     ties_of=random_ties(6, 1, np.random.default_rng(1)),
    ...                     rng=np.random.default_rng(1), params=rules)
    >>> sorted(day.confirmed.shopper.tolist()), day.confirmed.total, day.formed
    ([3, 5], 14.0, 1)
    >>> sorted(ROLE_NAMES[r] for r in day.confirmed.role)
    ['opener', 'stranger']
    """
    check_rules(params)
    seekers = np.asarray(seekers, dtype=np.int64)
    seeker_values = np.asarray(seeker_values, dtype=np.float64)
    if seekers.shape != seeker_values.shape or seekers.ndim != 1:
        raise ValueError("seekers and seeker_values must be 1-d arrays of the same length")
    book.scratch.fit(state.size)
    busy = book.scratch.busy
    problem = _mark_distinct(busy, seekers, state.size)
    if problem == _OUTSIDE:
        raise ValueError("seekers must be shopper ids, 0 <= id < state.size")
    if problem == _TWICE:
        raise ValueError("seekers must be distinct shoppers")
    today = _Today(
        book=book,
        day=day,
        state=state,
        order_value=order_value,
        ties_of=ties_of,
        rng=rng,
        params=params,
        join_prob=join_prob,
        join_table=_join_table(params) if join_prob is None else np.empty(0),
        busy=busy,
        marks=book.scratch.marks,
        earlier=book.members.size,
    )
    try:
        look = rng.random(seekers.size) < params.listing_match_prob
        own = np.flatnonzero(~look)
        openers = seekers[own]
        opened = book.open(openers, seeker_values[own], day=day, state=state[openers])
        today.share(opened)
        left = today.match_strangers(seekers, seeker_values, np.flatnonzero(look))
        today.chunk(seekers, seeker_values, left)
    finally:  # the buffer is all False between days
        busy[seekers] = False
        for friends in today.friends:
            busy[friends] = False

    rows = book.members
    mine = rows.day == day
    first = rows.size - int(np.count_nonzero(mine))
    # rows are kept in join order, so today's are the last ones: a slice, not a copy
    paid = rows.take(slice(first, None)) if mine[first:].all() else rows.take(mine)
    n_opened = int(np.count_nonzero(book.opened == day))
    full = book.member_count >= params.group_size
    confirmed = book.close(full)
    lapse = book.opened + (params.window_days - 1) <= day
    refunded = book.close(lapse)
    return GroupDay(
        paid=paid,
        confirmed=confirmed,
        refunded=refunded,
        opened=n_opened,
        formed=int(np.count_nonzero(full)),
        lapsed=int(np.count_nonzero(lapse)),
    )
