import numpy as np

from experiments.seeds import replication_seed, seed_record


def test_replication_seed_equals_spawning_from_the_master_seed():
    spawned = np.random.SeedSequence(123).spawn(5)
    for r in range(5):
        assert (replication_seed(123, r).generate_state(4) == spawned[r].generate_state(4)).all()


def test_seed_record_lists_entropy_and_spawn_keys():
    assert seed_record(9, 3) == {"entropy": 9, "spawn_keys": [[0], [1], [2]]}
