import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.states import CHURNED
from sim.strategies.community import CommunityEngagement

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_community_keeps_loyalty_up_and_brings_referrals():
    # half a year: the slower loyalty decay adds up (loyalty and satisfaction move slowly)
    base = simulate({"population": POPULATION}, rng=91, days=180).daily
    community = {"kind": "community", "decay_reduction": 0.9, "referral_mult": 2.0}
    treated = simulate({"population": POPULATION, "strategies": [community]}, rng=91, days=180)
    treated = treated.daily
    assert treated["loyalty"].iloc[-30:].mean() > base["loyalty"].iloc[-30:].mean() + 0.02
    assert treated["new_referral"].sum() > 1.2 * base["new_referral"].sum()


def test_community_levers_reach_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([False, False, True, True, False, False])
    CommunityEngagement(decay_reduction=0.5, referral_mult=1.5).pull(levers, tiny, 0, mask)
    assert levers.loyalty_decay_mult.tolist() == [1.0, 1.0, 0.5, 0.5, 1.0, 1.0]
    assert levers.referral_mult.tolist() == [1.0, 1.0, 1.5, 1.5, 1.0, 1.0]


def test_community_cost_is_fixed_plus_per_active_participant(tiny, day, paid):
    tiny.state[2] = CHURNED
    community = CommunityEngagement(fixed_cost_per_day=50.0, cost_per_participant_per_day=0.1)
    assert community.settle(day(), tiny, None).total == pytest.approx(50.0 + 0.1 * 5)
    mask = np.array([False, False, True, True, False, False])
    assert community.settle(day(), tiny, mask).total == pytest.approx(50.0 + 0.1 * 1)
    # the fixed cost belongs to no shopper; each active participant costs 0.1
    cost = community.settle(day(), tiny, mask)
    assert (cost.unallocated, paid(cost)) == (50.0, pytest.approx({3: 0.1}))
