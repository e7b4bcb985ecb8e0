"""Properties every strategy of the catalogue shares."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import ShopperModel, simulate
from sim.levers import Levers
from sim.strategies import REGISTRY
from sim.strategies.base import reached_order_values
from sim.strategies.coupons import Coupons
from sim.strategies.flash_sales import FlashSales
from sim.strategies.quality_control import QualityControl

PARAMS = {
    "population": {"size": 2000, "initial_active_share": 0.3},
    "accounting": {"tier_thresholds": [100.0, 200.0]},
}

#: Per kind: parameters with no effect and no cost.
NEUTRAL = {
    "baseline": {},
    "share_to_unlock": {"start_prob": 0.0},
    "coupons": {"discount": 0.0},
    "loyalty_points": {"earn_rate": 0.0, "point_value": 0.0, "switching_cost_scale": 0.0},
    "tiering": {
        "resolution_add": 0.0,
        "late_reduction": 0.0,
        "switching_cost": 0.0,
        "cost_per_vip_per_day": 0.0,
    },
    "quality_control": {"defect_reduction": 0.0, "fixed_cost_per_day": 0.0, "cost_per_order": 0.0},
    "faster_logistics": {"late_reduction": 0.0, "cost_per_order": 0.0},
    "after_sales": {
        "resolution_add": 0.0,
        "recovery_mult": 1.0,
        "cost_per_complaint": 0.0,
        "return_cost_share": 0.0,
    },
    "recommendation": {
        "quality_bonus": 0.0,
        "purchase_rate_mult": 1.0,
        "cost_per_active_per_day": 0.0,
    },
    "referral_rewards": {"referral_mult": 1.0, "reward_per_referral": 0.0},
    "group_buy_incentive": {"extra_discount": 0.0, "accept_mult": 1.0},
    "flash_sales": {"discount": 0.0, "purchase_rate_mult": 1.0},
    "community": {"decay_reduction": 0.0, "referral_mult": 1.0, "fixed_cost_per_day": 0.0},
    "winback": {"winback_add": 0.0, "cost_per_contact": 0.0, "cost_per_winback": 0.0},
}

SEGMENT = {"kind": "segment", "segments": ["rural", "young"]}
TARGETABLE = sorted(k for k in REGISTRY if k not in ("baseline", "group_buy_incentive"))

#: Lever values that change nothing.
NEUTRAL_LEVERS = {
    f: getattr(Levers.neutral(1), f) for f in Levers.__dataclass_fields__ if f != "size"
}


def assert_same_values(daily, baseline):
    """Equal to the last bit (the strategy-free baseline books its cost as the integer 0)."""
    pd.testing.assert_frame_equal(daily, baseline, check_exact=True, check_dtype=False)


def test_every_registered_strategy_has_a_neutral_configuration_here():
    assert sorted(NEUTRAL) == sorted(REGISTRY)


@pytest.fixture(scope="module")
def baseline_daily():
    return simulate(PARAMS, rng=5, days=60).daily


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_a_neutral_strategy_reproduces_the_baseline_bit_for_bit(kind, baseline_daily):
    strategy = {"kind": kind, **NEUTRAL[kind]}
    daily = simulate({**PARAMS, "strategies": [strategy]}, rng=5, days=60).daily
    assert_same_values(daily, baseline_daily)


@pytest.mark.parametrize("kind", TARGETABLE)
def test_a_neutral_targeted_strategy_reproduces_the_baseline_bit_for_bit(kind, baseline_daily):
    strategy = {"kind": kind, "target": SEGMENT, **NEUTRAL[kind]}
    daily = simulate({**PARAMS, "strategies": [strategy]}, rng=5, days=60).daily
    assert_same_values(daily, baseline_daily)


@pytest.mark.parametrize("kind", TARGETABLE)
def test_default_strategy_leaves_levers_neutral_outside_its_target(kind):
    model = ShopperModel(PARAMS, rng=3)  # a population with orders and churned shoppers
    model.run(30)
    shoppers = model.shoppers
    shoppers.points[:] = 1000.0  # every shopper holds points (loyalty points can act)
    shoppers.tier[:] = 2  # every shopper is a VIP (tiering can act)
    mask = np.zeros(shoppers.size, dtype=bool)
    mask[::3] = True
    levers = Levers.neutral(shoppers.size)
    for day in (0, 1, 2):  # flash sales act on day 0, win-back contacts on day 0
        REGISTRY[kind]().pull(levers, shoppers, day, mask)
    changed = []
    for name, neutral in NEUTRAL_LEVERS.items():
        value = np.broadcast_to(getattr(levers, name), (shoppers.size,))
        assert (value[~mask] == neutral).all(), name
        if (value[mask] != neutral).any():
            changed.append(name)
    assert changed, f"{kind} with its defaults should pull some lever for its target"


def test_two_strategies_book_the_sum_of_their_own_costs_on_the_same_outcome(tiny, day):
    coupons = Coupons(discount=0.1)
    sale = FlashSales(period_days=7, duration_days=1, discount=0.2)
    young = np.array([False, False, True, True, False, False])
    levers = Levers.neutral(tiny.size)
    coupons.pull(levers, tiny, 7, None)
    sale.pull(levers, tiny, 7, young)
    assert levers.price_discount.tolist() == pytest.approx([0.1, 0.1, 0.3, 0.3, 0.1, 0.1])
    today = day(day=7, focal_shoppers=[0, 2, 5], focal_values=[10.0, 30.0, 60.0])
    total = coupons.settle(today, tiny, None).total + sale.settle(today, tiny, young).total
    assert total == pytest.approx(0.1 * 100.0 + 0.2 * 30.0)


def test_a_combined_run_books_each_strategy_once_per_day(run_recorded):
    coupons = {"kind": "coupons", "discount": 0.05}
    quality = {"kind": "quality_control", "defect_reduction": 0.5, "fixed_cost_per_day": 30.0}
    sale = {"kind": "flash_sales", "period_days": 5, "duration_days": 2, "discount": 0.1}
    params = {**PARAMS, "strategies": [coupons, quality, sale]}
    model, recorder = run_recorded(params, rng=4, days=30)
    strategies = [Coupons(**coupons), QualityControl(**quality), FlashSales(**sale)]
    expected = [
        sum(s.settle(o, model.shoppers, None).total for s in strategies) for o in recorder.outcomes
    ]
    by_hand = [
        0.05 * reached_order_values(o, None).sum()
        + 30.0
        + 0.5 * 1.0 * o.focal_shoppers.size
        + (0.1 * o.focal_values.sum() if o.day % 5 < 2 else 0.0)
        for o in recorder.outcomes
    ]
    daily_cost = model.daily_metrics()["strategy_cost"].to_numpy()
    assert daily_cost == pytest.approx(expected)
    assert daily_cost == pytest.approx(by_hand)
    sale_days = [o for o in recorder.outcomes if o.day % 5 < 2]
    assert all(np.allclose(o.focal_discounts, 0.15) for o in sale_days)


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_each_strategy_documents_itself_and_its_parameters(kind):
    cls = REGISTRY[kind]
    assert cls.summary and cls.__doc__ and "Examples" in cls.__doc__
    for name, field in cls.model_fields.items():
        if name in ("kind", "target"):
            continue
        assert field.description, name
        assert set(field.json_schema_extra) == {"unit", "source"}, name
        assert name in cls.__doc__, f"{kind} docstring should describe {name}"


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_each_strategy_lives_in_a_module_named_after_its_kind_with_a_test_module(kind):
    assert REGISTRY[kind].__module__ == f"sim.strategies.{kind}"
    assert (Path(__file__).parent / f"test_{kind}.py").exists()
