import numpy as np
import pytest

from sim import simulate
from sim.levers import Levers
from sim.params import ModelParams
from sim.shoppers import create_shoppers
from sim.states import CHURNED, WON_BACK
from sim.strategies.winback import WinBack

POPULATION = {"size": 3000, "initial_active_share": 0.3}


def test_winback_offers_bring_churned_shoppers_back():
    base = simulate({"population": POPULATION}, rng=101, days=90).daily
    winback = {"kind": "winback", "winback_add": 0.05}
    treated = simulate({"population": POPULATION, "strategies": [winback]}, rng=101, days=90).daily
    assert treated["won_back_today"].sum() > 5 * max(base["won_back_today"].sum(), 1)


def test_winback_offer_reaches_the_target_only(tiny):
    levers = Levers.neutral(tiny.size)
    mask = np.array([True, False, True, False, True, False])
    WinBack(winback_add=0.02).pull(levers, tiny, 0, mask)
    assert levers.winback_add.tolist() == [0.02, 0.0, 0.02, 0.0, 0.02, 0.0]


def test_winback_cost_counts_contacts_on_contact_days_and_accepted_offers(tiny, day, paid):
    # at the start of the day shoppers 0, 1, 2 were churned; 3 churns today, 2 comes back
    tiny.state[[0, 1, 3]] = CHURNED
    tiny.state[2] = WON_BACK
    winback = WinBack(contact_interval_days=30, cost_per_contact=0.5, cost_per_winback=10.0)
    events = {"churned": [3], "won_back": [2]}
    assert winback.settle(day(day=60, **events), tiny, None).total == pytest.approx(0.5 * 3 + 10.0)
    assert winback.settle(day(day=61, **events), tiny, None).total == pytest.approx(10.0)
    mask = np.array([True, False, False, True, False, False])
    assert winback.settle(day(day=60, **events), tiny, mask).total == pytest.approx(0.5 * 1)
    # contacts of 0, 1 and 2 (churned at the start of the day); 2's accepted offer
    assert paid(winback.settle(day(day=60, **events), tiny, None)) == {0: 0.5, 1: 0.5, 2: 10.5}


def test_first_order_discount_applies_once_after_coming_back(tiny, day, paid):
    winback = WinBack(first_order_discount=0.2, cost_per_contact=0.0, cost_per_winback=0.0)
    levers = Levers.neutral(tiny.size)
    winback.pull(levers, tiny, 0, None)
    assert levers.price_discount.tolist() == [0.0] * 6
    tiny.state[4] = WON_BACK
    assert winback.settle(day(day=0, won_back=[4]), tiny, None).total == 0.0
    levers = Levers.neutral(tiny.size)
    winback.pull(levers, tiny, 1, None)
    assert levers.price_discount.tolist() == [0.0, 0.0, 0.0, 0.0, 0.2, 0.0]
    first_order = day(day=1, focal_shoppers=[0, 4], focal_values=[10.0, 50.0])
    used = winback.settle(first_order, tiny, None)
    assert used.total == pytest.approx(0.2 * 50.0) and paid(used) == {4: 10.0}
    levers = Levers.neutral(tiny.size)
    winback.pull(levers, tiny, 2, None)
    assert levers.price_discount.tolist() == [0.0] * 6


def test_the_discount_due_is_kept_with_the_shoppers_not_on_the_strategy(tiny, day):
    winback = WinBack(first_order_discount=0.2, cost_per_contact=0.0, cost_per_winback=0.0)
    tiny.state[[1, 4]] = WON_BACK
    winback.settle(
        day(day=3, won_back=[1, 4]), tiny, np.array([False, False, False, False, True, True])
    )
    assert tiny.winback_discount_due.tolist() == [False, False, False, False, True, False]
    assert not winback.__pydantic_private__  # no per-run state on the parameter object
    other_run = create_shoppers(ModelParams(population={"size": 6}), np.random.default_rng(1))
    levers = Levers.neutral(other_run.size)
    winback.pull(levers, other_run, 4, None)
    assert np.all(np.asarray(levers.price_discount) == 0.0)  # nothing leaks into another run
    winback.settle(day(day=4, churned=[4]), tiny, None)
    assert not tiny.winback_discount_due.any()  # churning again forfeits the discount


def test_first_order_discounts_are_booked_in_a_run(run_recorded):
    winback = {"kind": "winback", "winback_add": 0.05, "first_order_discount": 0.3}
    plain = {**winback, "first_order_discount": 0.0}
    params = {"population": POPULATION}
    model, recorder = run_recorded({**params, "strategies": [winback]}, 102, 60)
    plain_model, _ = run_recorded({**params, "strategies": [plain]}, 102, 60)
    discounted = [o.focal_values[o.focal_discounts > 0].sum() for o in recorder.outcomes]
    assert sum(discounted) > 0
    assert model.summary()["strategy_cost"] > plain_model.summary()["strategy_cost"]
