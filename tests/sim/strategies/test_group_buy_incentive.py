import numpy as np
import pytest
from pydantic import ValidationError

from sim import simulate
from sim.levers import Levers
from sim.strategies.group_buy_incentive import GroupBuyIncentive

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_more_attractive_invitations_bring_more_group_customers():
    base = simulate({"population": POPULATION}, rng=72, days=60).daily
    incentive = {"kind": "group_buy_incentive", "accept_mult": 4.0}
    treated = simulate({"population": POPULATION, "strategies": [incentive]}, rng=72, days=60).daily
    assert treated["new_group_buy"].sum() > 2 * base["new_group_buy"].sum()


def test_smaller_groups_form_more_often():
    params = {"population": POPULATION, "group_buy": {"group_size": 3}}
    base = simulate(params, rng=72, days=60).daily
    incentive = {"kind": "group_buy_incentive", "group_size_delta": -1, "accept_mult": 1.0}
    treated = simulate({**params, "strategies": [incentive]}, rng=72, days=60).daily
    formed = [d["groups_formed"].sum() for d in (base, treated)]
    lapsed = [d["groups_lapsed"].sum() for d in (base, treated)]
    # groups of 3 become groups of 2: each formed group confirms that many orders
    assert base["group_orders"].sum() == 3 * formed[0]
    assert treated["group_orders"].sum() == 2 * formed[1]
    assert formed[1] > 1.5 * formed[0]
    assert formed[1] / (formed[1] + lapsed[1]) > formed[0] / (formed[0] + lapsed[0]) + 0.2


def test_an_extra_group_discount_raises_the_satisfaction_of_formed_groups_only(run_recorded):
    incentive = {"kind": "group_buy_incentive", "extra_discount": 0.5, "accept_mult": 1.0}
    # few buyers take listed groups, so some groups lapse and their members are refunded
    params = {"population": POPULATION, "group_buy": {"listing_match_prob": 0.2}}
    base, _ = run_recorded(params, rng=73, days=1)
    treated, recorder = run_recorded({**params, "strategies": [incentive]}, rng=73, days=1)
    # groups open, fill and form (or lapse and are refunded) within the day
    day = recorder.outcomes[0]
    members = np.unique(day.group_members)
    assert day.groups_formed > 0 and day.groups_lapsed > 0 and members.size >= 2
    before, after = base.shoppers.satisfaction, treated.shoppers.satisfaction
    changed = np.flatnonzero(before != after)
    assert set(changed) == set(members[before[members] < 1.0])  # nobody else
    deal = treated.params.satisfaction.learning_rate * 0.5
    assert after[members] == pytest.approx(np.minimum(before[members] + deal, 1.0))


def test_group_incentive_cost_is_the_extra_discount_on_formed_groups_plus_rewards(tiny, day, paid):
    incentive = GroupBuyIncentive(extra_discount=0.05, reward_per_group_customer=3.0)
    today = day(group_members=[1, 2, 5], new_group=[2, 5])  # order values 20, 30, 60
    assert incentive.settle(today, tiny, None).total == pytest.approx(0.05 * 110.0 + 3.0 * 2)
    assert paid(incentive.settle(today, tiny, None)) == pytest.approx(
        {1: 0.05 * 20.0, 2: 0.05 * 30.0 + 3.0, 5: 0.05 * 60.0 + 3.0}
    )


def test_group_incentive_changes_the_terms_of_every_group(tiny):
    levers = Levers.neutral(tiny.size)
    GroupBuyIncentive(extra_discount=0.1, group_size_delta=-1, accept_mult=2.0).pull(
        levers, tiny, 0, None
    )
    assert (levers.group_discount_add, levers.group_size_delta) == (0.1, -1)
    assert levers.group_accept_mult == 2.0


def test_group_incentive_cannot_be_targeted():
    with pytest.raises(ValidationError, match="cannot be targeted"):
        GroupBuyIncentive(target={"kind": "segment", "segments": ["young"]})
