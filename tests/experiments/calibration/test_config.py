import pytest

from experiments.calibration.config import parse_calibration_config
from experiments.errors import ConfigError

BASE = {
    "name": "c",
    "free": {"population.order_value_scale": {"low": 0.8, "high": 1.6}},
    "targets": {"behavioural": {"aov": {"value": 53.0, "se": 1.5}}},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"budget": {"trials": True}}, "budget.trials: a boolean where a number is expected"),
        (
            {"free": {"population.order_value_scale": {"low": 0.8, "high": float("inf")}}},
            "finite number",
        ),
        (
            {"targets": {"behavioural": {"aov": {"value": float("nan"), "se": 1.5}}}},
            "finite number",
        ),
    ],
)
def test_booleans_and_non_finite_numbers_are_refused_in_one_line(change, message):
    with pytest.raises(ConfigError, match=message) as err:
        parse_calibration_config({**BASE, **change}, "c.yaml")
    assert "\n" not in str(err.value)
