import html

import numpy as np
import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.cleaning import LOG_COLUMNS, clean_survey, parse_duration_seconds
from survey.codebook import parse_codebook
from survey.errors import DataError
from survey.io import SurveyTable


def _table(frame):
    frame = frame.copy()
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return SurveyTable(data=frame, source="test.csv")


def _codebook(**extra):
    return parse_codebook(
        {
            "scale": {"min": 1, "max": 5},
            "constructs": {"Sat": {"items": ["s1", "s2", "s3"]}, "Loy": {"items": ["l1", "l2"]}},
            **extra,
        }
    )


def _answers():
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "s1": [1, 2, 3, 4, 5, 2],
            "s2": [2, 2, 4, 4, 5, 3],
            "s3": [1, 3, 3, 5, 5, 2],
            "l1": [2, 1, 3, 4, 5, 2],
            "l2": [1, 2, 4, 5, 5, 1],
        }
    )


def _rows(log, what):
    return sorted(log.loc[log["what"] == what, "row"].tolist())


def test_clean_file_has_empty_log():
    cleaned = clean_survey(_table(_answers()), _codebook())
    assert cleaned.log.empty and list(cleaned.log.columns) == LOG_COLUMNS
    assert len(cleaned.items) == 6


def test_out_of_range_and_missing_codes_are_set_missing_and_logged_when_allowed():
    answers = _answers().assign(s1=[1, 9, 3, 99, 5, 0])
    # "99" written as text in the YAML still matches the numeric answer 99.
    cleaned = clean_survey(_table(answers), _codebook(missing_codes=["99"]), allow_unmapped=True)
    assert _rows(cleaned.log, "missing code") == [5]  # 99 on data row 3 = spreadsheet row 5
    assert _rows(cleaned.log, "out of range") == [3, 7]  # 9 and 0 outside 1-5
    assert cleaned.items["s1"].isna().sum() == 3
    assert cleaned.scores.loc[3, "Sat"] == pytest.approx((2 + 3) / 2)


def test_labels_are_mapped_and_unmapped_labels_logged():
    answers = _answers().astype(object)
    answers.loc[0, "s1"], answers.loc[1, "s1"], answers.loc[2, "s1"] = "非常满意", "不知道", "N/A"
    # allowed through the codebook as well as through the keyword
    codebook = _codebook(
        labels={"非常满意": 5, "非常不满意": 1}, missing_codes=["N/A"], allow_unmapped=True
    )
    cleaned = clean_survey(_table(answers), codebook)
    assert cleaned.items.loc[2, "s1"] == 5
    assert _rows(cleaned.log, "unmapped label") == [3]
    assert _rows(cleaned.log, "missing code") == [4]
    assert "非常满意" in cleaned.log.loc[cleaned.log["what"] == "unmapped label", "why"].iloc[0]


def test_duplicates_speeders_straightliners_and_attention_checks_are_dropped():
    answers = _answers().assign(
        id=["a", "b", "a", "d", "e", "f"],
        seconds=[300, 20, 300, 300, 300, 300],
        check=[3, 3, 3, 3, 3, 1],
    )
    codebook = _codebook(
        id_column="id",
        speeders={"column": "seconds", "min_seconds": 60},
        straightlining={"min_items": 5},
        attention_checks=[{"column": "check", "expected": 3}],
    )
    cleaned = clean_survey(_table(answers), codebook)
    assert _rows(cleaned.log, "failed attention check") == [7]
    assert _rows(cleaned.log, "duplicate respondent id") == [4]
    assert _rows(cleaned.log, "speeder") == [3]
    assert _rows(cleaned.log, "straight-lining") == [6]  # all fives
    assert list(cleaned.items.index) == [2, 5]
    assert cleaned.n_read == 6


def test_too_few_valid_answers_blanks_the_score_only():
    answers = _answers()
    answers[["s1", "s2"]] = answers[["s1", "s2"]].astype(float)
    answers.loc[0, ["s1", "s2"]] = np.nan
    cleaned = clean_survey(_table(answers), _codebook(min_valid=2))
    assert _rows(cleaned.log, "too few valid answers") == [2]
    assert np.isnan(cleaned.scores.loc[2, "Sat"]) and cleaned.scores.loc[2, "Loy"] == 1.5


def test_rows_without_any_answer_are_dropped_and_logged():
    items = ["s1", "s2", "s3", "l1", "l2"]
    answers = _answers()
    answers[items] = answers[items].astype(float)
    answers.loc[1, items] = np.nan
    cleaned = clean_survey(_table(answers), _codebook())
    assert _rows(cleaned.log, "no valid answers") == [3]
    assert 3 not in cleaned.items.index


def test_reverse_coded_storage_gives_exactly_the_original_statistics(ecsi, ecsi_codebook):
    # CUSA2 and PERQ3 stored as 1 + 10 - x and declared reversed in the codebook.
    reversed_data = ecsi.assign(CUSA2=11 - ecsi["CUSA2"], PERQ3=11 - ecsi["PERQ3"])
    raw = ecsi_codebook.model_dump(exclude_defaults=True)
    raw["constructs"]["Satisfaction"]["reverse"] = ["CUSA2"]
    raw["constructs"]["Quality"]["reverse"] = ["PERQ3"]
    original = run_analysis(_table(ecsi), ecsi_codebook, n_boot=0)
    recoded = run_analysis(_table(reversed_data), parse_codebook(raw), n_boot=0)
    for name in ["descriptives", "reliability", "validity", "regression", "pls_paths", "nps"]:
        pd.testing.assert_frame_equal(original.tables[name], recoded.tables[name])
    assert original.targets == recoded.targets
    log = recoded.cleaned.log
    assert sorted(log.loc[log["what"] == "reverse coded", "column"]) == ["CUSA2", "PERQ3"]


def test_non_numeric_duration_is_refused_by_column():
    answers = _answers().assign(seconds="fast")
    codebook = _codebook(speeders={"column": "seconds", "min_seconds": 60})
    with pytest.raises(DataError, match="'seconds'"):
        clean_survey(_table(answers), codebook)


def test_header_pattern_matching_two_columns_is_refused():
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 5},
            "constructs": {"Sat": {"items": [{"name": "s", "header": "^s"}]}},
        }
    )
    with pytest.raises(DataError, match=r"matches 3 columns \['s1', 's2', 's3'\]"):
        clean_survey(_table(_answers()), codebook)


def test_labels_match_regardless_of_case_and_spacing():
    answers = _answers().astype(object)
    answers.loc[0, "s1"], answers.loc[1, "s1"] = " strongly  AGREE ", "Strongly\u3000disagree"
    codebook = _codebook(labels={"Strongly agree": 5, "Strongly disagree": 1})
    cleaned = clean_survey(_table(answers), codebook)
    assert cleaned.items["s1"].tolist()[:2] == [5, 1]
    assert cleaned.log.empty


def test_header_pattern_reaching_an_identifying_column_is_refused():
    answers = _answers().assign(phone=["13800000000"] * 6)
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 5},
            "constructs": {"Sat": {"items": ["s1", {"name": "s9", "header": "^ph"}]}},
            "identifying": ["phone"],
        }
    )
    with pytest.raises(DataError, match=r"\['s9'\] matches the identifying column 'phone'"):
        clean_survey(_table(answers), codebook)


def test_a_construct_can_have_its_own_labels():
    # "一般" is 3 on the satisfaction scale but 2 on the loyalty items' own labels.
    answers = _answers().astype(object)
    answers.loc[0, "s1"], answers.loc[0, "l1"] = "一般", "一般"
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 5},
            "labels": {"一般": 3},
            "constructs": {
                "Sat": {"items": ["s1", "s2", "s3"]},
                "Loy": {"items": ["l1", "l2"], "labels": {"一般": 2}},
            },
        }
    )
    cleaned = clean_survey(_table(answers), codebook)
    assert (cleaned.items.loc[2, "s1"], cleaned.items.loc[2, "l1"]) == (3, 2)


def test_out_of_range_answers_are_an_error_naming_column_values_and_scale():
    answers = _answers().assign(s1=[1, 9, 3, 99, 9, 0])
    with pytest.raises(DataError) as err:
        clean_survey(_table(answers), _codebook(missing_codes=[99]))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("test.csv: column 's1': 3 answer(s) outside the scale 1–5: ")
    assert "9 ×2, 0 ×1" in message and "99" not in message.split("1–5:")[1].split("(")[0]
    assert "--allow-unmapped" in message


def test_half_matching_labels_are_an_error_listing_the_unmapped_texts():
    # the issue: "9 分" is meant for "9分", "8分" is not declared; 41% became missing
    answers = _answers().astype(object)
    answers["s1"] = ["9分", "9 分", "8分", "8分", "不适用", "10分"]
    labels = {f"{k}分": k for k in [1, 2, 3, 4, 5, 6, 7, 9, 10]}
    codebook = parse_codebook(
        {
            "scale": {"min": 0, "max": 10},
            "labels": labels,
            "missing_codes": ["不适用"],
            "constructs": {"Sat": {"items": ["s1"]}},
        }
    )
    with pytest.raises(DataError) as err:
        clean_survey(_table(answers), codebook)
    message = str(err.value)
    assert "\n" not in message
    assert "column 's1': 2 answer(s) match no codebook label" in message
    assert "'8分' ×2" in message and "9 分" not in message and "不适用" not in message
    assert "--allow-unmapped" in message
    # declaring "8分" is enough: "9 分" matches "9分"
    fixed = parse_codebook({**codebook.model_dump(), "labels": {**labels, "8分": 8}})
    cleaned = clean_survey(_table(answers), fixed)
    assert cleaned.items["s1"].tolist() == [9, 9, 8, 8, 10]  # 不适用 row: no valid answer
    assert _rows(cleaned.log, "missing code") == [6]


def test_the_error_lists_the_most_frequent_unmapped_texts_then_how_many_more():
    answers = _answers().astype(object)
    answers["s1"] = ["x", "x", "y", "z", "u", "v"]
    answers.loc[:, "s2"] = ["w", "x", "y", "z", "u", "v"]
    answers = pd.concat([answers, answers.assign(s1="t")], ignore_index=True)
    with pytest.raises(DataError, match=r"'x' ×2, .* \+1 more;"):
        clean_survey(_table(answers), _codebook(labels={"yes": 5}))


def test_full_width_digits_letters_and_spaces_match_labels_and_missing_codes():
    answers = _answers().astype(object)
    answers["s1"] = ["９分", "Ｎ／Ａ", "９\u3000分", " 9 分 ", "ｓｔｒｏｎｇｌｙ ａｇｒｅｅ", "３"]
    codebook = _codebook(
        labels={"9分": 5, "Strongly agree": 4}, missing_codes=["N/A"], scale={"min": 1, "max": 9}
    )
    cleaned = clean_survey(_table(answers), codebook)
    assert cleaned.items["s1"].fillna(-1).tolist() == [5, -1, 5, 5, 4, 3]
    assert _rows(cleaned.log, "missing code") == [3]


def test_labels_equal_once_normalised_must_have_one_code():
    with pytest.raises(Exception, match=r"labels: labels '9分' and '9 分' are the same"):
        _codebook(labels={"9分": 9, "9 分": 8})
    assert _codebook(labels={"9分": 9, "9 分": 9}).labels["9 分"] == 9


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("120秒", 120),
        ("2分3秒", 123),
        ("2分钟3秒", 123),
        ("1小时2分3秒", 3723),
        ("1小时", 3600),
        ("5分", 300),
        ("00:02:03", 123),
        ("1:02:03", 3723),
        ("2:03", 123),
        ("123.5", 123.5),
        ("123", 123),
        (" １２０ 秒 ", 120),
        ("2 min 3 s", 123),
        ("1h2m3s", 3723),
        (123, 123),
        (123.5, 123.5),
    ],
)
def test_parse_duration_seconds_reads_each_format(text, seconds):
    assert parse_duration_seconds([text]).tolist() == [seconds]


def test_parse_duration_seconds_keeps_empty_cells_missing():
    result = parse_duration_seconds(pd.Series(["120秒", None, "", np.nan]))
    assert result[0] == 120 and np.isnan(result[1:]).all()


@pytest.mark.parametrize("bad", ["fast", "2:75", "1:60:00", "秒", "-5", "2分3"])
def test_parse_duration_seconds_refuses_what_it_cannot_read(bad):
    with pytest.raises(DataError, match=f"cannot read 1 duration\\(s\\), e.g. '{bad}'"):
        parse_duration_seconds(["120秒", bad])


def test_wenjuanxin_durations_drop_speeders():
    answers = _answers().assign(所用时间=["120秒", "5分3秒", "00:04:00", "3:30", "250", None])
    codebook = _codebook(speeders={"column": "所用时间", "min_seconds": 200})
    cleaned = clean_survey(_table(answers), codebook)
    assert _rows(cleaned.log, "speeder") == [2]
    assert list(cleaned.items.index) == [3, 4, 5, 6, 7]


def test_unreadable_duration_names_the_column_and_an_example():
    answers = _answers().assign(所用时间=["120秒", "about 2 min", "3:30", "x", "250", "x"])
    codebook = _codebook(speeders={"column": "所用时间", "min_seconds": 200})
    with pytest.raises(
        DataError,
        match=r"test.csv: speeders column '所用时间': cannot read 3 duration\(s\), "
        r"e.g. 'about 2 min'",
    ):
        clean_survey(_table(answers), codebook)


def test_the_error_names_the_other_columns_with_the_same_problem():
    answers = _answers().astype(object)
    answers["s2"] = ["不知道"] * 6
    answers["l1"] = [7, 1, 2, 3, 4, 5]
    with pytest.raises(DataError) as err:
        clean_survey(_table(answers), _codebook(labels={"满意": 4}))
    message = str(err.value)
    assert "column 's2': 6 answer(s) match no codebook label" in message
    assert message.endswith("; the same in 1 other item(s): ['l1']") and "\n" not in message


# Personal data typed into cells never reaches the outputs (issue 15, item 6).
_PERSONAL = {
    "<phone>": "13812345678",
    "<e-mail>": "li.wei@example.cn",
    "<IP address>": "192.168.1.20",
    "<ID number>": "11010519491231002X",
}


def _analyze(tmp_path, data, codebook, *extra):
    import yaml

    from experiments.cli import main

    data_path, codebook_path = tmp_path / "survey.csv", tmp_path / "codebook.yaml"
    data.to_csv(data_path, index=False)
    codebook_path.write_text(yaml.safe_dump(codebook, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    args = [str(data_path), "--codebook", str(codebook_path), "--out", str(out), *extra]
    return main(["survey", "analyze", *args]), out


def _ecsi_codebook_raw():
    import yaml

    from survey.datasets import example_paths

    return yaml.safe_load(example_paths("ecsi").codebook.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("placeholder", "text"), _PERSONAL.items())
def test_personal_data_in_an_item_is_not_quoted_in_the_error_line(
    capsys, ecsi, tmp_path, placeholder, text
):
    broken = ecsi.astype(object)
    broken.loc[3, "PERQ2"] = f"my contact {text}"
    status, _ = _analyze(tmp_path, broken, _ecsi_codebook_raw(), "--no-plots")
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert text not in err
    assert f"'my contact {placeholder}'" in err and "'PERQ2'" in err


@pytest.mark.parametrize(("placeholder", "text"), _PERSONAL.items())
def test_personal_data_in_an_item_is_replaced_in_the_cleaning_log(
    capsys, ecsi, tmp_path, placeholder, text
):
    broken = ecsi.astype(object)
    broken.loc[3, "PERQ2"] = text
    codebook = {**_ecsi_codebook_raw(), "labels": {"非常不满意": 1, "非常满意": 10}}
    status, out = _analyze(tmp_path, broken, codebook, "--no-plots", "--allow-unmapped")
    assert status == 0, capsys.readouterr().err
    written = [
        (out / "cleaning_log.csv").read_text(encoding="utf-8"),
        pd.read_excel(
            out / "statistics.xlsx", sheet_name="cleaning_log", engine="openpyxl"
        ).to_csv(),
        (out / "report.html").read_text(encoding="utf-8"),
    ]
    for content in written:
        assert text not in content
    log = pd.read_csv(out / "cleaning_log.csv")
    # data row 3 (0-based) is spreadsheet row 5: header on row 1; a bare phone number
    # is read as a number (out of range), the other kinds as text (unmapped label).
    assert log[["row", "column", "value"]].values.tolist() == [[5, "PERQ2", placeholder]]


def _segment_data(levels):
    answers = _answers()
    frame = pd.concat([answers] * 2, ignore_index=True).assign(id=range(12))
    return frame.assign(group=levels)


def test_segment_levels_below_the_minimum_size_are_suppressed_and_counted():
    levels = ["a"] * 5 + ["b"] * 4 + ["c"] * 2 + [None]
    cleaned = clean_survey(_table(_segment_data(levels)), _codebook(segments=["group"]))
    assert cleaned.segments["group"].value_counts().to_dict() == {"a": 5}
    suppressed = cleaned.log[cleaned.log["what"] == "small segment suppressed"]
    assert _rows(cleaned.log, "small segment suppressed") == list(range(7, 13))
    assert suppressed["value"].isna().all()
    assert "6 respondent(s) in 2 level(s) with fewer than 5" in suppressed["why"].iloc[0]


def test_minimum_segment_size_can_be_lowered():
    levels = ["a"] * 5 + ["b"] * 4 + ["c"] * 2 + [None]
    cleaned = clean_survey(
        _table(_segment_data(levels)), _codebook(segments=["group"]), min_segment_size=2
    )
    assert cleaned.segments["group"].value_counts().to_dict() == {"a": 5, "b": 4, "c": 2}
    assert cleaned.log.empty


def test_a_segment_column_holding_an_e_mail_is_refused_naming_the_kind_not_the_value(
    capsys, bank, tmp_path
):
    import yaml

    from survey.datasets import example_paths

    data = bank.astype({"gender": object})
    data.loc[7, "gender"] = "li.wei@example.cn"
    codebook = yaml.safe_load(example_paths("bank").codebook.read_text(encoding="utf-8"))
    status, out = _analyze(tmp_path, data, codebook, "--no-plots")
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1, err
    assert "codebook segment 'gender' (column 'gender') looks like an identifier" in err
    assert "1 value(s) look like e-mail addresses" in err
    assert "li.wei" not in err and "example.cn" not in err
    assert not (out / "report.html").exists()


@pytest.mark.parametrize(
    ("levels", "kind"),
    [
        (["a"] * 11 + ["13812345678"], "1 value(s) look like phone numbers"),
        (["a"] * 10 + ["10.0.0.1"] * 2, "2 value(s) look like IP addresses"),
        (["a"] * 11 + ["ID 11010519491231002X"], "1 value(s) look like ID numbers"),
        # 7 of 12 respondents (more than half) have a name of their own
        (["a"] * 5 + list("bcdefgh"), "7 of 12 respondents have a level nobody else has"),
    ],
)
def test_identifier_like_segment_columns_are_refused(levels, kind):
    with pytest.raises(DataError) as err:
        clean_survey(_table(_segment_data(levels)), _codebook(segments=["group"]))
    message = str(err.value)
    assert message.startswith("test.csv: codebook segment 'group' (column 'group') looks like")
    assert kind in message and "list the column under identifying" in message
    assert "13812345678" not in message and "10.0.0.1" not in message


def test_small_grouping_segments_still_work_and_small_cells_stay_suppressed():
    # 6 of 12 respondents with a level of their own is half, not more than half: allowed
    levels = ["a"] * 6 + list("bcdefg")
    cleaned = clean_survey(_table(_segment_data(levels)), _codebook(segments=["group"]))
    assert cleaned.segments["group"].value_counts().to_dict() == {"a": 6}
    assert _rows(cleaned.log, "small segment suppressed") == list(range(8, 14))
    # three levels over 24 respondents
    frame = pd.concat([_answers()] * 4, ignore_index=True).assign(id=range(24))
    frame = frame.assign(group=["north"] * 10 + ["south"] * 8 + ["west"] * 6)
    cleaned = clean_survey(_table(frame), _codebook(segments=["group"]))
    assert cleaned.segments["group"].value_counts().to_dict() == {
        "north": 10,
        "south": 8,
        "west": 6,
    }


def _unread_table(frame, unread):
    table = _table(frame)
    table.unread = pd.DataFrame(unread, columns=["row", "column", "kind", "value"])
    return table


def test_formula_and_error_cells_read_as_missing_are_logged_per_column():
    # issue 15: XLSX uncached formulas and #DIV/0! became missing without a log entry
    frame = _answers().astype({"s2": float})
    frame.loc[[0, 1], "s2"] = np.nan
    frame.loc[2, "s3"] = np.nan
    unread = [
        (2, "s2", "formula without cached value", ""),
        (3, "s2", "formula without cached value", ""),
        (4, "s3", "spreadsheet error value", "#DIV/0!"),
        (5, "note", "spreadsheet error value", "#N/A"),  # a column the codebook does not use
    ]
    log = clean_survey(_unread_table(frame, unread), _codebook()).log
    summary = log.groupby(["what", "column"]).size().to_dict()
    assert summary == {
        ("formula without cached value", "s2"): 2,
        ("spreadsheet error value", "s3"): 1,
    }
    assert log.loc[log["what"] == "spreadsheet error value", "value"].tolist() == ["#DIV/0!"]


def test_a_boolean_cell_in_an_item_is_refused():
    # issue 15: TRUE in a numeric XLSX item became the answer 1
    frame = _answers()
    frame.loc[1, "s1"] = 1
    table = _unread_table(frame, [(3, "s1", "boolean", "TRUE"), (4, "id", "boolean", "TRUE")])
    with pytest.raises(DataError) as caught:
        clean_survey(table, _codebook())
    assert str(caught.value) == (
        "test.csv: column 's1' row 3: TRUE in a numeric item (1 TRUE/FALSE cells in all); "
        "allowed: numbers 1–5 (a boolean is not an answer code)"
    )


def test_a_csv_item_column_of_booleans_is_refused():
    frame = _answers().assign(s1=[True, False, True, True, False, True])
    with pytest.raises(DataError, match=r"column 's1' row 2: TRUE/FALSE in a numeric item"):
        clean_survey(_table(frame), _codebook())


def test_a_constant_item_is_logged_and_left_out_of_its_construct():
    # issue 15: one constant item aborted the whole analysis
    frame = _answers().assign(s2=4)
    cleaned = clean_survey(_table(frame), _codebook())
    assert cleaned.left_out == {"s2": "Sat"}
    assert cleaned.codebook.items_of("Sat") == ["s1", "s3"]
    expected = frame[["s1", "s3"]].mean(axis=1)  # the score without s2
    assert cleaned.scores["Sat"].tolist() == pytest.approx(expected.tolist())
    entry = cleaned.log[cleaned.log["what"] == "constant item left out"]
    assert entry["column"].tolist() == ["s2"]
    assert "the same answer (4)" in entry["why"].iloc[0]


def test_a_construct_whose_items_all_are_constant_is_one_line():
    frame = _answers().assign(l1=3, l2=3)
    with pytest.raises(DataError, match=r"^test.csv: construct 'Loy': no item varies"):
        clean_survey(_table(frame), _codebook())


def test_analysis_with_a_constant_item_goes_on_and_warns(ecsi, ecsi_codebook, tmp_path):
    from survey.report import write_report

    table = SurveyTable(data=ecsi.assign(IMAG2=5), source="ecsi.csv")
    analysis = run_analysis(table, ecsi_codebook, n_boot=0)
    page = write_report(analysis, tmp_path, plots=False).read_text(encoding="utf-8")
    assert html.escape("Item 'IMAG2' does not vary") in page  # in the report's warnings
    assert analysis.warnings[0].startswith("Item 'IMAG2' does not vary")
    assert "IMAG2" not in analysis.tables["reliability"].to_string()
    image = analysis.tables["reliability"].set_index("construct").loc["Image"]
    assert image["k"] == 4 and image["n"] == 250
    assert "IMAG2" not in set(analysis.tables["pls_outer"]["item"])
