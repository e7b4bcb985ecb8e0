import numpy as np
import pandas as pd
import pytest

from experiments.analysis import compare_arms
from experiments.config import ExperimentConfig
from experiments.ranking import NO_CI, RANKING_COLUMNS, best_shares, rank_arms, regrets
from experiments.runner import run_experiment


def _summary(profits: dict[str, list[float]], retained: dict[str, list[float]] | None = None):
    """One scenario: arm -> profit per replication (active_end = profit unless given)."""
    rows = []
    for arm, values in profits.items():
        kept = (retained or profits)[arm]
        for r, (profit, active) in enumerate(zip(values, kept, strict=True)):
            rows.append(("base", arm, r, profit, active))
    return pd.DataFrame(
        rows, columns=["scenario", "strategy", "replication", "profit", "active_end"]
    )


def test_p_best_and_regret_by_hand():
    # replication 0: a 5, b 7, c 7 -> b and c tie for best (1/2 each), regrets 2, 0, 0
    # replication 1: a 9, b 1, c 4 -> a best, regrets 0, 8, 5
    # replication 2: a 3, b 6, c 2 -> b best, regrets 3, 0, 4
    values = pd.DataFrame({"a": [5.0, 9, 3], "b": [7.0, 1, 6], "c": [7.0, 4, 2]})
    assert best_shares(values).mean().tolist() == pytest.approx([1 / 3, (0.5 + 1) / 3, 0.5 / 3])
    assert regrets(values).mean().tolist() == pytest.approx([5 / 3, 8 / 3, 9 / 3])


def test_hand_computed_ranking_of_one_scenario():
    table = rank_arms(
        _summary(
            {"baseline": [10.0, 20.0, 30.0], "up": [13.0, 21.0, 35.0], "down": [9.0, 22.0, 20.0]}
        ),
        segments=False,
    ).set_index("strategy")
    # uplifts: up +3, +1, +5 (mean 3); down -1, +2, -10 (mean -3)
    assert table["rank"].to_dict() == {"up": 1, "baseline": 2, "down": 3}
    assert table.loc["up", "profit_uplift"] == 3.0
    assert table.loc["down", "p_beats_baseline"] == pytest.approx(1 / 3)
    assert table.loc["up", "p_beats_baseline"] == 1.0
    # best per replication: up (13 > 10, 9), down (22 > 21, 20), up (35)
    assert table["p_best"].to_dict() == pytest.approx({"up": 2 / 3, "baseline": 0, "down": 1 / 3})
    # regrets: up 0, 1, 0; baseline 3, 2, 5; down 4, 0, 15
    assert table["expected_regret"].to_dict() == pytest.approx(
        {"up": 1 / 3, "baseline": 10 / 3, "down": 19 / 3}
    )
    # 90% interval: numpy's linear percentiles of (3, 1, 5): 1 + 0.1 * 2, 5 - 0.1 * 2
    assert table.loc["up", ["profit_uplift_p05", "profit_uplift_p95"]].tolist() == pytest.approx(
        [1.2, 4.8]
    )
    assert (table["n"] == 3).all() and (table["note"] == "").all()
    assert list(rank_arms(_summary({"baseline": [1.0]})).columns) == list(RANKING_COLUMNS)


def test_an_arm_that_is_always_best_has_no_regret_and_p_best_one():
    table = rank_arms(
        _summary({"baseline": [1.0, 2.0, 3.0, 4.0], "best": [5.0, 6.0, 7.0, 8.0]}),
        segments=False,
    ).set_index("strategy")
    assert table.loc["best", "expected_regret"] == 0.0
    assert table.loc["best", "p_best"] == 1.0
    assert (table["expected_regret"] >= 0).all()


def test_ties_split_p_best_evenly_and_the_baseline_has_zero_uplift():
    table = rank_arms(
        _summary({"baseline": [1.0, 2.0], "same": [1.0, 2.0]}), segments=False
    ).set_index("strategy")
    assert table["p_best"].tolist() == [0.5, 0.5]
    row = table.loc["same"]
    assert (row["profit_uplift"], row["profit_uplift_ci_low"], row["profit_uplift_ci_high"]) == (
        0.0,
        0.0,
        0.0,
    )


def test_one_replication_says_why_there_is_no_interval():
    table = rank_arms(_summary({"baseline": [1.0], "arm": [3.0]}), segments=False)
    arm = table.set_index("strategy").loc["arm"]
    assert arm["note"] == NO_CI[1] and arm["n"] == 1
    assert np.isnan(arm["profit_uplift_ci_low"]) and np.isnan(arm["profit_uplift_p05"])
    assert arm["profit_uplift"] == 2.0 and arm["p_best"] == 1.0


def test_retained_customers_are_ranked_on_their_own_numbers():
    summary = _summary(
        {"baseline": [10.0, 10.0], "arm": [12.0, 12.0]},
        retained={"baseline": [100.0, 90.0], "arm": [95.0, 80.0]},
    )
    arm = rank_arms(summary, segments=False).set_index("strategy").loc["arm"]
    assert arm["retained_uplift"] == -7.5 and arm["p_best_retained"] == 0.0
    assert arm["p_best"] == 1.0


def test_the_per_segment_view_ranks_on_each_segments_profit():
    summary = _summary({"baseline": [10.0, 10.0], "arm": [12.0, 13.0]}).assign(
        profit_young=[4.0, 4.0, 6.0, 6.0],
        active_end_young=[1.0, 1.0, 1.0, 1.0],
        profit_rural=[6.0, 6.0, 6.0, 7.0],
        active_end_rural=[2.0, 2.0, 1.0, 1.0],
    )
    table = rank_arms(summary).set_index(["segment", "strategy"])
    assert list(dict.fromkeys(table.index.get_level_values("segment"))) == [
        "all",
        "young",
        "rural",
    ]
    assert table.loc[("young", "arm"), "profit_uplift"] == 2.0
    assert table.loc[("young", "arm"), "p_best"] == 1.0
    # rural: a tie in replication 0, arm ahead in 1
    assert table.loc[("rural", "arm"), "p_best"] == 0.75
    assert table.loc[("rural", "baseline"), "p_best_retained"] == 1.0


def test_p_best_sums_to_one_per_scenario_and_segment(finished):
    table = rank_arms(finished.summary)
    sums = table.groupby(["scenario", "segment"])["p_best"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)
    assert set(table["segment"]) > {"all", "young", "rural"}
    assert (table["expected_regret"] >= 0).all()


def test_without_uncertainty_the_ranking_is_the_comparison(finished):
    # the tiny experiment draws no assumptions: the ranking's expected uplift and its
    # CI are comparison.csv's diff and diff CI (the same paired t-interval)
    comparison = compare_arms(finished.summary, ["profit", "active_end"]).set_index(
        ["scenario", "strategy", "metric"]
    )
    ranking = rank_arms(finished.summary, segments=False).set_index(["scenario", "strategy"])
    for (scenario, strategy), row in ranking.iterrows():
        for prefix, metric in (("profit", "profit"), ("retained", "active_end")):
            expected = comparison.loc[(scenario, strategy, metric)]
            for mine, theirs in (
                ("", "diff"),
                ("_ci_low", "diff_ci_low"),
                ("_ci_high", "diff_ci_high"),
            ):
                assert row[f"{prefix}_uplift{mine}"] == pytest.approx(expected[theirs], abs=1e-12)
        assert row["n"] == expected["n"] == 3


def test_missing_baseline_is_refused():
    with pytest.raises(ValueError, match="no 'baseline' arm"):
        rank_arms(_summary({"arm": [1.0, 2.0]}))


def _reco_ranking(low: float, high: float, tmp_path) -> pd.DataFrame:
    """Recommendation vs the baseline, its order-rate effect uniform on [low, high]."""
    config = ExperimentConfig.model_validate(
        {
            "name": "prior",
            "horizon": 30,
            "replications": 8,
            "seed": 4,
            "model": {"population": {"size": 250}},
            "outputs": {"plots": False},
            "strategies": {"baseline": [], "reco": [{"kind": "recommendation"}]},
            "uncertain": {
                "strategies.recommendation.purchase_rate_mult": {
                    "dist": "uniform", "low": low, "high": high, "source": "assumed"
                }
            },
        }
    )  # fmt: skip
    results = run_experiment(config, tmp_path / f"{low}-{high}", progress=False)
    return rank_arms(results.summary, segments=False).set_index("strategy")


def test_a_wide_prior_widens_the_intervals_and_spreads_p_best(tmp_path):
    # the same replications (seeds) with the effect known (+20% orders) or unknown
    # (anything from -30% to +70%): where the uplift lands spreads, and the arm that is
    # best in every replication when the effect is known is not when it is not
    known = _reco_ranking(1.2, 1.2001, tmp_path).loc["reco"]
    unknown = _reco_ranking(0.7, 1.7, tmp_path).loc["reco"]
    width = {
        name: row["profit_uplift_p95"] - row["profit_uplift_p05"]
        for name, row in (("known", known), ("unknown", unknown))
    }
    assert width["unknown"] > 2 * width["known"]
    assert (
        unknown["profit_uplift_ci_high"] - unknown["profit_uplift_ci_low"]
        > known["profit_uplift_ci_high"] - known["profit_uplift_ci_low"]
    )
    assert known["p_best"] == 1.0 and 0 < unknown["p_best"] < 1
    assert known["profit_uplift_p05"] > 0 > unknown["profit_uplift_p05"]
