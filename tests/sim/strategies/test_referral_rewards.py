import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.strategies.referral_rewards import ReferralRewards

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_referral_rewards_bring_more_referred_customers():
    base = simulate({"population": POPULATION}, rng=71, days=60).daily
    rewards = {"kind": "referral_rewards", "referral_mult": 3.0}
    treated = simulate({"population": POPULATION, "strategies": [rewards]}, rng=71, days=60).daily
    assert treated["new_referral"].sum() > 1.3 * base["new_referral"].sum()


def test_referral_boost_reaches_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([True, True, False, False, False, False])
    ReferralRewards(referral_mult=2.5).pull(levers, tiny, 0, mask)
    assert levers.referral_mult.tolist() == [2.5, 2.5, 1.0, 1.0, 1.0, 1.0]


def test_referral_reward_is_paid_per_reached_new_referral_customer(tiny, day, paid):
    rewards = ReferralRewards(reward_per_referral=8.0)
    today = day(new_referral=[0, 2, 5], new_group=[1])
    assert rewards.settle(today, tiny, None).total == pytest.approx(24.0)
    assert rewards.settle(today, tiny, np.array([0, 0, 1, 0, 0, 1], bool)).total == pytest.approx(
        16.0
    )
    assert paid(rewards.settle(today, tiny, np.array([0, 0, 1, 0, 0, 1], bool))) == {2: 8.0, 5: 8.0}
