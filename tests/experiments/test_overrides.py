import pytest
from hypothesis import given
from hypothesis import strategies as st

from experiments.cli import main
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


def test_deeply_nested_set_value_is_one_line_not_a_recursion_error():
    # issue 15: `--set name=[[[...` 500+ deep gave a RecursionError traceback.
    with pytest.raises(ConfigError) as caught:
        parse_assignment("name=" + "[" * 600)
    message = str(caught.value)
    assert "nested over 100 levels deep (the limit)" in message
    assert len(message) < 200 and "\n" not in message


def test_alias_bomb_in_a_set_value_is_refused():
    levels = ["a0: &a0 [" + ", ".join(["x"] * 10) + "]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(ConfigError, match=r"--set 'name=.*over 100,000 nodes \(the limit"):
        parse_assignment("name={" + ", ".join(levels) + "}")


def test_deep_set_value_through_the_cli_is_one_line_with_exit_status_2(tiny_config, capsys):
    assert main(["validate", str(tiny_config), "--set", "name=" + "[" * 600]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "nested over 100 levels deep" in err


def test_set_value_with_a_duplicate_key_is_refused():
    with pytest.raises(ConfigError, match=r"key 'a' is given twice"):
        parse_assignment("model={a: 1, a: 2}")
