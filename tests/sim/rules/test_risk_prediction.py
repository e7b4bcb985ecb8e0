"""Risk predictors on hand-made order histories; the BG/NBD refit cadence and fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import ShopperModel
from sim.rules.risk_prediction import (
    BGNBDPredictor,
    RiskSignals,
    alive_at_risk,
    btyd_history,
    days_since_order,
    recency_at_risk,
)
from sim.states import NEVER
from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit

#: Fader, Hardie & Lee (2005), CDNOW sample, weeks: r, alpha, a, b.
CDNOW = BGNBDFit(0.243, 4.414, 0.793, 2.426, {}, np.eye(4), -9582.4, 2357, True)


def test_days_since_order_counts_from_the_last_order_or_from_sign_up():
    days = days_since_order(
        100,
        last_order_day=np.array([99, 40, NEVER, NEVER]),
        acquired_day=np.array([0, 10, 70, NEVER]),
    )
    assert days.tolist() == [1, 60, 30, NEVER]


def test_recency_marks_customers_silent_for_the_threshold_or_longer():
    days = np.array([NEVER, 0, 29, 30, 400])
    assert recency_at_risk(days, recency_days=30).tolist() == [False, False, False, True, True]


def test_btyd_history_matches_the_customer_summary_of_the_same_orders():
    from survey.orders.frame import as_order_frame
    from survey.orders.rfm import customer_summary

    # shopper 0 orders on days 0, 7 (twice) and 21; shopper 2 on day 14 only
    orders = as_order_frame(
        pd.DataFrame(
            {
                "customer_id": ["0", "0", "0", "0", "2"],
                "date": pd.to_datetime("2019-01-01") + pd.to_timedelta([0, 7, 7, 21, 14], unit="D"),
                "amount": 1.0,
            }
        )
    )
    expected = customer_summary(orders, calibration_end="2019-01-29")  # day 28
    history = btyd_history(
        28,
        first_order_day=np.array([0, NEVER, 14]),
        last_order_day=np.array([21, NEVER, 14]),
        order_days=np.array([3, 0, 1]),
    )
    assert history["shopper"].tolist() == [0, 2]
    for column in ("frequency", "recency", "T"):
        np.testing.assert_allclose(history[column], expected[column])


def test_bgnbd_marks_a_frequent_buyer_gone_quiet_and_keeps_a_recent_one():
    # two buyers with 5 repeats in weeks 0-10, observed for 40 weeks: one bought last
    # in week 10, one in week 40; P(alive) under FHL's CDNOW estimates
    history = pd.DataFrame({"frequency": [5, 5], "recency": [10.0, 40.0], "T": [40.0, 40.0]})
    alive = BGNBDPredictor(current=CDNOW).p_alive(history)
    # P(alive) = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)),
    # Fader, Hardie & Lee (2005) / Fader & Hardie's note "Computing P(alive)"
    r, alpha, a, b = CDNOW.params
    odds = a / (b + 5 - 1) * ((alpha + 40.0) / (alpha + np.array([10.0, 40.0]))) ** (r + 5)
    np.testing.assert_allclose(alive, 1 / (1 + odds), rtol=1e-12)
    assert alive[0] < 0.05 and alive[1] > 0.85  # 0.0217 and 0.890
    signals = RiskSignals(days_since=np.array([210, 0]), p_alive=alive)
    assert alive_at_risk(signals, alive_threshold=0.5, recency_days=30).tolist() == [True, False]


def test_bgnbd_judges_buyers_without_a_repeat_order_by_recency():
    signals = RiskSignals(
        days_since=np.array([45, 5, 45, NEVER]), p_alive=np.array([np.nan, np.nan, 0.9, np.nan])
    )
    at_risk = alive_at_risk(signals, alive_threshold=0.5, recency_days=30)
    assert at_risk.tolist() == [True, False, False, False]


def test_bgnbd_before_its_first_fit_is_recency():
    signals = RiskSignals(days_since=np.array([45, 5]))
    assert alive_at_risk(signals, alive_threshold=0.5, recency_days=30).tolist() == [True, False]


def _history(repeaters: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "shopper": np.arange(repeaters + 5),
            "frequency": [1] * repeaters + [0] * 5,
            "recency": 1.0,
            "T": 4.0,
        }
    )


def test_refit_days_are_every_thirty_days_from_day_thirty():
    predictor = BGNBDPredictor()
    assert [d for d in range(0, 121) if predictor.due(d)] == [30, 60, 90, 120]


def test_a_fit_needs_enough_repeat_customers_else_it_falls_back():
    calls = []
    predictor = BGNBDPredictor(min_repeat_customers=10, fit=lambda h, _: calls.append(h) or CDNOW)
    predictor.refit(30, _history(9))
    assert calls == [] and predictor.current is None and predictor.p_alive(_history(9)) is None
    assert predictor.log[-1]["status"] == "fallback"
    assert "too little history" in predictor.log[-1]["reason"]
    predictor.refit(60, _history(10))
    assert len(calls) == 1 and predictor.current is CDNOW
    assert predictor.log[-1]["status"] == "fitted" and predictor.log[-1]["r"] == 0.243


def test_an_unidentified_fit_falls_back_or_keeps_the_previous_fit():
    def refuse(history: pd.DataFrame, previous: BGNBDFit | None) -> BGNBDFit:
        raise DataError("BG/NBD is not identified on these data")

    predictor = BGNBDPredictor(min_repeat_customers=1, fit=refuse)
    predictor.refit(30, _history(3))
    assert predictor.current is None
    assert predictor.log[-1]["status"] == "fallback"
    assert "not identified" in predictor.log[-1]["reason"]
    predictor.current = CDNOW
    predictor.refit(60, _history(3))
    assert predictor.current is CDNOW and predictor.log[-1]["status"] == "kept previous fit"


def test_the_model_refits_monthly_and_reports_its_fallback_days():
    params = {
        "population": {"size": 2000},
        "strategies": [
            {"kind": "coupons", "target": {"kind": "at_risk", "predictor": "bgnbd"}},
        ],
    }
    model = ShopperModel(params, rng=3)
    model.run(91)
    log = model.risk_prediction_log()
    assert log["day"].tolist() == [30, 60, 90]
    assert (log["status"] == "fitted").any()
    fallback = 30 * (1 + log["status"].tolist().index("fitted"))  # days before the first fit
    summary = model.summary()
    assert summary["bgnbd_fallback_days"] == fallback
    assert summary["bgnbd_fits"] == (log["status"] == "fitted").sum()


def test_models_without_bgnbd_targeting_fit_nothing():
    params = {"population": {"size": 500}, "strategies": [{"kind": "coupons"}]}
    model = ShopperModel(params, rng=3)
    model.run(31)
    assert model.risk_prediction_log().empty and "bgnbd_fits" not in model.summary()


@pytest.mark.parametrize("predictor", ["recency", "bgnbd", "oracle"])
def test_the_same_seed_gives_the_same_targeted_run(predictor):
    params = {
        "population": {"size": 600},
        "strategies": [{"kind": "coupons", "target": {"kind": "at_risk", "predictor": predictor}}],
    }
    runs = []
    for _ in range(2):
        model = ShopperModel(params, rng=8)
        model.run(35)
        runs.append(model.summary())
    assert runs[0] == pytest.approx(runs[1], nan_ok=True)
