import numpy as np
import pytest
from pydantic import ValidationError

from sim import ShopperModel, simulate
from sim.levers import Levers
from sim.strategies.group_buy_incentive import GroupBuyIncentive

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_more_attractive_invitations_bring_more_group_customers():
    base = simulate({"population": POPULATION}, rng=72, days=60).daily
    incentive = {"kind": "group_buy_incentive", "accept_mult": 4.0}
    treated = simulate({"population": POPULATION, "strategies": [incentive]}, rng=72, days=60).daily
    assert treated["new_group_buy"].sum() > 2 * base["new_group_buy"].sum()


def test_smaller_groups_form_more_often(run_recorded):
    _, base = run_recorded({"population": POPULATION}, rng=72, days=60)
    incentive = {"kind": "group_buy_incentive", "group_size_delta": -1, "accept_mult": 1.0}
    _, treated = run_recorded({"population": POPULATION, "strategies": [incentive]}, 72, 60)
    members = [sum(o.group_members.size for o in r.outcomes) for r in (base, treated)]
    assert members[1] > 1.5 * members[0]


def test_an_extra_group_discount_raises_the_satisfaction_of_formed_groups_only():
    incentive = {"kind": "group_buy_incentive", "extra_discount": 0.5, "accept_mult": 1.0}
    params = {"population": POPULATION}
    base = ShopperModel(params, rng=73)
    treated = ShopperModel({**params, "strategies": [incentive]}, rng=73)
    for _ in range(60):
        base.step()
        treated.step()
        before = base.shoppers.satisfaction
        after = treated.shoppers.satisfaction
        changed = np.flatnonzero(before != after)
        if changed.size:
            break
    else:
        pytest.fail("no group formed")
    deal = treated.params.satisfaction.learning_rate * 0.5
    assert after[changed] == pytest.approx(np.minimum(before[changed] + deal, 1.0))
    assert treated.steps > 1 and changed.size >= 2  # a formed group has two members or more


def test_group_incentive_cost_is_the_extra_discount_on_formed_groups_plus_rewards(tiny, day):
    incentive = GroupBuyIncentive(extra_discount=0.05, reward_per_group_customer=3.0)
    today = day(group_members=[1, 2, 5], new_group=[2, 5])  # order values 20, 30, 60
    assert incentive.settle(today, tiny, None) == pytest.approx(0.05 * 110.0 + 3.0 * 2)


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
