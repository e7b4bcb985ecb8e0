"""Tests of sim.params: validation is total (issue 15)."""

from __future__ import annotations

import math

import pytest
from pydantic import BaseModel, ValidationError

from sim import ShopperModel
from sim.errors import ParameterError
from sim.params import BYTES_PER_SHOPPER, MAX_SHOPPERS, ModelParams
from sim.strategies.coupons import Coupons


def _numeric_fields() -> list[tuple[str, str, type]]:
    """(block, field, type) of every scalar number in the blocks of ModelParams."""
    found = []
    for block, info in ModelParams.model_fields.items():
        annotation = info.annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            continue
        for name, field in annotation.model_fields.items():
            if field.annotation in (int, float):
                found.append((block, name, field.annotation))
    return found


NUMERIC = _numeric_fields()


def test_the_blocks_have_many_numeric_fields() -> None:
    # The probe of issue 15 found 56 numeric fields taking .inf; all blocks are checked.
    assert len(NUMERIC) >= 50


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_every_float_parameter_refuses_non_finite_numbers(value: float) -> None:
    accepted = []
    for block, name, kind in NUMERIC:
        if kind is not float:
            continue
        try:
            ModelParams.model_validate({block: {name: value}})
        except ValidationError as err:
            assert err.errors()[0]["loc"] == (block, name)
        else:
            accepted.append(f"{block}.{name}")
    assert accepted == []


def test_every_numeric_parameter_refuses_a_boolean() -> None:
    accepted = []
    for block, name, _ in NUMERIC:
        try:
            ModelParams.model_validate({block: {name: True}})
        except ValidationError as err:
            assert err.errors()[0]["msg"] == "a boolean where a number is expected"
        else:
            accepted.append(f"{block}.{name}")
    assert accepted == []


def test_booleans_and_nan_refused_in_lists_and_platforms() -> None:
    # issue 15: `tier_thresholds` accepted .nan; horizon_days is an optional number.
    cases = [
        {"accounting": {"tier_thresholds": [100.0, math.nan]}},
        {"accounting": {"tier_percentiles": [80.0, True]}},
        {"horizon_days": True},
        {
            "platforms": [
                {**p, "quality": math.inf} for p in ModelParams().model_dump()["platforms"]
            ]
        },
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            ModelParams.model_validate(case)


def test_population_size_has_a_memory_bound() -> None:
    # issue 15: 10**12 shoppers gave an _ArrayMemoryError traceback in run.
    assert ModelParams(population={"size": MAX_SHOPPERS}).population.size == MAX_SHOPPERS
    with pytest.raises(ValidationError, match="less than or equal to 50000000"):
        ModelParams(population={"size": 10**12})
    # The bound is about 30 GB at the benchmark's bytes per shopper (README, Performance).
    assert 25e9 < MAX_SHOPPERS * BYTES_PER_SHOPPER < 35e9


@pytest.mark.parametrize(
    ("block", "field", "value"),
    [
        ("network", "mean_degree", 1e6),
        ("market", "entrant_days", 10**9),
        ("group_buy", "group_size", 10**6),
        ("group_buy", "shares_per_group", 10**6),
    ],
)
def test_sizes_that_allocate_memory_are_bounded(block: str, field: str, value: float) -> None:
    with pytest.raises(ValidationError, match="less than or equal to"):
        ModelParams.model_validate({block: {field: value}})


def test_ten_coupons_of_30_percent_are_refused_before_any_run() -> None:
    # issue 15: ten 30% coupons failed inside run, after the earlier arms had finished.
    with pytest.raises(ValidationError, match=r"add up to 300% \(coupons 30% \+ coupons 30%"):
        ModelParams(strategies=[{"kind": "coupons", "discount": 0.3}] * 10)


def test_combined_discount_of_every_kind_is_summed() -> None:
    strategies = [
        {"kind": "coupons", "discount": 0.3},
        {"kind": "flash_sales", "discount": 0.3},
        {"kind": "loyalty_points", "max_redeem_share": 0.2},
        {"kind": "winback", "first_order_discount": 0.2},
    ]
    with pytest.raises(ValidationError, match=r"add up to 100%"):
        ModelParams(strategies=strategies)
    strategies[-1]["first_order_discount"] = 0.19
    assert len(ModelParams(strategies=strategies).strategies) == 4
    # Points worth nothing are never redeemed, so they take nothing off.
    strategies[-1]["first_order_discount"] = 0.2
    strategies[2]["point_value"] = 0.0
    assert len(ModelParams(strategies=strategies).strategies) == 4


def test_what_validation_accepts_the_model_runs_and_what_it_refuses_the_model_stops_on() -> None:
    # Coupons reach every shopper every day, so two coupons of 50% give a 100% discount:
    # the model stops on it (its own check), and validation now refuses it first.
    params = {"population": {"size": 200}, "strategies": [{"kind": "coupons", "discount": 0.5}]}
    ShopperModel(params, rng=0).run(2)
    params["strategies"] = [{"kind": "coupons", "discount": 0.5}] * 2
    with pytest.raises(ValidationError, match="add up to 100%"):
        ModelParams.model_validate(params)
    unchecked = ModelParams.model_construct(  # what the model would get without the check
        **{**dict(ModelParams(population={"size": 200})), "strategies": [Coupons(discount=0.5)] * 2}
    )
    with pytest.raises(ParameterError, match="100% or more"):
        ShopperModel(unchecked, rng=0).run(2)


def test_group_discount_plus_incentives_stays_below_the_price() -> None:
    incentive = {"kind": "group_buy_incentive", "extra_discount": 0.45}
    assert ModelParams(strategies=[incentive]).strategies[0].extra_discount == 0.45
    with pytest.raises(ValidationError, match="add up to 100%"):
        ModelParams(strategies=[incentive] * 2)
