"""Each pattern's measurement on hand-made replication records."""

import math

import numpy as np
import pytest

from experiments.patterns.checks import (
    CHURN_SCALE,
    CSV_COLUMNS,
    MIN_LEVEL_N,
    PATTERNS,
    Pattern,
    RunRecord,
    evaluate,
    failing_required,
    ltr_retention_counts,
    pattern_by_key,
    zone_gain_ratio,
)
from sim import ModelParams

SEGMENTS = [(s.name, s.price_sensitivity.mean) for s in ModelParams().population.segments]

REQUIRED = [
    "satisfied_defectors",
    "price_sensitive_churn",
    "hazard_falls_with_tenure",
    "spend_concentration",
    "orders_per_buyer",
    "order_value",
    "spend_per_buyer",
    "take_rate",
    "mau_ratio",
    "satisfaction_loyalty_convexity",
    "group_orders",
    "top_tier",
]
TESTED = ["profit_from_retention", "acquisition_payback"]


def record(summary, **kwargs) -> RunRecord:
    return RunRecord(0, summary, SEGMENTS, **kwargs)


def measure(key: str, rec: RunRecord) -> float:
    return pattern_by_key(key).measure_run(rec).value


# ---------------------------------------------------------------- the catalogue
def test_the_twelve_required_patterns_and_the_two_tested_ones():
    assert [p.key for p in PATTERNS if p.required] == REQUIRED
    assert [p.key for p in PATTERNS if not p.required] == TESTED
    assert len({p.name for p in PATTERNS}) == len(PATTERNS)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.key)
def test_every_pattern_states_definition_range_and_a_concrete_source(pattern):
    assert pattern.definition and pattern.quantity
    assert len(pattern.source) > 40  # a publication with its figure, or a stated reading
    assert pattern.low < pattern.high
    for text in (pattern.name, pattern.source, pattern.definition, pattern.quantity):
        assert "|" not in text and "\n" not in text  # fits a Markdown table cell


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("satisfied_defectors", "[0.65, 0.85]"),
        ("price_sensitive_churn", "(1, inf)"),
        ("hazard_falls_with_tenure", "[0, 1)"),
        ("spend_concentration", "[0.6, 0.75]"),
        ("orders_per_buyer", "[30, 50]"),
        ("order_value", "[43, 56]"),
        ("spend_per_buyer", "[1100, 2150]"),
        ("take_rate", "[0.027, 0.031]"),
        ("mau_ratio", "[0.65, 0.83]"),
        ("satisfaction_loyalty_convexity", "(1, inf)"),
        ("group_orders", "[0.1, inf)"),
        ("top_tier", "[0.01, 0.1]"),
        ("profit_from_retention", "[25, 85]"),
        ("acquisition_payback", "[0, 3.2]"),
    ],
)
def test_ranges(key, text):
    assert pattern_by_key(key).range_text() == text


def test_open_bounds_exclude_their_end_and_nan_is_never_in_range():
    above_one = pattern_by_key("price_sensitive_churn")
    assert not above_one.contains(1.0) and above_one.contains(1.0001)
    assert above_one.contains(math.inf)
    below_one = pattern_by_key("hazard_falls_with_tenure")
    assert below_one.contains(0.0) and below_one.contains(0.999) and not below_one.contains(1.0)
    closed = pattern_by_key("satisfied_defectors")
    assert closed.contains(0.65) and closed.contains(0.85) and not closed.contains(0.86)
    assert not any(p.contains(math.nan) for p in PATTERNS)


# ---------------------------------------------------------------- measurements
def test_satisfied_defector_share_is_the_summary_field_with_defections_as_n(summary):
    m = pattern_by_key("satisfied_defectors").measure_run(record(summary))
    assert m.value == 0.75 and m.n == 100
    assert "likelihood-to-recommend >= 7" in pattern_by_key("satisfied_defectors").definition


def test_a_missing_summary_field_gives_nan_and_names_it():
    m = pattern_by_key("satisfied_defectors").measure_run(record({}))
    assert math.isnan(m.value)
    assert "satisfied_defector_share" in m.note


def test_price_sensitive_churn_compares_the_most_and_least_sensitive_segments(summary):
    summary["churn_rate_low_income"] = 0.9  # mean price sensitivity 0.85: the highest
    summary["churn_rate_young"] = 0.3  # 0.45: the lowest
    summary["churn_rate_rural"] = 5.0  # in between: not used
    m = pattern_by_key("price_sensitive_churn").measure_run(record(summary))
    assert m.value == pytest.approx(3.0)
    assert m.note.startswith("low_income") and "over young" in m.note


def test_price_sensitive_churn_zero_rates(summary):
    summary["churn_rate_young"] = 0.0
    assert measure("price_sensitive_churn", record(summary)) == math.inf
    summary["churn_rate_low_income"] = 0.0
    assert math.isnan(measure("price_sensitive_churn", record(summary)))


def test_tenure_hazard_ratio(summary):
    assert measure("hazard_falls_with_tenure", record(summary)) == pytest.approx(0.5)
    summary["hazard_tenure_early"] = 0.0  # churn only late: the hazard rose
    assert measure("hazard_falls_with_tenure", record(summary)) == math.inf
    summary["hazard_tenure_late"] = 0.0
    assert math.isnan(measure("hazard_falls_with_tenure", record(summary)))


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("spend_concentration", "top20_spend_share"),
        ("orders_per_buyer", "orders_per_buyer"),
        ("order_value", "aov"),
        ("spend_per_buyer", "spend_per_buyer"),
        ("take_rate", "take_rate"),
        ("mau_ratio", "mau_ratio"),
        ("group_orders", "group_order_share"),
        ("top_tier", "top_tier_share"),
    ],
)
def test_summary_field_patterns_read_their_field(key, field, summary):
    summary[field] = 123.5
    assert measure(key, record(summary)) == 123.5


# ---------------------------------------------------------------- Jones & Sasser
def snapshot(levels, sizes, kept_share):
    """Customers at ``levels`` (``sizes`` each), the first ``kept_share`` of each kept."""
    ltr = np.repeat(levels, sizes)
    kept = np.concatenate(
        [np.arange(n) < round(share * n) for n, share in zip(sizes, kept_share, strict=True)]
    )
    return ltr_retention_counts(ltr, kept)


def test_jones_sasser_ratio_on_a_constructed_snapshot():
    # detractors: 100 at 4 (20%) + 50 at 6 (30%) -> 35 / 150; passives: 200 at 8 (40%);
    # promoters: 40 at 9 (60%) + 100 at 10 (80%) -> 104 / 140
    n, kept = snapshot([4, 6, 8, 9, 10], [100, 50, 200, 40, 100], [0.2, 0.3, 0.4, 0.6, 0.8])
    assert n.tolist() == [0, 0, 0, 0, 100, 0, 50, 0, 200, 40, 100]
    assert kept.tolist() == [0, 0, 0, 0, 20, 0, 15, 0, 80, 24, 80]
    m = zone_gain_ratio(n, kept)
    assert m.value == pytest.approx((104 / 140 - 0.4) / (0.4 - 35 / 150))
    assert m.n == 490 and "passives 40.0%" in m.note


def test_a_linear_relation_is_not_steeper_at_the_top():
    levels = np.arange(11)
    n, kept = snapshot(levels, [100] * 11, levels / 10)
    # detractors 0-6 average 0.3, passives 0.75, promoters 0.95: the top step is smaller
    value = zone_gain_ratio(n, kept).value
    assert value == pytest.approx((0.95 - 0.75) / (0.75 - 0.3))
    assert not pattern_by_key("satisfaction_loyalty_convexity").contains(value)


def test_flat_through_the_satisfied_and_steep_at_the_top_is_in_range():
    # Jones & Sasser's competitive-market curve: 50% up to LTR 8, 90% at 9-10
    n, kept = snapshot([3, 6, 7, 8, 9, 10], [100] * 6, [0.45, 0.5, 0.5, 0.52, 0.9, 0.9])
    value = zone_gain_ratio(n, kept).value
    assert value > 10
    assert pattern_by_key("satisfaction_loyalty_convexity").contains(value)


def test_undefined_when_retention_does_not_rise_to_the_passives_or_a_zone_is_sparse():
    n, kept = snapshot([4, 8, 10], [100, 100, 100], [0.5, 0.4, 0.9])
    assert math.isnan(zone_gain_ratio(n, kept).value)
    assert "does not rise" in zone_gain_ratio(n, kept).note
    n, kept = snapshot([4, 8, 10], [100, MIN_LEVEL_N - 1, 100], [0.2, 0.4, 0.9])
    assert math.isnan(zone_gain_ratio(n, kept).value)
    assert "fewer than 30 passives" in zone_gain_ratio(n, kept).note
    n, kept = snapshot([4, 8], [100, 100], [0.2, 0.4])
    assert math.isnan(zone_gain_ratio(n, kept).value)


def test_the_pattern_reads_the_records_snapshot_and_reports_levels(summary):
    n, kept = snapshot([4, 8, 10], [100, 100, 100], [0.2, 0.4, 0.8])
    rec = record(summary, ltr_n=n, ltr_retained=kept)
    assert measure("satisfaction_loyalty_convexity", rec) == pytest.approx(2.0)
    row = evaluate([rec], [pattern_by_key("satisfaction_loyalty_convexity")]).iloc[0]
    assert "4: 100 (20%), 8: 100 (40%), 10: 100 (80%)" in row["note"]
    assert "ratio on the pooled counts 2" in row["note"]
    assert row["n"] == 300


# ---------------------------------------------------------------- tested, not required
def test_profit_per_five_points_of_retention_uses_the_paired_run(summary, counterpart):
    rec = record(summary, counterpart=counterpart)
    m = pattern_by_key("profit_from_retention").measure_run(rec)
    # profit +15%, active_end/customers 0.50 -> 0.52 (+2 points): 15 / 2 * 5 = 37.5
    assert m.value == pytest.approx(37.5)
    assert "active_end/customers" in m.note and "retention_365 is NaN" in m.note
    assert f"x {CHURN_SCALE:g}" in m.note


def test_profit_per_retention_prefers_retention_365(summary, counterpart):
    base = {**summary, "retention_365": 0.30}
    pair = {**counterpart, "retention_365": 0.34}  # +4 points
    m = pattern_by_key("profit_from_retention").measure_run(record(base, counterpart=pair))
    assert m.value == pytest.approx(15 / 4 * 5)
    assert "retention = retention_365" in m.note


def test_profit_per_retention_undefined_cases(summary, counterpart):
    pair = {**counterpart, "active_end": 500.0}  # retention unchanged
    assert math.isnan(measure("profit_from_retention", record(summary, counterpart=pair)))
    loss = {**summary, "profit": -5.0}
    assert math.isnan(measure("profit_from_retention", record(loss, counterpart=counterpart)))
    assert math.isnan(measure("profit_from_retention", record(summary)))  # no paired run


def test_acquisition_payback_years(summary):
    rec = record(summary, cost_per_acquisition=20.0)
    assert measure("acquisition_payback", rec) == pytest.approx(20.0 / 51.0)


# ---------------------------------------------------------------- evaluation
def test_evaluate_takes_the_mean_and_keeps_the_spread(summary):
    records = [
        RunRecord(r, {**summary, "take_rate": v}, SEGMENTS)
        for r, v in enumerate([0.026, 0.029, 0.035])
    ]
    row = evaluate(records, [pattern_by_key("take_rate")]).iloc[0]
    assert row["model value"] == pytest.approx(0.03)
    assert (row["min"], row["max"], row["replications"]) == (0.026, 0.035, 3)
    assert row["ok"] == "yes" and row["in range"]


def test_evaluate_columns_verdicts_and_failures(summary, counterpart):
    records = [record(summary, counterpart=counterpart, cost_per_acquisition=20.0)]
    table = evaluate(records)
    assert list(table.columns) == list(CSV_COLUMNS)
    assert list(table.columns[:6]) == ["pattern", "source", "low", "high", "model value", "ok"]
    required = table[table["required"]]
    assert (required["ok"] == "yes").sum() == 11  # no LTR snapshot in the record: one fails
    assert failing_required(table)["pattern"].tolist() == [
        "loyalty steeper at the top of satisfaction"
    ]
    assert set(table.loc[~table["required"], "ok"]) == {"not required"}
    assert table.loc[~table["required"], "in range"].tolist() == [True, True]


def test_a_replication_without_a_value_is_left_out_of_the_mean_and_said():
    records = [
        RunRecord(0, {"take_rate": 0.03}),
        RunRecord(1, {}),
    ]
    row = evaluate(records, [pattern_by_key("take_rate")]).iloc[0]
    assert row["model value"] == pytest.approx(0.03)
    assert row["note"].startswith("1 of 2 replications without a value")


def test_a_custom_pattern_measures_a_summary_field():
    p = Pattern("x", "x", "gmv", "GMV", "s" * 50, 0.0, 10.0)
    assert p.measure_run(RunRecord(0, {"gmv": 3.0})).value == 3.0
