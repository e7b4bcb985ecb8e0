import numpy as np
import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.cleaning import LOG_COLUMNS, clean_survey
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


def test_out_of_range_and_missing_codes_are_set_missing_and_logged():
    answers = _answers().assign(s1=[1, 9, 3, 99, 5, 0])
    # "99" written as text in the YAML still matches the numeric answer 99.
    cleaned = clean_survey(_table(answers), _codebook(missing_codes=["99"]))
    assert _rows(cleaned.log, "missing code") == [5]  # 99 on data row 3 = spreadsheet row 5
    assert _rows(cleaned.log, "out of range") == [3, 7]  # 9 and 0 outside 1-5
    assert cleaned.items["s1"].isna().sum() == 3
    assert cleaned.scores.loc[3, "Sat"] == pytest.approx((2 + 3) / 2)


def test_labels_are_mapped_and_unmapped_labels_logged():
    answers = _answers().astype(object)
    answers.loc[0, "s1"], answers.loc[1, "s1"], answers.loc[2, "s1"] = "非常满意", "不知道", "N/A"
    codebook = _codebook(labels={"非常满意": 5, "非常不满意": 1}, missing_codes=["N/A"])
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
