import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.errors import ConfigError
from experiments.overrides import apply_overrides, get_path, parse_assignment, set_path


def test_list_items_are_addressed_by_index_or_by_name():
    tree = {
        "platforms": [{"name": "focal", "price_index": 0.85}, {"name": "rival", "price_index": 1}]
    }
    changed = apply_overrides(
        tree, {"platforms.1.price_index": 0.9, "platforms.focal.price_index": 0.8}
    )
    assert [p["price_index"] for p in changed["platforms"]] == [0.8, 0.9]
    assert tree["platforms"][0]["price_index"] == 0.85  # the input is not changed


def test_mapping_values_merge_into_mappings():
    tree = {"acquisition": {"innovation_per_year": 0.03, "imitation_per_year": 0.38}}
    set_path(tree, "acquisition", {"innovation_per_year": 0.01})
    assert tree == {"acquisition": {"innovation_per_year": 0.01, "imitation_per_year": 0.38}}


def test_unknown_list_item_lists_the_names():
    with pytest.raises(ConfigError, match=r"no item named 'ghost'; allowed: .*\['focal'\]"):
        set_path({"platforms": [{"name": "focal"}]}, "platforms.ghost.quality", 1)


def test_index_out_of_range_is_a_config_error():
    with pytest.raises(ConfigError, match="out of range"):
        get_path({"platforms": [{"name": "focal"}]}, "platforms.3")


def test_assignment_value_is_yaml():
    assert parse_assignment("a.b=[1, 2]") == ("a.b", [1, 2])
    assert parse_assignment("flag=false") == ("flag", False)
    assert parse_assignment("name=price war") == ("name", "price war")


def test_nested_overrides_reach_list_items_like_dotted_ones():
    tree = {"platforms": [{"name": "focal", "price_index": 0.85}], "churn_enabled": True}
    nested = apply_overrides(tree, {"platforms": {"focal": {"price_index": 0.7}}})
    dotted = apply_overrides(tree, {"platforms.0.price_index": 0.7})
    assert nested == dotted
    assert apply_overrides(tree, {"platforms": {}}) == tree


keys = st.text(alphabet="abcdefgh_", min_size=1, max_size=6)


@given(path=st.lists(keys, min_size=1, max_size=4), value=st.integers() | st.text(max_size=5))
def test_a_value_set_at_a_path_is_read_back(path, value):
    tree: dict = {"other": 1}
    set_path(tree, ".".join(path), value)
    assert get_path(tree, ".".join(path)) == value
    assert tree["other"] == 1  # "other" cannot be drawn from the alphabet
