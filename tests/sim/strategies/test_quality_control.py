import numpy as np
import pytest

from sim import ShopperModel
from sim.strategies.quality_control import QualityControl

POPULATION = {"size": 4000, "initial_active_share": 0.3}


def defects_per_order(model, mask=None):
    sh = model.shoppers
    mask = np.ones(sh.size, dtype=bool) if mask is None else mask
    return sh.defects[mask].sum() / sh.orders[mask].sum()


def test_quality_control_halves_the_defects_per_focal_order():
    base = ShopperModel({"population": POPULATION}, rng=31)
    base.run(90)
    quality = {"kind": "quality_control", "defect_reduction": 0.5}
    treated = ShopperModel({"population": POPULATION, "strategies": [quality]}, rng=31)
    treated.run(90)
    assert defects_per_order(base) == pytest.approx(0.06, abs=0.008)
    assert defects_per_order(treated) == pytest.approx(0.03, abs=0.006)


def test_quality_control_for_one_segment_leaves_the_others_defect_rate_alone():
    quality = {
        "kind": "quality_control",
        "defect_reduction": 0.8,
        "target": {"kind": "segment", "segments": ["rural", "young", "low_income"]},
    }
    model = ShopperModel({"population": POPULATION, "strategies": [quality]}, rng=32)
    model.run(90)
    targeted = np.isin(model.shoppers.segment, [0, 1, 2])
    assert defects_per_order(model, targeted) == pytest.approx(0.012, abs=0.005)
    assert defects_per_order(model, ~targeted) == pytest.approx(0.06, abs=0.01)


def test_quality_cost_is_fixed_plus_inspection_of_reached_orders(tiny, day, paid):
    quality = QualityControl(defect_reduction=0.4, fixed_cost_per_day=100.0, cost_per_order=2.0)
    today = day(focal_shoppers=[0, 1, 3, 5], focal_values=[10.0, 20.0, 40.0, 60.0])
    assert quality.settle(today, tiny, None).total == pytest.approx(100.0 + 2.0 * 0.4 * 4)
    mask = np.array([True, False, False, True, False, False])
    assert quality.settle(today, tiny, mask).total == pytest.approx(100.0 + 2.0 * 0.4 * 2)
    cost = quality.settle(today, tiny, mask)  # the fixed cost belongs to no shopper
    assert (cost.unallocated, paid(cost)) == (100.0, pytest.approx({0: 0.8, 3: 0.8}))
