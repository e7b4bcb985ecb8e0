from sim.param_table import DOC, render


def test_docs_parameter_table_is_generated_from_the_schema():
    text = DOC.read_text(encoding="utf-8")
    assert render() in text, "docs/model.md is stale: run `python -m sim.param_table`"


def test_every_scalar_parameter_has_a_unit_and_a_source():
    for line in render().splitlines():
        if line.startswith("| ") and line.count("|") == 6 and not line.startswith("| name"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert cells[2] and cells[4], line
