"""Tests of sim.schema: the strict base of every parameter block."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from sim.params import ModelParams
from sim.schema import Strict, describe_validation_error, param


class _Block(Strict):
    rate: float = param(0.1, "A rate.", "1/day", "test", ge=0)
    days: int = param(1, "Days.", "days", "test", ge=1)
    levels: list[float] = param([1.0], "Levels.", "-", "test")
    flag: bool = param(True, "A switch.", "-", "test")
    maybe: int | None = param(None, "Optional days.", "days", "test")


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_number_is_refused(value: float) -> None:
    with pytest.raises(ValidationError, match="finite number"):
        _Block(rate=value)


def test_non_finite_number_inside_a_list_is_refused() -> None:
    with pytest.raises(ValidationError, match="finite number"):
        _Block(levels=[1.0, math.nan])


@pytest.mark.parametrize(
    ("field", "value"),
    [("rate", True), ("days", True), ("days", False), ("levels", [1.0, True]), ("maybe", True)],
)
def test_boolean_where_a_number_is_expected_is_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _Block.model_validate({field: value})
    (problem,) = caught.value.errors()
    assert problem["loc"] == (field,)
    assert problem["msg"] == "a boolean where a number is expected"


def test_boolean_field_still_takes_a_boolean() -> None:
    assert _Block(flag=False).flag is False


def test_numbers_still_accepted() -> None:
    block = _Block(rate=2, days=3, levels=[0, 1.5], maybe=4)
    assert (block.rate, block.days, block.levels, block.maybe) == (2.0, 3, [0.0, 1.5], 4)


def test_boolean_in_a_nested_block_is_located_and_described() -> None:
    # issue 15: `population.size: true` passed as 1 shopper.
    with pytest.raises(ValidationError) as caught:
        ModelParams.model_validate({"population": {"size": True}})
    line = describe_validation_error(caught.value, "c.yaml", root=ModelParams, prefix="model")
    assert line == (
        "c.yaml: model.population.size: a boolean where a number is expected (got True)"
    )


def test_thousands_of_problems_are_counted_and_the_first_few_described():
    # issue 15 fuzzing: 5,000 strategy specs without a kind took validate over 120 s,
    # one line lookup per problem, for a message the CLI cuts at 500 characters
    looked_up = []
    with pytest.raises(ValidationError) as caught:
        ModelParams.model_validate({"strategies": [{"earn_rate": 2}] * 5000})
    text = describe_validation_error(
        caught.value, "c.yaml", root=ModelParams, line_of=lambda keys: looked_up.append(keys)
    )
    assert text.startswith("5,000 problems, the first 5 follow; c.yaml: strategies.0: missing")
    assert text.count("missing 'kind'") == 5 and len(looked_up) == 5
