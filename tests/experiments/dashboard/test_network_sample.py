from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from experiments.dashboard.network_sample import NetworkSample, snowball_sample, spring_positions
from sim import ShopperModel
from sim.states import OUTSIDE


def _graph(n: int, p: float, seed: int) -> sp.csr_matrix:
    upper = sp.triu(sp.random(n, n, density=p, random_state=seed, data_rvs=np.ones), k=1)
    return ((upper + upper.T) > 0).astype(np.float32).tocsr()


def test_the_sample_holds_every_tie_among_its_shoppers_and_no_other():
    graph = _graph(400, 0.02, seed=1)
    sample = snowball_sample(graph, size=60, seeds=2, rng=np.random.default_rng(0))
    assert len(sample.nodes) == 60
    induced = graph[sample.nodes][:, sample.nodes].toarray()
    drawn = np.zeros_like(induced)
    drawn[sample.edges[:, 0], sample.edges[:, 1]] = 1
    assert np.array_equal(drawn + drawn.T, induced)
    assert (sample.edges[:, 0] < sample.edges[:, 1]).all()


def test_a_snowball_is_connected_where_a_uniform_sample_is_not():
    # 60 of 400 shoppers with 8 ties each: a uniform sample keeps about 60*8*59/399/2 = 35
    # ties; waves from 2 seeds keep at least the 59 ties that reached each new shopper, less one
    graph = _graph(400, 0.02, seed=1)
    sample = snowball_sample(graph, size=60, seeds=2, rng=np.random.default_rng(0))
    assert len(sample.edges) >= 60 - 2


def test_only_eligible_shoppers_are_sampled():
    graph = _graph(200, 0.05, seed=2)
    eligible = np.arange(200) % 2 == 0
    sample = snowball_sample(
        graph, size=50, seeds=3, rng=np.random.default_rng(1), eligible=eligible
    )
    assert eligible[sample.nodes].all()


def test_the_same_generator_seed_gives_the_same_sample_and_picture():
    graph = _graph(300, 0.03, seed=3)
    a, b = (snowball_sample(graph, size=40, seeds=2, rng=np.random.default_rng(5)) for _ in "ab")
    assert np.array_equal(a.nodes, b.nodes) and np.array_equal(a.edges, b.edges)
    assert np.array_equal(spring_positions(a, seed=0), spring_positions(b, seed=0))


def test_the_model_network_sample_leaves_the_run_unchanged():
    model = ShopperModel({"population": {"size": 800}}, rng=4)
    untouched = ShopperModel({"population": {"size": 800}}, rng=4)
    eligible = model.shoppers.state != OUTSIDE
    sample = snowball_sample(
        model.network.adjacency, size=100, seeds=3, rng=np.random.default_rng(0), eligible=eligible
    )
    assert isinstance(sample, NetworkSample) and len(sample.nodes) <= 100
    model.run(5)
    untouched.run(5)
    assert model.daily_metrics().equals(untouched.daily_metrics())


@pytest.mark.parametrize(("size", "seeds"), [(0, 1), (5, 0)])
def test_an_empty_sample_is_refused(size, seeds):
    with pytest.raises(ValueError, match="must be at least 1"):
        snowball_sample(_graph(10, 0.2, 0), size=size, seeds=seeds, rng=np.random.default_rng(0))
