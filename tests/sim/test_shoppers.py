import numpy as np
import pytest

from sim.params import ModelParams, Moments
from sim.shoppers import (
    assign_segments,
    beta_from_moments,
    create_shoppers,
    gamma_from_moments,
)
from sim.states import ACTIVE, INITIAL, NEVER, PROSPECT


def test_beta_draws_match_requested_moments():
    x = beta_from_moments(Moments(mean=0.7, sd=0.1), 200_000, np.random.default_rng(0))
    assert x.min() >= 0 and x.max() <= 1
    assert x.mean() == pytest.approx(0.7, abs=2e-3)
    assert x.std() == pytest.approx(0.1, abs=2e-3)


def test_beta_refuses_impossible_spread():
    with pytest.raises(ValueError, match="too large"):
        beta_from_moments(Moments(mean=0.5, sd=0.6), 10, np.random.default_rng(0))


def test_gamma_draws_match_requested_moments_and_constant_when_sd_zero():
    x = gamma_from_moments(Moments(mean=40, sd=20), 200_000, np.random.default_rng(0))
    assert x.mean() == pytest.approx(40, rel=0.01)
    assert x.std() == pytest.approx(20, rel=0.01)
    assert (gamma_from_moments(Moments(mean=3, sd=0), 5, np.random.default_rng(0)) == 3).all()


def test_segments_are_assigned_in_exact_proportion():
    params = ModelParams(population={"size": 1000})
    counts = np.bincount(assign_segments(params, np.random.default_rng(1)))
    # default shares 0.20, 0.20, 0.15, 0.15, 0.20, 0.10 (sim.params.default_segments)
    assert counts.tolist() == [200, 200, 150, 150, 200, 100]


def test_segment_attributes_follow_their_segment():
    params = ModelParams(population={"size": 60_000})
    sh = create_shoppers(params, np.random.default_rng(2))
    names = [s.name for s in params.population.segments]
    low_income, young = names.index("low_income"), names.index("young")
    # source material: low-income shoppers are the most price sensitive, young users the least
    ps = {k: sh.price_sensitivity[sh.segment == k].mean() for k in (low_income, young)}
    assert ps[low_income] == pytest.approx(0.85, abs=0.01)
    assert ps[young] == pytest.approx(0.45, abs=0.01)


def test_initial_customers_start_active_on_day_zero():
    params = ModelParams(population={"size": 1000, "initial_active_share": 0.25})
    sh = create_shoppers(params, np.random.default_rng(3))
    assert (sh.state == ACTIVE).sum() == 250
    assert (sh.state == PROSPECT).sum() == 750
    assert (sh.channel[sh.state == ACTIVE] == INITIAL).all()
    assert (sh.acquired_day[sh.state == ACTIVE] == 0).all()


def test_shares_that_do_not_sum_to_one_are_refused():
    segs = [s.model_dump() for s in ModelParams().population.segments]
    segs[0]["share"] = 0.5
    with pytest.raises(ValueError, match="sum to 1"):
        ModelParams(population={"segments": segs})


def test_booking_columns_and_the_models_ledger_share_one_record_per_shopper():
    from sim import ShopperModel

    model = ShopperModel({"population": {"size": 50}}, rng=0)
    sh, records = model.shoppers, model.shoppers.booking
    for column in (sh.inter_purchase_days, sh.orders, sh.spend, sh.clv):
        assert column.base is records
    for column in (model.ledger.revenue, model.ledger.strategy_cost):
        assert column.base is records
    # the order days stay arrays of their own (at-risk targeting reads them daily)
    for column in (sh.acquired_day, sh.first_order_day, sh.last_order_day, model.order_days):
        assert column.base is None and column.flags.c_contiguous
    sh.orders[7] = 3
    assert records["orders"][7] == 3
    assert records["spend"][0] == 0.0 and sh.first_order_day[0] == NEVER
