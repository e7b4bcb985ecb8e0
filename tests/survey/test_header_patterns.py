import threading
import time

import pytest

from survey.errors import DataError
from survey.header_patterns import (
    MAX_MATCHED_CHARS,
    check_header_pattern,
    matching_columns,
)


@pytest.mark.parametrize(
    "pattern, reason",
    [
        ("(a+)+$", "a repeat inside a repeat"),
        ("(a*)*b", "a repeat inside a repeat"),
        ("(?:x{2,}){3,}", "a repeat inside a repeat"),
        ("(a|ab)*c", "a repeated alternation"),
        ("(\\w+)\\s\\1", "back-references are not allowed"),
        ("a*a*a*b", "3 unbounded repeats"),
        ("(unclosed", "is not a regex"),
    ],
)
def test_patterns_that_can_backtrack_exponentially_are_refused(pattern, reason):
    with pytest.raises(ValueError, match=reason):
        check_header_pattern(pattern)


@pytest.mark.parametrize(
    "pattern", ["^3、", r"满意.*服务", r"^Q1\d?_\w+$", "(?:very )?satisfied", "[ab]+c", "a{2}"]
)
def test_ordinary_header_patterns_are_accepted(pattern):
    assert check_header_pattern(pattern).pattern == pattern


def test_issue_pattern_on_a_41_character_name_returns_within_a_second():
    # issue 15: header regex `(a+)+$` on a 41-character column name ran past 30 s
    started = time.process_time()
    with pytest.raises(DataError, match=r"^survey.csv: header pattern '\(a\+\)\+\$': a repeat"):
        matching_columns("(a+)+$", ["a" * 40 + "!"], {}, source="survey.csv")
    assert time.process_time() - started < 1


def test_search_reads_names_and_question_texts():
    columns = ["id", "Q1", "Q2"]
    questions = {"Q1": "1、您对服务满意吗", "Q2": "2、您会推荐吗"}
    assert matching_columns("满意", columns, questions) == ["Q1"]
    assert matching_columns("^Q", columns, questions) == ["Q1", "Q2"]


def test_only_the_start_of_a_long_question_text_is_searched():
    text = "x" * MAX_MATCHED_CHARS + "needle"
    assert matching_columns("needle", ["Q1"], {"Q1": text}) == []
    assert matching_columns("x+", ["Q1"], {"Q1": text}) == ["Q1"]


def test_a_slow_search_stops_at_the_time_limit_in_one_line():
    # two adjacent unbounded repeats are allowed but cubic: 500 spaces without an end
    # take about a second of backtracking per text, so 50 texts run past the limit
    names = [" " * (MAX_MATCHED_CHARS - 1) + "x"] * 50
    started = time.process_time()
    with pytest.raises(DataError, match=r"^f.csv: header pattern .* took over 0.2 s"):
        matching_columns(r"\s*\s*$", names, {}, source="f.csv", seconds=0.2)
    assert time.process_time() - started < 1.5


def test_time_limit_leaves_no_alarm_behind():
    import signal

    matching_columns("a", ["a"], {}, seconds=0.1)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_search_in_a_worker_thread_still_matches():
    found = []
    worker = threading.Thread(target=lambda: found.extend(matching_columns("b", ["ab"], {})))
    worker.start()
    worker.join()
    assert found == ["ab"]
