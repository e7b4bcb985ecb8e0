import os
import time
import tracemalloc

import pytest

from experiments.cli import main
from experiments.errors import ConfigError
from experiments.loader import read_yaml, yaml_line


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("shoplab: error: ")
    return lines[0]


def _billion_laughs() -> str:
    """Nine levels of nine aliases (9**9 strings): the issue's 438-byte config."""
    lines = ["name: laughs", "a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_config_is_refused_by_validate_in_under_2_s(write_config, capsys):
    config = write_config(_billion_laughs())
    tracemalloc.start()
    started = time.process_time()
    status = main(["validate", str(config)])
    seconds = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert status == 2
    line = _one_line_error(capsys)
    assert str(config) in line and "over 100,000 nodes (the limit" in line
    # issue 15: over 60 s and 2.4 GB before; bounds of the issue: 2 s and 200 MB.
    assert seconds < 2
    assert peak < 20_000_000  # bytes traced while validating (measured: well under 1 MB)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nbogus: &a [*a]\n", "alias *a refers to the node that defines it"),
        ("name: x\n? [a, b]\n: 1\n", "a key must be a plain value (text or a number), not a list"),
        ("name: x\nseed: " + "9" * 5000 + "\n", "an integer of 5000 digits"),
        ("name: x\nseed: 10000000000000000000\n", "is over the limit of 1e+18"),
        ("name: x\nname: y\n", "line 2, column 1: invalid YAML: key 'name' is given twice"),
        ("name: " + "[" * 600 + "]" * 600 + "\n", "nested over 100 levels deep (the limit)"),
    ],
)
def test_hostile_yaml_gives_one_line_and_exit_status_2(write_config, capsys, text, expected):
    assert main(["validate", str(write_config(text))]) == 2
    line = _one_line_error(capsys)
    assert expected in line
    assert len(line) < 300  # the offending value is not echoed whole


@pytest.mark.parametrize("text", ["", "\n\n", "# a comment only\n# and another\n"])
def test_empty_or_comment_only_config_is_an_error(write_config, capsys, text):
    # issue 15: an empty file validated as "1 arms x 1 scenarios x 8 replications ... OK".
    config = write_config(text)
    assert main(["validate", str(config)]) == 2
    assert f"{config}: the file is empty" in _one_line_error(capsys)


def test_an_empty_included_fragment_changes_nothing(write_config):
    write_config("", name="empty.yaml")
    main_file = write_config("name: x\nmodel: {include: empty.yaml}\n")
    assert read_yaml(main_file) == {"name": "x", "model": {}}


def test_included_fragments_are_bounded_too(write_config):
    write_config(_billion_laughs(), name="bomb.yaml")
    main_file = write_config("name: x\nmodel: {include: bomb.yaml}\n")
    with pytest.raises(ConfigError, match=r"bomb.yaml: line \d+, column \d+: .*over 100,000 nodes"):
        read_yaml(main_file)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_config_that_is_not_a_regular_file_is_refused_without_reading(tmp_path, capsys, kind):
    if kind == "fifo":
        path = tmp_path / "config.yaml"
        os.mkfifo(path)  # reading it would block forever
    else:
        path = "/dev/zero" if kind == "device" else tmp_path
    assert main(["validate", str(path)]) == 2
    assert "not a regular file" in _one_line_error(capsys)


def test_a_config_over_1_mb_is_refused(write_config, capsys):
    config = write_config("name: x\n" + "# padding\n" * 110_000)
    assert main(["validate", str(config)]) == 2
    assert "over the limit of 1,000,000 bytes" in _one_line_error(capsys)


def test_a_config_in_utf16_is_one_line(tmp_path, capsys):
    config = tmp_path / "utf16.yaml"
    config.write_text("name: x\n", encoding="utf-16")
    assert main(["validate", str(config)]) == 2
    assert "not UTF-8 text" in _one_line_error(capsys)


def test_yaml_line_follows_keys_and_indices(write_config):
    config = write_config("name: x\narms:\n- name: a\n- name: b\n")
    assert yaml_line(config, ["arms", "1", "name"]) == 4
    assert yaml_line(config, ["arms", "5"]) is None
    assert yaml_line(config.parent / "missing.yaml", ["name"]) is None
