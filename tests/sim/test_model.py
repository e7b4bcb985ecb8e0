import time

import numpy as np
import pandas as pd
import pytest

from sim import ParameterError, ShopperModel, simulate
from sim.rules import acquisition, group_formation, loyalty_churn
from sim.rules.group_formation import FRIEND, OPENER, STRANGER
from sim.states import ACTIVE, CHURNED, GROUP_BUY, INITIAL, OUTSIDE, PROSPECT, WON_BACK

SMALL = {"population": {"size": 3000}}


def test_same_seed_gives_bit_identical_daily_metrics():
    a = simulate(SMALL, rng=7, days=60)
    b = simulate(SMALL, rng=7, days=60)
    pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)
    assert a.summary == pytest.approx(b.summary, nan_ok=True)


def test_another_seed_gives_different_metrics():
    a = simulate(SMALL, rng=7, days=60).daily
    b = simulate(SMALL, rng=8, days=60).daily
    assert not a["active"].equals(b["active"])


def test_a_seed_sequence_works_like_its_integer_entropy():
    a = simulate(SMALL, rng=7, days=20).daily
    b = simulate(SMALL, rng=np.random.SeedSequence(7), days=20).daily
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_one_step_is_one_day_with_the_eight_stages():
    model = ShopperModel({"population": {"size": 5000, "initial_active_share": 0.5}}, rng=1)
    model.run(30)
    daily = model.daily_metrics()
    assert daily["day"].tolist() == list(range(30))
    last = daily.iloc[-1]
    # the market: the day-0 shoppers and the entrants so far (the others are outside)
    in_market = 5000 + daily["entrants"].sum()
    assert daily["entrants"].sum() > 0
    assert last["prospects"] + last["active"] + last["churned"] == in_market
    assert (model.shoppers.state != OUTSIDE).sum() == in_market
    assert (daily["orders"] > 0).all()
    assert (daily["churned_today"] > 0).any()
    take_rate = model.params.accounting.take_rate
    assert daily["revenue"].to_numpy() == pytest.approx(take_rate * daily["gmv"].to_numpy())
    assert daily["profit"].to_numpy() == pytest.approx(
        (daily["revenue"] - daily["acquisition_cost"] - daily["strategy_cost"]).to_numpy()
    )


@pytest.fixture
def group_days(monkeypatch):
    """The model's group days (``GroupDay``), recorded as the model runs them."""
    days = []
    run_group_day = group_formation.run_group_day

    def recording(*args, **kwargs):
        days.append(run_group_day(*args, **kwargs))
        return days[-1]

    monkeypatch.setattr(group_formation, "run_group_day", recording)
    return days


def test_group_buys_bring_customers_only_through_formed_groups(group_days):
    # groups of 3 open for 3 days, shared with friends on the day they open and later
    # completed by few strangers: a prospect who joins waits for the group to form, and
    # may meanwhile be acquired by ads or referral (fast here)
    params = {
        "population": {"size": 5000, "initial_active_share": 0.3},
        "acquisition": {"innovation_per_year": 3.0, "imitation_per_year": 20.0},
        "group_buy": {
            "group_size": 3,
            "window_days": 3,
            "prospect_join_prob": 0.5,
            "listing_match_prob": 0.2,
        },
    }
    model = ShopperModel(params, rng=2)
    sh = model.shoppers
    waiting = 0
    for day in range(20):
        model.step()
        today = group_days[-1]
        confirmed = today.confirmed
        joined_as_prospect = np.unique(confirmed.shopper[confirmed.state == PROSPECT])
        new = np.flatnonzero((sh.channel == GROUP_BUY) & (sh.acquired_day == day))
        # adopted today through a group = prospects who paid into a group that formed
        # today and were still prospects (not acquired by ads or referral meanwhile)
        assert set(new) <= set(joined_as_prospect)
        assert model.today["new_group_buy"] == new.size
        # prospects who paid today into a group still open (or refunded) stay prospects
        paid = today.paid.shopper[today.paid.state == PROSPECT]
        pending = np.setdiff1d(paid, confirmed.shopper)
        assert (sh.state[pending] == PROSPECT).all()
        waiting += pending.size
    daily = model.daily_metrics()
    assert daily["new_group_buy"].sum() > 0 and waiting > 0
    assert daily["groups_formed"].sum() > 0 and daily["groups_lapsed"].sum() > 0
    # every customer is acquired once, through one channel
    acquired = (sh.acquired_day >= 0) & (sh.channel != INITIAL)
    assert daily["new_customers"].sum() == acquired.sum()
    assert daily["new_group_buy"].sum() == (sh.channel == GROUP_BUY).sum()


def test_refunded_groups_bring_no_order_and_customers_who_join_order(group_days):
    # every focal order is a group order, groups of 2 open for a day, friends only
    params = {
        "population": {"size": 5000, "initial_active_share": 0.3},
        "group_buy": {"group_order_prob": 1.0, "listing_match_prob": 0.0},
    }
    model = ShopperModel(params, rng=3)
    sh = model.shoppers
    friend_orders = 0
    for day in range(15):
        orders_before = sh.orders.copy()
        model.step()
        today = group_days[-1]
        confirmed, refunded = today.confirmed, today.refunded
        # a group is the order: only confirmed members ordered, each once
        assert model.today["orders"] == model.today["group_orders"] == confirmed.size
        assert model.today["gmv"] == pytest.approx(confirmed.total)
        assert (sh.orders[refunded.shopper] == orders_before[refunded.shopper]).all()
        assert (sh.last_order_day[refunded.shopper] != day).all()
        assert (sh.state[refunded.shopper[refunded.state == PROSPECT]] == PROSPECT).all()
        assert (sh.orders[confirmed.shopper] == orders_before[confirmed.shopper] + 1).all()
        # customers who joined a friend's group placed an order (they did not seek one)
        friends = confirmed.shopper[
            (confirmed.role == FRIEND) & np.isin(confirmed.state, [ACTIVE, WON_BACK])
        ]
        assert (sh.last_order_day[friends] == day).all()
        friend_orders += friends.size
    daily = model.daily_metrics()
    assert friend_orders > 0 and daily["groups_lapsed"].sum() > 0


def test_strangers_complete_groups_from_the_list(group_days):
    def run(listing_match_prob):
        group_days.clear()
        params = {
            "population": {"size": 4000, "initial_active_share": 0.3},
            "group_buy": {
                "group_order_prob": 1.0,
                "shares_per_group": 0,  # nobody shares: only strangers can fill a group
                "listing_match_prob": listing_match_prob,
            },
        }
        model = ShopperModel(params, rng=4)
        model.run(10)
        roles = np.concatenate([d.confirmed.role for d in group_days])
        return model.daily_metrics(), roles

    daily, roles = run(0.5)
    assert daily["groups_formed"].sum() > 0 and daily["group_orders"].sum() > 0
    assert set(roles) == {OPENER, STRANGER}
    assert (roles == STRANGER).sum() == (roles == OPENER).sum()  # groups of 2
    # nobody looks at the list and nobody shares: no group forms, nobody orders
    daily, roles = run(0.0)
    assert roles.size == 0 and daily["groups_formed"].sum() == 0
    assert daily["orders"].sum() == daily["gmv"].sum() == daily["new_group_buy"].sum() == 0
    assert daily["groups_lapsed"].sum() > 0


def test_group_discount_applies_only_to_confirmed_group_orders(group_days):
    params = {"population": {"size": 5000, "initial_active_share": 0.3}}
    model = ShopperModel(params, rng=5)
    sh = model.shoppers
    price_factor = 1.0 - model.focal.group_discount
    assert price_factor == pytest.approx(0.9)
    for _ in range(10):
        orders_before, spend_before = sh.orders.copy(), sh.spend.copy()
        model.step()
        confirmed = group_days[-1].confirmed
        assert model.today["group_gmv"] == pytest.approx(
            price_factor * sh.order_value[confirmed.shopper].sum()
        )
        assert confirmed.value == pytest.approx(price_factor * sh.order_value[confirmed.shopper])
        # what each shopper paid today: the usual value per order outside a group
        ordered = np.flatnonzero(sh.orders > orders_before)
        in_group = np.isin(ordered, confirmed.shopper)
        n_orders = sh.orders[ordered] - orders_before[ordered]
        expected = sh.order_value[ordered] * (n_orders - in_group * (1.0 - price_factor))
        assert sh.spend[ordered] - spend_before[ordered] == pytest.approx(expected)
        assert in_group.any() and not in_group.all()
    daily = model.daily_metrics()
    assert (daily["group_gmv"] < daily["gmv"]).all()


def test_churned_shoppers_can_be_won_back():
    model = ShopperModel(
        {
            "population": {"size": 4000, "initial_active_share": 0.8},
            "loyalty": {"base_churn_hazard": 0.05, "winback_rate": 0.05},
        },
        rng=5,
    )
    model.run(60)
    daily = model.daily_metrics()
    assert daily["won_back_today"].sum() > 0
    assert (model.shoppers.state == CHURNED).sum() > 0


def test_competitor_price_cut_moves_price_sensitive_segments_more():
    def active_by_segment(rival_price: float) -> pd.Series:
        platforms = [p.model_dump() for p in ShopperModel(SMALL).params.platforms]
        platforms[1]["price_index"] = rival_price
        s = simulate(
            {"population": {"size": 30_000, "initial_active_share": 0.6}, "platforms": platforms},
            rng=9,
            days=120,
        ).summary
        return pd.Series(
            {k.removeprefix("active_end_"): v for k, v in s.items() if k.startswith("active_end_")}
        )

    base, war = active_by_segment(1.0), active_by_segment(0.7)
    loss = 1 - war / base
    # source material: low-income (mean price sensitivity 0.85) and rural (0.80) shoppers
    # are the most price sensitive, young users (0.45) and niche buyers (0.50) the least
    assert min(loss["low_income"], loss["rural"]) > max(loss["young"], loss["niche"])
    assert loss.min() > 0


def test_bad_parameters_name_the_field():
    with pytest.raises(ParameterError, match=r"population\.size"):
        ShopperModel({"population": {"size": 0}})
    with pytest.raises(ParameterError, match=r"population\.sise: unknown key"):
        ShopperModel({"population": {"sise": 10}})


def test_an_unknown_key_lists_the_allowed_keys():
    with pytest.raises(ParameterError) as err:
        ShopperModel({"population": {"sise": 10}})
    assert str(err.value) == (
        "parameters: population.sise: unknown key; allowed: size, segments, "
        "initial_active_share, purchase_rate_scale, order_value_scale"
    )


def test_an_unknown_strategy_key_or_kind_names_what_is_allowed_without_union_tags():
    with pytest.raises(ParameterError) as err:
        ShopperModel({"strategies": [{"kind": "coupons", "discont": 0.1}]})
    assert str(err.value) == (
        "parameters: strategies.0.discont: unknown key; allowed: kind, target, discount"
    )
    with pytest.raises(
        ParameterError, match=r"strategies\.0: unknown kind 'coupon'; allowed: .*coupons"
    ):
        ShopperModel({"strategies": [{"kind": "coupon"}]})


def test_unknown_target_segment_is_refused_with_the_allowed_names():
    params = {
        "strategies": [
            {"kind": "loyalty_points", "target": {"kind": "segment", "segments": ["students"]}}
        ]
    }
    with pytest.raises(ValueError, match="rural"):
        ShopperModel(params)


def test_summary_has_the_five_loyalty_indicators_and_retention():
    s = simulate(
        {"population": {"size": 3000, "initial_active_share": 0.5}}, rng=1, days=100
    ).summary
    for key in (
        "repeat_purchases",
        "days_between_purchases",
        "price_switch_share",
        "orders_elsewhere_share",
        "defect_tolerance",
        "retention_90",
        "clv_mean",
        "roi",
    ):
        assert key in s
    assert 0 <= s["orders_elsewhere_share"] <= 1
    assert 0 < s["retention_90"] <= 1


def test_cohort_retention_is_monthly_and_bounded():
    model = ShopperModel({"population": {"size": 3000}}, rng=2)
    model.run(65)
    cohorts = model.cohort_retention()
    assert set(cohorts["cohort"]) == {0, 1, 2}
    assert ((cohorts["retention"] >= 0) & (cohorts["retention"] <= 1)).all()


def test_states_are_consistent():
    model = ShopperModel({"population": {"size": 2000}}, rng=3)
    model.run(40)
    sh = model.shoppers
    assert (sh.acquired_day[sh.state == PROSPECT] == -1).all()
    assert (sh.acquired_day[sh.state == ACTIVE] >= 0).all()
    assert (sh.churned_day[sh.state == CHURNED] >= 0).all()


def test_the_shoppers_are_columns_not_mesa_agents():
    model = ShopperModel({"population": {"size": 500}}, rng=1)
    model.run(2)
    # 500 shoppers on day 0 and room for a year of entrants (13% a year)
    assert len(model.agents) == 0 and model.shoppers.size == 565


def test_the_initial_state_is_collected_and_left_out_of_the_daily_metrics():
    model = ShopperModel({"population": {"size": 2000, "initial_active_share": 0.25}}, rng=6)
    collected = model.datacollector.get_model_vars_dataframe()
    assert len(collected) == 1  # Mesa's examples collect at initialisation
    first = model.initial_state()
    assert (first["day"], first["active"], first["prospects"]) == (-1, 500, 1500)
    assert first["orders"] == first["new_customers"] == first["revenue"] == first["profit"] == 0
    assert first["satisfaction"] == pytest.approx(model.params.satisfaction.initial)
    model.run(5)
    collected = model.datacollector.get_model_vars_dataframe()
    daily = model.daily_metrics()
    assert len(collected) == 6 and daily["day"].tolist() == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(
        daily, collected.iloc[1:].reset_index(drop=True), check_dtype=False
    )
    assert model.initial_state() == first
    assert model.summary()["days"] == 5


def test_running_turns_false_at_the_horizon_and_run_stops_there():
    params = {"population": {"size": 1000}, "horizon_days": 4}
    model = ShopperModel(params, rng=2)
    model.run(3)
    assert model.running
    model.run(10)
    assert not model.running and model.steps == 4
    assert model.daily_metrics()["day"].tolist() == [0, 1, 2, 3]
    model.step()  # a step by hand still simulates a day
    assert model.steps == 5 and len(model.daily_metrics()) == 5


def test_run_model_runs_to_the_horizon_and_refuses_to_run_forever():
    model = ShopperModel({"population": {"size": 500}, "horizon_days": 6}, rng=2)
    model.run_model()
    assert model.steps == 6 and not model.running
    with pytest.raises(ParameterError, match="needs a stopping condition"):
        ShopperModel({"population": {"size": 500}}, rng=2).run_model()
    with pytest.raises(ParameterError, match="horizon_days"):
        ShopperModel({"horizon_days": 0})


def test_a_horizon_sizes_the_entrants_and_stops_the_run():
    # simulate() takes its days as the horizon when the parameters set none, so an equal
    # explicit horizon changes no number
    bounded = simulate({**SMALL, "horizon_days": 30}, rng=7, days=30)
    plain = simulate(SMALL, rng=7, days=30)
    pd.testing.assert_frame_equal(bounded.daily, plain.daily, check_exact=True)
    assert bounded.summary == pytest.approx(plain.summary, nan_ok=True)
    # a shorter horizon stops the run: the same as a model built with it, run that long
    short = simulate({**SMALL, "horizon_days": 10}, rng=7, days=30)
    model = ShopperModel({**SMALL, "horizon_days": 10}, rng=7)
    model.run(10)
    pd.testing.assert_frame_equal(short.daily, model.daily_metrics(), check_exact=True)
    assert len(short.daily) == 10 and short.daily["entrants"].sum() > 0


def test_a_run_past_the_room_for_entrants_is_an_error_not_a_market_that_stops_growing():
    model = ShopperModel({**SMALL, "market": {"entrant_days": 5}}, rng=7)
    model.run(6)
    with pytest.raises(ParameterError, match="holds entrants for 5 days.*horizon_days"):
        model.run(1)
    closed = ShopperModel({**SMALL, "market": {"entrant_days": 5, "growth_per_year": 0.0}}, rng=7)
    closed.run(10)  # a closed market has no entrants to run out of


def test_profiling_times_every_stage_and_changes_no_number():
    plain = ShopperModel(SMALL, rng=3)
    plain.run(20)
    timed = ShopperModel(SMALL, rng=3)
    seconds = timed.profile_stages()
    start = time.process_time()  # the stages are timed in processor seconds too
    timed.run(20)
    elapsed = time.process_time() - start
    pd.testing.assert_frame_equal(plain.daily_metrics(), timed.daily_metrics(), check_exact=True)
    assert list(seconds) == [name for name, _ in timed.stages]
    assert plain.stage_seconds is None
    assert all(s > 0 for s in seconds.values())
    # the stages are the whole day: their seconds add up to the run's, bar the loop
    assert 0.5 * elapsed < sum(seconds.values()) <= elapsed


def test_drawing_exact_probabilities_only_below_their_bounds_changes_no_number(monkeypatch):
    params = {"population": {"size": 3000}, "strategies": [{"kind": "coupons"}]}
    pruned = ShopperModel(params, rng=5)
    pruned.run(40)
    monkeypatch.setattr(acquisition, "adoption_bound", lambda *args, **kwargs: 1.0)
    monkeypatch.setattr(loyalty_churn, "hazard_bound", lambda *args, **kwargs: np.inf)
    everyone = ShopperModel(params, rng=5)
    everyone.run(40)
    pd.testing.assert_frame_equal(
        pruned.daily_metrics(), everyone.daily_metrics(), check_exact=True
    )
    assert everyone.daily_metrics()["churned_today"].sum() > 0
