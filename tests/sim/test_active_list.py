"""The lists of customers and prospects: merged from the changes, as a pass over all finds them."""

import numpy as np

from sim import ShopperModel
from sim.params import ModelParams
from sim.shoppers import create_shoppers
from sim.states import ACTIVE, CHURNED, OUTSIDE, PROSPECT, WON_BACK


def small_shoppers(states):
    sh = create_shoppers(ModelParams(population={"size": len(states)}), np.random.default_rng(0))
    sh.state[:] = states
    return sh


def test_active_ids_lists_active_and_won_back():
    sh = small_shoppers([PROSPECT, ACTIVE, CHURNED, WON_BACK, OUTSIDE, ACTIVE])
    got = sh.active_ids()
    assert got.dtype == np.int64
    assert got.tolist() == [1, 3, 5]


def test_merge_drops_leavers_adds_joiners_and_ignores_repeats_and_unchanged():
    sh = small_shoppers([ACTIVE, PROSPECT, ACTIVE, CHURNED, ACTIVE, PROSPECT, WON_BACK])
    listed = sh.active_ids()  # 0, 2, 4, 6
    sh.state[[0, 1, 3, 6]] = CHURNED, ACTIVE, WON_BACK, CHURNED
    # 2 and 5 did not change; 1 and 6 are named twice
    got = sh.active_ids(listed, np.array([6, 1, 3, 0, 2, 1, 5, 6]))
    assert got.dtype == np.int64
    assert got.tolist() == [1, 2, 3, 4]


def test_merge_at_both_ends_and_with_nothing_changed():
    sh = small_shoppers([PROSPECT, ACTIVE, ACTIVE, PROSPECT])
    listed = sh.active_ids()
    assert sh.active_ids(listed, np.empty(0, dtype=np.int64)).tolist() == [1, 2]
    sh.state[[0, 3]] = ACTIVE
    assert sh.active_ids(listed, np.array([3, 0])).tolist() == [0, 1, 2, 3]
    sh.state[:] = CHURNED
    assert sh.active_ids(listed, np.arange(4)).tolist() == []


def test_the_model_merged_list_matches_a_pass_every_day():
    params = {
        "population": {"size": 3000},
        "market": {"growth_per_year": 0.3},
        "horizon_days": 40,
    }
    model = ShopperModel(params, rng=4)
    model._check_listing = True  # each merged list is compared with a pass over all
    model.run(40)
    assert model._listed is not None
    assert np.array_equal(model._listed, np.flatnonzero(model.shoppers.active_mask()))


def test_a_state_set_between_days_is_seen_once_the_list_is_dropped():
    model = ShopperModel({"population": {"size": 2000}}, rng=5)
    model.run(3)
    model.shoppers.state[model.shoppers.active_ids()[:10]] = CHURNED
    model.states_set_by_hand()  # the kept customer, prospect and churned lists
    model._check_listing = True
    model.run(3)


def test_prospect_ids_merge_entrants_and_adopters():
    sh = small_shoppers([PROSPECT, OUTSIDE, ACTIVE, PROSPECT, OUTSIDE])
    listed = sh.prospect_ids()
    assert listed.dtype == np.int64
    assert listed.tolist() == [0, 3]
    sh.state[[1, 3, 4]] = PROSPECT, ACTIVE, PROSPECT  # two enter, one adopts
    assert sh.prospect_ids(listed, np.array([4, 3, 1, 3])).tolist() == [0, 1, 4]


def test_the_churned_list_drops_the_won_back_and_merges_new_churners_in_order():
    sh = small_shoppers([ACTIVE] * 10)
    sh.state[[2, 5, 7]] = CHURNED
    listed = sh.churned_ids()  # a pass over all
    assert listed.tolist() == [2, 5, 7]
    sh.state[5] = WON_BACK
    sh.state[[0, 6, 9]] = CHURNED  # before, between and after the listed ones
    got = sh.churned_ids(listed, np.array([9, 5, 0, 6]))
    assert got.tolist() == [0, 2, 6, 7, 9]
    assert got.tolist() == sh.churned_ids().tolist()


def test_states_set_by_hand_are_seen_after_saying_so():
    def churn_by_hand(model):
        sh = model.shoppers
        # every third customer churned by hand, and every third churned one back
        customers = np.flatnonzero(sh.active_mask())[::3]
        lapsed = np.flatnonzero(sh.state == CHURNED)[::3]
        sh.state[customers], sh.state[lapsed] = CHURNED, WON_BACK

    told, untold = (ShopperModel({"population": {"size": 3_000}}, rng=5) for _ in range(2))
    for model in (told, untold):
        model.run(40)
        churn_by_hand(model)
    told.states_set_by_hand()
    told._check_listing = True  # every merged list compared with a pass over all states
    told.run(3)
    untold.run(1)
    assert told.today["active"] == np.count_nonzero(told.shoppers.active_mask())
    # without it the kept list still holds the customers churned by hand
    assert untold.today["active"] != np.count_nonzero(untold.shoppers.active_mask())
