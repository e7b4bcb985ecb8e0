from __future__ import annotations

import pytest

from experiments.config import ExperimentConfig
from experiments.dashboard.app import headline_rows, network_view, settings_rows
from experiments.dashboard.model import DashboardModel, Setup
from sim.states import OUTSIDE


def _model(**model) -> DashboardModel:
    config = ExperimentConfig(name="t", horizon=30, model={"population": {"size": 600}, **model})
    setup = Setup.build(config)
    return DashboardModel(setup=setup, use_coupons=True, coupons_discount=0.1)


def test_the_headline_gives_the_run_so_far_and_its_settings():
    model = _model()
    model.run(7)
    rows = dict(headline_rows(model) + settings_rows(model))
    frame = model.daily_metrics()
    assert rows["Day"] == "7 of 30"
    assert rows["Active customers"] == f"{int(frame['active'].iloc[-1]):,}"
    assert rows["Profit so far"] == f"{frame['profit'].sum():,.0f} CNY"
    assert rows["Shoppers (population size)"] == "600"
    assert rows["Strategy: coupons"] == "on, discount 0.1"


def test_the_network_view_samples_shoppers_in_the_market():
    model = _model()
    sample, positions = network_view(model)
    assert 0 < len(sample.nodes) <= 150 and positions.shape == (len(sample.nodes), 2)
    assert (model.shoppers.state[sample.nodes] != OUTSIDE).all()


def test_a_fully_mixed_population_has_no_network_to_draw():
    assert network_view(_model(network={"kind": "fully_mixed"})) is None


@pytest.mark.parametrize("days", [0, 3])
def test_the_headline_day_counts_days_simulated(days):
    model = _model()
    model.run(days)
    assert dict(headline_rows(model))["Day"] == f"{days} of 30"
