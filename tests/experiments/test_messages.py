"""Config validation errors as one readable line, however long the offending value."""

from pydantic import ValidationError

from experiments.config import ExperimentConfig
from experiments.messages import describe_error


def _message(data: dict) -> str:
    try:
        ExperimentConfig.model_validate(data)
    except ValidationError as err:
        return describe_error(err, ExperimentConfig, "study.yaml")
    raise AssertionError("the config validated")


def test_a_one_megabyte_value_is_quoted_in_about_sixty_characters():
    # the issue: offending values were echoed whole (a 1 MB name gave a 1 MB line)
    message = _message({"name": "a__" + "b" * 1_000_000})
    assert message.startswith("study.yaml: name: ")  # too long, or '__': either quotes it
    assert len(message) < 250
    assert "(got 'a__bbbb" in message and "…' (1000003 characters)" in message


def test_a_one_megabyte_key_is_shortened_in_the_field_path():
    message = _message({"name": "x", "scenarios": {"s" * 1_000_000: {"horizon": 3}}})
    assert message.startswith("study.yaml: scenarios.'ssss") and len(message) < 400


def test_short_values_are_quoted_as_before():
    assert _message({"name": "x", "horizon": 0}) == (
        "study.yaml: horizon: Input should be greater than or equal to 1 (got 0)"
    )
