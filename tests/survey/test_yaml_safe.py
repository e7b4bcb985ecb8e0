import os
import time
import tracemalloc

import pytest

from survey.yaml_safe import (
    MAX_ALIAS_NODES,
    YamlError,
    load_yaml_file,
    load_yaml_text,
    preview,
    read_text_bounded,
)


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: ``width ** levels`` strings from a few hundred bytes.

    The issue's probe used nine levels of nine (438 bytes, 9**9 = 387,420,489 strings).
    """
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_in_little_memory():
    text = billion_laughs()
    assert len(text) < 500  # the file was 438 bytes
    tracemalloc.start()
    started = time.process_time()
    with pytest.raises(YamlError) as caught:
        load_yaml_text(text, source="bomb.yaml")
    seconds = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(caught.value)
    assert message.startswith("bomb.yaml: line ")
    assert f"over {MAX_ALIAS_NODES:,} nodes (the limit" in message
    assert "\n" not in message
    assert seconds < 2  # the bound; measured here: about 2 ms
    assert peak < 5_000_000  # bytes; the unbounded load grew to 2.9 GB


def test_aliases_within_the_limit_load_as_copies_of_the_anchor():
    text = billion_laughs(levels=3, width=3)  # 3 + 9 + 27 strings: far below the limit
    data = load_yaml_text(text, source="ok.yaml")
    assert data["a2"] == [[["lol"] * 3] * 3] * 3


def test_alias_limit_counts_every_node_an_alias_produces():
    # *a is a list of two scalars: 3 nodes per use, so three uses make 9 nodes.
    text = "a: &a [x, y]\nb: [*a, *a, *a]\n"
    assert load_yaml_text(text, source="s", max_alias_nodes=9)["b"] == [["x", "y"]] * 3
    with pytest.raises(YamlError, match=r"line 2, column 13: .*over 8 nodes"):
        load_yaml_text(text, source="s", max_alias_nodes=8)


@pytest.mark.parametrize("text", ["bogus: &a [*a]", "loop: &a {self: *a}"])
def test_an_alias_inside_its_own_anchor_is_one_line_not_a_recursion(text):
    with pytest.raises(YamlError, match=r"^s: line 1, column \d+: .*alias \*a refers to the node"):
        load_yaml_text(text, source="s")


@pytest.mark.parametrize("depth", [101, 500, 10_000])
def test_nesting_past_the_depth_limit_is_one_line(depth):
    started = time.process_time()
    with pytest.raises(YamlError, match=r"nested over 100 levels deep \(the limit\)"):
        load_yaml_text("name: " + "[" * depth + "]" * depth, source="s")
    assert time.process_time() - started < 2


def test_nesting_at_the_depth_limit_loads():
    data = load_yaml_text("[" * 100 + "]" * 100, source="s")
    for _ in range(99):
        data = data[0]
    assert data == []


def test_duplicate_key_is_refused_naming_key_and_line():
    with pytest.raises(
        YamlError, match=r"^s: line 3, column 1: invalid YAML: key 'a' is given twice$"
    ):
        load_yaml_text("a: 1\nb: 2\na: 3\n", source="s")


def test_merge_keys_may_be_overridden_by_the_mapping_own_keys():
    data = load_yaml_text("base: &b {x: 1, y: 2}\nuse: {<<: *b, y: 3}\n", source="s")
    assert data["use"] == {"x": 1, "y": 3}


@pytest.mark.parametrize("text, kind", [("? [a, b]\n: 1\n", "list"), ("{{a: 1}: 2}", "mapping")])
def test_a_key_that_is_a_list_or_mapping_is_refused(text, kind):
    with pytest.raises(YamlError, match=f"a key must be a plain value .*not a {kind}"):
        load_yaml_text(text, source="s")


def test_integers_beyond_the_limit_are_refused_without_converting_them():
    assert load_yaml_text("a: 1000000000000000000", source="s") == {"a": 10**18}
    assert load_yaml_text("a: 0x10", source="s") == {"a": 16}
    with pytest.raises(YamlError, match=r"integer 1000000000000000001 is over the limit of 1e\+18"):
        load_yaml_text("a: 1000000000000000001", source="s")
    with pytest.raises(YamlError, match=r"line 1, column 4: .*an integer of 5000 digits") as caught:
        load_yaml_text("a: " + "9" * 5_000, source="s")  # int() would refuse past 4300 digits
    assert len(str(caught.value)) < 200


def test_text_over_the_size_limit_is_refused_before_parsing():
    started = time.process_time()
    with pytest.raises(YamlError, match=r"^s: the text is over the limit of 1,000,000 characters"):
        load_yaml_text("a: " + "9" * 5_000_000, source="s")  # the 5 M-digit integer
    assert time.process_time() - started < 0.5


def test_empty_and_comment_only_text_is_none():
    assert load_yaml_text("", source="s") is None
    assert load_yaml_text("# nothing\n\n", source="s") is None


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    with pytest.raises(YamlError, match=r"config.yaml: not a regular file \(a FIFO\)") as caught:
        read_text_bounded(fifo)
    assert caught.value.stage == "read"


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a character device"), ("/", "a folder")])
def test_devices_and_folders_are_refused_before_reading(path, kind):
    with pytest.raises(YamlError, match=f"not a regular file \\({kind}\\)"):
        load_yaml_file(path)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" + "# padding\n" * 200)
    assert load_yaml_file(big, max_bytes=5_000) == {"a": 1}
    with pytest.raises(YamlError, match=r"big.yaml: the file is over the limit of 1,000 bytes"):
        load_yaml_file(big, max_bytes=1_000)


def test_missing_and_non_utf8_files_are_read_errors(tmp_path):
    with pytest.raises(YamlError, match="nope.yaml: no such file"):
        read_text_bounded(tmp_path / "nope.yaml")
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_text("a: 1\n", encoding="utf-16")
    with pytest.raises(YamlError, match=r"utf16.yaml: not UTF-8 text \(byte 0"):
        read_text_bounded(utf16)


def test_preview_cuts_long_values_for_messages():
    assert preview("short") == "'short'"
    assert preview("x" * 1_000_000) == f"{'x' * 60 + '…'!r} (1000000 characters)"


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("? [a, b]\n: 1\n", "line 1, column 3", "a key must be a plain value"),
        ("n: " + "9" * 5_000_000, "line 1, column 4", "an integer of 5000000 digits"),
        ('name: "abc\n  def\n', "line 3, column 1", "while scanning a quoted scalar"),
        ("a: [1, 2\nb: 3\n", "line 2, column 2", "while parsing a flow sequence"),
        ("a: 1\n b: 2\n", "line 2, column 3", "mapping values are not allowed"),
    ],
)
def test_every_yaml_error_is_one_line_naming_line_and_column(text, where, problem):
    # the issue: YAML errors spanned several lines (PyYAML prints the context, then
    # the problem, each with its own position), and a 5 M-digit integer gave a traceback
    with pytest.raises(YamlError) as caught:
        load_yaml_text(text, source="study.yaml", max_chars=10**7)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200
    assert message.startswith(f"study.yaml: {where}: invalid YAML: {problem}")


def test_a_five_million_digit_integer_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("horizon: " + "9" * 5_000_000)
    with pytest.raises(YamlError) as caught:
        load_yaml_file(path)
    assert (
        str(caught.value)
        == f"{path}: the file is over the limit of 1,000,000 bytes for a YAML file"
    )
