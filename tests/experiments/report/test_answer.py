import pandas as pd
import pytest

from experiments.report.answer import (
    LOSES,
    PAYS,
    UNKNOWN,
    UNSURE,
    answer_sentence,
    customers_sentence,
    segment_summary,
    segment_winners,
    verdict,
)


def _rows(uplift, low, high, p_best, n=8, p_beats=None):
    """Ranking rows of one scenario: the baseline and arms a, b, ... best first."""
    arms = [chr(ord("a") + k) for k in range(len(uplift))]
    rows = pd.DataFrame(
        {
            "scenario": "base",
            "segment": "all",
            "strategy": ["baseline", *arms],
            "n": n,
            "profit_uplift": [0.0, *uplift],
            "profit_uplift_ci_low": [0.0, *low],
            "profit_uplift_ci_high": [0.0, *high],
            "p_beats_baseline": [0.0, *(p_beats or [1.0] * len(uplift))],
            "p_best": [1.0 - sum(p_best), *p_best],
        }
    )
    rows = rows.sort_values("profit_uplift", ascending=False, kind="stable")
    return rows.assign(rank=range(1, len(rows) + 1))


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(1.0, 5.0, PAYS), (-5.0, -1.0, LOSES), (-1.0, 5.0, UNSURE), (0.0, 5.0, UNSURE)],
)
def test_verdict_follows_the_ci_and_a_ci_touching_zero_is_not_a_win(low, high, expected):
    row = pd.Series({"profit_uplift_ci_low": low, "profit_uplift_ci_high": high})
    assert verdict(row) == expected


def test_verdict_without_a_ci_claims_nothing():
    row = pd.Series({"profit_uplift_ci_low": float("nan"), "profit_uplift_ci_high": float("nan")})
    assert verdict(row) == UNKNOWN


def test_clear_winner_is_named_with_its_uplift_ci_and_p_best():
    line = answer_sentence(_rows([186_400.0], [171_000.0], [201_900.0], [1.0]), "base", 365)
    assert line == (
        "In the base scenario, a pays most: +186k CNY a year against the baseline "
        "[95% CI +171k, +202k], the best arm in 100% of 8 paired replications."
    )


def test_a_ci_spanning_zero_is_never_called_a_win():
    line = answer_sentence(
        _rows([5_000.0], [-2_000.0], [12_000.0], [0.6], p_beats=[0.625]), "base", 30
    )
    assert "no strategy clearly pays" in line and "pays most" not in line
    assert "[95% CI -2,000, +12.0k]" in line and "62% of 8" in line and "over 30 days" in line


def test_when_every_arm_loses_the_least_bad_is_named_as_a_loss():
    line = answer_sentence(
        _rows([-10_000.0, -50_000.0], [-12_000.0, -60_000.0], [-8_000.0, -40_000.0], [0.0, 0.0]),
        "base",
        365,
    )
    assert line.startswith("In the base scenario, no strategy pays: every arm makes less")
    assert "the least bad, a, makes -10.0k CNY" in line


def test_a_close_runner_up_is_named_when_p_best_is_low():
    line = answer_sentence(
        _rows([20_000.0, 19_000.0], [15_000.0, 14_000.0], [25_000.0, 24_000.0], [0.55, 0.45]),
        "base",
        365,
    )
    assert "a pays most" in line and "the best arm in 55%" in line
    assert "b is close (+19.0k CNY, the best in 45%)" in line


def test_one_replication_says_how_sure_is_unknown():
    nan = float("nan")
    line = answer_sentence(_rows([3_000.0], [nan], [nan], [1.0], n=1), "base", 365)
    assert "one replication" in line and "no CI" in line and "pays" not in line


def test_only_a_baseline_has_nothing_to_compare():
    rows = _rows([], [], [], [])
    assert answer_sentence(rows, "base", 365).endswith(
        "only the baseline ran: there is nothing to compare."
    )


def test_segment_winners_take_the_best_arm_per_segment_in_config_order():
    rows = []
    for segment, arms in (
        ("young", [("baseline", 0.0, 0.0), ("a", 9.0, 2.0), ("b", 4.0, 1.0)]),
        ("rural", [("b", 3.0, -1.0), ("baseline", 0.0, 0.0), ("a", -2.0, -4.0)]),
    ):
        for rank, (arm, uplift, low) in enumerate(sorted(arms, key=lambda a: -a[1]), start=1):
            rows.append(
                {
                    "scenario": "base",
                    "segment": segment,
                    "rank": rank,
                    "strategy": arm,
                    "n": 4,
                    "profit_uplift": uplift,
                    "profit_uplift_ci_low": low,
                    "profit_uplift_ci_high": uplift + 3,
                    "p_best": 0.5,
                }
            )
    winners = segment_winners(pd.DataFrame(rows), "base")
    assert winners[["segment", "strategy", "verdict"]].values.tolist() == [
        ["young", "a", PAYS],
        ["rural", "b", UNSURE],
    ]
    assert segment_summary(winners, "base") == (
        "By segment (base): a pays most for young; for rural no arm is told from the baseline."
    )


def _kept(uplift, low, high, n=8):
    return pd.DataFrame(
        {
            "strategy": ["baseline", "a"],
            "n": n,
            "profit_uplift": [0.0, 1_000.0],
            "retained_uplift": [0.0, uplift],
            "retained_uplift_ci_low": [0.0, low],
            "retained_uplift_ci_high": [0.0, high],
        }
    )


def test_customers_kept_are_claimed_only_when_the_ci_is_above_zero():
    assert customers_sentence(_kept(40.0, 12.0, 68.0)).startswith("a keeps the most customers: +40")
    unsure = customers_sentence(_kept(40.0, -3.0, 83.0))
    assert unsure.startswith("No arm clearly keeps more customers") and "[95% CI -3, +83]" in unsure
    assert customers_sentence(_kept(40.0, float("nan"), float("nan"), n=1)) == ""


def test_segment_summary_says_where_the_paying_arm_gains_most_and_least():
    winners = pd.DataFrame(
        {
            "segment": ["rural", "young", "niche"],
            "strategy": "reco",
            "profit_uplift": [35_406.0, 79_519.0, 22_092.0],
            "verdict": PAYS,
        }
    )
    assert segment_summary(winners, "base") == (
        "By segment (base): reco pays most for rural, young and niche (most for young: "
        "+79.5k CNY, least for niche: +22.1k)."
    )
