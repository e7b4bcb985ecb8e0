"""Share-to-unlock, one behaviour per test, on small hand-made arrays."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.group_formation import CsrTies
from sim.rules.share_to_unlock import OUTSIDE, PROSPECT, pick_asked, run_unlocks

ACTIVE, CHURNED = 1, 2


def ties_from(friends):
    """A tiny ``ties_of`` from a dict shopper -> list of friends."""

    def ties_of(shoppers):
        owner = [i for i, s in enumerate(shoppers) for _ in friends.get(int(s), [])]
        friend = [f for s in shoppers for f in friends.get(int(s), [])]
        return np.array(owner, dtype=np.int64), np.array(friend, dtype=np.int64)

    return ties_of


# Shopper 0 (active) has friends 1, 2 (prospects), 3 (active), 4 (churned).
STATE = np.array([ACTIVE, PROSPECT, PROSPECT, ACTIVE, CHURNED, PROSPECT], dtype=np.int8)
TIES = ties_from({0: [1, 2, 3, 4], 3: [0, 5]})


def run(starters=(0,), *, seed=0, ties=TIES, state=STATE, **terms):
    kwargs = {"friends_asked": 4, "click_prob": 1.0, "clicks_needed": 4, "adopt_prob": 1.0}
    kwargs.update(terms)
    return run_unlocks(
        np.array(starters, dtype=np.int64), ties, state, np.random.default_rng(seed), **kwargs
    )


def test_an_unlock_succeeds_when_enough_friends_click():
    day = run(clicks_needed=4)
    assert day.unlocks.tolist() == [0]
    assert (day.clicks, day.asked) == (4, 4)


def test_an_unlock_fails_when_too_few_friends_click():
    day = run(clicks_needed=5)
    assert day.unlocks.size == 0 and day.clicks == 4


def test_nobody_clicks_with_click_probability_zero():
    day = run(click_prob=0.0, clicks_needed=1)
    assert (day.clicks, day.unlocks.size, day.adopters.size) == (0, 0, 0)


def test_prospects_who_click_adopt_with_probability_one_whatever_the_unlock():
    assert run(clicks_needed=99).adopters.tolist() == [1, 2]


def test_prospects_who_click_never_adopt_with_probability_zero():
    day = run(adopt_prob=0.0)
    assert day.adopters.size == 0 and day.unlocks.tolist() == [0]


def test_customers_who_click_are_not_adopted():
    day = run(starters=(0, 3), adopt_prob=1.0, clicks_needed=1)
    assert not np.isin(day.adopters, [0, 3, 4]).any()
    assert day.adopters.tolist() == [1, 2, 5]
    assert day.unlocks.tolist() == [0, 3]


def test_each_starter_asks_at_most_friends_asked_of_its_ties():
    day = run(starters=(0, 3), friends_asked=np.array([2, 1]), clicks_needed=1)
    assert day.asked == 3 and day.clicks == 3


@pytest.mark.parametrize(
    "ties",
    [ties_from({0: [0, 1, 2]}), CsrTies(np.array([0, 3, 3, 3]), np.array([0, 1, 2]))],
    ids=["listed", "csr"],
)
def test_starters_themselves_and_shoppers_outside_the_market_are_never_asked(ties):
    state = STATE.copy()
    state[1] = OUTSIDE
    day = run(ties=ties, state=state, friends_asked=9, clicks_needed=1)
    assert (day.asked, day.adopters.tolist()) == (1, [2])


def test_the_same_generator_state_gives_the_same_day():
    terms = {"friends_asked": 3, "click_prob": 0.5, "clicks_needed": 2, "adopt_prob": 0.5}
    days = [run(starters=(0, 3), seed=11, **terms) for _ in range(2)]
    for name in ("unlocks", "adopters"):
        assert getattr(days[0], name).tolist() == getattr(days[1], name).tolist()
    assert (days[0].clicks, days[0].asked) == (days[1].clicks, days[1].asked)


def test_click_rate_matches_click_probability_on_many_starters():
    n = 20_000
    starters = np.arange(n)
    state = np.full(n + 1, ACTIVE, dtype=np.int8)

    def ties_of(shoppers):  # everybody's only tie is shopper n
        return np.arange(shoppers.size), np.full(shoppers.size, n)

    day = run_unlocks(
        starters,
        ties_of,
        state,
        np.random.default_rng(3),
        friends_asked=1,
        click_prob=0.3,
        clicks_needed=1,
        adopt_prob=1.0,
    )
    assert day.clicks / day.asked == pytest.approx(0.3, abs=0.015)
    assert day.unlocks.size == day.clicks and day.adopters.size == 0


def test_pick_asked_keeps_the_smallest_keys_of_each_owner():
    asked = pick_asked(
        np.array([1, 0, 1, 0, 0]),
        np.array([9, 8, 7, 6, 5]),
        np.array([1, 2]),
        np.array([0.5, 0.4, 0.1, 0.9, 0.2]),
    )
    assert asked.tolist() == [True, False, True, False, True]  # owner 0 asks 1, owner 1 asks 2


# The ties of TIES as CSR rows: 0 -> 1, 2, 3, 4; 3 -> 0, 5; the others none.
CSR = CsrTies(np.array([0, 4, 4, 4, 6, 6, 6]), np.array([1, 2, 3, 4, 0, 5]))


def test_ties_read_from_the_csr_graph_unlock_and_adopt_as_listed_ties_do():
    day = run(starters=(0, 3), ties=CSR, clicks_needed=2)
    assert day.unlocks.tolist() == [0, 3] and day.adopters.tolist() == [1, 2, 5]
    assert (day.clicks, day.asked) == (6, 6)


def test_pick_asked_breaks_equal_keys_by_position():
    asked = pick_asked(np.zeros(4, dtype=np.int64), np.arange(4), np.array([2]), np.full(4, 0.5))
    assert asked.tolist() == [True, True, False, False]


@settings(max_examples=60, deadline=None)
@given(
    ties=st.lists(st.tuples(st.integers(0, 4), st.sampled_from([0.1, 0.2, 0.5, 0.7])), max_size=40),
    limit=st.lists(st.integers(0, 6), min_size=5, max_size=5),
)
def test_pick_asked_asks_each_owners_smallest_keys_first_position_breaking_ties(ties, limit):
    owner = np.array([o for o, _ in ties], dtype=np.int64)
    key = np.array([k for _, k in ties])
    asked = pick_asked(owner, np.zeros(owner.size), np.array(limit), key)
    for o in range(5):
        mine = sorted((k, i) for i, (t, k) in enumerate(ties) if t == o)
        want = {i for _, i in mine[: limit[o]]}
        assert set(np.flatnonzero(asked & (owner == o)).tolist()) == want
