"""Seeds of an experiment: one SeedSequence per replication, shared by every arm.

Replication ``r`` of every strategy arm and scenario runs on the same random streams
(common random numbers), so arms are compared pairwise. The seeds derive from the
master seed alone, so results do not depend on the worker count, the order in which
runs finish, or the backend.

Examples
--------
>>> replication_seed(42, 3).spawn_key
(3,)
"""

from __future__ import annotations

import numpy as np


def replication_seed(master_seed: int, replication: int) -> np.random.SeedSequence:
    """The SeedSequence of one replication.

    Equal to ``numpy.random.SeedSequence(master_seed).spawn(n)[replication]`` for any
    ``n > replication``, but computed without spawning the ones before it.

    Parameters
    ----------
    master_seed : int
        The experiment's master seed (its entropy).
    replication : int
        Replication index, from 0.

    Returns
    -------
    numpy.random.SeedSequence

    Examples
    --------
    >>> a = replication_seed(7, 1).generate_state(2)
    >>> b = np.random.SeedSequence(7).spawn(2)[1].generate_state(2)
    >>> bool((a == b).all())
    True
    """
    return np.random.SeedSequence(master_seed, spawn_key=(replication,))


def seed_record(master_seed: int, replications: int) -> dict[str, object]:
    """The seeds of an experiment as plain data, for the manifest.

    Parameters
    ----------
    master_seed : int
        The master seed.
    replications : int
        Number of replications.

    Returns
    -------
    dict
        ``entropy`` (the master seed) and ``spawn_keys`` (one list per replication).

    Examples
    --------
    >>> seed_record(5, 2)
    {'entropy': 5, 'spawn_keys': [[0], [1]]}
    """
    return {
        "entropy": master_seed,
        "spawn_keys": [
            list(replication_seed(master_seed, r).spawn_key) for r in range(replications)
        ],
    }
