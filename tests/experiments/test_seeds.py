import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from experiments.seeds import replication_seed, seed_record


def test_replication_seed_equals_spawning_from_the_master_seed():
    spawned = np.random.SeedSequence(123).spawn(5)
    for r in range(5):
        assert (replication_seed(123, r).generate_state(4) == spawned[r].generate_state(4)).all()


def test_seed_record_lists_entropy_and_spawn_keys():
    assert seed_record(9, 3) == {"entropy": 9, "spawn_keys": [[0], [1], [2]]}


@given(master=st.integers(min_value=0, max_value=2**64), replications=st.integers(1, 20))
def test_replication_seeds_match_spawn_for_any_master_seed(master, replications):
    spawned = np.random.SeedSequence(master).spawn(replications)
    r = replications - 1
    assert (replication_seed(master, r).generate_state(2) == spawned[r].generate_state(2)).all()
