"""The model's order log, and closing the loop: BTYD models fitted to it recover the model.

The closing-the-loop tests run a market in which the model's processes are the ones
buy-till-you-die theory describes: group buying off, rivals no shopper chooses (every
order is a focal order), and a churn hazard that is constant (no loyalty, switching
cost, price-gap or frailty effects; no win-back). Shopper i then orders on a day with
probability q_i = 1 - exp(-rate_i) (``sim.rules.purchase``) and, while active,
churns at the end of a day with probability c = 1 - exp(-h) (``sim.rules.loyalty_churn``).

What theory promises, and what it does not:

* the daily purchase process is Bernoulli, not Poisson, and the rates are a mixture
  of per-segment gammas, not one gamma; the NBD's mean rate r/alpha is still the
  customers' mean rate (7 * mean q_i per week), while r itself is not the shape of
  any one gamma, so only r/alpha is tested;
* dropout is a hazard in time, not a coin tossed after each purchase (BG/NBD); the
  chance of dropping out between two purchases is p_i = c / (c + q_i - c q_i), which
  depends on the rate, whereas BG/NBD draws p independently of the rate. Its mean
  dropout a/(a+b) is then an average of the p_i weighted somewhere between per
  customer and per transaction: it is tested to lie between the two;
* without churn p_i = 0 for everyone: the likelihood rises as p falls to 0, the
  maximum is on the boundary (BG/NBD reduces to the NBD), and ``fit_bgnbd`` refuses
  the fit as not identified rather than printing it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from sim import ShopperModel, simulate
from sim.order_log import EPOCH, OrderLog
from sim.params import default_platforms
from survey.errors import DataError
from survey.orders.analyze import OrderSettings, analyze_orders
from survey.orders.bgnbd import bgnbd_log_likelihood, fit_bgnbd, maximum_likelihood, p_alive
from survey.orders.cohorts import cohort_retention
from survey.orders.frame import check_orders, read_orders, write_orders
from survey.orders.rfm import customer_summary

SHOPPERS, DAYS = 3000, 365
END = "2019-12-31"  # day 364 of a run from EPOCH 2019-01-01


def _no_rivals() -> list[dict]:
    """Platforms whose rivals nobody chooses: price 50x, no quality, everything late."""
    platforms = [p.model_dump() for p in default_platforms()]
    for rival in platforms[1:]:
        rival.update(
            price_index=50.0,
            quality=0.0,
            assortment=0.0,
            late_rate=1.0,
            defect_rate=1.0,
            resolution_rate=0.0,
            deal_frequency=0.0,
        )
    return platforms


def _btyd_market(hazard: float | None) -> ShopperModel:
    """A year of the BTYD market above; ``hazard`` None switches churn off."""
    loyalty = {
        "loyalty_effect": 0.0,
        "switching_cost_effect": 0.0,
        "price_gap_effect": 0.0,
        "winback_rate": 0.0,
        "churn_frailty_shape": 1e6,  # Gamma(k, 1/k) with k = 1e6: a multiplier of 1
        "base_churn_hazard": hazard or 0.0,
    }
    params = {
        "population": {"size": SHOPPERS},
        "group_buy": {"enabled": False},
        "platforms": _no_rivals(),
        "loyalty": loyalty,
        "churn_enabled": hazard is not None,
    }
    model = ShopperModel(params, rng=1, record_orders=True)
    model.run(DAYS)
    return model


@pytest.fixture(scope="module")
def no_churn():
    return _btyd_market(None)


HAZARDS = (0.005, 0.02)  # per day


@pytest.fixture(scope="module")
def markets():
    """The constant-hazard markets, by hazard, and the BG/NBD fit of each one's log."""
    built = {}
    for hazard in HAZARDS:
        model = _btyd_market(hazard)
        built[hazard] = model, fit_bgnbd(_summary_and_rates(model)[0])
    return built


@pytest.fixture(params=HAZARDS)
def constant_hazard(request, markets):
    return request.param, *markets[request.param]


def _summary_and_rates(model: ShopperModel) -> tuple[pd.DataFrame, np.ndarray]:
    """The customer summary (weeks) of the focal log and each buyer's daily order probability."""
    orders = model.orders()
    assert (orders["channel"] == model.focal.name).all()  # the rivals get no order
    summary = customer_summary(orders, calibration_end=END)
    buyers = summary["customer_id"].astype(int).to_numpy()
    return summary, -np.expm1(-model.shoppers.purchase_rate[buyers])


# ---------------------------------------------------------------- the log itself
def test_append_and_frame_keep_every_order_in_day_order():
    log = OrderLog()
    log.append(
        day=4,
        shopper=np.array([2]),
        platform=np.array([1]),
        value=np.array([9.5]),
        discount=np.array([0.0]),
        group=np.array([False]),
        segment=np.array([0]),
    )
    log.append(
        day=5,
        shopper=np.empty(0),
        platform=np.empty(0),
        value=np.empty(0),
        discount=np.empty(0),
        group=np.empty(0),
        segment=np.empty(0),
    )
    frame = log.frame()
    assert len(log) == 1
    assert frame.to_dict("records") == [
        {
            "shopper": 2,
            "day": 4,
            "platform": 1,
            "value": 9.5,
            "discount": 0.0,
            "group_order": False,
            "segment": 0,
        }
    ]


def test_append_refuses_arrays_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths"):
        OrderLog().append(
            day=0,
            shopper=np.array([1, 2]),
            platform=np.array([0]),
            value=np.array([1.0]),
            discount=np.array([0.0]),
            group=np.array([False]),
            segment=np.array([0]),
        )


def test_an_empty_log_is_an_empty_frame_of_the_log_columns():
    assert OrderLog().frame().columns.tolist() == [
        "shopper",
        "day",
        "platform",
        "value",
        "discount",
        "group_order",
        "segment",
    ]


@pytest.fixture(scope="module")
def recorded():
    """A default market (rivals, group buying, coupons) with its log: 2,000 shoppers, 60 days."""
    params = {
        "population": {"size": 2000},
        "strategies": [{"kind": "coupons", "discount": 0.1}],
    }
    model = ShopperModel(params, rng=11, record_orders=True)
    model.run(60)
    return model


def test_log_totals_equal_the_runs_orders_and_gmv(recorded):
    log = recorded.orders()
    focal = log[log["channel"] == recorded.focal.name]
    daily = recorded.daily_metrics()
    assert len(focal) == daily["orders"].sum()
    assert focal["group_order"].sum() == daily["group_orders"].sum()
    # the same values added in another order: equal to floating-point rounding
    assert focal["amount"].sum() == pytest.approx(recorded.summary()["gmv"], rel=1e-12)
    per_day = focal.groupby("date")["amount"].sum()
    days = (per_day.index.to_numpy().astype("datetime64[D]") - EPOCH).astype(int)
    np.testing.assert_allclose(per_day.to_numpy(), daily["gmv"].to_numpy()[days], rtol=1e-12)
    assert (log["channel"] != recorded.focal.name).sum() == recorded.shoppers.orders_elsewhere.sum()


def test_log_keeps_the_strategies_discount(recorded):
    raw = recorded.order_log.frame()
    focal = raw[raw["platform"] == 0]
    assert set(np.round(focal["discount"].unique(), 12)) == {0.1}  # coupons for everyone
    assert (raw.loc[raw["platform"] > 0, "discount"] == 0).all()


def test_log_is_an_order_frame_that_round_trips_through_parquet(recorded, tmp_path):
    log = recorded.orders()
    check_orders(log)
    assert log["order_id"].is_unique
    assert read_orders(write_orders(log, tmp_path / "orders.parquet")).equals(log)


def test_focal_only_is_the_platforms_own_log(recorded):
    focal = recorded.orders(focal_only=True)
    everything = recorded.orders()
    assert (focal["channel"] == recorded.focal.name).all()
    assert len(focal) == (everything["channel"] == recorded.focal.name).sum()


def test_orders_analyze_reads_the_simulated_log_as_a_real_one(recorded, tmp_path):
    path = write_orders(recorded.orders(focal_only=True), tmp_path / "orders.parquet")
    settings = OrderSettings(calibration_end="2019-02-14", n_boot=0)  # day 44 of 60
    analysis = analyze_orders(path, tmp_path / "out", settings, plots=False)
    stats = pd.read_csv(tmp_path / "out" / "summary.csv").set_index("statistic")["value"]
    buyers = np.count_nonzero(recorded.shoppers.first_order_day >= 0)
    assert stats["customers"] == buyers
    assert stats["orders"] == recorded.daily_metrics()["orders"].sum()
    assert len(analysis.cleaned.orders) == analysis.cleaned.n_read  # nothing cleaned away


def test_same_seed_gives_the_same_log():
    params = {"population": {"size": 800}}
    first = simulate(params, rng=5, days=20, record_orders=True).orders
    again = simulate(params, rng=5, days=20, record_orders=True).orders
    other = simulate(params, rng=6, days=20, record_orders=True).orders
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_recording_does_not_change_the_run():
    params = {"population": {"size": 800}}
    plain = simulate(params, rng=5, days=20)
    logged = simulate(params, rng=5, days=20, record_orders=True)
    assert plain.summary == pytest.approx(logged.summary, nan_ok=True)


def test_a_model_without_the_log_says_how_to_get_one():
    model = ShopperModel({"population": {"size": 100}}, rng=0)
    with pytest.raises(Exception, match="record_orders=True"):
        model.orders()


# ---------------------------------------------------------------- closing the loop
def test_without_churn_the_bgnbd_dropout_goes_to_zero_and_the_fit_is_refused(no_churn):
    summary, _ = _summary_and_rates(no_churn)
    x, t_x, big_t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))

    def best_loglik(dropout: float) -> float:
        b = 1.0
        a = dropout / (1 - dropout) * b

        def negative(log_r_alpha: np.ndarray) -> float:
            r, alpha = np.exp(log_r_alpha)
            return -bgnbd_log_likelihood(x, t_x, big_t, r=r, alpha=alpha, a=a, b=b).sum()

        return -optimize.minimize(negative, np.zeros(2), method="Nelder-Mead").fun

    profile = [best_loglik(p) for p in (0.1, 0.01, 0.001)]
    assert profile[0] < profile[1] < profile[2]  # the likelihood rises as p falls to 0
    with pytest.raises(DataError):  # the maximum is on the boundary: not identified
        fit_bgnbd(summary)


def test_without_churn_the_nbd_rate_is_the_models_mean_purchase_rate(no_churn):
    summary, q = _summary_and_rates(no_churn)
    x, t_x, big_t = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T"))

    def negative(params: np.ndarray) -> float:  # BG/NBD at p = 0: the NBD
        r, alpha = params
        return -bgnbd_log_likelihood(x, t_x, big_t, r=r, alpha=alpha, a=1e-12, b=1.0).sum()

    (r, alpha), _, _ = maximum_likelihood(negative, np.ones(2), ("r", "alpha"), "NBD")
    # measured: r/alpha 1.882 against 7 * mean q = 1.877 per week (1,602 buyers)
    assert r / alpha == pytest.approx(7 * q.mean(), rel=0.03)


def test_with_a_constant_hazard_the_bgnbd_dropout_lies_between_its_two_averages(
    constant_hazard,
):
    hazard, model, fit = constant_hazard
    _, q = _summary_and_rates(model)
    c = -np.expm1(-hazard)
    p_i = c / (c + q - c * q)  # chance of dropping out before the next purchase
    per_transaction = (q * p_i).mean() / q.mean()
    # measured: h = 0.005: 0.0173 < 0.0288 < 0.0496; h = 0.02: 0.0598 < 0.0803 < 0.1218
    assert per_transaction < fit.a / (fit.a + fit.b) < p_i.mean()
    assert fit.r / fit.alpha == pytest.approx(7 * q.mean(), rel=0.06)


def test_dropout_estimate_rises_with_the_hazard(markets):
    (_, low), (_, high) = (markets[hazard] for hazard in HAZARDS)
    assert low.a / (low.a + low.b) < high.a / (high.a + high.b)


def test_p_alive_separates_the_shoppers_still_active(constant_hazard):
    _, model, fit = constant_hazard
    summary, _ = _summary_and_rates(model)
    repeat = summary["frequency"].to_numpy() > 0
    alive_now = model.shoppers.active_mask()[summary["customer_id"].astype(int).to_numpy()]
    score = p_alive(fit, summary["frequency"], summary["recency"], summary["T"])
    low, high = alive_now[repeat & (score < 0.5)], alive_now[repeat & (score >= 0.5)]
    # measured: of the repeat buyers scored below 0.5, 0.3% (h = 0.005) and 0% (h = 0.02)
    # are active; of those scored above, 86% (332 buyers) and 92% (12 buyers)
    assert low.mean() < alive_now[repeat].mean() < high.mean()
    assert low.mean() < 0.02


def test_cohort_curves_of_the_log_follow_the_models_closed_form(constant_hazard):
    """Active share by inactivity window of survey.orders against its exact expectation.

    A customer with first order on day f is active at month end t (some order in the
    window of w days ending at t) with probability 1 if t - f < w, else
    (1 - c)^(t - f - w + 1) * (1 - P(no order in w days | active at the window's start)),
    where P(no order ...) = c (1 - q) (1 - u^w) / (1 - u) + u^w, u = (1 - q)(1 - c):
    the shopper orders (stage 2) before churning (stage 6) on a day.
    """
    hazard, model, _ = constant_hazard
    window = 30
    curves = cohort_retention(model.orders(), churn_window_days=window, observation_end=END)
    summary, q = _summary_and_rates(model)
    first = model.shoppers.first_order_day[summary["customer_id"].astype(int).to_numpy()]
    cohort_of = (EPOCH + first.astype("timedelta64[D]")).astype("datetime64[M]").astype(str)
    c = -np.expm1(-hazard)
    u = (1 - q) * (1 - c)
    silent = c * (1 - q) * (1 - u**window) / (1 - u) + u**window
    ends = (curves["month_end"].to_numpy().astype("datetime64[D]") - EPOCH).astype(int)
    expected = np.empty(len(curves))
    for row, (cohort, end) in enumerate(zip(curves["cohort"], ends, strict=True)):  # ~80 rows
        age = end - first[cohort_of == cohort]
        chance = np.where(
            age < window, 1.0, (1 - c) ** (age - window + 1) * (1 - silent[cohort_of == cohort])
        )
        expected[row] = chance.sum()
    sd = np.sqrt(np.maximum(expected * (1 - expected / curves["n"].to_numpy()), 0.25))
    z = (curves["active"].to_numpy() - expected) / sd
    # measured: largest |z| 2.5 (h = 0.005) and 2.9 (h = 0.02) over the ~80 cohort-months
    assert np.abs(z).max() < 4
    assert abs(z.mean()) < 0.5
