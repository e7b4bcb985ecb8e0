from typing import ClassVar, Literal

import pytest
from pydantic import Field

from sim.field_docs import numpydoc_parameters, parameter_rows, with_parameters_section
from sim.schema import Strict, param
from sim.strategies import REGISTRY
from sim.strategies.base import Strategy


class Block(Strict):
    """A block."""

    rate: float = param(0.1, "A daily rate.", "1/day", "to be calibrated", ge=0, le=1)
    weight: float = param(2.0, "A weight.", "-", "Doe 2001", gt=0)
    inner: Strict = Field(default_factory=Strict, description="A nested block.")


def test_each_field_is_described_with_type_default_unit_range_and_source():
    lines = numpydoc_parameters(Block).splitlines()
    assert lines[:2] == ["Parameters", "----------"]
    assert lines[2] == "rate : float, default 0.1"
    assert (
        lines[3].strip() == "A daily rate. Unit: 1/day; allowed: [0, 1]; source: to be calibrated."
    )
    assert lines[4] == "weight : float, default 2"
    assert lines[5].strip() == "A weight. Allowed: (0, inf); source: Doe 2001."  # dimensionless
    assert lines[6:] == ["inner : Strict", "    A nested block."]  # a block shows no default


def test_skipped_fields_are_left_out_and_last_fields_come_last():
    text = numpydoc_parameters(Block, skip=("weight",), last=("rate",))
    headers = [line.split(" :")[0] for line in text.splitlines()[2:] if not line.startswith(" ")]
    assert headers == ["inner", "rate"]


def test_the_section_goes_before_notes_and_examples_or_at_the_end():
    doc = "Summary.\n\n    Notes\n    -----\n    n.\n\n    Examples\n    --------\n    e.\n    "
    lines = with_parameters_section(doc, "Parameters\n----------\nx : int").splitlines()
    assert lines.index("Parameters") < lines.index("Notes") < lines.index("Examples")
    assert with_parameters_section("Summary.", "S").splitlines() == ["Summary.", "", "S"]
    assert with_parameters_section(None, "S") == "S"


def test_a_hand_written_parameters_section_is_refused():
    doc = "Summary.\n\n    Parameters\n    ----------\n    x : int\n        An x.\n    "
    with pytest.raises(ValueError, match="hand-written Parameters section"):
        with_parameters_section(doc, "Parameters\n----------\nx : int")
    with pytest.raises(ValueError, match="generated from the fields"):

        class Described(Strategy):
            """A strategy that describes its parameters by hand.

            Parameters
            ----------
            level : float
                The level.
            """

            kind: Literal["described"] = "described"
            summary: ClassVar[str] = "test"
            level: float = param(1.0, "The level.", "-", "-")


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_strategy_docstring_has_one_generated_parameters_section(kind):
    cls = REGISTRY[kind]
    doc = cls.__doc__
    assert doc.count("Parameters\n----------\n") == 1
    for row in parameter_rows(cls, ("kind",)):
        assert f"\n{row['name']} : " in doc, row["name"]
    assert doc.index("Parameters") < doc.index("Examples")
