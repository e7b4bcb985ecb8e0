"""The social graph: generated without a per-shopper loop, stored as CSR.

Three kinds: a Watts-Strogatz small world (ring lattice with rewired ties), an
Erdos-Renyi-like random graph with expected degrees proportional to each shopper's
connectedness (Chung & Lu 2002), and the fully mixed population of the Bass model,
which has no graph at all: everyone hears everyone.

Examples
--------
>>> import numpy as np
>>> net = small_world(1000, mean_degree=10, rewire_prob=0.1,
...                   weights=np.ones(1000), rng=np.random.default_rng(0))
>>> round(float(net.degree.mean()), 1)
10.0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from sim.jit import AHEAD, kernel, prefetch
from sim.params import ModelParams


@dataclass
class SocialNetwork:
    """An undirected social graph, or the fully mixed population when ``adjacency`` is None.

    Attributes
    ----------
    size : int
        Number of shoppers.
    adjacency : scipy.sparse.csr_matrix or None
        Symmetric 0/1 adjacency matrix (float32), no self-loops; None when fully mixed.
    """

    size: int
    adjacency: sp.csr_matrix | None

    @property
    def fully_mixed(self) -> bool:
        """True when everyone hears everyone (no graph)."""
        return self.adjacency is None

    @property
    def degree(self) -> np.ndarray:
        """Number of ties of each shopper (N - 1 for everyone when fully mixed)."""
        if self.adjacency is None:
            return np.full(self.size, self.size - 1)
        return np.diff(self.adjacency.indptr)

    def neighbour_share(self, values: np.ndarray) -> np.ndarray | float:
        """Mean of ``values`` over each shopper's ties (0 for a shopper with none).

        Parameters
        ----------
        values : numpy.ndarray
            One number per shopper, shape (N,) or (N, k) for k quantities at once.

        Returns
        -------
        numpy.ndarray or float
            Per-shopper neighbour means; for the fully mixed population, the
            population mean (a scalar, or shape (k,)).

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> net.neighbour_share(np.array([1.0, 0.0, 1.0])).tolist()
        [0.0, 1.0, 0.0]
        """
        if self.adjacency is None:
            return values.mean(axis=0)
        sums = self.adjacency @ values.astype(np.float32, copy=False)
        degree = np.maximum(self.degree, 1).astype(np.float32)
        return sums / (degree[:, None] if sums.ndim == 2 else degree)

    def ties_of(self, shoppers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All ties of the given shoppers, as (position in ``shoppers``, friend id).

        Parameters
        ----------
        shoppers : numpy.ndarray
            Shopper ids.

        Returns
        -------
        tuple of numpy.ndarray
            ``owner[k]`` indexes ``shoppers``; ``friend[k]`` is a tie of that shopper.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 0]), np.array([1, 2]))
        >>> [a.tolist() for a in net.ties_of(np.array([0, 2]))]
        [[0, 0, 1], [1, 2, 0]]
        """
        if self.adjacency is None:
            raise ValueError("a fully mixed population has no ties to list")
        indptr = self.adjacency.indptr
        start, stop = indptr[shoppers], indptr[shoppers + 1]
        counts = stop - start
        owner = np.repeat(np.arange(shoppers.size), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, self.adjacency.indices[np.repeat(start, counts) + offsets]

    def nbytes(self) -> int:
        """Memory held by the graph, in bytes."""
        if self.adjacency is None:
            return 0
        a = self.adjacency
        return a.data.nbytes + a.indices.nbytes + a.indptr.nbytes


def from_edges(n: int, source: np.ndarray, target: np.ndarray) -> SocialNetwork:
    """Build an undirected graph from an edge list (self-loops and repeats dropped).

    Parameters
    ----------
    n : int
        Number of shoppers.
    source, target : numpy.ndarray
        Endpoints of each tie.

    Returns
    -------
    SocialNetwork

    Examples
    --------
    >>> from_edges(3, np.array([0, 1, 1]), np.array([1, 0, 1])).degree.tolist()
    [1, 1, 0]
    """
    index_type = _index_type(n)
    keep = source != target
    source = source[keep].astype(index_type, copy=False)
    target = target[keep].astype(index_type, copy=False)
    rows = np.concatenate([source, target])
    cols = np.concatenate([target, source])
    del source, target
    adjacency = sp.csr_matrix(
        (np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n, n), copy=False
    )
    del rows, cols
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    return SocialNetwork(size=n, adjacency=adjacency)


def _index_type(n: int) -> type[np.signedinteger]:
    """The narrowest index type for ``n`` shoppers (int32 below 2**31: half the memory)."""
    return np.int32 if n < 2**31 else np.int64


def _weighted_ids(count: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum(weights)
    ids = np.searchsorted(cumulative, rng.random(count) * cumulative[-1], side="right")
    return np.minimum(ids, weights.size - 1)


def small_world(
    n: int, mean_degree: float, rewire_prob: float, weights: np.ndarray, rng: np.random.Generator
) -> SocialNetwork:
    """Watts-Strogatz small world: a ring lattice whose ties are rewired at random.

    Parameters
    ----------
    n : int
        Number of shoppers.
    mean_degree : float
        Ties per shopper; the lattice links each shopper to round(mean_degree / 2)
        followers on the ring.
    rewire_prob : float
        Probability that a tie's far end moves to a random shopper, drawn with
        probability proportional to ``weights`` (so well-connected segments collect
        more ties).
    weights : numpy.ndarray
        Per-shopper connectedness.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialNetwork

    References
    ----------
    Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of 'small-world'
    networks. Nature 393, 440-442.

    Examples
    --------
    >>> net = small_world(10, 2, 0.0, np.ones(10), np.random.default_rng(0))
    >>> net.degree.tolist() == [2] * 10
    True
    """
    half = int(round(mean_degree / 2))
    if n < 2 or half == 0:
        return from_edges(n, np.empty(0, np.int64), np.empty(0, np.int64))
    half = min(half, (n - 1) // 2) or 1
    index_type = _index_type(n)
    source = np.repeat(np.arange(n, dtype=index_type), half)
    target = (source + np.tile(np.arange(1, half + 1, dtype=index_type), n)) % n
    rewired = rng.random(source.size) < rewire_prob
    target[rewired] = _weighted_ids(int(rewired.sum()), weights, rng)
    return from_edges(n, source, target)


def random_graph(
    n: int, mean_degree: float, weights: np.ndarray, rng: np.random.Generator
) -> SocialNetwork:
    """Random graph with expected degree proportional to ``weights`` (Chung-Lu).

    Parameters
    ----------
    n : int
        Number of shoppers.
    mean_degree : float
        Mean ties per shopper.
    weights : numpy.ndarray
        Per-shopper connectedness (relative expected degree).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialNetwork

    References
    ----------
    Chung, F. & Lu, L. (2002). Connected components in random graphs with given
    expected degree sequences. Annals of Combinatorics 6, 125-145.

    Examples
    --------
    >>> net = random_graph(20_000, 10, np.ones(20_000), np.random.default_rng(0))
    >>> round(float(net.degree.mean()))
    10
    """
    edges = int(round(n * mean_degree / 2))
    return from_edges(n, _weighted_ids(edges, weights, rng), _weighted_ids(edges, weights, rng))


def build_network(
    params: ModelParams, segment: np.ndarray, rng: np.random.Generator
) -> SocialNetwork:
    """The network the parameters ask for, with each segment's connectedness.

    Parameters
    ----------
    params : ModelParams
        Network kind, mean degree, rewiring; segment connectedness.
    segment : numpy.ndarray
        Segment index of each shopper.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialNetwork

    Examples
    --------
    >>> p = ModelParams(population={"size": 50}, network={"kind": "fully_mixed"})
    >>> build_network(p, np.zeros(50, dtype=int), np.random.default_rng(0)).fully_mixed
    True
    """
    n, net = int(segment.shape[0]), params.network
    if net.kind == "fully_mixed":
        return SocialNetwork(size=n, adjacency=None)
    weights = np.array([s.connectedness for s in params.population.segments])[segment]
    if net.kind == "small_world":
        return small_world(n, net.mean_degree, net.rewire_prob, weights, rng)
    return random_graph(n, net.mean_degree, weights, rng)


class NeighbourExposure:
    """What each shopper hears from friends, kept as running sums over ties.

    Each day the model hands over what its speakers (the current customers) say
    to friends; everyone else says nothing. Only the shoppers whose signal changed
    are propagated to their ties, so a day costs O(speakers + changes × degree)
    rather than O(edges).

    Parameters
    ----------
    network : SocialNetwork
        The graph (or the fully mixed population).
    width : int
        Number of signals per shopper.

    Examples
    --------
    >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
    >>> exposure = NeighbourExposure(net, width=1)
    >>> exposure.update(np.array([[1.0], [0.0], [1.0]], dtype=np.float32))
    >>> exposure.share(np.arange(3))[:, 0].tolist()
    [0.0, 1.0, 0.0]
    """

    def __init__(self, network: SocialNetwork, width: int) -> None:
        self.network = network
        n = network.size
        index_type = _index_type(n)
        self.signal = np.zeros((n, width), dtype=np.float32, order="F")
        n_cells = 0 if network.fully_mixed else n
        # per (shopper, signal), the running sum over ties, signal by signal (each
        # column contiguous: a stage reading one signal's sums of many shoppers
        # streams 8 bytes a shopper)
        self.sums = None if network.fully_mixed else np.zeros((n, width), order="F")
        #: per shopper, its number of ties (at least 1): a share is sum / ties (float64;
        #: an integer count converts exactly, in half the bytes of a float64 one)
        self.ties = np.maximum(network.degree, 1).astype(index_type)
        # the speakers of the last publish, ascending (only they can have a non-zero
        # signal), and a buffer the next publish lists its speakers in; per shopper,
        # the parity of the last publish it spoke at (a previous speaker whose mark
        # is not this publish's parity falls silent)
        self._listed = np.empty(n, dtype=index_type)
        self._n_listed = 0
        self._next_listed = np.empty(n, dtype=index_type)
        self._mark = np.zeros(n, dtype=np.uint8)
        self._parity = 0
        # the shoppers whose signal a publish changes, and the changes (float64)
        self._changed = np.empty(n_cells, dtype=index_type)
        self._changes = np.empty((n_cells, width))
        # the smallest non-zero and the largest magnitude of any signal ever stored
        # (NaN once a NaN was), and the largest number of ties: while they keep every
        # running sum exact, a publish adds the changes straight to the sums
        # (:meth:`_sums_stay_exact`); once not, for good, it adds them up per friend
        # first, in change sums (one row a friend) with the friends reached listed once
        # (``_reached`` marks them), allocated then
        self._extent = np.array([np.inf, 0.0])
        self._max_ties = int(self.ties.max(initial=0))
        self._exact = True
        self._pending = np.zeros((0, width))
        self._friends = np.empty(0, dtype=index_type)
        self._reached = np.zeros(0, dtype=np.uint8)

    def update(self, signal: np.ndarray) -> None:
        """Take every shopper's signal (shape (N, width), float32) and propagate the changes.

        The same as :meth:`publish` with every shopper speaking.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=1)
        >>> exposure.update(np.array([[1.0], [0.0], [1.0]], dtype=np.float32))
        >>> exposure.update(np.array([[1.0], [0.0], [0.0]], dtype=np.float32))
        >>> exposure.share(np.arange(3))[:, 0].tolist()
        [0.0, 0.5, 0.0]
        """
        self.publish(np.arange(self.signal.shape[0]), signal)

    def publish(self, speakers: np.ndarray, signal: np.ndarray) -> None:
        """Take today's signals of ``speakers``; every other shopper's signal is zero.

        A shopper's signal changed if any of its numbers changed (a shopper who
        spoke at the last publish and not now falls silent). Each friend's sums
        grow by the changes summed over its changed ties: per (friend, signal),
        the changes in the order of the changed shoppers' ids, then of their ties
        (:meth:`SocialNetwork.ties_of`), added up from 0 in float64 and then added
        to the running sum once (as ``np.bincount`` adds them). While every signal
        stored so far keeps these sums exact (``_sums_stay_exact``), that is the
        same as adding each change to the running sum as the ties are walked, which
        is what is done then.

        Parameters
        ----------
        speakers : numpy.ndarray
            Shopper ids, strictly ascending.
        signal : numpy.ndarray
            float32, shape (``speakers.size``, width): row ``k`` is what
            ``speakers[k]`` says.

        Raises
        ------
        ValueError
            If ``speakers`` is not strictly ascending shopper ids (the signals are
            then stored up to the first id out of order and not propagated).

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=1)
        >>> exposure.publish(np.array([0, 2]), np.array([[1.0], [1.0]], dtype=np.float32))
        >>> exposure.publish(np.array([2]), np.array([[3.0]], dtype=np.float32))
        >>> exposure.signal[:, 0].tolist(), exposure.share(np.arange(3))[:, 0].tolist()
        ([0.0, 0.0, 3.0], [0.0, 1.5, 0.0])
        """
        self.publish_by(_store_signals, speakers, signal)

    def publish_by(self, store: Any, speakers: np.ndarray, *args: Any) -> None:
        """Publish with a kernel that makes the speakers' signals as it stores them.

        :meth:`publish` hands over signals made beforehand; a rule that makes
        each speaker's signal from shopper columns can instead store it at once
        (one pass over the speakers, no buffer of signals): ``store`` is a kernel
        called as ``store(speakers, *args, listed, mark, parity, stored, changed,
        changes, extent)`` that does for each speaker what :func:`_store_signals`
        does with the signal it makes (checks the ids; lists the speaker in
        ``listed`` and marks it with ``parity``; stores its signal and, if it
        changed, lists it in ``changed`` with its float64 changes and widens
        ``extent``) and returns the number of changed speakers. The previous
        speakers now silent are then set to zero (:func:`_silence`) and the
        changes propagated as by :meth:`publish`.

        Parameters
        ----------
        store : numba dispatcher
            The store kernel.
        speakers : numpy.ndarray
            Shopper ids, strictly ascending.
        *args
            What ``store`` needs besides the exposure's buffers.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=1)
        >>> signal = np.array([[1.0], [1.0]], dtype=np.float32)
        >>> exposure.publish_by(_store_signals, np.array([0, 2]), signal)
        >>> exposure.share(np.arange(3))[:, 0].tolist()
        [0.0, 1.0, 0.0]
        """
        parity = 1 - self._parity
        changed = store(
            speakers,
            *args,
            self._next_listed,
            self._mark,
            parity,
            self.signal,
            self._changed,
            self._changes,
            self._extent,
        )
        changed = _silence(
            self._listed[: self._n_listed],
            self._mark,
            parity,
            self.signal,
            self._changed,
            self._changes,
            changed,
        )
        self._parity = parity
        self._listed, self._next_listed = self._next_listed, self._listed
        self._n_listed = speakers.size
        adjacency = self.network.adjacency
        if adjacency is None or self.sums is None:  # fully mixed: no ties
            return
        self._exact = self._exact and self._sums_stay_exact()
        if self._exact:
            _add_changes(
                self._changed[:changed],
                self._changes,
                self.sums,
                adjacency.indptr,
                adjacency.indices,
            )
            return
        if self._pending.shape[0] == 0:  # the first publish that needs them
            self._pending = np.zeros(self.sums.shape)
            self._friends = np.empty(self.sums.shape[0], dtype=self._changed.dtype)
            self._reached = np.zeros(self.sums.shape[0], dtype=np.uint8)
        # the changed speakers, then the silent: the changes in the order of the ids
        order = np.argsort(self._changed[:changed])
        _propagate(
            self._changed[:changed][order],
            self._changes[:changed][order],
            self.sums,
            self._pending,
            adjacency.indptr,
            adjacency.indices,
            self._friends,
            self._reached,
        )

    def _sums_stay_exact(self) -> bool:
        """Whether every running sum is exact whatever the order its changes are added in.

        Every signal ever stored is a float32 whose magnitude lies in
        [smallest, largest] (``_extent``, zeros aside), so it is an integer multiple of
        q = the float32 spacing at the smallest (2^(e−23) for its exponent e; every
        larger float32 has a coarser spacing that q divides). A change new − old is
        then a multiple of q of magnitude at most 2·largest; the sum of any subset of
        one publish's changes to a friend's ties at most 2·ties·largest; and the
        running sum plus some of them (the old signals of the other ties plus the new
        ones of these) at most ties·largest. A float64 holds every multiple of q below
        2^53·q exactly, so if 2·ties·largest < 2^53·q for the largest number of ties,
        every one of these additions is exact: adding each change straight to the sums
        gives the bits of adding them up per friend first (:func:`_propagate`), as long
        as the sums were exact before (they start at 0 and stay so while this holds;
        an exact zero is +0 either way). NaN or infinity fails the test.
        """
        smallest, largest = self._extent
        if largest == 0.0:
            return True
        quantum = float(np.spacing(np.float32(smallest)))
        return bool(2.0 * self._max_ties * largest < 2.0**53 * quantum)

    def max_share(self, column: int) -> float:
        """An upper bound of every shopper's ``share(...)[:, column]``.

        A mean over ties is at most the largest signal; the factor 1 + 10⁻⁹ covers
        the rounding of the running sums.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=1)
        >>> exposure.update(np.array([[2.0], [0.0], [1.0]], dtype=np.float32))
        >>> exposure.max_share(0) >= float(exposure.share(np.arange(3))[:, 0].max())
        True
        """
        if self.signal.shape[0] == 0:
            return 0.0
        return float(self.signal[:, column].max()) * (1.0 + 1e-9)

    def heard(self, index: np.ndarray, column: int) -> tuple[np.ndarray, np.ndarray]:
        """The shoppers of ``index`` who hear a positive ``column`` signal, and its share.

        The same as keeping the positive entries of ``share(index, column)``, but
        dividing by the degree only for them.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=1)
        >>> exposure.update(np.array([[1.0], [0.0], [1.0]], dtype=np.float32))
        >>> [a.tolist() for a in exposure.heard(np.arange(3), column=0)]
        [[1], [1.0]]
        """
        if self.sums is None:
            share = self.share(index, column)
            hears = share > 0
            return index[hears], share[hears]
        sums = self.sums[index, column]
        hears = sums > 0
        who = index[hears]
        return who, sums[hears] / self.ties[who]

    def share(self, index: np.ndarray, column: int | None = None) -> np.ndarray:
        """Mean signal over the ties of the shoppers in ``index``, shape (len, width).

        With ``column``, that signal only, shape (len,). In a fully mixed
        population every shopper hears the population mean.

        Examples
        --------
        >>> net = from_edges(3, np.array([0, 1]), np.array([1, 2]))
        >>> exposure = NeighbourExposure(net, width=2)
        >>> exposure.update(np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
        >>> exposure.share(np.array([1, 0]), column=1).tolist()
        [0.5, 1.0]
        """
        if self.sums is None:
            mean = self.signal.mean(axis=0, dtype=float)
            if column is not None:
                return np.broadcast_to(mean[column], (index.size,))
            return np.broadcast_to(mean, (index.size, self.signal.shape[1]))
        if column is not None:
            return self.sums[index, column] / self.ties[index]
        return self.sums[index] / self.ties[index, None]


@kernel
def _note_extent(value: np.float32, extent: np.ndarray) -> None:
    """Widen ``extent`` = [smallest non-zero, largest] magnitude of the stored signals by ``value``.

    A NaN makes the largest NaN for good (NaN fails every later comparison).
    """
    magnitude = abs(np.float64(value))
    if magnitude != 0.0 and magnitude < extent[0]:
        extent[0] = magnitude
    if magnitude > extent[1] or magnitude != magnitude:
        extent[1] = magnitude


@kernel
def _store_signals(
    speakers: np.ndarray,
    signal: np.ndarray,
    listed: np.ndarray,
    mark: np.ndarray,
    parity: int,
    stored: np.ndarray,
    changed: np.ndarray,
    changes: np.ndarray,
    extent: np.ndarray,
) -> int:
    """Store the speakers' signals; list the speakers, and who changed and by how much.

    Walks ``speakers``, checking that they are ascending shopper ids; copies
    each to ``listed`` and marks it with ``parity`` in ``mark``; if its signal
    (row ``k`` of ``signal`` for ``speakers[k]``) differs from the stored one,
    lists it in ``changed`` (so ascending) with its change new − old in float64,
    signal by signal, stores it, and widens ``extent`` by it
    (:func:`_note_extent`) (a buffer with no rows lists nobody: a fully mixed
    population only stores). Returns the number of changed speakers.
    """
    width = stored.shape[1]
    record = changed.size > 0
    n_changed = 0
    previous = -1
    for k in range(speakers.size):
        shopper = speakers[k]
        if shopper <= previous or shopper >= stored.shape[0]:
            raise ValueError("publish: the speakers must be shopper ids in ascending order")
        previous = shopper
        i = np.uint64(shopper)  # unsigned: Numba skips its negative-index test (walk ~15% faster)
        mark[i] = parity
        listed[k] = shopper
        differ = False
        for c in range(width):
            differ |= signal[k, c] != stored[i, c]
        if not differ:
            continue
        for c in range(width):
            if record:
                changes[n_changed, c] = np.float64(signal[k, c]) - np.float64(stored[i, c])
                _note_extent(signal[k, c], extent)
            stored[i, c] = signal[k, c]
        if record:
            changed[n_changed] = shopper
            n_changed += 1
    return n_changed


@kernel
def _silence(
    listed: np.ndarray,
    mark: np.ndarray,
    parity: int,
    stored: np.ndarray,
    changed: np.ndarray,
    changes: np.ndarray,
    n_changed: int,
) -> int:
    """Set to zero the signals of the previous speakers ``listed`` who did not speak now.

    A publish's store kernel marked today's speakers with ``parity``; each other
    previous speaker with a non-zero signal is listed in ``changed`` after the
    first ``n_changed`` (so ascending among themselves), with its change 0 − old
    in float64 (a buffer with no rows lists nobody). Returns the new number of
    changed shoppers.
    """
    width = stored.shape[1]
    record = changed.size > 0
    for k in range(listed.size):
        shopper = listed[k]
        i = np.uint64(shopper)  # unsigned: Numba skips its negative-index test (walk ~15% faster)
        if mark[i] == parity:
            continue
        differ = False
        for c in range(width):
            differ |= stored[i, c] != 0.0
        if not differ:
            continue
        for c in range(width):
            if record:
                changes[n_changed, c] = np.float64(0.0) - np.float64(stored[i, c])
            stored[i, c] = 0.0
        if record:
            changed[n_changed] = shopper
            n_changed += 1
    return n_changed


@kernel
def _propagate(
    changed: np.ndarray,
    changes: np.ndarray,
    sums: np.ndarray,
    pending: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    friends: np.ndarray,
    reached: np.ndarray,
) -> None:
    """Add the changes of the ``changed`` shoppers (ascending) to their friends' running sums.

    Each change goes to the change sums ``pending`` of the shopper's friends (zero
    before), each friend reached noted once in ``friends`` (marked in
    ``reached``); then every reached friend's change sums are added to its
    running sums ``sums`` once and reset to 0. These are the sums ``np.bincount``
    gives over the changes in the same order (changed shoppers ascending, each
    one's ties in CSR order), added as one array.

    The changed shoppers lie scattered over the arrays, so each step waits for
    memory; the loop asks ahead (:func:`prefetch`) for a later shopper's tie
    offsets, ties, and change sums (its own and nearby ids': most ties of a small
    world join shoppers a few ids apart), then for all its friends' change sums,
    and at the end for a later friend's change and running sums.
    """
    width = changes.shape[1]
    last = pending.shape[0] - 1
    by_signal = sums.T  # row c: signal c of every shopper (contiguous)
    n_friends = 0
    for k in range(changed.size):
        if k + AHEAD < changed.size:
            ahead = changed[k + AHEAD]
            prefetch(indptr, ahead)
            prefetch(reached, ahead)
            prefetch(pending, max(ahead - 4, 0))
            prefetch(pending, ahead)
            prefetch(pending, min(ahead + 4, last))
        if k + AHEAD // 2 < changed.size:
            prefetch(indices, indptr[changed[k + AHEAD // 2]])
        if k + AHEAD // 4 < changed.size:
            soon = changed[k + AHEAD // 4]
            for tie in range(indptr[soon], indptr[soon + 1]):
                prefetch(pending, indices[tie])
        shopper = changed[k]
        for tie in range(indptr[shopper], indptr[shopper + 1]):
            friend = indices[tie]
            if reached[friend] == 0:
                reached[friend] = 1
                friends[n_friends] = friend
                n_friends += 1
            for c in range(width):
                pending[friend, c] += changes[k, c]
    for k in range(n_friends):
        if k + AHEAD < n_friends:
            ahead = friends[k + AHEAD]
            prefetch(pending, ahead)
            for c in range(width):
                prefetch(by_signal[c], ahead)
        friend = friends[k]
        reached[friend] = 0
        for c in range(width):
            sums[friend, c] += pending[friend, c]
            pending[friend, c] = 0.0


@kernel
def _add_changes(
    changed: np.ndarray,
    changes: np.ndarray,
    sums: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
) -> None:
    """Add the changes of the ``changed`` shoppers straight to their friends' running sums.

    What :func:`_propagate` gives while every sum is exact
    (``NeighbourExposure._sums_stay_exact``): each change goes to each friend's
    sums as the ties are walked, with no change sums and no second pass. A zero
    change is skipped (most changes leave one signal as it was: a promoter stays
    no detractor), which leaves the same bits, the exact sums never being −0. The
    changed shoppers lie scattered, so the loop asks ahead (:func:`prefetch`)
    for a later shopper's tie offsets and ties, then for its friends' sums of
    each signal it changes.
    """
    width = changes.shape[1]
    by_signal = sums.T  # row c: signal c of every shopper (contiguous)
    for k in range(changed.size):
        if k + AHEAD < changed.size:
            prefetch(indptr, changed[k + AHEAD])
        if k + AHEAD // 2 < changed.size:
            prefetch(indices, indptr[changed[k + AHEAD // 2]])
        if k + AHEAD // 4 < changed.size:
            soon = changed[k + AHEAD // 4]
            for c in range(width):
                if changes[k + AHEAD // 4, c] != 0.0:
                    for tie in range(indptr[soon], indptr[soon + 1]):
                        prefetch(by_signal[c], indices[tie])
        shopper = changed[k]
        for c in range(width):
            change = changes[k, c]
            if change != 0.0:
                for tie in range(indptr[shopper], indptr[shopper + 1]):
                    sums[indices[tie], c] += change
