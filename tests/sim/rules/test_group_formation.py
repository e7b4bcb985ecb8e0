"""Group formation, one behaviour per test, on small hand-made arrays."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.network import from_edges
from sim.rules.group_formation import (
    ACTIVE,
    CHURNED,
    FRIEND,
    OPENER,
    PROSPECT,
    STRANGER,
    WON_BACK,
    CsrTies,
    GroupBook,
    GroupRules,
    add_deal_bonus,
    allocate,
    fill_rate,
    join_probability,
    newcomers_and_returning,
    pick_shares,
    random_ties,
    run_group_day,
    split_orders,
    tally_orders,
)


def ties_from(friends):
    """A tiny ``ties_of`` from a dict shopper -> list of friends."""

    def ties_of(shoppers):
        owner = [i for i, s in enumerate(shoppers) for _ in friends.get(int(s), [])]
        friend = [f for s in shoppers for f in friends.get(int(s), [])]
        return np.array(owner, dtype=np.int64), np.array(friend, dtype=np.int64)

    return ties_of


NO_TIES = ties_from({})


def rules(**overrides):
    base = dict(
        group_size=2,
        window_days=1,
        shares_per_group=5,
        prospect_join_prob=1.0,
        customer_join_prob=1.0,
        listing_match_prob=0.0,
        price_factor=0.8,
    )
    return GroupRules(**(base | overrides))


def day_of(
    book,
    seekers,
    values,
    *,
    day=0,
    state,
    order_value=None,
    ties_of=NO_TIES,
    seed=0,
    params=None,
    join_prob=None,
):
    n = state.size
    return run_group_day(
        book,
        np.asarray(seekers, dtype=np.int64),
        np.asarray(values, dtype=float),
        day=day,
        state=np.asarray(state, dtype=np.int8),
        order_value=np.full(n, 10.0) if order_value is None else order_value,
        ties_of=ties_of,
        rng=np.random.default_rng(seed),
        params=params or rules(),
        join_prob=join_prob,
    )


def test_group_of_two_fills_when_a_friend_joins_and_both_pay_the_group_price():
    book = GroupBook.empty()
    state = np.array([ACTIVE, ACTIVE, PROSPECT])
    order_value = np.array([50.0, 30.0, 20.0])
    day = day_of(
        book, [0], [40.0], state=state, order_value=order_value, ties_of=ties_from({0: [1]})
    )
    assert day.formed == 1 and day.opened == 1 and day.lapsed == 0
    assert day.confirmed.shopper.tolist() == [0, 1]
    assert day.confirmed.value.tolist() == [40.0, 30.0 * 0.8]
    assert day.confirmed.role.tolist() == [OPENER, FRIEND]
    assert np.unique(day.confirmed.group).size == 1
    assert day.refunded.size == 0 and book.size == 0
    assert day.fill_rate == 1.0


def test_unfilled_group_is_refunded_at_the_end_of_its_window_and_not_before():
    book = GroupBook.empty()
    state = np.full(3, ACTIVE)
    p = rules(window_days=2)
    first = day_of(book, [0], [40.0], day=5, state=state, params=p)
    assert first.refunded.size == 0 and first.lapsed == 0
    assert book.size == 1 and book.held == 40.0
    second = day_of(book, [], [], day=6, state=state, params=p)
    assert second.lapsed == 1 and second.formed == 0
    assert second.refunded.shopper.tolist() == [0]
    assert second.refunded.value.tolist() == [40.0]
    assert book.size == 0 and book.held == 0.0


def test_window_of_one_day_means_the_group_must_fill_the_same_day():
    book = GroupBook.empty()
    day = day_of(book, [0, 1], [5.0, 6.0], state=np.full(2, ACTIVE))
    assert day.opened == 2 and day.lapsed == 2 and day.formed == 0
    assert sorted(day.refunded.shopper.tolist()) == [0, 1]
    assert day.refunded.total == 11.0 and book.size == 0


def test_a_group_opened_yesterday_can_be_joined_today_by_a_stranger_from_the_list():
    book = GroupBook.empty()
    state = np.full(4, ACTIVE)
    day_of(book, [0], [40.0], day=0, state=state, params=rules(window_days=2))
    today = day_of(
        book, [3], [25.0], day=1, state=state, params=rules(window_days=2, listing_match_prob=1.0)
    )
    assert today.formed == 1 and today.opened == 0 and today.stranger_joins == 1
    assert today.confirmed.shopper.tolist() == [0, 3]
    assert today.confirmed.role.tolist() == [OPENER, STRANGER]
    assert today.confirmed.value.tolist() == [40.0, 25.0]
    assert today.confirmed.day.tolist() == [0, 1]


def test_two_matched_seekers_complete_each_others_group_the_same_day():
    book = GroupBook.empty()
    day = day_of(
        book, [4, 7], [10.0, 12.0], state=np.full(8, ACTIVE), params=rules(listing_match_prob=1.0)
    )
    assert day.formed == 1 and day.opened == 1 and day.lapsed == 0
    assert sorted(day.confirmed.shopper.tolist()) == [4, 7]
    assert sorted(day.confirmed.role.tolist()) == [OPENER, STRANGER]
    assert day.confirmed.total == 22.0


def test_leftover_matched_seekers_open_a_partial_group_that_stays_listed():
    book = GroupBook.empty()
    p = rules(group_size=3, window_days=2, listing_match_prob=1.0)
    day = day_of(book, [1, 2, 3, 4], [1.0, 1.0, 1.0, 1.0], state=np.full(5, ACTIVE), params=p)
    assert day.formed == 1 and day.opened == 2
    assert day.confirmed.size == 3
    assert book.size == 1 and book.member_count.tolist() == [1]


def test_the_partial_group_of_matched_seekers_is_shared_with_the_openers_friends():
    book = GroupBook.empty()
    p = rules(group_size=2, listing_match_prob=1.0)
    day = day_of(book, [1], [3.0], state=np.full(3, ACTIVE), ties_of=ties_from({1: [2]}), params=p)
    assert day.formed == 1
    assert day.confirmed.shopper.tolist() == [1, 2]
    assert day.confirmed.role.tolist() == [OPENER, FRIEND]


def test_the_list_shows_groups_missing_fewest_members_first():
    book = GroupBook.empty()
    state = np.full(6, ACTIVE)
    p = rules(group_size=3, window_days=2, shares_per_group=1)
    # group of 0 gets friend 1 (needs one more); group of 2 stays alone (needs two)
    day_of(book, [0, 2], [1.0, 1.0], state=state, ties_of=ties_from({0: [1]}), params=p)
    assert sorted(book.member_count.tolist()) == [1, 2]
    today = day_of(
        book,
        [5],
        [2.0],
        day=1,
        state=state,
        params=rules(group_size=3, window_days=2, listing_match_prob=1.0),
    )
    assert today.formed == 1
    assert sorted(today.confirmed.shopper.tolist()) == [0, 1, 5]


def test_an_opener_shares_with_at_most_shares_per_group_of_their_ties():
    state = np.full(30, PROSPECT)
    ties = list(range(10, 20))
    p = rules(group_size=20, shares_per_group=3)
    day = day_of(GroupBook.empty(), [0], [1.0], state=state, ties_of=ties_from({0: ties}), params=p)
    friends = day.paid.shopper[day.paid.role == FRIEND]
    assert friends.size == 3 and set(friends.tolist()) <= set(ties)


def test_a_group_is_shared_only_on_the_day_it_opens():
    book = GroupBook.empty()
    state = np.full(2, PROSPECT)
    friends = ties_from({0: [1]})
    p = rules(window_days=2)
    day_of(book, [0], [1.0], state=state, ties_of=friends, params=p, join_prob=np.zeros(2))
    later = day_of(book, [], [], day=1, state=state, ties_of=friends, params=p)
    assert later.friend_joins == 0 and later.lapsed == 1


def test_existing_customers_join_as_friends_and_are_confirmed_not_adopted():
    book = GroupBook.empty()
    state = np.array([ACTIVE, ACTIVE, WON_BACK])
    day = day_of(
        book,
        [0, 2],
        [1.0, 1.0],
        state=state,
        ties_of=ties_from({0: [1]}),
        params=rules(window_days=2),
    )
    assert day.confirmed.shopper.tolist() == [0, 1]
    assert day.confirmed.state.tolist() == [ACTIVE, ACTIVE]
    assert day.joined_prospects.size == 0 and day.joined_churned.size == 0


def test_prospect_friends_who_join_are_reported_for_adoption():
    book = GroupBook.empty()
    state = np.array([ACTIVE, PROSPECT, PROSPECT, ACTIVE])
    day = day_of(
        book, [0], [1.0], state=state, ties_of=ties_from({0: [1, 2, 3]}), params=rules(group_size=4)
    )
    assert day.formed == 1
    assert sorted(day.joined_prospects.tolist()) == [1, 2]
    assert day.joined_churned.size == 0
    confirmed_prospects = day.confirmed.shopper[day.confirmed.state == PROSPECT]
    assert sorted(confirmed_prospects.tolist()) == [1, 2]


def test_churned_friends_are_reported_separately_from_prospects():
    book = GroupBook.empty()
    state = np.array([ACTIVE, CHURNED, PROSPECT])
    day = day_of(
        book, [0], [1.0], state=state, ties_of=ties_from({0: [1, 2]}), params=rules(group_size=3)
    )
    assert day.joined_churned.tolist() == [1]
    assert day.joined_prospects.tolist() == [2]


def test_join_probability_follows_lifecycle_state():
    p = rules(prospect_join_prob=0.2, customer_join_prob=0.6)
    probs = join_probability(np.array([PROSPECT, ACTIVE, CHURNED, WON_BACK]), p)
    assert probs.tolist() == [0.2, 0.6, 0.2, 0.6]


def test_friends_join_at_the_rate_of_their_state():
    state = np.array([ACTIVE] + [PROSPECT] * 2000 + [ACTIVE] * 2000, dtype=np.int8)
    friends = ties_from({0: list(range(1, 4001))})
    p = rules(
        group_size=5000, shares_per_group=4000, prospect_join_prob=0.1, customer_join_prob=0.4
    )
    day = day_of(GroupBook.empty(), [0], [1.0], state=state, ties_of=friends, params=p)
    joined = day.paid.shopper[day.paid.role == FRIEND]
    assert abs((joined <= 2000).sum() / 2000 - 0.1) < 0.03
    assert abs((joined > 2000).sum() / 2000 - 0.4) < 0.04


def test_a_per_shopper_join_probability_replaces_the_state_rule():
    state = np.full(3, ACTIVE)
    join_prob = np.array([0.0, 0.0, 1.0])
    day = day_of(
        GroupBook.empty(),
        [0],
        [1.0],
        state=state,
        ties_of=ties_from({0: [1, 2]}),
        params=rules(group_size=3, window_days=2),
        join_prob=join_prob,
    )
    assert day.paid.shopper[day.paid.role == FRIEND].tolist() == [2]


def test_a_shopper_joins_at_most_one_group_a_day():
    book = GroupBook.empty()
    state = np.full(3, PROSPECT)
    day = day_of(
        book,
        [0, 2],
        [1.0, 1.0],
        state=state,
        ties_of=ties_from({0: [1], 2: [1]}),
        params=rules(window_days=2),
    )
    assert Counter(day.paid.shopper.tolist())[1] == 1
    assert day.formed == 1 and day.friend_joins == 1 and book.size == 1
    assert day.joined_prospects.tolist().count(1) == 1


def test_seekers_do_not_join_friends_groups_as_friends():
    book = GroupBook.empty()
    day = day_of(
        book,
        [0, 1],
        [1.0, 1.0],
        state=np.full(2, ACTIVE),
        ties_of=ties_from({0: [1], 1: [0]}),
        params=rules(window_days=2),
    )
    assert day.friend_joins == 0 and day.formed == 0
    assert book.member_count.tolist() == [1, 1]


def test_a_shopper_never_joins_their_own_group():
    book = GroupBook.empty()
    state = np.full(2, ACTIVE)
    p = rules(window_days=3, listing_match_prob=1.0)
    # shopper 0 lists itself as its own friend: the share is dropped
    day_of(book, [0], [1.0], state=state, ties_of=ties_from({0: [0]}), params=p)
    assert book.member_count.tolist() == [1]
    # next day shopper 0 looks at the list, where only their own group is open
    today = day_of(book, [0], [1.0], day=1, state=state, params=p)
    assert today.formed == 0 and today.opened == 1
    assert book.size == 2 and book.member_count.tolist() == [1, 1]
    pairs = list(zip(book.members.shopper.tolist(), book.members.group.tolist(), strict=True))
    assert len(set(pairs)) == len(pairs)


def test_duplicate_seekers_are_refused():
    with pytest.raises(ValueError, match="distinct"):
        day_of(GroupBook.empty(), [1, 1], [1.0, 1.0], state=np.full(2, ACTIVE))


def test_rules_out_of_range_are_refused():
    with pytest.raises(ValueError, match="group_size"):
        rules(group_size=1)
    with pytest.raises(ValueError, match="listing_match_prob"):
        rules(listing_match_prob=1.5)


def test_nothing_forms_without_joins_or_the_list():
    book = GroupBook.empty()
    rng = np.random.default_rng(3)
    n = 300
    state = rng.integers(0, 4, n).astype(np.int8)
    p = rules(
        group_size=2,
        window_days=3,
        prospect_join_prob=0.0,
        customer_join_prob=0.0,
        listing_match_prob=0.0,
    )
    for d in range(6):
        seekers = rng.choice(n, 40, replace=False)
        day = run_group_day(
            book,
            seekers,
            np.ones(40),
            day=d,
            state=state,
            order_value=np.ones(n),
            ties_of=random_ties(n, 8, rng),
            rng=rng,
            params=p,
        )
        assert day.formed == 0 and day.confirmed.size == 0
        assert day.friend_joins == 0 and day.stranger_joins == 0
        assert day.paid.size == seekers.size


def simulate(seed, days, p, n=200, seekers_per_day=30, contacts=6):
    """A random multi-day run; yields (book, day, seekers) after each day."""
    rng = np.random.default_rng(seed)
    state = rng.integers(0, 4, n).astype(np.int8)
    order_value = rng.gamma(3.0, 10.0, n)
    book = GroupBook.empty()
    for d in range(days):
        seekers = rng.choice(n, rng.integers(0, seekers_per_day + 1), replace=False)
        values = order_value[seekers] * 0.9
        day = run_group_day(
            book,
            seekers,
            values,
            day=d,
            state=state,
            order_value=order_value,
            ties_of=random_ties(n, contacts, rng),
            rng=rng,
            params=p,
        )
        yield book, day, seekers


group_rules = st.builds(
    GroupRules,
    group_size=st.integers(2, 5),
    window_days=st.integers(1, 4),
    shares_per_group=st.integers(0, 6),
    prospect_join_prob=st.floats(0, 1),
    customer_join_prob=st.floats(0, 1),
    listing_match_prob=st.floats(0, 1),
    price_factor=st.floats(0.5, 1.0),
)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), p=group_rules)
def test_slots_are_never_overfilled_and_nobody_joins_twice(seed, p):
    for book, day, seekers in simulate(seed, 8, p):
        assert (book.member_count <= p.group_size).all()
        assert (book.member_count >= 1).all()
        counted = np.bincount(book.positions(book.members.group), minlength=book.size)
        assert counted.tolist() == book.member_count.tolist()
        assert np.unique(day.paid.shopper).size == day.paid.size  # one group a day each
        assert set(seekers.tolist()) <= set(day.paid.shopper.tolist())
        friends = day.paid.shopper[day.paid.role == FRIEND]
        assert not np.isin(friends, seekers).any()
        formed_sizes = np.unique(day.confirmed.group, return_counts=True)[1]
        assert (formed_sizes == p.group_size).all() and formed_sizes.size == day.formed
        lapsed_sizes = np.unique(day.refunded.group, return_counts=True)[1]
        assert (lapsed_sizes < p.group_size).all() and lapsed_sizes.size == day.lapsed
        for rows in (book.members, day.confirmed, day.refunded):
            keys = rows.shopper * 10**9 + rows.group
            assert np.unique(keys).size == keys.size  # nobody twice in a group


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), p=group_rules)
def test_every_payment_is_confirmed_or_refunded_exactly_once(seed, p):
    paid, settled = Counter(), Counter()
    paid_total = settled_total = 0.0
    for book, day, _ in simulate(seed, 10, p):  # noqa: B007 (book is used after the loop)
        for rows, counter in ((day.paid, paid), (day.confirmed, settled), (day.refunded, settled)):
            counter.update(zip(rows.shopper.tolist(), rows.group.tolist(), strict=True))
        paid_total += day.paid.total
        settled_total += day.confirmed.total + day.refunded.total
    held = Counter(zip(book.members.shopper.tolist(), book.members.group.tolist(), strict=True))
    assert max(settled.values(), default=1) == 1 and max(held.values(), default=1) == 1
    assert paid == settled + held
    assert paid_total == pytest.approx(settled_total + book.held)
    # a group opened on day o lapses at the end of day o + window - 1; the last day is 9
    assert book.opened.min(initial=10**9) >= 11 - p.window_days


def test_same_seed_same_days():
    p = rules(
        group_size=3,
        window_days=2,
        shares_per_group=2,
        prospect_join_prob=0.3,
        customer_join_prob=0.5,
        listing_match_prob=0.4,
    )
    runs = [list(simulate(11, 6, p)) for _ in range(2)]
    for (_, a, _), (_, b, _) in zip(runs[0], runs[1], strict=True):
        for field in ("paid", "confirmed", "refunded"):
            x, y = getattr(a, field), getattr(b, field)
            assert x.shopper.tolist() == y.shopper.tolist()
            assert x.value.tolist() == y.value.tolist()
        assert (a.opened, a.formed, a.lapsed) == (b.opened, b.formed, b.lapsed)


def test_pick_shares_keeps_at_most_k_ties_per_owner_uniformly():
    owner = np.repeat(np.arange(20_000), 6)
    kept = pick_shares(owner, 2, np.random.default_rng(0))
    assert (np.bincount(owner[kept]) == 2).all()
    share = np.bincount(kept % 6) / 20_000
    assert np.allclose(share, 2 / 6, atol=0.02)
    few = np.array([3, 1, 1, 3, 2])  # unsorted owners, all with <= 2 ties
    assert pick_shares(few, 2, np.random.default_rng(0)).tolist() == [0, 1, 2, 3, 4]


def test_allocate_falls_back_on_a_later_invitation_when_the_first_group_is_full():
    group = np.array([0, 0, 1])
    shopper = np.array([5, 6, 6])
    assert allocate(group, shopper, np.array([1, 1])).tolist() == [True, False, True]


def test_fill_rate_is_formed_over_closed():
    assert fill_rate(1, 3) == 0.25
    assert np.isnan(fill_rate(0, 0))


def test_allocate_leaves_the_marks_buffer_zero():
    marks = np.zeros(10, dtype=np.int32)
    ok = allocate(np.array([0, 0, 1, 1]), np.array([5, 6, 5, 7]), np.array([1, 1]), marks=marks)
    assert ok.tolist() == [True, False, False, True]  # 5 takes group 0; 6 finds it full
    assert not marks.any()


def test_an_opener_shares_with_every_friend_of_the_csr_graph_when_they_have_few():
    # CSR rows of the path 0-1-2: shopper 1's ties are 0 and 2, both prospects who join
    ties = CsrTies(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]))
    state = np.array([PROSPECT, ACTIVE, PROSPECT])
    day = day_of(
        GroupBook.empty(), [1], [5.0], state=state, ties_of=ties, params=rules(group_size=3)
    )
    assert day.formed == 1 and day.friend_joins == 2
    assert sorted(day.joined_prospects.tolist()) == [0, 2]


def test_csr_ties_keep_every_tie_of_a_shopper_with_few_friends():
    # shopper 1's ties are 0 and 2 (CSR rows of a path 0-1-2); 2 shares keep both
    ties = CsrTies(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1]))
    owner, friend = ties.pick(np.array([1, 0]), 2, np.random.default_rng(0))
    assert owner.tolist() == [0, 0, 1] and friend.tolist() == [0, 2, 1]


def test_csr_ties_draw_the_same_shares_as_pick_shares_on_the_listed_ties():
    rng = np.random.default_rng(5)
    net = from_edges(300, rng.integers(0, 300, 2000), rng.integers(0, 300, 2000))
    openers = rng.choice(300, 80, replace=False)
    owner, friend = net.ties_of(openers)
    kept = pick_shares(owner, 3, np.random.default_rng(9))
    ties = CsrTies(net.adjacency.indptr, net.adjacency.indices)
    got = ties.pick(openers, 3, np.random.default_rng(9))
    assert got[0].tolist() == owner[kept].tolist() and got[1].tolist() == friend[kept].tolist()


@pytest.mark.parametrize(
    "join_prob, accept",
    # low probabilities: most shares are refused before their friend is looked up
    [(None, (0.5, 0.7)), ("per_shopper", (0.5, 0.7)), (None, (0.05, 0.15))],
)
def test_ties_read_from_the_csr_graph_give_the_days_of_the_listed_ties(join_prob, accept):
    rng = np.random.default_rng(5)
    n = 400
    net = from_edges(n, rng.integers(0, n, 3000), rng.integers(0, n, 3000))
    state = rng.integers(0, 4, n).astype(np.int8)
    prob = rng.random(n) if join_prob else None
    p = rules(
        group_size=3,
        window_days=2,
        shares_per_group=4,
        listing_match_prob=0.4,
        prospect_join_prob=accept[0],
        customer_join_prob=accept[1],
    )
    csr = CsrTies(net.adjacency.indptr, net.adjacency.indices)
    books, days = (GroupBook.empty(), GroupBook.empty()), ([], [])
    for d in range(5):
        seekers = rng.choice(n, 60, replace=False)
        for book, ties_of, out in zip(books, (net.ties_of, csr), days, strict=True):
            out.append(
                day_of(
                    book,
                    seekers,
                    np.ones(60),
                    day=d,
                    state=state,
                    ties_of=ties_of,
                    seed=d,
                    params=p,
                    join_prob=prob,
                )
            )
    for a, b in zip(*days, strict=True):
        assert a.paid.shopper.tolist() == b.paid.shopper.tolist()
        assert a.paid.group.tolist() == b.paid.group.tolist()
        assert a.confirmed.shopper.tolist() == b.confirmed.shopper.tolist()
    assert sum(day.friend_joins for day in days[0]) > 0


def test_orders_drawing_below_the_group_order_probability_seek_a_group_at_the_group_price():
    order_value = np.zeros(9)
    order_value[[2, 4, 6, 8]] = [10.0, 20.0, 30.0, 40.0]
    seekers, seeker_values, regular, regular_values = split_orders(
        np.array([2, 4, 6, 8]),
        order_value,
        np.array([0.3, 0.7, 0.29, 0.31]),
        group_order_prob=0.3,
        price_factor=0.75,
    )
    assert seekers.tolist() == [6] and seeker_values.tolist() == [22.5]  # 30 x 0.75
    assert regular.tolist() == [2, 4, 8] and regular_values.tolist() == [10.0, 20.0, 40.0]


def test_split_orders_refuses_an_order_of_a_shopper_outside_the_value_column():
    with pytest.raises(ValueError, match="shopper ids"):
        split_orders(
            np.array([1, 3]),
            np.ones(3),
            np.array([0.1, 0.9]),
            group_order_prob=0.5,
            price_factor=1.0,
        )


def test_newcomers_and_returning_lists_prospects_and_churned_members_once_each():
    state = np.array([ACTIVE, PROSPECT, CHURNED, WON_BACK, PROSPECT, CHURNED], dtype=np.int8)
    newcomers, returning = newcomers_and_returning(np.array([4, 2, 1, 3, 0, 4, 5, 2]), state)
    assert newcomers.tolist() == [1, 4] and returning.tolist() == [2, 5]
    assert newcomers.dtype == returning.dtype == np.int64
    with pytest.raises(ValueError, match="shopper ids"):
        newcomers_and_returning(np.array([6]), state)


def test_tally_orders_lists_each_shopper_once_with_the_sum_and_count_of_their_orders():
    ids = np.array([4, 1, 130, 4, 7, 4])
    values = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    shoppers, totals, counts = tally_orders(ids, values)
    assert shoppers.tolist() == [1, 4, 7, 130]
    assert totals.tolist() == [2.0, 41.0, 16.0, 4.0]  # 4: 1 + 8 + 32
    assert counts.tolist() == [1, 3, 1, 1]


def test_tally_orders_adds_a_second_list_of_orders_after_the_first():
    shoppers, totals, counts = tally_orders(
        np.array([4, 1]), np.array([1.0, 2.0]), more=(np.array([9, 4]), np.array([4.0, 8.0]))
    )
    assert shoppers.tolist() == [1, 4, 9]
    assert totals.tolist() == [2.0, 9.0, 4.0]
    assert counts.tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="shopper ids"):
        tally_orders(np.array([1]), np.array([1.0]), more=(np.array([-1]), np.array([1.0])))
    with pytest.raises(ValueError, match="bits holds 64 shoppers"):
        tally_orders(
            np.array([1]),
            np.array([1.0]),
            more=(np.array([64]), np.array([1.0])),
            bits=np.zeros(1, dtype=np.uint64),
        )


@settings(max_examples=50, deadline=None)
@given(ids=st.lists(st.integers(0, 300), max_size=80))
def test_tally_orders_is_unique_and_bincount(ids):
    ids = np.array(ids, dtype=np.int64)
    values = np.arange(ids.size) * 0.1 + 0.3
    bits = np.zeros(5, dtype=np.uint64)
    shoppers, totals, counts = tally_orders(ids, values, bits=bits)
    want, where = np.unique(ids, return_inverse=True)
    assert shoppers.tolist() == want.tolist()
    assert totals.tolist() == np.bincount(where, weights=values, minlength=want.size).tolist()
    assert counts.tolist() == np.bincount(where, minlength=want.size).tolist()
    assert not bits.any()


def test_the_deal_bonus_is_added_per_member_row_and_capped_at_one():
    satisfaction = np.array([0.5, 0.9, 0.3, 0.2])
    add_deal_bonus(satisfaction, np.array([0, 1, 0, 2]), 0.125)
    assert satisfaction.tolist() == [0.75, 1.0, 0.425, 0.2]
