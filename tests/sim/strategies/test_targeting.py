"""Targeting: who a strategy reaches, at-risk targeting by each predictor."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim import ShopperModel
from sim.rules.risk_prediction import RiskSignals
from sim.states import NEVER
from sim.strategies.targeting import Targeting

NAMES = ["rural", "young"]
SEG, TIER = np.array([0, 1, 1, 0]), np.array([0, 0, 1, 2])
SIGNALS = RiskSignals(
    days_since=np.array([NEVER, 3, 40, 90]),
    churn_risk=np.array([0.0, 0.5, 0.05, 0.2]),
    p_alive=np.array([np.nan, 0.2, 0.9, np.nan]),
)


def _mask(**fields):
    return Targeting(**fields).mask(SEG, TIER, SIGNALS, NAMES)


def test_everyone_is_no_mask():
    assert _mask() is None


def test_segment_and_tier_masks():
    assert _mask(kind="segment", segments=["young"]).tolist() == [False, True, True, False]
    assert _mask(kind="tier", tiers=[1, 2]).tolist() == [False, False, True, True]


def test_at_risk_defaults_to_recency_a_real_team_can_compute():
    assert Targeting(kind="at_risk").predictor == "recency"
    assert _mask(kind="at_risk").tolist() == [False, False, True, True]
    assert _mask(kind="at_risk", recency_days=60).tolist() == [False, False, False, True]


def test_at_risk_by_bgnbd_reads_p_alive_and_recency_where_there_is_none():
    mask = _mask(kind="at_risk", predictor="bgnbd", alive_threshold=0.5)
    assert mask.tolist() == [False, True, False, True]


def test_at_risk_by_the_oracle_reads_the_true_churn_risk():
    mask = _mask(kind="at_risk", predictor="oracle", risk_threshold=0.15)
    assert mask.tolist() == [False, True, False, True]


def test_oracle_without_the_churn_risk_is_an_error():
    signals = RiskSignals(days_since=np.zeros(4, dtype=np.int64))
    with pytest.raises(ValueError, match="oracle"):
        Targeting(kind="at_risk", predictor="oracle").mask(SEG, TIER, signals, NAMES)


def test_unknown_predictor_and_bad_thresholds_are_refused():
    with pytest.raises(ValidationError):
        Targeting(kind="at_risk", predictor="crystal_ball")
    with pytest.raises(ValidationError):
        Targeting(kind="at_risk", recency_days=0)
    with pytest.raises(ValidationError):
        Targeting(kind="at_risk", alive_threshold=1.5)


def test_unknown_segment_is_refused_when_the_model_is_built():
    params = {
        "strategies": [{"kind": "coupons", "target": {"kind": "segment", "segments": ["nobody"]}}]
    }
    with pytest.raises(Exception, match="nobody"):
        ShopperModel({"population": {"size": 50}, **params}, rng=0)


@pytest.mark.parametrize("predictor", ["recency", "bgnbd", "oracle"])
def test_each_predictor_reaches_some_but_not_all_customers_in_a_run(predictor):
    params = {
        "population": {"size": 1500},
        "strategies": [
            {"kind": "coupons", "target": {"kind": "at_risk", "predictor": predictor}},
        ],
    }
    model = ShopperModel(params, rng=2)
    model.run(65)
    reached = model.params.strategies[0].target.mask(
        model.shoppers.segment, model.shoppers.tier, model._risk_signals(65), model.segment_names
    )
    customers = model.shoppers.acquired_day != NEVER
    assert 0 < np.count_nonzero(reached) < np.count_nonzero(customers)
    assert not reached[~customers].any()


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"kind": "at_risk", "risk_threshold": 0.3}, "risk_threshold"),  # recency by default
        ({"kind": "at_risk", "predictor": "recency", "alive_threshold": 0.3}, "alive_threshold"),
        ({"kind": "at_risk", "predictor": "oracle", "recency_days": 60}, "recency_days"),
        ({"kind": "everyone", "predictor": "bgnbd"}, "predictor"),
    ],
)
def test_a_setting_of_another_predictor_is_refused_not_ignored(fields, name):
    with pytest.raises(ValueError, match=f"{name} applies to kind at_risk with predictor"):
        Targeting(**fields)


def test_settings_of_the_chosen_predictor_and_dumped_defaults_are_accepted():
    chosen = Targeting(kind="at_risk", predictor="bgnbd", alive_threshold=0.3, recency_days=45)
    assert Targeting.model_validate(chosen.model_dump()) == chosen
    assert Targeting.model_validate(Targeting(kind="segment", segments=["a"]).model_dump())


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"kind": "everyone", "segments": ["nonexistent"]}, "segments"),
        ({"segments": ["young"]}, "segments"),
        ({"kind": "tier", "tiers": [1], "segments": ["young"]}, "segments"),
        ({"kind": "at_risk", "tiers": [2]}, "tiers"),
        ({"kind": "segment", "segments": ["young"], "tiers": [1]}, "tiers"),
    ],
)
def test_a_list_of_another_kind_is_refused_not_ignored(fields, name):
    # issue 15: `kind: everyone` with `segments: [nonexistent]` validated and silently
    # targeted everyone.
    with pytest.raises(ValidationError, match=rf"{name} applies to kind"):
        Targeting(**fields)


def test_a_threshold_without_kind_is_refused():
    # issue 15: `target: {risk_threshold: 0.9}` without `kind`.
    with pytest.raises(ValidationError, match="risk_threshold applies to kind at_risk"):
        Targeting(risk_threshold=0.9)
