import math

import numpy as np
import pandas as pd
import pytest

from sim import ShopperModel
from sim.metrics import daily_metrics, metric_names, retention_at, run_summary, tenure_hazards
from sim.params import Accounting, ModelParams, default_platforms
from sim.shoppers import create_shoppers
from sim.states import (
    ACTIVE,
    ADS,
    CHURNED,
    INITIAL,
    NEVER,
    NO_CHANNEL,
    OUTSIDE,
    PROSPECT,
    WON_BACK,
)

SEGMENTS = ["a", "b", "c"]


def _metrics(shoppers, outcome, ltr, money=None, costs=(0.0, 0.0), rival_deal=False):
    """daily_metrics of a hand-made day; money (orders, GMV, revenue, ...), costs 0 unless given."""
    return daily_metrics(
        day=outcome.day,
        shoppers=shoppers,
        outcome=outcome,
        ltr=ltr,
        money=money or {},
        acquisition_cost=costs[0],
        strategy_cost=costs[1],
        accounting_params=Accounting(),
        segment_names=SEGMENTS,
        rival_deal=rival_deal,
    )


def _day(tiny, day):
    """Tiny population: 0 prospect, 1 churned, 2-3 active, 4 won back, 5 active."""
    tiny.state[:] = [PROSPECT, CHURNED, ACTIVE, ACTIVE, WON_BACK, ACTIVE]
    tiny.satisfaction[:] = [0.0, 0.1, 0.9, 0.5, 0.3, 0.7]
    tiny.loyalty[:] = [0.0, 0.0, 0.8, 0.4, 0.2, 0.6]
    ltr = np.array([10, 0, 9, 5, 3, 7], dtype=np.int8)  # only active shoppers count
    today = day(
        day=12,
        new_ads=[5],
        new_referral=[2, 3],
        new_group=[],
        focal_shoppers=[2, 3, 5],
        focal_values=[10.0, 20.0, 30.0],
        group_members=[3, 5],
        group_values=[20.0, 30.0],
        groups_formed=1,
        groups_lapsed=2,
        entrants=[0],
        churned=[1],
        won_back=[4],
    )
    # shopper 2 ordered twice: 4 orders, 60 CNY of GMV; the platform's 3% of it is 1.8
    money = {"orders": 4, "gmv": 60.0, "revenue": 1.8, "group_orders": 2, "group_gmv": 50.0}
    return _metrics(tiny, today, ltr, money, costs=(20.0, 1.5), rival_deal=True)


def test_daily_metrics_has_exactly_the_named_metrics_in_order(tiny, day):
    assert list(_day(tiny, day)) == metric_names(SEGMENTS)


def test_daily_counts_money_and_means_over_active_shoppers(tiny, day):
    row = _day(tiny, day)
    assert (row["day"], row["prospects"], row["active"], row["churned"]) == (12, 1, 4, 1)
    assert (row["new_ads"], row["new_referral"], row["new_group_buy"]) == (1, 2, 0)
    assert row["new_customers"] == 3 and row["entrants"] == 1
    assert (row["churned_today"], row["won_back_today"]) == (1, 1)
    assert (row["orders"], row["gmv"], row["revenue"]) == (4, 60.0, 1.8)
    assert (row["group_orders"], row["group_gmv"]) == (2, 50.0)
    assert (row["groups_formed"], row["groups_lapsed"], row["rival_deal"]) == (1, 2, 1)
    assert (row["acquisition_cost"], row["strategy_cost"]) == (20.0, 1.5)
    assert row["profit"] == pytest.approx(1.8 - 20.0 - 1.5)  # the platform's revenue, not GMV
    assert row["satisfaction"] == pytest.approx((0.9 + 0.5 + 0.3 + 0.7) / 4)
    assert row["loyalty"] == pytest.approx((0.8 + 0.4 + 0.2 + 0.6) / 4)
    # active answers 9, 5, 3, 7: one promoter (25%), two detractors (50%)
    assert row["nps"] == pytest.approx(25.0 - 50.0)


def test_per_segment_metrics_split_the_active_shoppers(tiny, day):
    row = _day(tiny, day)  # segments [a, a, b, b, c, c]
    assert (row["active_a"], row["active_b"], row["active_c"]) == (0, 2, 2)
    assert math.isnan(row["satisfaction_a"])  # nobody active in segment a
    assert row["satisfaction_b"] == pytest.approx(0.7)
    assert row["loyalty_c"] == pytest.approx(0.4)


def test_a_day_with_nobody_active_has_nan_means_and_nps(tiny, day):
    tiny.state[:] = PROSPECT
    row = _metrics(tiny, day(day=0), np.full(6, 10, dtype=np.int8))
    assert row["active"] == 0 and row["prospects"] == 6
    flows = ("orders", "gmv", "revenue", "group_orders", "group_gmv", "rival_deal", "profit")
    assert all(row[k] == 0 for k in flows)  # money missing from the dict counts 0
    assert all(math.isnan(row[k]) for k in ("satisfaction", "loyalty", "nps"))


@pytest.mark.parametrize("n_active", [0, 5, 8, 127, 128, 129, 1000, 4097])
def test_means_are_numpys_sums_bit_for_bit(day, n_active):
    """Means over the active shoppers are numpy's (pairwise) sums divided by the count.

    Values of very different magnitudes make the order of a float sum show in its
    last bits, so a sum in another order (one after another) would differ; the
    sizes straddle numpy's summation blocks (8 and 128 values).
    """
    rng = np.random.default_rng(n_active)
    sh = create_shoppers(ModelParams(population={"size": 5000}), rng)
    sh.segment[:] = rng.integers(0, len(SEGMENTS), sh.size)
    sh.satisfaction[:] = rng.random(sh.size) * 10.0 ** rng.integers(-8, 8, sh.size)
    sh.loyalty[:] = rng.random(sh.size) * 10.0 ** rng.integers(-8, 8, sh.size)
    active = np.sort(rng.choice(sh.size, n_active, replace=False))
    sh.state[:] = PROSPECT
    sh.state[active] = ACTIVE
    row = _metrics(sh, day(day=0), np.zeros(sh.size, dtype=np.int8))
    if n_active == 0:
        assert math.isnan(row["satisfaction"]) and math.isnan(row["loyalty"])
    else:
        assert row["satisfaction"] == sh.satisfaction[active].mean()
        assert row["loyalty"] == sh.loyalty[active].mean()
    segment = sh.segment[active]
    counts = np.bincount(segment, minlength=len(SEGMENTS))
    for g, name in enumerate(SEGMENTS):
        assert row[f"active_{name}"] == counts[g]
        in_g = active[segment == g]
        for metric in ("satisfaction", "loyalty"):
            if in_g.size == 0:
                assert math.isnan(row[f"{metric}_{name}"])
                continue
            total = 0.0  # per segment, one value after another (as np.bincount adds them)
            for value in getattr(sh, metric)[in_g]:
                total += value
            assert row[f"{metric}_{name}"] == total / in_g.size


def test_a_segment_index_past_the_segment_names_or_an_unknown_shopper_is_refused(tiny, day):
    for nobody in (-1, tiny.size):
        with pytest.raises(ValueError, match="not a shopper's"):
            daily_metrics(
                day=0,
                shoppers=tiny,
                outcome=day(day=0),
                ltr=np.zeros(6, dtype=np.int8),
                money={},
                acquisition_cost=0.0,
                strategy_cost=0.0,
                accounting_params=Accounting(),
                segment_names=SEGMENTS,
                active=np.array([0, nobody]),
            )
    tiny.segment[0] = len(SEGMENTS)
    with pytest.raises(ValueError, match="segment index"):
        _metrics(tiny, day(day=0), np.zeros(6, dtype=np.int8))


def test_an_unknown_shopper_among_many_is_refused(day):
    """A bad id inside a block of eight (ids are tested eight at a time) is refused too."""
    sh = create_shoppers(ModelParams(population={"size": 40}), np.random.default_rng(0))
    sh.segment[:] = 0
    for position in (3, 10, 17):
        active = np.arange(20)
        active[position] = sh.size + position
        with pytest.raises(ValueError, match="not a shopper's"):
            daily_metrics(
                day=0,
                shoppers=sh,
                outcome=day(day=0),
                ltr=np.zeros(sh.size, dtype=np.int8),
                money={},
                acquisition_cost=0.0,
                strategy_cost=0.0,
                accounting_params=Accounting(),
                segment_names=SEGMENTS,
                active=active,
            )


def test_nps_from_the_callers_counts(tiny, day):
    """Given counts of promoters and detractors, the NPS is theirs (the answers are not read)."""
    tiny.state[:] = [PROSPECT, CHURNED, ACTIVE, ACTIVE, WON_BACK, ACTIVE]
    row = daily_metrics(
        day=0,
        shoppers=tiny,
        outcome=day(day=0),
        ltr=np.zeros(6, dtype=np.int8),  # all detractors, were they read
        money={},
        acquisition_cost=0.0,
        strategy_cost=0.0,
        accounting_params=Accounting(),
        segment_names=SEGMENTS,
        active=np.array([2, 3, 4, 5]),
        answers=(3, 1),
    )
    assert row["nps"] == 100.0 * (3 - 1) / 4


@pytest.mark.parametrize("n_active", [3, 8, 200])
def test_a_mean_of_negative_zeros_is_zero_as_numpys(day, n_active):
    sh = create_shoppers(ModelParams(population={"size": 300}), np.random.default_rng(0))
    sh.segment[:] = 0
    sh.satisfaction[:] = -0.0
    sh.state[:] = PROSPECT
    sh.state[:n_active] = ACTIVE
    row = _metrics(sh, day(day=0), np.zeros(sh.size, dtype=np.int8))
    assert row["satisfaction"] == 0.0 and not np.signbit(row["satisfaction"])
    assert np.signbit(row["satisfaction"]) == np.signbit(sh.satisfaction[:n_active].mean())


def test_retention_counts_only_customers_old_enough_and_lost_within_the_horizon(tiny):
    tiny.acquired_day[:] = [0, 0, 0, 5, 11, NEVER]
    tiny.churned_day[:] = [NEVER, 10, 11, 14, NEVER, NEVER]
    # last day 20, horizon 10: eligible are customers for 10 days by the end of day 20,
    # acquired by day 11 -> shoppers 0-4. 0 never churned (kept); 1 churned at the end of
    # day 10, after its 10 days 0-9 (kept); 2 churned on day 11 (kept); 3 churned on
    # day 14, within its days 5-14 (lost); 4 acquired on day 11, never churned (kept)
    assert retention_at(tiny, 10, 20) == pytest.approx(0.8)
    mask = np.array([True, False, True, False, True, True])
    assert retention_at(tiny, 10, 20, mask) == 1.0
    assert math.isnan(retention_at(tiny, 30, 20))  # nobody acquired 30 days before the end


def test_tenure_hazards_count_the_churn_day_as_a_day_at_risk(tiny):
    tiny.channel[:] = [ADS, ADS, ADS, ADS, INITIAL, NO_CHANNEL]  # 4: tenure unknown, 5: prospect
    tiny.acquired_day[:] = [0, 0, 10, 10, 0, NEVER]
    tiny.churned_day[:] = [NEVER, 180, 99, 10, 50, NEVER]
    early, late = tenure_hazards(tiny, 399)
    # days at risk at tenure 0-89: 90, 90, 90 and 1 (churned on the day of acquisition);
    # churns at tenure 0 (shopper 3) and 89 (shopper 2)
    assert early == pytest.approx(2 / (90 + 90 + 90 + 1))
    # at tenure 180-364: 185 days (shopper 0), 1 day and a churn at tenure 180 (shopper 1)
    assert late == pytest.approx(1 / (185 + 1))


@pytest.fixture(scope="module")
def points_run():
    platforms = [p.model_dump() for p in default_platforms()]
    platforms[1]["price_index"] = 0.8  # a rival undercuts the focal platform (0.85)
    params = {
        "population": {"size": 3000, "initial_active_share": 0.4},
        "platforms": platforms,
        "strategies": [{"kind": "loyalty_points", "point_value": 0.02}],
    }
    model = ShopperModel(params, rng=12)
    model.run(40)
    return model


def test_the_summary_adds_up_the_days_and_reads_the_final_state(points_run):
    model = points_run
    summary, daily, sh = run_summary(model), model.daily_metrics(), model.shoppers
    # the model holds 3,000 shoppers on day 0 and room for a year of entrants (13%);
    # the summary counts those in the market at the end: day 0's and 40 days of entrants
    assert summary["days"] == 40 and sh.size == 3390
    assert summary["shoppers"] == (sh.state != OUTSIDE).sum() == 3000 + daily["entrants"].sum()
    assert daily["entrants"].sum() == round(3000 * 0.13 * 39 / 365)  # entry from day 1 to 39
    for money in ("gmv", "revenue", "acquisition_cost", "strategy_cost"):
        assert summary[money] == pytest.approx(daily[money].sum())
    assert summary["revenue"] == pytest.approx(0.03 * summary["gmv"])  # the take rate
    assert summary["profit"] == pytest.approx(daily["profit"].sum())
    assert summary["profit"] == pytest.approx(
        summary["revenue"] - summary["acquisition_cost"] - summary["strategy_cost"]
    )
    assert summary["roi"] == pytest.approx(
        summary["profit"] / (summary["acquisition_cost"] + summary["strategy_cost"])
    )
    assert summary["active_end"] == daily["active"].iloc[-1] == sh.active_mask().sum()
    assert summary["nps_end"] == daily["nps"].iloc[-1]
    assert summary["customers"] == int((sh.acquired_day >= 0).sum())
    assert summary["points_liability"] == pytest.approx(sh.points.sum() * 0.02)
    assert summary["points_liability"] > 0
    per_segment = sum(summary[f"active_end_{s}"] for s in model.segment_names)
    assert per_segment == summary["active_end"]


def test_the_loyalty_indicators_follow_their_definitions(points_run):
    model = points_run
    summary, sh = run_summary(model), model.shoppers
    ordered = sh.orders > 0
    assert summary["repeat_purchases"] == pytest.approx((sh.orders[ordered] - 1).mean())
    assert summary["days_between_purchases"] == pytest.approx(
        sh.inter_purchase_days.sum() / (sh.orders[ordered] - 1).sum()
    )
    c = model.counters
    assert c["cheaper_rival_occasions"] > 0
    assert summary["price_switch_share"] == pytest.approx(
        c["switched_to_cheaper"] / c["cheaper_rival_occasions"]
    )
    assert 0 < summary["orders_elsewhere_share"] < 1
    met = (sh.defects > 0) & (sh.acquired_day >= 0)
    assert summary["defect_tolerance"] == pytest.approx(sh.active_mask()[met].mean())


def test_a_run_without_days_has_an_empty_summary_of_flows():
    model = ShopperModel({"population": {"size": 200}}, rng=1)
    summary = run_summary(model)
    assert summary["days"] == 0 and summary["revenue"] == 0.0
    assert math.isnan(summary["nps_end"])
    assert isinstance(model.daily_metrics(), pd.DataFrame) and model.daily_metrics().empty


def test_money_per_segment_adds_up_to_the_totals(points_run):
    # totals come from the daily sums as before; segments from the per-shopper ledger,
    # summed in another order: equal to rounding (1e-9 relative)
    summary, names = run_summary(points_run), points_run.segment_names
    for flow in ("revenue", "acquisition_cost", "strategy_cost"):
        parts = sum(summary[f"{flow}_{s}"] for s in names)
        assert parts == pytest.approx(summary[flow], rel=1e-9)
    assert summary["strategy_cost_unallocated"] == 0.0  # points cost belongs to shoppers
    profits = sum(summary[f"profit_{s}"] for s in names)
    assert profits == pytest.approx(summary["profit"], rel=1e-9)
    assert summary["strategy_cost"] > 0 and summary["revenue_rural"] > 0


def test_a_fixed_strategy_cost_is_unallocated_not_spread_over_segments():
    # quality control: 40 CNY a day belongs to no shopper; its inspections do
    quality = {"kind": "quality_control", "fixed_cost_per_day": 40.0, "cost_per_order": 1.0}
    model = ShopperModel({"population": {"size": 1500}, "strategies": [quality]}, rng=3)
    model.run(20)
    summary, names = run_summary(model), model.segment_names
    assert summary["strategy_cost_unallocated"] == 40.0 * 20
    inspections = sum(summary[f"strategy_cost_{s}"] for s in names)
    assert inspections == pytest.approx(summary["strategy_cost"] - 40.0 * 20, rel=1e-9)
    assert inspections > 0
    profits = sum(summary[f"profit_{s}"] for s in names)
    assert profits - summary["strategy_cost_unallocated"] == pytest.approx(
        summary["profit"], rel=1e-9
    )
