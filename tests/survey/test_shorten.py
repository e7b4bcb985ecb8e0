"""Values quoted in messages are shortened; message lines are capped."""

import time

from survey.shorten import LINE_CHARS, PREVIEW_CHARS, clip, preview


def test_a_one_megabyte_name_is_quoted_in_sixty_characters_with_its_quotes():
    # the issue: a 1 MB experiment name gave a 1 MB error line
    shown = preview("a" * 1_000_000)
    assert len(shown) == PREVIEW_CHARS == 60
    assert shown.startswith("'aaa") and shown.endswith("…'")


def test_short_values_are_quoted_whole_and_long_ones_of_any_type_are_cut():
    assert preview("price_war") == "'price_war'"
    assert preview(0.25) == "0.25"
    assert preview([1, 2]) == "[1, 2]"
    listed = preview(list(range(10_000)))
    assert len(listed) == 60 and listed.endswith("…")
    escaped = preview("\n" * 100)  # each newline is two characters in the repr
    assert len(escaped) == 60 and "\n" not in escaped


def test_an_integer_too_long_to_print_is_described_by_its_digits_quickly():
    # Python refuses to print integers over 4,300 digits (a ValueError); a 5 M-digit
    # integer in a config must still give a message, at once
    huge = 10**5_000_000
    started = time.perf_counter()
    assert preview(huge) == "<an integer of about 5,000,001 digits>"
    assert preview(-(10**99)) == "<an integer of 100 digits>"
    assert time.perf_counter() - started < 1.0


def test_clip_keeps_short_lines_and_says_how_much_it_cut():
    assert clip("fine") == "fine"
    line = clip("x" * 1_000_000)
    assert line == "x" * LINE_CHARS + "… (999,500 more characters)"
