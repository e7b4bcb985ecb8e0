"""The report's answer in words, taken from ``ranking.csv``: which arm pays, how surely.

A claim is only as strong as its interval: an arm *pays* when the 95% CI of its
mean profit uplift over the baseline lies above 0, *loses* when it lies below,
and is *not told from the baseline* when it spans 0. With one replication there
is no CI and the sentence says so. P(best) is the share of paired replications
in which the arm made the most profit (see :mod:`experiments.ranking`).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"scenario": "base", "segment": "all", "rank": [1, 2],
...     "strategy": ["recommendation", "baseline"], "n": 8,
...     "profit_uplift": [186_400.0, 0.0], "profit_uplift_ci_low": [171_000.0, 0.0],
...     "profit_uplift_ci_high": [201_900.0, 0.0], "p_beats_baseline": [1.0, 0.0],
...     "p_best": [1.0, 0.0]})
>>> print(answer_sentence(rows, "base", horizon=365))
In the base scenario, recommendation pays most: +186k CNY a year against the \
baseline [95% CI +171k, +202k], the best arm in 100% of 8 paired replications.
"""

from __future__ import annotations

import pandas as pd

from experiments.config import BASELINE
from experiments.ranking import ALL
from experiments.report.formats import format_ci, format_cny, format_count, format_period

#: Verdicts of :func:`verdict`.
PAYS, LOSES, UNSURE, UNKNOWN = "pays", "loses", "not told from the baseline", "no CI"

#: Below this P(best), the headline names the runner-up too.
CLEAR_BEST = 0.8


def verdict(row: pd.Series) -> str:
    """Whether an arm's profit uplift is above, below or not told from 0 (by its 95% CI).

    Parameters
    ----------
    row : pandas.Series
        A row of ``ranking.csv``.

    Returns
    -------
    str
        :data:`PAYS`, :data:`LOSES`, :data:`UNSURE` or :data:`UNKNOWN` (no CI: fewer
        than 2 replications).

    Examples
    --------
    >>> verdict(pd.Series({"profit_uplift_ci_low": -5.0, "profit_uplift_ci_high": 9.0}))
    'not told from the baseline'
    >>> verdict(pd.Series({"profit_uplift_ci_low": float("nan"), "profit_uplift_ci_high": 1.0}))
    'no CI'
    """
    low, high = row["profit_uplift_ci_low"], row["profit_uplift_ci_high"]
    if pd.isna(low) or pd.isna(high):
        return UNKNOWN
    return PAYS if low > 0 else LOSES if high < 0 else UNSURE


def scenario_rows(ranking: pd.DataFrame, scenario: str, segment: str = ALL) -> pd.DataFrame:
    """The ranking rows of one scenario and segment, best first.

    Examples
    --------
    >>> table = pd.DataFrame({"scenario": ["a", "a", "b"], "segment": "all",
    ...                       "rank": [2, 1, 1], "strategy": ["x", "y", "x"]})
    >>> scenario_rows(table, "a")["strategy"].tolist()
    ['y', 'x']
    """
    chosen = ranking[(ranking["scenario"] == scenario) & (ranking["segment"] == segment)]
    return chosen.sort_values("rank", kind="stable")


def _uplift(row: pd.Series, period: str) -> str:
    ci = format_ci(row["profit_uplift_ci_low"], row["profit_uplift_ci_high"], short=True)
    amount = format_cny(row["profit_uplift"])
    return f"{amount} CNY {period} against the baseline [95% CI {ci.strip('[]')}]"


def answer_sentence(rows: pd.DataFrame, scenario: str, horizon: int) -> str:
    """One sentence: which arm pays most in a scenario, by how much, and how sure.

    Parameters
    ----------
    rows : pandas.DataFrame
        The scenario's rows of ``ranking.csv`` over every shopper
        (:func:`scenario_rows`).
    scenario : str
        Its name (plain text; escape it for HTML).
    horizon : int
        Days per run (the profit is over that many days).

    Returns
    -------
    str
        The best non-baseline arm by mean profit uplift and, by its 95% CI: that it
        pays (with P(best), and the runner-up when P(best) < :data:`CLEAR_BEST`), that
        no arm beats the baseline, or that the best one is not told from it. Never
        more than the interval supports.

    Examples
    --------
    >>> rows = pd.DataFrame({"rank": [1, 2], "strategy": ["baseline", "coupons"], "n": 4,
    ...     "profit_uplift": [0.0, -52_000.0], "profit_uplift_ci_low": [0.0, -60_000.0],
    ...     "profit_uplift_ci_high": [0.0, -44_000.0], "p_beats_baseline": [0.0, 0.0],
    ...     "p_best": [1.0, 0.0]})
    >>> print(answer_sentence(rows, "price_war", horizon=90))
    In the price_war scenario, no strategy pays: every arm makes less profit than the \
baseline; the least bad, coupons, makes -52.0k CNY over 90 days against the baseline \
[95% CI -60.0k, -44.0k].
    """
    where = f"In the {scenario} scenario"
    arms = rows[rows["strategy"] != BASELINE]
    if arms.empty:
        return f"{where}, only the baseline ran: there is nothing to compare."
    top = arms.iloc[0]
    n = int(top["n"])
    period = format_period(horizon)
    if n == 0:
        return f"{where}, no replication has every arm: there is nothing to compare."
    if n == 1:
        return (
            f"{where}, {top['strategy']} has the highest profit uplift, "
            f"{format_cny(top['profit_uplift'])} CNY {period}, from one replication: "
            "no CI, so how sure is unknown (run 2 or more replications)."
        )
    judged = verdict(top)
    if judged == LOSES:
        return (
            f"{where}, no strategy pays: every arm makes less profit than the baseline; "
            f"the least bad, {top['strategy']}, makes {_uplift(top, period)}."
        )
    if judged == UNSURE:
        share = f"{top['p_beats_baseline']:.0%}"
        return (
            f"{where}, no strategy clearly pays: the best on average, {top['strategy']}, "
            f"makes {_uplift(top, period)}, a CI that spans 0 (it beats the baseline in "
            f"{share} of {n} paired replications)."
        )
    sentence = (
        f"{where}, {top['strategy']} pays most: {_uplift(top, period)}, the best arm in "
        f"{top['p_best']:.0%} of {n} paired replications"
    )
    if top["p_best"] < CLEAR_BEST and len(arms) > 1:
        second = arms.iloc[1]
        sentence += (
            f"; {second['strategy']} is close ({format_cny(second['profit_uplift'])} CNY, "
            f"the best in {second['p_best']:.0%})"
        )
    return sentence + "."


def customers_sentence(rows: pd.DataFrame) -> str:
    """One sentence: which arm keeps the most customers (active at the end), and how sure.

    Parameters
    ----------
    rows : pandas.DataFrame
        A scenario's rows of ``ranking.csv`` over every shopper (:func:`scenario_rows`).

    Returns
    -------
    str
        The arm with the highest mean uplift in customers active at the end, with its
        95% CI and its profit uplift; that no arm clearly keeps more when the CI
        reaches 0; empty without arms or with fewer than 2 replications.

    Examples
    --------
    >>> rows = pd.DataFrame({"strategy": ["baseline", "reco", "share"], "n": 8,
    ...     "profit_uplift": [0.0, 276_818.0, 39_280.0],
    ...     "retained_uplift": [0.0, 2593.5, 3269.6],
    ...     "retained_uplift_ci_low": [0.0, 2504.2, 3208.8],
    ...     "retained_uplift_ci_high": [0.0, 2682.8, 3330.4]})
    >>> print(customers_sentence(rows))
    share keeps the most customers: +3,270 active at the end [95% CI +3,209, +3,330], \
for +39.3k CNY of profit uplift.
    """
    arms = rows[rows["strategy"] != BASELINE]
    if arms.empty or int(arms["n"].iloc[0]) < 2:
        return ""
    top = arms.sort_values("retained_uplift", ascending=False, kind="stable").iloc[0]
    low, high = top["retained_uplift_ci_low"], top["retained_uplift_ci_high"]
    kept = (
        f"{format_count(top['retained_uplift'])} active at the end "
        f"[95% CI {format_count(low)}, {format_count(high)}]"
    )
    if not low > 0:
        return (
            "No arm clearly keeps more customers than the baseline (the most on average: "
            f"{top['strategy']}, {kept})."
        )
    return (
        f"{top['strategy']} keeps the most customers: {kept}, for "
        f"{format_cny(top['profit_uplift'])} CNY of profit uplift."
    )


def answers(ranking: pd.DataFrame, scenarios: list[str], horizon: int) -> list[str]:
    """:func:`answer_sentence` for each named scenario, in order.

    Examples
    --------
    >>> answers(pd.DataFrame({"scenario": ["base"], "segment": "all", "rank": [1],
    ...     "strategy": ["baseline"], "n": [3]}), ["base"], 30)
    ['In the base scenario, only the baseline ran: there is nothing to compare.']
    """
    return [
        answer_sentence(scenario_rows(ranking, scenario), scenario, horizon)
        for scenario in scenarios
    ]


def segment_winners(ranking: pd.DataFrame, scenario: str) -> pd.DataFrame:
    """Per segment, the arm with the highest mean profit uplift there and its verdict.

    Parameters
    ----------
    ranking : pandas.DataFrame
        ``ranking.csv``.
    scenario : str
        The scenario.

    Returns
    -------
    pandas.DataFrame
        One row per segment (config order): ``segment``, ``strategy`` (the best
        non-baseline arm), ``profit_uplift``, ``profit_uplift_ci_low``,
        ``profit_uplift_ci_high``, ``p_best``, ``verdict`` (:func:`verdict`), ``n``.

    Examples
    --------
    >>> table = pd.DataFrame({"scenario": "s", "segment": ["rural"] * 2, "rank": [1, 2],
    ...     "strategy": ["baseline", "points"], "n": 4, "profit_uplift": [0.0, -3.0],
    ...     "profit_uplift_ci_low": [0.0, -9.0], "profit_uplift_ci_high": [0.0, 2.0],
    ...     "p_best": [0.75, 0.25]})
    >>> segment_winners(table, "s")[["segment", "strategy", "verdict"]].to_dict("records")
    [{'segment': 'rural', 'strategy': 'points', 'verdict': 'not told from the baseline'}]
    """
    chosen = ranking[(ranking["scenario"] == scenario) & (ranking["segment"] != ALL)]
    chosen = chosen[chosen["strategy"] != BASELINE].sort_values("rank", kind="stable")
    best = chosen.groupby("segment", sort=False).head(1)
    columns = [
        "segment",
        "strategy",
        "profit_uplift",
        "profit_uplift_ci_low",
        "profit_uplift_ci_high",
        "p_best",
        "n",
    ]
    order = list(dict.fromkeys(ranking.loc[ranking["segment"] != ALL, "segment"]))
    best = best.set_index("segment").reindex([s for s in order if s in set(best["segment"])])
    table = best.reset_index()[columns]
    table["verdict"] = [verdict(row) for _, row in table.iterrows()]
    return table


def segment_summary(winners: pd.DataFrame, scenario: str) -> str:
    """One sentence: which arm pays for which segments in a scenario.

    Parameters
    ----------
    winners : pandas.DataFrame
        :func:`segment_winners` of the scenario.
    scenario : str
        Its name.

    Returns
    -------
    str
        Arms that pay (CI above 0) with their segments; segments where the best arm
        is not told from the baseline or every arm loses.

    Examples
    --------
    >>> winners = pd.DataFrame({"segment": ["rural", "young", "niche"],
    ...     "strategy": ["reco", "reco", "points"],
    ...     "verdict": ["pays", "pays", "not told from the baseline"]})
    >>> print(segment_summary(winners, "base"))
    By segment (base): reco pays most for rural and young; for niche no arm is told \
from the baseline.
    """
    if winners.empty:
        return f"By segment ({scenario}): no per-segment results."
    parts = []
    paying = winners[winners["verdict"] == PAYS]
    for arm, group in paying.groupby("strategy", sort=False):
        text = f"{arm} pays most for {_join(group['segment'].tolist())}"
        if len(group) > 1 and "profit_uplift" in group:
            ordered = group.sort_values("profit_uplift", ascending=False, kind="stable")
            most, least = ordered.iloc[0], ordered.iloc[-1]
            text += (
                f" (most for {most['segment']}: {format_cny(most['profit_uplift'])} CNY, "
                f"least for {least['segment']}: {format_cny(least['profit_uplift'])})"
            )
        parts.append(text)
    for judged, words in (
        (UNSURE, "no arm is told from the baseline"),
        (LOSES, "every arm makes less than the baseline"),
        (UNKNOWN, "there is no CI (one replication)"),
    ):
        segments = winners.loc[winners["verdict"] == judged, "segment"].tolist()
        if segments:
            parts.append(f"for {_join(segments)} {words}")
    return f"By segment ({scenario}): {'; '.join(parts)}."


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
