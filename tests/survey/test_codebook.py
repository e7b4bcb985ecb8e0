import os
import re
import time
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from survey.codebook import Codebook, load_codebook, parse_codebook
from survey.datasets import example_paths
from survey.errors import CodebookError

BASE = {"scale": {"min": 1, "max": 5}, "constructs": {"Sat": {"items": ["s1", "s2"]}}}


def _with(**changes):
    return {**BASE, **changes}


def test_example_codebooks_are_valid():
    ecsi = load_codebook(example_paths("ecsi").codebook)
    assert ecsi.items_of("Quality") == [f"PERQ{k}" for k in range(1, 8)]
    assert ecsi.nps.item == "CUSL3" and ecsi.nps.detractors_max == 6
    assert ecsi.pls.paths["Loyalty"] == ["Image", "Satisfaction", "Complaints"]
    assert load_codebook(example_paths("bank").codebook).segments == ["gender"]


def test_unknown_field_names_the_allowed_fields():
    with pytest.raises(
        CodebookError, match=r"segment: unknown field; allowed fields: \[.*'segments'"
    ):
        parse_codebook(_with(segment=["g"]))


def test_nested_unknown_field_names_its_path():
    bad = _with(constructs={"Sat": {"items": ["s1"], "reversed": ["s1"]}})
    with pytest.raises(CodebookError, match="constructs.Sat.reversed: unknown field"):
        parse_codebook(bad)


def test_reverse_item_must_belong_to_the_construct():
    bad = _with(constructs={"Sat": {"items": ["s1", "s2"], "reverse": ["l1"]}})
    with pytest.raises(CodebookError, match=r"reverse: 'l1' .*allowed: \['s1', 's2'\]"):
        parse_codebook(bad)


def test_roles_and_paths_must_name_constructs():
    with pytest.raises(
        CodebookError, match=r"roles: unknown construct 'Loyalty'; allowed: \['Sat'\]"
    ):
        parse_codebook(_with(roles={"loyalty": "Loyalty"}))
    with pytest.raises(CodebookError, match="pls.paths: unknown construct 'Value'"):
        parse_codebook(_with(pls={"paths": {"Sat": ["Value"]}}))


def test_scale_must_be_ordered():
    with pytest.raises(CodebookError, match=r"scale: min \(5\) must be below max \(1\)"):
        parse_codebook(_with(scale={"min": 5, "max": 1}))


def test_wrong_type_names_the_field():
    with pytest.raises(CodebookError, match="min_valid"):
        parse_codebook(_with(min_valid="two"))


def test_item_in_two_constructs_is_refused():
    bad = _with(constructs={"A": {"items": ["x", "y"]}, "B": {"items": ["y", "z"]}})
    with pytest.raises(CodebookError, match=r"items used more than once: \['y'\]"):
        parse_codebook(bad)


def test_bad_header_pattern_is_refused():
    bad = _with(constructs={"Sat": {"items": [{"name": "s1", "header": "(unclosed"}]}})
    with pytest.raises(CodebookError, match="not a regex"):
        parse_codebook(bad)


def test_reliability_default_depends_on_item_count():
    codebook = parse_codebook(_with(constructs={"A": {"items": ["x", "y"]}, "B": {"items": ["z"]}}))
    assert codebook.wants_reliability("A") and not codebook.wants_reliability("B")


def test_unreadable_files_name_the_path(tmp_path):
    with pytest.raises(CodebookError, match="nope.yaml: cannot read"):
        load_codebook(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("scale: [1, 2\n")
    with pytest.raises(CodebookError, match="broken.yaml: not valid YAML"):
        load_codebook(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n")
    with pytest.raises(CodebookError, match="list.yaml: expected a mapping"):
        load_codebook(listed)


def test_identifying_column_cannot_also_be_analysed():
    with pytest.raises(CodebookError, match=r"identifying: \['s1'\] also used"):
        parse_codebook(_with(identifying=["s1"]))


def test_the_documented_reference_codebook_is_valid():
    import survey.codebook as module

    reference = module.__doc__.split("Every field::")[1].split("An item is")[0]
    codebook = parse_codebook(yaml.safe_load(reference))
    assert codebook.constructs["Satisfaction"].reverse == ["SAT2"]
    assert codebook.labels["非常满意"] == 5


def test_model_level_error_is_not_prefixed_twice():
    with pytest.raises(CodebookError) as caught:
        parse_codebook(_with(roles={"loyalty": "Loyalty"}))
    assert str(caught.value).startswith("codebook: roles:")


def test_allow_unmapped_defaults_to_false_and_labels_normalise():
    from survey.codebook import normalise_label

    assert parse_codebook(BASE).allow_unmapped is False
    assert parse_codebook(_with(allow_unmapped=True)).allow_unmapped is True
    assert normalise_label("９\u3000分") == normalise_label(" 9 分") == "9分"
    assert normalise_label("Ｓｔｒｏｎｇｌｙ  Agree") == "stronglyagree"
    with pytest.raises(CodebookError, match=r"constructs.Sat.labels: labels '9分' and '9 分'"):
        parse_codebook(
            _with(constructs={"Sat": {"items": ["s1"], "labels": {"9分": 9, "9 分": 8}}})
        )


def _write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_include_merges_files_relative_to_the_including_file(tmp_path):
    _write(tmp_path, "shared/roles.yaml", "roles: {satisfaction: Sat, loyalty: Loy}\n")
    _write(tmp_path, "shared/scale.yaml", "include: roles.yaml\nscale: {min: 0, max: 10}\n")
    _write(tmp_path, "pls.yaml", "Sat: [Loy]\n")
    main = _write(
        tmp_path,
        "main.yaml",
        "include: [shared/scale.yaml]\n"
        "scale: {min: 1, max: 5}\n"  # the including file wins
        "constructs: {Sat: {items: [s1, s2]}, Loy: {items: [l1, l2]}}\n"
        "roles: {loyalty: Sat}\n"  # merged key by key into the included roles
        "pls: {paths: {include: pls.yaml}}\n",
    )
    codebook = load_codebook(main)
    assert (codebook.scale.min, codebook.scale.max) == (1, 5)
    assert codebook.roles.satisfaction == "Sat" and codebook.roles.loyalty == "Sat"
    assert codebook.pls.paths == {"Sat": ["Loy"]}


def test_include_lists_are_replaced_not_concatenated(tmp_path):
    _write(tmp_path, "base.yaml", "segments: [a, b]\nscale: {min: 1, max: 5}\n")
    main = _write(
        tmp_path, "main.yaml", "include: base.yaml\nsegments: [c]\nconstructs: {S: {items: [x]}}\n"
    )
    assert load_codebook(main).segments == ["c"]


def test_missing_included_file_is_one_line_naming_it(tmp_path):
    main = _write(tmp_path, "main.yaml", "include: gone.yaml\n")
    with pytest.raises(CodebookError) as caught:
        load_codebook(main)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "gone.yaml") + ": cannot read codebook")
    assert "included from" in message and "main.yaml" in message


def test_include_cycle_is_one_line_naming_the_file(tmp_path):
    _write(tmp_path, "a.yaml", "include: b.yaml\n")
    _write(tmp_path, "b.yaml", "include: a.yaml\n")
    with pytest.raises(CodebookError) as caught:
        load_codebook(tmp_path / "a.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert "a.yaml: include cycle:" in message and "b.yaml" in message
    _write(tmp_path, "self.yaml", "include: self.yaml\n")
    with pytest.raises(CodebookError, match="self.yaml: include cycle"):
        load_codebook(tmp_path / "self.yaml")


def test_bad_included_content_names_the_included_file(tmp_path):
    _write(tmp_path, "list.yaml", "- a\n")
    _write(tmp_path, "broken.yaml", "scale: [1, 2\n")
    for name, problem in [("list.yaml", "expected a mapping"), ("broken.yaml", "not valid YAML")]:
        main = _write(tmp_path, "main.yaml", f"include: {name}\n")
        with pytest.raises(CodebookError) as caught:
            load_codebook(main)
        assert str(caught.value).startswith(f"{tmp_path / name}: {problem}")
        assert "\n" not in str(caught.value)
    main = _write(tmp_path, "main.yaml", "include: {a: 1}\n")
    with pytest.raises(CodebookError, match="main.yaml: include: expected a file path"):
        load_codebook(main)


def test_empty_included_file_adds_nothing(tmp_path):
    _write(tmp_path, "empty.yaml", "# nothing yet\n")
    main = _write(
        tmp_path,
        "main.yaml",
        "include: empty.yaml\nscale: {min: 1, max: 5}\nconstructs: {S: {items: [x]}}\n",
    )
    assert load_codebook(main).item_names == ["x"]


# docs/codebook.md, the codebook reference, must follow the models.

DOC = Path(__file__).resolve().parents[2] / "docs" / "codebook.md"


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of every field of a codebook model, as the reference spells them."""
    paths = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        for nested, suffix in _nested_models(field.annotation):
            paths += _field_paths(nested, f"{path}{suffix}")
    return paths


def _nested_models(annotation: object) -> list[tuple[type[BaseModel], str]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, ".")]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list:
        return [(model, "[]" + suffix) for model, suffix in _nested_models(args[0])]
    if origin is dict:
        return [(model, ".<name>" + suffix) for model, suffix in _nested_models(args[1])]
    return [found for arg in args for found in _nested_models(arg)]


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_reference_page_documents_every_codebook_field():
    text = DOC.read_text(encoding="utf-8")
    paths = _field_paths(Codebook)
    assert "constructs.<name>.items[].header" in paths and "nps.detractors_max" in paths
    missing = [path for path in paths if f"| `{path}` |" not in text]
    assert not missing, f"docs/codebook.md lacks a table row for {missing}"


def test_reference_page_documents_no_unknown_top_level_key():
    text = DOC.read_text(encoding="utf-8")
    documented = {re.split(r"[.[]", key)[0] for key in re.findall(r"^\| `([^`]+)` \|", text, re.M)}
    assert documented - {"include"} == set(Codebook.model_fields)


def test_worked_example_is_valid_and_uses_every_field():
    block = _yaml_blocks(DOC.read_text(encoding="utf-8").split("## Worked example")[1])[0]
    raw = yaml.safe_load(block)
    assert set(raw) == set(Codebook.model_fields)
    codebook = parse_codebook(raw, source="docs/codebook.md")
    assert codebook.constructs["Satisfaction"].reverse == ["SAT2"]
    assert codebook.labels_of("Recommend")["10分"] == 10


def test_include_example_of_the_reference_page_loads(tmp_path):
    section = DOC.read_text(encoding="utf-8").split("## Includes")[1].split("## ")[0]
    for block in _yaml_blocks(section):
        name = block.splitlines()[0].removeprefix("# ").strip()
        _write(tmp_path, name, block)
    codebook = load_codebook(tmp_path / "wave2.yaml")
    assert codebook.roles.drivers == ["Quality"] and codebook.roles.loyalty == "Loyalty"
    assert codebook.nps.item == "LOY3" and codebook.pls.paths["Loyalty"] == ["Satisfaction"]


@pytest.mark.parametrize("name", ["ecsi", "bank"])
def test_shipped_codebooks_load_as_their_plain_yaml(name):
    path = example_paths(name).codebook
    plain = parse_codebook(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert load_codebook(path) == plain


@pytest.mark.parametrize(
    "text, expected",
    [
        ("scale: {min: 1, max: 5}\nscale: {min: 1, max: 7}\n", "key 'scale' is given twice"),
        ("x: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested over 100 levels deep (the limit)"),
        ("bogus: &a [*a]\n", "alias *a refers to the node that defines it"),
        ("? [a, b]\n: 1\n", "a key must be a plain value"),
    ],
)
def test_hostile_codebook_yaml_is_one_line_naming_the_file(tmp_path, text, expected):
    # issue 15: duplicate codebook keys were accepted (the last one winning), and a
    # codebook nested 10,000 levels gave a RecursionError traceback.
    path = _write(tmp_path, "codebook.yaml", text)
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not valid YAML (line ") and expected in message
    assert "\n" not in message


def test_codebook_alias_bomb_is_refused_within_2_s(tmp_path):
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = _write(tmp_path, "bomb.yaml", "\n".join(lines))
    started = time.process_time()
    with pytest.raises(CodebookError, match=r"over 100,000 nodes \(the limit"):
        load_codebook(path)
    assert time.process_time() - started < 2


def test_codebook_that_is_a_fifo_or_a_device_is_refused_without_reading(tmp_path):
    # issue 15: a /dev/zero codebook exhausted memory and a FIFO blocked forever.
    fifo = tmp_path / "codebook.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        with pytest.raises(CodebookError, match=rf"^{path}: cannot read codebook \(not a regular"):
            load_codebook(path)


def test_included_codebook_fragment_over_1_mb_is_refused(tmp_path):
    _write(tmp_path, "big.yaml", "# padding\n" * 110_000)
    main = _write(tmp_path, "main.yaml", "include: big.yaml\n")
    with pytest.raises(CodebookError, match=r"big.yaml: cannot read codebook \(the file is over"):
        load_codebook(main)


@pytest.mark.parametrize("bound", [float("nan"), float("inf"), float("-inf")])
def test_scale_bounds_must_be_finite(bound):
    # issue 15: the codebook accepted `scale.min: .nan`
    with pytest.raises(CodebookError, match="scale.min: Input should be a finite number"):
        parse_codebook(_with(scale={"min": bound, "max": 5}))
    own = {"Sat": {"items": ["s1", "s2"], "scale": {"min": 0, "max": bound}}}
    with pytest.raises(CodebookError, match="constructs.Sat.scale.max: .*finite"):
        parse_codebook(_with(constructs=own))


def test_label_codes_and_missing_codes_must_be_finite():
    with pytest.raises(CodebookError, match="labels.bad: .*finite"):
        parse_codebook(_with(labels={"bad": float("nan")}))
    with pytest.raises(CodebookError, match="missing_codes"):
        parse_codebook(_with(missing_codes=[float("inf")]))


def test_nan_scale_in_a_yaml_codebook_is_one_line(tmp_path):
    path = _write(tmp_path, "cb.yaml", "scale: {min: .nan, max: 10}\nconstructs: {S: {items: [a]}}")
    with pytest.raises(CodebookError, match=rf"^{path}: scale.min: Input should be a finite"):
        load_codebook(path)


@pytest.mark.parametrize(
    "nps, field",
    [
        ({"promoters_min": 50}, "promoters_min: 50 is outside the scale"),
        ({"detractors_max": 0}, "detractors_max: 0 is outside the scale"),
        ({"promoters_min": 6, "detractors_max": 6}, "detractors_max: 6 is not below"),
        ({"promoters_min": float("nan")}, "promoters_min: Input should be a finite"),
    ],
)
def test_nps_cut_offs_must_split_the_scale_of_the_nps_item(nps, field):
    # issue 15: `nps.promoters_min: 50` on a 1-10 scale was accepted and the NPS of the
    # ECSI example became -18.4 instead of 14.0
    raw = {**BASE, "scale": {"min": 1, "max": 10}, "nps": {"item": "s2", **nps}}
    with pytest.raises(CodebookError, match=f"nps.{field}"):
        parse_codebook(raw)


def test_nps_cut_offs_use_the_scale_of_the_nps_items_construct():
    own = {"Sat": {"items": ["s1"]}, "Rec": {"items": ["r"], "scale": {"min": 0, "max": 10}}}
    book = parse_codebook(_with(constructs=own, nps={"item": "r", "promoters_min": 9}))
    assert book.nps.promoters_min == 9  # 9 is beyond the codebook scale 1-5, not r's 0-10
    with pytest.raises(CodebookError, match="allowed: 1 <= detractors_max < promoters_min <= 5"):
        parse_codebook(_with(nps={"item": "s1", "promoters_min": 9}))


def test_reverse_item_listed_twice_is_one_line():
    # issue 15: `reverse: [IMAG1, IMAG1]` gave a "Columns must be same length" traceback
    bad = _with(constructs={"Sat": {"items": ["s1", "s2"], "reverse": ["s1", "s1"]}})
    with pytest.raises(CodebookError, match=r"constructs.Sat.reverse: \['s1'\] listed more than"):
        parse_codebook(bad)


def test_exponential_header_pattern_is_refused_at_load_within_a_second(tmp_path):
    # issue 15: the header pattern `(a+)+$` searched in a 41-character name ran past 30 s
    text = "scale: {min: 1, max: 5}\nconstructs: {S: {items: [{name: a, header: '(a+)+$'}]}}"
    path = _write(tmp_path, "cb.yaml", text)
    started = time.process_time()
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert time.process_time() - started < 1
    assert str(caught.value) == (
        f"{path}: constructs.S.items.0: header pattern '(a+)+$': a repeat inside a repeat "
        "(e.g. (a+)+) is not allowed"
    )


def test_long_names_in_codebook_errors_are_cut():
    # issue 15: offending values were echoed whole (a 1 MB name gave a 1 MB line)
    name = "x" * 1_000_000
    with pytest.raises(CodebookError) as caught:
        parse_codebook(_with(roles={"satisfaction": name}))
    assert len(str(caught.value)) < 300 and "(1000000 characters)" in str(caught.value)
    with pytest.raises(CodebookError) as caught:
        parse_codebook(_with(constructs={name: {"items": ["a"], "bogus": 1}}))
    assert len(str(caught.value)) < 300
