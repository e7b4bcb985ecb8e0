import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.network import (
    NeighbourExposure,
    SocialNetwork,
    build_network,
    from_edges,
    random_graph,
    small_world,
)
from sim.params import ModelParams


def test_ring_lattice_without_rewiring_links_each_shopper_to_k_neighbours():
    net = small_world(20, 4, 0.0, np.ones(20), np.random.default_rng(0))
    assert (net.degree == 4).all()
    owner, friend = net.ties_of(np.array([0]))
    assert sorted(friend.tolist()) == [1, 2, 18, 19]


def test_small_world_keeps_mean_degree_and_is_symmetric_without_self_loops():
    net = small_world(5000, 10, 0.2, np.ones(5000), np.random.default_rng(1))
    a = net.adjacency
    assert net.degree.mean() == pytest.approx(10, abs=0.05)
    assert (a != a.T).nnz == 0
    assert a.diagonal().sum() == 0


def test_rewiring_favours_connected_shoppers():
    weights = np.where(np.arange(10_000) < 5000, 3.0, 1.0)
    net = random_graph(10_000, 10, weights, np.random.default_rng(2))
    # Chung-Lu: expected degree proportional to weight -> 3:1
    ratio = net.degree[:5000].mean() / net.degree[5000:].mean()
    assert ratio == pytest.approx(3.0, rel=0.05)


def test_same_seed_same_graph_other_seed_other_graph():
    p = ModelParams(population={"size": 2000})
    seg = np.zeros(2000, dtype=np.int8)
    a = build_network(p, seg, np.random.default_rng(5)).adjacency
    b = build_network(p, seg, np.random.default_rng(5)).adjacency
    c = build_network(p, seg, np.random.default_rng(6)).adjacency
    assert (a != b).nnz == 0
    assert (a != c).nnz > 0


def test_fully_mixed_population_hears_the_population_mean():
    net = SocialNetwork(size=4, adjacency=None)
    exposure = NeighbourExposure(net, width=1)
    exposure.update(np.array([[1], [0], [0], [1]], dtype=np.float32))
    assert exposure.share(np.arange(4))[:, 0].tolist() == [0.5] * 4


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_incremental_exposure_equals_recomputing_from_scratch(seed):
    rng = np.random.default_rng(seed)
    net = small_world(300, 6, 0.3, np.ones(300), rng)
    exposure = NeighbourExposure(net, width=2)
    for _ in range(4):
        signal = (rng.random((300, 2)) < 0.3).astype(np.float32)
        exposure.update(signal)
    expected = net.neighbour_share(signal)
    np.testing.assert_allclose(exposure.share(np.arange(300)), expected, atol=1e-6)


def test_edges_list_drops_self_loops_and_repeats():
    net = from_edges(3, np.array([0, 0, 1, 2]), np.array([1, 1, 0, 2]))
    assert net.degree.tolist() == [1, 1, 0]


def test_exposure_after_updates_equals_the_neighbour_mean_recomputed_from_scratch():
    rng = np.random.default_rng(3)
    net = small_world(500, 6, 0.2, np.ones(500), rng)
    exposure = NeighbourExposure(net, width=2)
    for _ in range(5):  # a few days of signals, some rows unchanged from the day before
        signal = exposure.signal.copy()
        rows = rng.random(500) < 0.3
        signal[rows] = rng.integers(0, 3, (int(rows.sum()), 2)).astype(np.float32)
        exposure.update(signal)
    expected = net.neighbour_share(signal.astype(float))
    np.testing.assert_allclose(exposure.share(np.arange(500)), expected, atol=1e-12)
    np.testing.assert_array_equal(
        exposure.share(np.arange(500), column=1), exposure.share(np.arange(500))[:, 1]
    )


@pytest.mark.parametrize("kind", ["small_world", "fully_mixed"])
def test_heard_keeps_exactly_the_positive_shares(kind):
    rng = np.random.default_rng(8)
    net = build_network(
        ModelParams(population={"size": 400}, network={"kind": kind}),
        np.zeros(400, dtype=np.int8),
        rng,
    )
    exposure = NeighbourExposure(net, width=2)
    exposure.update((rng.random((400, 2)) < 0.05).astype(np.float32))
    index = np.arange(0, 400, 3)
    share = exposure.share(index, column=1)
    who, heard = exposure.heard(index, column=1)
    np.testing.assert_array_equal(who, index[share > 0])
    np.testing.assert_array_equal(heard, share[share > 0])
    assert 0 < who.size < index.size or kind == "fully_mixed"


def test_ties_of_lists_each_shoppers_ties_in_order_of_the_shoppers_given():
    # shopper 1's ties are 0 and 2, shopper 3's only tie is 2, shopper 0's is 1
    net = from_edges(4, np.array([0, 1, 2]), np.array([1, 2, 3]))
    owner, friend = net.ties_of(np.array([3, 1, 0]))
    assert owner.tolist() == [0, 1, 1, 2]
    assert friend.tolist() == [2, 0, 2, 1]
    assert owner.dtype == np.int64
    assert [a.size for a in net.ties_of(np.array([], dtype=np.int64))] == [0, 0]


def test_publish_silences_earlier_speakers_who_do_not_speak_again():
    # a path 0 - 1 - 2: shopper 1 hears the mean of 0 and 2
    net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
    exposure = NeighbourExposure(net, width=2)
    exposure.publish(np.array([0, 2]), np.array([[1, 0], [3, 1]], dtype=np.float32))
    assert exposure.share(np.array([1])).tolist() == [[2.0, 0.5]]
    exposure.publish(np.array([2]), np.array([[3, 1]], dtype=np.float32))  # 0 falls silent
    assert exposure.share(np.array([1])).tolist() == [[1.5, 0.5]]
    assert exposure.signal.tolist() == [[0, 0], [0, 0], [3, 1]]
    exposure.publish(np.array([], dtype=np.int64), np.empty((0, 2), dtype=np.float32))
    assert exposure.share(np.arange(3)).tolist() == [[0.0, 0.0]] * 3


def test_publish_adds_a_days_changes_up_before_adding_them_to_the_running_sum():
    # shopper 0 hears 1, 2 and 3; 1e16 + 1 + 1 rounds back to 1e16 term by term, but
    # the day's changes 1 + 1 = 2 added at once give 1e16 + 2 exactly
    net = from_edges(4, np.array([0, 0, 0]), np.array([1, 2, 3]))
    exposure = NeighbourExposure(net, width=1)
    exposure.publish(np.array([1]), np.array([[1e16]], dtype=np.float32))
    exposure.publish(np.array([1, 2, 3]), np.array([[1e16], [1], [1]], dtype=np.float32))
    assert exposure.sums[0, 0] == float(np.float32(1e16)) + 2.0


def test_publish_refuses_speakers_out_of_order():
    net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
    exposure = NeighbourExposure(net, width=1)
    with pytest.raises(ValueError, match="ascending"):
        exposure.publish(np.array([2, 0]), np.ones((2, 1), dtype=np.float32))


def test_ties_of_many_scattered_shoppers_are_their_adjacency_rows_in_turn():
    net = small_world(2000, 8, 0.3, np.ones(2000), np.random.default_rng(11))
    shoppers = np.random.default_rng(12).choice(2000, 300, replace=False)
    owner, friend = net.ties_of(shoppers)
    rows = [net.adjacency[s].indices for s in shoppers]  # scipy's row of each shopper
    assert friend.tolist() == np.concatenate(rows).tolist()
    assert owner.tolist() == np.repeat(np.arange(300), [r.size for r in rows]).tolist()


def _bincount_sums(net, days):
    """The running sums as the publish docstring defines them, day by day with np.bincount.

    Each day, the changed shoppers in id order, each one's ties in CSR order, the
    changes (float64) added up per friend by np.bincount and added to the sums once.
    """
    n, width = net.size, days[0][1].shape[1]
    signal, sums = np.zeros((n, width), np.float32), np.zeros((n, width))
    for speakers, said in days:
        new = np.zeros_like(signal)
        new[speakers] = said
        changed = np.flatnonzero((new != signal).any(axis=1))
        owner, friend = net.ties_of(changed)
        change = new[changed].astype(float) - signal[changed].astype(float)
        for c in range(width):
            sums[:, c] += np.bincount(friend, weights=change[owner, c], minlength=n)
        signal = new
    return sums


def _random_days(rng, n, values, count=6):
    days = []
    for _ in range(count):
        speakers = np.flatnonzero(rng.random(n) < 0.4)
        days.append((speakers, rng.choice(values, (speakers.size, 2)).astype(np.float32)))
    return days


@pytest.mark.parametrize(
    ("values", "exact"),
    [
        ([0.0, 0.5, 1.0, 1.5, 3.0], True),  # multiples of 2^-24, far below 2^53 of them
        ([0.0, 1.0, 3.0, 2.0**54, 1e-3], False),  # sums of 2^54 and 1 round
    ],
)
def test_publish_gives_the_sums_of_np_bincount_on_either_path(values, exact):
    rng = np.random.default_rng(21)
    net = small_world(400, 8, 0.3, np.ones(400), rng)
    days = _random_days(rng, 400, values)
    exposure = NeighbourExposure(net, width=2)
    for speakers, said in days:
        exposure.publish(speakers, said)
    assert exposure._exact is exact  # the changes added straight to the sums, or not
    expected = _bincount_sums(net, days)
    np.testing.assert_array_equal(exposure.sums.view(np.int64), expected.view(np.int64))


def test_a_silent_shoppers_change_is_added_in_id_order_when_sums_round():
    # shopper 0 hears 1, 2 and 3; 1 falls silent as 2 and 3 speak: the changes
    # -1, 3, 2^54 add up to 2^54 in id order (2 + 2^54 rounds to even), to
    # 2^54 + 4 with the speakers' first
    net = from_edges(4, np.array([0, 0, 0]), np.array([1, 2, 3]))
    exposure = NeighbourExposure(net, width=1)
    exposure.publish(np.array([1]), np.array([[1.0]], dtype=np.float32))
    exposure.publish(np.array([2, 3]), np.array([[3.0], [2.0**54]], dtype=np.float32))
    in_id_order = 1.0 + np.bincount([0, 0, 0], weights=[-1.0, 3.0, 2.0**54])[0]
    assert exposure.sums[0, 0] == in_id_order == 2.0**54


def test_a_nan_signal_ends_the_exact_path():
    net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
    exposure = NeighbourExposure(net, width=1)
    exposure.publish(np.array([0]), np.array([[1.0]], dtype=np.float32))
    assert exposure._exact
    exposure.publish(np.array([0]), np.array([[np.nan]], dtype=np.float32))
    exposure.publish(np.array([0]), np.array([[1.0]], dtype=np.float32))
    assert not exposure._exact
    assert np.isnan(exposure.sums[1, 0])  # a change from NaN is NaN: so is the sum


def test_publish_refuses_ids_out_of_range():
    net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
    exposure = NeighbourExposure(net, width=1)
    for ids in ([-1, 0], [0, 3]):
        with pytest.raises(ValueError, match="ascending"):
            exposure.publish(np.array(ids), np.ones((2, 1), dtype=np.float32))


def test_changes_go_straight_to_the_sums_while_2_ties_largest_is_below_2_53_quanta():
    # one tie each; the smallest signal 1.0 has a float32 spacing (quantum) of 2^-23,
    # so the sums stay exact while 2 * 1 * largest < 2^53 * 2^-23 = 2^30
    exposure = NeighbourExposure(from_edges(2, np.array([0]), np.array([1])), width=1)
    exposure.publish(np.array([0, 1]), np.array([[1.0], [2.0**28]], dtype=np.float32))
    assert exposure._exact
    exposure.publish(np.array([0, 1]), np.array([[1.0], [2.0**29]], dtype=np.float32))
    assert not exposure._exact  # 2 * 2^29 is not below 2^30: for good
    exposure.publish(np.array([0, 1]), np.array([[1.0], [1.0]], dtype=np.float32))
    assert not exposure._exact
    assert exposure.sums[:, 0].tolist() == [1.0, 1.0]
