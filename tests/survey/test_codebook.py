import pytest
import yaml

from survey.codebook import load_codebook, parse_codebook
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
    with pytest.raises(CodebookError, match=r"scale: min \(5.0\) must be below max \(1.0\)"):
        parse_codebook(_with(scale={"min": 5, "max": 1}))


def test_wrong_type_names_the_field():
    with pytest.raises(CodebookError, match="min_valid"):
        parse_codebook(_with(min_valid="two"))


def test_item_in_two_constructs_is_refused():
    bad = _with(constructs={"A": {"items": ["x", "y"]}, "B": {"items": ["y", "z"]}})
    with pytest.raises(CodebookError, match=r"more than one construct: \['y'\]"):
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
