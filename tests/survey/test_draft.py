"""``shoplab survey codebook``: drafted codebooks load and reproduce the example."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from experiments.cli import main
from survey.analyze import run_analysis
from survey.codebook import load_codebook, parse_codebook
from survey.draft import draft_codebook, draft_yaml, write_draft
from survey.io import SurveyTable, read_survey


@pytest.fixture(scope="module")
def reference(ecsi, ecsi_codebook, tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "plain.csv"
    ecsi.to_csv(path, index=False)
    return run_analysis(read_survey(path), ecsi_codebook, n_boot=0)


def _qualtrics(ecsi, path):
    meta = pd.DataFrame(
        {
            "StartDate": "2024-05-01 10:00:00",
            "IPAddress": [f"192.0.2.{k % 250}" for k in range(len(ecsi))],
            "Duration (in seconds)": 300,
            "ResponseId": [f"R_{k:05d}" for k in range(len(ecsi))],
        }
    )
    body = pd.concat([meta, ecsi], axis=1).astype(str)
    questions = {column: f"How much do you agree? - {column}" for column in body.columns}
    ids = {column: json.dumps({"ImportId": f"QID{k}"}) for k, column in enumerate(body.columns)}
    pd.concat([pd.DataFrame([questions, ids]), body]).to_csv(path, index=False)


IDENTIFYING = {
    "问卷星.csv": ["提交答卷时间", "来源IP"],
    "bom.csv": ["提交答卷时间", "来源IP"],
    "qualtrics.csv": ["StartDate", "IPAddress", "ResponseId"],
    "survey.sav": [],
}


@pytest.fixture
def write_container(ecsi, ecsi_wjx, write_ecsi_sav):
    """How ECSI is written in each container (name -> writer of a path)."""
    return {
        "问卷星.csv": lambda path: ecsi_wjx.to_csv(path, index=False, encoding="gbk"),
        "bom.csv": lambda path: ecsi_wjx.to_csv(path, index=False, encoding="utf-8-sig"),
        "qualtrics.csv": lambda path: _qualtrics(ecsi, path),
        "survey.sav": write_ecsi_sav,
    }


@pytest.mark.parametrize("container", sorted(IDENTIFYING))
def test_unchanged_draft_reproduces_the_example(
    container, write_container, ecsi_codebook, ecsi_blocks, reference, tmp_path
):
    data = tmp_path / container
    write_container[container](data)
    out = write_draft(data, tmp_path / "codebook.yaml")
    book = load_codebook(out)
    assert sorted(map(sorted, (book.items_of(c) for c in book.constructs))) == sorted(
        map(sorted, ecsi_blocks.values())
    )
    assert (book.scale.min, book.scale.max) == (1, 10)
    assert book.identifying == IDENTIFYING[container]
    if container in ("问卷星.csv", "bom.csv"):
        assert book.segments == ["来源"]
        assert "# speeders: {column: 所用时间" in out.read_text(encoding="utf-8")
    analysis = run_analysis(read_survey(data), book, n_boot=0)
    # Compare under the shipped names, matched by item sets.
    names = {
        draft: shipped
        for draft in book.constructs
        for shipped in ecsi_codebook.constructs
        if set(book.items_of(draft)) == set(ecsi_codebook.items_of(shipped))
    }
    assert len(names) == len(ecsi_codebook.constructs)
    for table in SAME_TABLES:
        pd.testing.assert_frame_equal(
            _canonical(analysis.tables[table], names),
            _canonical(reference.tables[table], {}),
            rtol=1e-12,
        )


SAME_TABLES = [
    "descriptives",
    "construct_scores",
    "reliability",
    "item_analysis",
    "validity",
    "correlations",
]


def _canonical(table, names):
    """Construct names replaced, construct pairs in sorted order, rows sorted."""
    table = table.copy()
    for column in ["construct", "construct_a", "construct_b", "x", "y"]:
        if column in table:
            table[column] = table[column].replace(names)
    for a, b in [("construct_a", "construct_b"), ("x", "y")]:
        if a in table:
            swap = table[a] > table[b]
            pairs = [(a, b)] + [(c, c[:-2] + "_b") for c in table if c.endswith("_a") and c != a]
            for left, right in pairs:
                table.loc[swap, [left, right]] = table.loc[swap, [right, left]].to_numpy()
    keys = [c for c in ["construct", "item", "construct_a", "construct_b", "x", "y"] if c in table]
    return table.sort_values(keys).reset_index(drop=True)


def test_xlsx_with_question_headers_and_text_labels(
    ecsi, ecsi_codebook, ecsi_labels, write_ecsi_xlsx, reference, tmp_path
):
    # As in test_io: full question texts as headers, answers 1 and 10 as their labels.
    items = list(ecsi.columns)
    path = tmp_path / "问卷.xlsx"
    write_ecsi_xlsx(path)
    out = tmp_path / "codebook.yaml"
    assert main(["survey", "codebook", str(path), "--sheet", "答卷", "--out", str(out)]) == 0
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    book = load_codebook(out)
    assert book.labels == ecsi_labels and (book.scale.min, book.scale.max) == (1, 10)
    assert book.identifying == ["提交答卷时间", "来源IP"]
    # Identical question texts give no hint of the ECSI blocks: one block of 24
    # questions, which the user splits (here: by the shipped codebook's item order).
    (block,) = raw["constructs"].values()
    assert [item["header"] for item in block["items"]] == [f"^第{k}题" for k in range(1, 25)]
    by_header = {items[k]: block["items"][k] for k in range(24)}
    raw["constructs"] = {
        name: {"items": [by_header[item] for item in ecsi_codebook.items_of(name)]}
        for name in ecsi_codebook.constructs
    }
    regrouped = parse_codebook(raw)
    analysis = run_analysis(read_survey(path, sheet="答卷"), regrouped, n_boot=0)
    pd.testing.assert_frame_equal(
        analysis.tables["reliability"], reference.tables["reliability"], rtol=1e-12
    )


def test_xlsx_of_matrix_questions_needs_only_the_construct_names(
    ecsi, ecsi_codebook, ecsi_labels, write_ecsi_matrix_xlsx, reference, tmp_path
):
    # An export by text of a questionnaire with one matrix question per construct: the
    # draft finds the blocks; renaming them is the only edit needed.
    path = tmp_path / "矩阵.xlsx"
    write_ecsi_matrix_xlsx(path)
    out = tmp_path / "codebook.yaml"
    assert main(["survey", "codebook", str(path), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "iPhone" not in text and "10.7." not in text
    book = load_codebook(out)
    assert book.identifying == ["提交答卷时间", "来源IP", "设备", "浏览器"]
    assert book.labels == ecsi_labels and (book.scale.min, book.scale.max) == (1, 10)
    names = {
        "Q1": "Expectations",
        "Q2": "Satisfaction",
        "Block1": "Complaints",
        "Q4": "Loyalty",
        "Q5": "Image",
        "Q6": "Quality",
        "Q7": "Value",
    }
    assert list(book.constructs) == list(names)
    for old, new in names.items():
        text = text.replace(f"\n  {old}:\n", f"\n  {new}:\n")
    out.write_text(text, encoding="utf-8")
    edited = load_codebook(out)
    assert {name: len(edited.items_of(name)) for name in edited.constructs} == {
        name: len(ecsi_codebook.items_of(name)) for name in edited.constructs
    }
    analysis = run_analysis(read_survey(path), edited, n_boot=0)
    for name in ["construct_scores", "reliability", "validity", "correlations"]:
        pd.testing.assert_frame_equal(
            _canonical(analysis.tables[name], {}),
            _canonical(reference.tables[name], {}),
            rtol=1e-12,
        )


def test_identifying_values_are_found_and_never_written():
    n = 20
    secrets = {
        "contact": [f"138{k:08d}" for k in range(n)],
        "reach": [f"user{k}@example.com" for k in range(n)],
        "origin": [f"192.168.1.{k}" for k in range(n)],
        "card": [f"11010519900307{k:03d}X" for k in range(n)],
    }
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {
            **secrets,
            "姓名": [f"张{k}" for k in range(n)],
            "SAT1": rng.integers(1, 6, n),
            "SAT2": rng.integers(1, 6, n),
            "city": rng.choice(["北京", "上海", "广州"], n),
        }
    )
    text = draft_yaml(SurveyTable(data=data, source="s.csv"))
    book = parse_codebook(yaml.safe_load(text))
    assert book.identifying == ["contact", "reach", "origin", "card", "姓名"]
    assert book.segments == ["city"]
    for values in [*secrets.values(), data["姓名"]]:
        assert not any(str(value) in text for value in values)


def test_numbered_text_answers_become_ordered_labels():
    data = pd.DataFrame(
        {
            "1、您对服务的满意度": ["8分", "10分", "9 分", "7分"],
            "2、您对价格的满意度": ["6分", "10分", "8分", "7分"],
            "3、您的性别": ["男", "女", "女", "男"],
        }
    )
    draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
    assert draft["constructs"] == {
        "Block1": {
            "items": [
                {"name": "Q1", "header": "^1\\s*[、.．]"},
                {"name": "Q2", "header": "^2\\s*[、.．]"},
            ]
        }
    }
    assert draft["labels"] == {"8分": 8, "10分": 10, "9 分": 9, "7分": 7, "6分": 6}
    assert draft["scale"] == {"min": 6, "max": 10}
    assert draft["segments"] == ["3、您的性别"]


def test_wenjuanxin_matrix_questions_are_one_construct_each():
    data = pd.DataFrame(
        {
            "5(服务态度)": [1, 2, 5, 4],
            "5(响应速度)": [2, 2, 5, 3],
            "6(价格)": [0, 7, 10, 9],
            "6(套餐)": [1, 6, 10, 8],
        }
    )
    draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
    assert list(draft["constructs"]) == ["Q5", "Q6"]
    assert draft["constructs"]["Q5"]["items"][1] == {
        "name": "Q5_2",
        "header": "^5[(（]响应速度[)）]",
    }
    # The 0-10 block keeps its own scale next to the 1-5 one.
    assert draft["constructs"]["Q6"]["scale"] == {"min": 0, "max": 10}
    assert parse_codebook({k: v for k, v in draft.items() if not k.startswith("_")})


def test_no_items_is_a_one_line_error(capsys, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,city\nA,B\nC,D\n", encoding="utf-8")
    status = main(["survey", "codebook", str(path), "--out", str(tmp_path / "c.yaml")])
    err = capsys.readouterr().err
    assert status == 2 and "no column looks like" in err and err.count("\n") == 1


def test_qualtrics_matrix_names_and_words_that_only_look_identifying():
    rng = np.random.default_rng(2)
    n = 30
    data = pd.DataFrame(
        {
            "Q1_1": rng.integers(1, 8, n),
            "Q1_2": rng.integers(1, 8, n),
            "Q2_1": rng.integers(1, 8, n),
            "Q2_2": rng.integers(1, 8, n),
            "Paid": rng.choice(["yes", "no"], n),
            "update": rng.choice(["yes", "no"], n),
            "ship": rng.choice(["yes", "no"], n),
            "RecordedDate": "2024-05-01",
            "ip": [f"10.0.0.{k}" for k in range(n)],
        }
    )
    draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
    assert draft["constructs"] == {
        "Q1": {"items": ["Q1_1", "Q1_2"]},
        "Q2": {"items": ["Q2_1", "Q2_2"]},
    }
    assert draft["segments"] == ["Paid", "update", "ship"]
    assert draft["identifying"] == ["RecordedDate", "ip"]  # "ip" by its values


@pytest.mark.parametrize(
    "header", ["User Agent", "UserAgent", "Device Type", "设备", "浏览器", "操作系统", "来源详情"]
)
def test_device_and_browser_metadata_is_recognised_and_never_analysed(header):
    data = pd.DataFrame({"SAT1": [1, 5, 3, 4], "SAT2": [2, 4, 5, 4], header: ["a", "b", "a", "b"]})
    draft = draft_codebook(SurveyTable(data=data, source="s.csv"))
    assert draft["identifying"] == [header] and "segments" not in draft
