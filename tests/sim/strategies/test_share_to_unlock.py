import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sim import simulate
from sim.levers import Levers
from sim.states import CHANNEL_NAMES, UNLOCK
from sim.strategies.share_to_unlock import ShareToUnlock

POPULATION = {"size": 3000, "initial_active_share": 0.3}
UNLOCK_ON = {"kind": "share_to_unlock", "start_prob": 0.05, "reward_value": 7.5}


def test_unlock_is_a_channel_of_its_own():
    assert CHANNEL_NAMES[UNLOCK] == "share_to_unlock"


@pytest.mark.parametrize("network", ["small_world", "fully_mixed"])
def test_unlocks_bring_new_customers_through_their_own_channel(network, run_recorded):
    params = {"population": POPULATION, "network": {"kind": network}}
    base = simulate(params, rng=81, days=40).daily
    model, recorder = run_recorded({**params, "strategies": [UNLOCK_ON]}, 81, 40)
    treated = model.daily_metrics()
    new_unlock = sum(o.new_unlock.size for o in recorder.outcomes)
    assert new_unlock > 0
    assert int((model.shoppers.channel == UNLOCK).sum()) == new_unlock
    assert treated["new_customers"].sum() > base["new_customers"].sum()
    daily_new = treated["new_ads"] + treated["new_referral"] + treated["new_group_buy"]
    assert (treated["new_customers"] - daily_new).tolist() == [
        o.new_unlock.size for o in recorder.outcomes
    ]


def test_the_cost_is_the_reward_times_the_days_unlocks_exactly(run_recorded):
    model, recorder = run_recorded({"population": POPULATION, "strategies": [UNLOCK_ON]}, 82, 40)
    unlocks = np.array([o.unlocks.size for o in recorder.outcomes])
    assert unlocks.sum() > 0
    cost = model.daily_metrics()["strategy_cost"].to_numpy()
    assert cost.tolist() == (7.5 * unlocks).tolist()


def test_successful_starters_and_only_they_gain_satisfaction(run_recorded):
    def first_day(bonus):
        strategy = {**UNLOCK_ON, "satisfaction_bonus": bonus}
        model, recorder = run_recorded({"population": POPULATION, "strategies": [strategy]}, 83, 1)
        return model.shoppers.satisfaction, recorder.outcomes[0].unlocks

    without, unlocks = first_day(0.0)
    with_bonus, same_unlocks = first_day(0.5)
    assert unlocks.size and unlocks.tolist() == same_unlocks.tolist()
    changed = np.flatnonzero(with_bonus != without)
    assert changed.size and np.isin(changed, unlocks).all()
    assert (with_bonus[changed] > without[changed]).all() and (with_bonus <= 1.0).all()


def test_zero_start_probability_reproduces_the_baseline_bit_for_bit():
    base = simulate({"population": POPULATION}, rng=84, days=40).daily
    off = {**UNLOCK_ON, "start_prob": 0.0}
    daily = simulate({"population": POPULATION, "strategies": [off]}, rng=84, days=40).daily
    pd.testing.assert_frame_equal(daily, base, check_exact=True, check_dtype=False)


def test_unlocks_leave_the_days_bass_acquisition_alone(run_recorded):
    """Bass acquisition runs before the unlocks, on its own stream: day 0's is unchanged."""
    _, base = run_recorded({"population": POPULATION}, 85, 1)
    _, treated = run_recorded({"population": POPULATION, "strategies": [UNLOCK_ON]}, 85, 1)
    assert treated.outcomes[0].new_unlock.size
    for name in ("new_ads", "new_referral"):
        assert (
            getattr(base.outcomes[0], name).tolist() == getattr(treated.outcomes[0], name).tolist()
        )


def test_cost_counts_reached_starters_only(tiny, day, paid):
    strategy = ShareToUnlock(reward_value=4.0)
    today = day(unlocks=[0, 2, 5])
    assert strategy.settle(today, tiny, None).total == 12.0
    assert paid(strategy.settle(today, tiny, None)) == {0: 4.0, 2: 4.0, 5: 4.0}
    assert (
        strategy.settle(today, tiny, np.array([True, False, False, False, False, True])).total
        == 8.0
    )


def test_pull_sets_the_unlock_terms_for_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([True, False, True, False, False, False])
    ShareToUnlock(start_prob=0.1, friends_asked=4, clicks_needed=2).pull(levers, tiny, 0, mask)
    assert levers.unlock_start_prob.tolist() == [0.1, 0, 0.1, 0, 0, 0]
    assert levers.unlock_friends_asked.tolist() == [4, 0, 4, 0, 0, 0]
    assert levers.unlock_clicks_needed.tolist() == [2, 0, 2, 0, 0, 0]


def test_an_unlock_needs_at_least_one_click():
    with pytest.raises(ValidationError):
        ShareToUnlock(clicks_needed=0)
