"""A small connected sample of the social network, for drawing.

Drawing 20,000 shoppers shows nothing; a uniform sample of a few hundred has almost
no ties between them. A snowball sample does: start from a few shoppers and add
their friends, then the friends' friends, until the sample is full, and keep the
ties among the sampled shoppers.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> ring = sp.csr_matrix(np.roll(np.eye(10), 1, axis=1) + np.roll(np.eye(10), -1, axis=1))
>>> sample = snowball_sample(ring, size=4, seeds=1, rng=np.random.default_rng(0))
>>> len(sample.nodes), len(sample.edges)
(4, 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class NetworkSample:
    """Shoppers drawn from a network and the ties among them.

    Attributes
    ----------
    nodes : numpy.ndarray
        Indices of the sampled shoppers in the population (sorted).
    edges : numpy.ndarray
        Shape (m, 2): each tie once, as positions in ``nodes`` (i < j).
    """

    nodes: np.ndarray
    edges: np.ndarray


def snowball_sample(
    adjacency: sp.csr_matrix,
    *,
    size: int,
    seeds: int,
    rng: np.random.Generator,
    eligible: np.ndarray | None = None,
) -> NetworkSample:
    """Sample up to ``size`` shoppers by breadth-first waves from random seed shoppers.

    Parameters
    ----------
    adjacency : scipy.sparse.csr_matrix
        Symmetric adjacency matrix of the population.
    size : int
        Largest number of shoppers in the sample.
    seeds : int
        Shoppers the waves start from (drawn among ``eligible``).
    rng : numpy.random.Generator
        Draws the seeds and which friends of the last wave fill the sample.
    eligible : numpy.ndarray of bool, optional
        Shoppers that may be sampled (default: everyone).

    Returns
    -------
    NetworkSample

    Raises
    ------
    ValueError
        If ``size`` or ``seeds`` is below 1.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> star = sp.csr_matrix(([1.0] * 6, ([0, 0, 0, 1, 2, 3], [1, 2, 3, 0, 0, 0])), (5, 5))
    >>> s = snowball_sample(star, size=10, seeds=1, rng=np.random.default_rng(1),
    ...                     eligible=np.array([True, True, True, True, False]))
    >>> s.nodes.tolist(), s.edges.tolist()
    ([0, 1, 2, 3], [[0, 1], [0, 2], [0, 3]])
    """
    if size < 1 or seeds < 1:
        raise ValueError(f"size and seeds must be at least 1, got size={size}, seeds={seeds}")
    n = adjacency.shape[0]
    allowed = np.ones(n, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    pool = np.flatnonzero(allowed)
    taken = np.zeros(n, dtype=bool)
    wave = rng.choice(pool, size=min(seeds, size, pool.size), replace=False)
    while wave.size:
        room = size - int(taken.sum())
        if wave.size > room:
            wave = rng.choice(wave, size=room, replace=False)
        taken[wave] = True
        if taken.sum() >= size:
            break
        reached = np.zeros(n, dtype=bool)
        reached[adjacency[wave].indices] = True
        wave = np.flatnonzero(reached & allowed & ~taken)
    nodes = np.flatnonzero(taken)
    sub = sp.triu(adjacency[nodes][:, nodes], k=1).tocoo()
    edges = np.column_stack([sub.row, sub.col]).astype(np.int64)
    return NetworkSample(nodes=nodes, edges=edges)


def spring_positions(sample: NetworkSample, *, seed: int) -> np.ndarray:
    """Where to draw the sampled shoppers: a force-directed (spring) layout.

    Parameters
    ----------
    sample : NetworkSample
        The sample.
    seed : int
        Seed of the layout's starting positions (the same seed, the same picture).

    Returns
    -------
    numpy.ndarray
        Shape (len(nodes), 2), in [-1, 1].

    Examples
    --------
    >>> s = NetworkSample(nodes=np.array([4, 9]), edges=np.array([[0, 1]]))
    >>> spring_positions(s, seed=0).shape
    (2, 2)
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(len(sample.nodes)))
    graph.add_edges_from(sample.edges.tolist())
    layout = nx.spring_layout(graph, seed=seed)
    return np.array([layout[k] for k in range(len(sample.nodes))], dtype=float)
