"""Share-to-unlock (砍一刀 bargain cut, 助力 assist): friends click to unlock a reward.

A customer who starts an unlock sends a link to some of their social ties; each
asked friend clicks with some probability. The unlock succeeds when enough friends
click (the price is cut to zero, or the coupon is unlocked). Clicking needs an
account: a friend who was never a customer (a prospect) and clicks registers, and
becomes a customer with some probability, whether or not the unlock succeeds. This
is how the mechanic exposes non-users to the platform.

Lifecycle state codes are the model's (``Shoppers.state``: prospect 0, outside the
market 4), repeated here so the rule does not depend on where the model keeps them.

Examples
--------
>>> def ties_of(shoppers):  # shopper 0's ties are 1, 2 and 3
...     return np.zeros(3, dtype=np.int64), np.array([1, 2, 3])
>>> day = run_unlocks(np.array([0]), ties_of, np.array([1, 0, 1, 0], dtype=np.int8),
...                   np.random.default_rng(0), friends_asked=3, click_prob=1.0,
...                   clicks_needed=3, adopt_prob=1.0)
>>> day.unlocks.tolist(), day.adopters.tolist(), day.clicks, day.asked
([0], [1, 3], 3, 3)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.jit import kernel
from sim.rules.group_formation import CsrTies
from sim.states import OUTSIDE, PROSPECT

TiesOf = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

#: A scalar (every starter) or one value per starter.
PerStarter = float | np.ndarray


@dataclass(frozen=True)
class UnlockDay:
    """One day's unlocks.

    Attributes
    ----------
    unlocks : numpy.ndarray
        Ids of the starters whose unlock succeeded (each once).
    adopters : numpy.ndarray
        Ids of the prospects who clicked and became customers (each once, sorted).
    clicks : int
        Clicks on all of today's links.
    asked : int
        Friends asked (one per link sent).
    """

    unlocks: np.ndarray
    adopters: np.ndarray
    clicks: int
    asked: int


def pick_asked(
    owner: np.ndarray, friend: np.ndarray, limit: np.ndarray, key: np.ndarray
) -> np.ndarray:
    """Which ties are asked: at most ``limit[owner]`` random ties of each owner.

    Parameters
    ----------
    owner : numpy.ndarray
        Position of each tie's starter (as returned by a ``ties_of``).
    friend : numpy.ndarray
        The friend of each tie (unused but for its length; kept for symmetry).
    limit : numpy.ndarray
        Friends each starter asks, by starter position.
    key : numpy.ndarray
        A uniform per tie; the ties with the smallest keys of an owner are asked.

    Returns
    -------
    numpy.ndarray
        Boolean mask over the ties.

    Examples
    --------
    >>> pick_asked(np.array([0, 0, 0, 1]), np.array([5, 6, 7, 8]), np.array([2, 1]),
    ...            np.array([0.9, 0.1, 0.5, 0.3])).tolist()
    [False, True, True, True]
    """
    owner = np.asarray(owner, dtype=np.int64)
    key = np.asarray(key, dtype=np.float64)
    limit = np.asarray(limit, dtype=np.int64)
    order = None
    if np.any(owner[1:] < owner[:-1]):  # ties_of lists each owner's ties together
        order = np.argsort(owner, kind="stable")
        owner, key = owner[order], key[order]
    asked = _smallest_keys(owner, key, limit)
    if order is None:
        return asked
    unsorted = np.empty_like(asked)
    unsorted[order] = asked
    return unsorted


@kernel
def _smallest_keys(owner: np.ndarray, key: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Flag the ``limit[o]`` ties with the smallest keys of each run of owner ``o``.

    ``owner`` is sorted. An owner with no more ties than its limit has them all
    flagged; otherwise its ties are scanned in order, keeping the ``limit``
    smallest keys so far sorted in a small buffer (insertion), a tie entering
    only with a key strictly below the largest kept: equal keys go by position,
    as with ``np.lexsort((key, owner))``.
    """
    asked = np.zeros(owner.size, dtype=np.bool_)
    best = np.empty(max(limit.max(), 1) if limit.size else 1, dtype=np.int64)
    start = 0
    while start < owner.size:
        stop = start + 1
        while stop < owner.size and owner[stop] == owner[start]:
            stop += 1
        take = limit[owner[start]]
        if stop - start <= take:
            asked[start:stop] = True
        elif take > 0:
            kept = 0
            for t in range(start, stop):
                if kept == take and key[t] >= key[best[kept - 1]]:
                    continue
                e = kept - 1 if kept == take else kept  # drop the largest when full
                while e > 0 and key[best[e - 1]] > key[t]:
                    best[e] = best[e - 1]
                    e -= 1
                best[e] = t
                kept = min(kept + 1, take)
            for j in range(take):
                asked[best[j]] = True
        start = stop
    return asked


@kernel
def _eligible_ties(
    indptr: np.ndarray, indices: np.ndarray, starters: np.ndarray, state: np.ndarray, outside: int
) -> tuple[np.ndarray, np.ndarray]:
    """The starters' CSR ties to friends in the market other than themselves.

    As (position in starters, friend id), starter by starter in CSR order: the
    ties ``SocialNetwork.ties_of`` lists, filtered as :func:`run_unlocks` does.
    """
    total = 0
    for s in starters:
        total += indptr[s + 1] - indptr[s]
    owner = np.empty(total, dtype=np.int64)
    friend = np.empty(total, dtype=np.int64)
    k = 0
    for o in range(starters.size):
        s = starters[o]
        for t in range(indptr[s], indptr[s + 1]):
            f = indices[t]
            if f != s and state[f] != outside:
                owner[k] = o
                friend[k] = f
                k += 1
    return owner[:k], friend[:k]


def run_unlocks(
    starters: np.ndarray,
    ties_of: TiesOf | CsrTies,
    state: np.ndarray,
    rng: np.random.Generator,
    *,
    friends_asked: PerStarter,
    click_prob: PerStarter,
    clicks_needed: PerStarter,
    adopt_prob: PerStarter,
) -> UnlockDay:
    """Run one day's unlocks: asks, clicks, successes and the prospects who adopt.

    Parameters
    ----------
    starters : numpy.ndarray
        Ids of the customers who start an unlock today (each once).
    ties_of : callable or CsrTies
        ``ties_of(shoppers) -> (position in shoppers, friend id)``: the starters'
        social ties (random shoppers in a fully mixed population); or the graph's
        CSR arrays (:class:`~sim.rules.group_formation.CsrTies`), read directly.
    state : numpy.ndarray
        Lifecycle state of every shopper; friends outside the market and the
        starter themself are never asked.
    rng : numpy.random.Generator
        Source of randomness: a key per tie (which friends are asked), a uniform
        per asked friend (click), a uniform per clicking prospect (adoption).
    friends_asked, click_prob, clicks_needed, adopt_prob : float or numpy.ndarray
        Keyword-only, scalar or one value per starter: friends each starter asks
        (fewer if they have fewer ties), the probability an asked friend clicks,
        the clicks an unlock needs, and the probability a clicking prospect
        becomes a customer.

    Returns
    -------
    UnlockDay

    Examples
    --------
    >>> def ties_of(shoppers):  # both starters' only tie is shopper 2, a prospect
    ...     return np.arange(shoppers.size), np.full(shoppers.size, 2)
    >>> day = run_unlocks(np.array([0, 1]), ties_of, np.array([1, 1, 0], dtype=np.int8),
    ...                   np.random.default_rng(1), friends_asked=5, click_prob=1.0,
    ...                   clicks_needed=2, adopt_prob=1.0)
    >>> day.unlocks.tolist(), day.adopters.tolist(), day.clicks, day.asked
    ([], [2], 2, 2)
    """
    n = starters.size
    if isinstance(ties_of, CsrTies):
        starters = np.asarray(starters, dtype=np.int64)
        owner, friend = _eligible_ties(ties_of.indptr, ties_of.indices, starters, state, OUTSIDE)
    else:
        owner, friend = ties_of(starters)
        owner = np.asarray(owner, dtype=np.int64)
        friend = np.asarray(friend, dtype=np.int64)
        eligible = (friend != starters[owner]) & (state[friend] != OUTSIDE)
        owner, friend = owner[eligible], friend[eligible]
    limit = np.broadcast_to(np.asarray(friends_asked), (n,)).astype(np.int64)
    asked = pick_asked(owner, friend, limit, rng.random(owner.size))
    owner, friend = owner[asked], friend[asked]
    clicked = rng.random(owner.size) < np.broadcast_to(click_prob, (n,))[owner]
    clicks = np.bincount(owner[clicked], minlength=n)
    success = clicks >= np.broadcast_to(clicks_needed, (n,))
    c_owner, c_friend = owner[clicked], friend[clicked]
    prospect = state[c_friend] == PROSPECT
    c_owner, c_friend = c_owner[prospect], c_friend[prospect]
    adopts = rng.random(c_friend.size) < np.broadcast_to(adopt_prob, (n,))[c_owner]
    return UnlockDay(
        unlocks=starters[success],
        adopters=np.unique(c_friend[adopts]),
        clicks=int(clicked.sum()),
        asked=int(owner.size),
    )
