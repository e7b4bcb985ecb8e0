import pandas as pd
import pytest

from survey.analyze import run_analysis
from survey.codebook import parse_codebook
from survey.errors import CodebookError, DataError, naming_file
from survey.io import SurveyTable


def test_naming_file_prefixes_errors_that_do_not_name_it():
    with pytest.raises(DataError, match=r"^s.csv: items \['a'\]: need at least"):
        with naming_file("s.csv"):
            raise DataError("items ['a']: need at least 3 respondents")


def test_naming_file_leaves_errors_that_name_it_and_other_errors_alone():
    with pytest.raises(DataError) as caught:
        with naming_file("s.csv"):
            raise DataError("s.csv: row 3: bad")
    assert str(caught.value) == "s.csv: row 3: bad"
    with pytest.raises(CodebookError, match="^scale"):
        with naming_file("s.csv"):
            raise CodebookError("scale: bad")


def test_an_error_of_a_statistic_names_the_survey_file():
    # issue 15: 19 survey errors named no file, e.g. the statistics' own checks
    frame = pd.DataFrame({"s1": [1.0, 2, None, 4], "s2": [2.0, None, 3, 1], "l1": [1, 2, 3, 4]})
    frame.index = pd.RangeIndex(2, 6, name="row")
    codebook = parse_codebook(
        {
            "scale": {"min": 1, "max": 5},
            "constructs": {"Sat": {"items": ["s1", "s2"]}, "Loy": {"items": ["l1"]}},
        }
    )
    with pytest.raises(DataError) as caught:
        run_analysis(SurveyTable(data=frame, source="wave2.csv"), codebook, n_boot=0)
    assert str(caught.value).startswith("wave2.csv: items ['s1', 's2']: need at least 3")
