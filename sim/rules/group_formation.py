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
from dataclasses import dataclass, fields
from typing import Protocol

import numpy as np

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
        """Rows selected by a boolean mask or an index array."""
        return Members(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def append(self, other: Members) -> Members:
        """These rows followed by ``other``'s."""
        columns = (f.name for f in fields(self))
        return Members(
            **{c: np.concatenate([getattr(self, c), getattr(other, c)]) for c in columns}
        )


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
        One row per member of an open group.
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
    members: Members
    next_id: int = 0

    @classmethod
    def empty(cls) -> GroupBook:
        """No groups."""
        none = np.empty(0, dtype=np.int64)
        return cls(
            group_id=none, opener=none, opened=none, member_count=none, members=Members.empty()
        )

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
        self.member_count = self.member_count + np.bincount(positions, minlength=self.size)
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
        closing = done[self.positions(self.members.group)]
        rows = self.members.take(closing)
        self.members = self.members.take(~closing)
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
        self.members = self.members.append(rows)


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
    joined_prospects: np.ndarray
    joined_churned: np.ndarray
    opened: int
    formed: int
    lapsed: int
    friend_joins: int
    stranger_joins: int

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
    table = np.zeros(len(STATE_NAMES))  # shoppers outside the market never join
    table[[PROSPECT, CHURNED]] = params.prospect_join_prob
    table[[ACTIVE, WON_BACK]] = params.customer_join_prob
    return table[state]


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
    few = degree <= shares
    keep = np.repeat(few, degree)
    many = np.flatnonzero(~few)
    if many.size:
        chosen = np.empty((shares, many.size), dtype=np.int64)
        u = rng.random((shares, many.size))
        top = degree[many] - shares
        for j in range(shares):  # Floyd: pick t in [0, top]; if already taken, take top
            t = np.minimum((u[j] * (top + 1)).astype(np.int64), top)
            taken = np.zeros(many.size, dtype=bool)
            for earlier in chosen[:j]:
                taken |= earlier == t
            chosen[j] = np.where(taken, top, t)
            top += 1
        keep[(start[many] + chosen).ravel()] = True
    kept = np.flatnonzero(keep)
    return kept if order is None else np.sort(order[kept])


def allocate(group: np.ndarray, shopper: np.ndarray, free: np.ndarray) -> np.ndarray:
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

    Returns
    -------
    numpy.ndarray
        Boolean mask of the joins that happen.

    Examples
    --------
    >>> allocate(np.array([0, 0, 0, 1]), np.array([5, 6, 7, 6]), np.array([1, 2])).tolist()
    [True, False, False, True]
    """
    free = free.copy()
    accepted = np.zeros(group.size, dtype=bool)
    if group.size == 0:
        return accepted
    slot = np.empty(int(shopper.max()) + 1, dtype=np.int64)
    live = np.arange(group.size)
    while live.size:
        s = shopper[live]
        first = _first_occurrence(s, slot)
        g = group[live[first]]
        order = np.argsort(g, kind="stable")
        g_sorted = g[order]
        take = live[first[order[_rank_in_run(g_sorted) < free[g_sorted]]]]
        accepted[take] = True
        free -= np.bincount(group[take], minlength=free.size)
        done = np.zeros(slot.size, dtype=bool)
        done[shopper[take]] = True
        still = ~done[s] & (free[group[live]] > 0)
        still[first] = False
        live = live[still]
    return accepted


def _first_occurrence(values: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each value, increasing (values index ``scratch``)."""
    index = np.arange(values.size)
    scratch[values] = values.size
    np.minimum.at(scratch, values, index)  # well defined with repeated values
    return np.flatnonzero(scratch[values] == index)


def _rank_in_run(sorted_values: np.ndarray) -> np.ndarray:
    """Rank of each element within its run of equal values of a sorted array."""
    n = sorted_values.size
    starts = np.flatnonzero(np.concatenate([[True], sorted_values[1:] != sorted_values[:-1]]))
    return np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))


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


def _already_in(book: GroupBook, shoppers: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Whether each shopper is already a member of the open group at ``positions``."""
    rows = book.members
    if rows.size == 0 or shoppers.size == 0:
        return np.zeros(shoppers.size, dtype=bool)
    population = int(max(shoppers.max(), rows.shopper.max()) + 1)
    groups_of = np.bincount(rows.shopper, minlength=population)
    some_group = np.full(population, -1, dtype=np.int64)
    some_group[rows.shopper] = rows.group
    asked = book.group_id[positions]
    bad = some_group[shoppers] == asked
    several = np.flatnonzero(groups_of[shoppers] > 1)
    if several.size:  # shoppers in more than one open group: compare with all their rows
        mine = groups_of[rows.shopper] > 1
        stride = np.int64(book.next_id)
        keys = rows.shopper[mine] * stride + rows.group[mine]
        bad[several] = np.isin(
            shoppers[several] * stride + asked[several], keys, assume_unique=True, kind="sort"
        )
    return bad


def _listing(free: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Positions of groups with free places as listed: fewest places missing first."""
    listed = np.flatnonzero(free > 0)
    listed = listed[rng.permutation(listed.size)]
    missing = np.minimum(free[listed], np.iinfo(np.int16).max).astype(np.int16)
    return listed[np.argsort(missing, kind="stable")]  # radix sort


@dataclass(kw_only=True)
class _Today:
    """What one day's steps share (internal)."""

    book: GroupBook
    day: int
    state: np.ndarray
    order_value: np.ndarray
    ties_of: TiesOf
    rng: np.random.Generator
    params: GroupRulesLike
    join_prob: np.ndarray | None
    busy: np.ndarray

    def share(self, positions: np.ndarray) -> None:
        """Step 2: openers of the groups at ``positions`` share them with friends."""
        p, book = self.params, self.book
        if positions.size == 0 or p.shares_per_group == 0:
            return
        openers = book.opener[positions]
        owner, friend = self.ties_of(openers)
        owner = np.asarray(owner, dtype=np.int64)
        friend = np.asarray(friend, dtype=np.int64)
        kept = pick_shares(owner, int(p.shares_per_group), self.rng)
        owner, friend = owner[kept], friend[kept]
        prob = (
            self.join_prob[friend]
            if self.join_prob is not None
            else join_probability(self.state[friend], p)
        )
        joins = (self.rng.random(friend.size) < prob) & ~self.busy[friend]
        joins &= friend != openers[owner]
        owner, friend = owner[joins], friend[joins]
        shuffle = self.rng.permutation(friend.size)
        group, friend = positions[owner[shuffle]], friend[shuffle]
        ok = allocate(group, friend, book.free_slots(int(p.group_size)))
        group, friend = group[ok], friend[ok]
        book.join(
            group,
            friend,
            self.order_value[friend] * p.price_factor,
            day=self.day,
            role=FRIEND,
            state=self.state[friend],
        )
        self.busy[friend] = True

    def match_strangers(
        self, seekers: np.ndarray, values: np.ndarray, lookers: np.ndarray
    ) -> np.ndarray:
        """Step 3: lookers (indices into ``seekers``) fill listed places; return the rest."""
        book, rng = self.book, self.rng
        free = book.free_slots(int(self.params.group_size))
        listing = _listing(free, rng)
        slots = np.repeat(listing, free[listing])
        pool = lookers[rng.permutation(lookers.size)]
        placed, where = [], []
        for _ in range(_MATCH_ROUNDS):
            k = min(pool.size, slots.size)
            if k == 0:
                break
            bad = _already_in(book, seekers[pool[:k]], slots[:k])
            placed.append(pool[:k][~bad])
            where.append(slots[:k][~bad])
            if not bad.any():
                pool = pool[k:]
                break
            rest = np.concatenate([pool[:k][bad], pool[k:]])
            pool = rest[rng.permutation(rest.size)]
            slots = np.concatenate([slots[:k][bad], slots[k:]])
        if placed:
            who = np.concatenate(placed)
            book.join(
                np.concatenate(where),
                seekers[who],
                values[who],
                day=self.day,
                role=STRANGER,
                state=self.state[seekers[who]],
            )
        return pool

    def chunk(self, seekers: np.ndarray, values: np.ndarray, left: np.ndarray) -> None:
        """Step 3, end: unplaced lookers complete each other's groups in chunks."""
        if left.size == 0:
            return
        size = int(self.params.group_size)
        first = np.arange(left.size) % size == 0
        head, tail = left[first], left[~first]
        positions = self.book.open(
            seekers[head], values[head], day=self.day, state=self.state[seekers[head]]
        )
        self.book.join(
            positions[np.flatnonzero(~first) // size],
            seekers[tail],
            values[tail],
            day=self.day,
            role=STRANGER,
            state=self.state[seekers[tail]],
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
    busy = np.zeros(state.size, dtype=bool)
    busy[seekers] = True
    if np.count_nonzero(busy) != seekers.size:
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
        busy=busy,
    )

    look = rng.random(seekers.size) < params.listing_match_prob
    own = np.flatnonzero(~look)
    opened = book.open(seekers[own], seeker_values[own], day=day, state=state[seekers[own]])
    today.share(opened)
    left = today.match_strangers(seekers, seeker_values, np.flatnonzero(look))
    today.chunk(seekers, seeker_values, left)

    paid = book.members.take(book.members.day == day)
    n_opened = int(np.count_nonzero(book.opened == day))
    full = book.member_count >= params.group_size
    confirmed = book.close(full)
    lapse = book.opened + (params.window_days - 1) <= day
    refunded = book.close(lapse)
    return GroupDay(
        paid=paid,
        confirmed=confirmed,
        refunded=refunded,
        joined_prospects=paid.shopper[paid.state == PROSPECT],
        joined_churned=paid.shopper[paid.state == CHURNED],
        opened=n_opened,
        formed=int(np.count_nonzero(full)),
        lapsed=int(np.count_nonzero(lapse)),
        friend_joins=int(np.count_nonzero(paid.role == FRIEND)),
        stranger_joins=int(np.count_nonzero(paid.role == STRANGER)),
    )
