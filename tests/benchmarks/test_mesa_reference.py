"""The Mesa reference model, and its docking against the vectorised model.

Docking (Axtell, Axelrod, Epstein & Cohen 1996, "Aligning simulation models"): at equal
parameters the two implementations are samples of one distribution of outcomes. The
criterion is :func:`benchmarks.mesa_reference.docking_table`: per metric, an exact
Kolmogorov-Smirnov and a Mann-Whitney U test at level 0.01 (ten tests over five
metrics: at most 10% false alarms over the table by Bonferroni, fewer as the tests and
metrics are correlated), and agreement of the means within a relative tolerance.

The tolerances are about three standard errors of the difference of two means of 20
runs, 3·CV·sqrt(2/20) ≈ CV, with CV the coefficient of variation between runs
measured here (default parameters, 20 replications of each implementation, the larger
of the two). At 100 shoppers x 90 days: active customers 0.103, retention at 90 days
0.063, satisfaction 0.009, revenue 0.241 (order values and purchase rates are Gamma
with CV 0.6 and 1.1 in every segment, so a market of 100 is noisy), group-order share
0.046. A correct implementation then fails a tolerance with probability below about
0.3%, and a bias larger than it is caught. Tighter tolerances need bigger markets
(CV falls as 1/sqrt(N)): the slow test docks 300 shoppers over a year (about 25
minutes on this shared machine), in the default market, with coupons for two
segments and fully mixed. The negative control shows that the same criterion at the
same size rejects a material change.
"""

import numpy as np
import pytest

from benchmarks import mesa_reference
from benchmarks.mesa_reference import (
    DOCKED_METRICS,
    ReferenceModel,
    docking_table,
    replicate_summaries,
)
from sim import ShopperModel
from sim.errors import ParameterError
from sim.metrics import metric_names
from sim.states import ACTIVE, OUTSIDE, WON_BACK

#: Replications per implementation in every docking comparison (the issue: >= 20).
REPLICATIONS = 20
SMALL = {"population": {"size": 100}}
SMALL_DAYS = 90
#: Relative tolerance on the means at SMALL x SMALL_DAYS: about the measured CV (above).
SMALL_TOLERANCE = {
    "active_end": 0.11,
    "retention_90": 0.07,
    "satisfaction_end": 0.02,
    "revenue": 0.25,
    "group_order_share": 0.05,
}
#: The same at 300 shoppers x 365 days: the largest CV the slow test measured over its
#: three setups (default, coupons, fully mixed; 20 runs of each implementation):
#: active customers 0.074, retention at 90 days 0.040, at 365 days 0.099, satisfaction
#: 0.011, revenue 0.144, group-order share 0.012, the coupons' cost 0.214. The largest
#: relative differences it found: 0.032, 0.018, 0.030, 0.006, 0.039, 0.004, 0.009.
YEAR_TOLERANCE = {
    "active_end": 0.08,
    "retention_90": 0.05,
    "retention_365": 0.10,
    "satisfaction_end": 0.015,
    "revenue": 0.15,
    "group_order_share": 0.02,
    "strategy_cost": 0.22,
}


@pytest.fixture(scope="module")
def small_model_runs():
    return replicate_summaries(ShopperModel, SMALL, SMALL_DAYS, range(REPLICATIONS))


def test_reference_and_model_agree_in_distribution_at_a_small_size(small_model_runs):
    reference = replicate_summaries(
        ReferenceModel, SMALL, SMALL_DAYS, range(1000, 1000 + REPLICATIONS)
    )
    table = docking_table(reference, small_model_runs, alpha=0.01, rel_tol=SMALL_TOLERANCE)
    assert table["n_reference"].min() == REPLICATIONS
    assert table["n_model"].min() == REPLICATIONS
    assert table["agree"].all(), table.to_string()


def test_docking_criterion_rejects_a_doubled_churn_hazard_and_half_the_group_orders(
    small_model_runs,
):
    # the negative control: the same criterion at the same size, two material changes
    base = ShopperModel(SMALL).params.loyalty.base_churn_hazard
    changed = {
        **SMALL,
        "loyalty": {"base_churn_hazard": 2 * base},
        "group_buy": {"group_order_prob": 0.3},
    }
    other = replicate_summaries(ShopperModel, changed, SMALL_DAYS, range(500, 500 + REPLICATIONS))
    table = docking_table(other, small_model_runs, alpha=0.01, rel_tol=SMALL_TOLERANCE).set_index(
        "metric"
    )
    disagree = set(table.index[~table["agree"]])
    assert {"retention_90", "group_order_share"} <= disagree, table.to_string()


@pytest.mark.slow
@pytest.mark.parametrize(
    "params",
    [
        {"population": {"size": 300}},
        {
            "population": {"size": 300},
            "strategies": [
                {
                    "kind": "coupons",
                    "discount": 0.1,
                    "target": {"kind": "segment", "segments": ["rural", "low_income"]},
                }
            ],
        },
        {"population": {"size": 300}, "network": {"kind": "fully_mixed"}},
    ],
    ids=["default", "coupons", "fully_mixed"],
)
def test_reference_and_model_agree_over_a_year(params):
    metrics = [*DOCKED_METRICS, "retention_365", "strategy_cost"]
    seeds = range(REPLICATIONS)

    def runs(model_class, offset):
        rows = []
        for seed in seeds:
            model = model_class(params, rng=offset + seed)
            model.run(365)
            rows.append(model.summary())
        return mesa_reference.pd.DataFrame(rows)

    reference, model = runs(ReferenceModel, 1000), runs(ShopperModel, 0)
    if not params.get("strategies"):
        metrics.remove("strategy_cost")
    table = docking_table(reference, model, alpha=0.01, rel_tol=YEAR_TOLERANCE, metrics=metrics)
    print(table.to_string())  # the measured CVs behind YEAR_TOLERANCE (pytest -s shows it)
    assert table["agree"].all(), table.to_string()


def test_reference_holds_one_mesa_agent_per_shopper_and_collects_each_day():
    model = ReferenceModel({"population": {"size": 200}, "horizon_days": 4}, rng=2)
    vectorised = ShopperModel({"population": {"size": 200}, "horizon_days": 4}, rng=2)
    assert len(model.agents) == vectorised.shoppers.size == len(model.shoppers)
    model.run(10)  # stops at the horizon, as ShopperModel does
    assert model.steps == 4 and not model.running
    daily = model.daily_metrics()
    assert daily["day"].tolist() == [0, 1, 2, 3]
    assert list(daily.columns) == metric_names([])  # ShopperModel's, but per segment


def test_reference_starts_from_the_models_initial_market():
    params = {"population": {"size": 500, "initial_active_share": 0.2}}
    model = ReferenceModel(params, rng=5)
    states = np.array([s.state for s in model.shoppers])
    assert np.count_nonzero(states == ACTIVE) == 100  # 0.2 x 500, as create_shoppers
    assert np.count_nonzero(states == OUTSIDE) == round(500 * 0.13)  # a year of entrants
    degree = np.array([len(s.friends) for s in model.shoppers])
    assert degree.mean() == pytest.approx(10, abs=0.5)  # small world of mean degree 10
    assert all(s in f.friends for s in model.shoppers[:50] for f in s.friends)  # undirected


def test_same_seed_same_run_and_another_seed_another_run():
    def run(seed):
        model = ReferenceModel({"population": {"size": 150}}, rng=seed)
        model.run(15)
        return model.daily_metrics()

    first, again, other = run(7), run(7), run(8)
    assert first.equals(again)
    assert not first.equals(other)


def test_books_balance_every_day():
    model = ReferenceModel({"population": {"size": 300}}, rng=3)
    model.run(20)
    daily = model.daily_metrics()
    take = model.params.accounting.take_rate
    np.testing.assert_allclose(daily["revenue"], take * daily["gmv"], rtol=1e-12)
    np.testing.assert_allclose(
        daily["profit"],
        daily["revenue"] - daily["acquisition_cost"] - daily["strategy_cost"],
        rtol=1e-12,
    )
    cpa = model.params.acquisition.cost_per_acquisition
    np.testing.assert_allclose(daily["acquisition_cost"], cpa * daily["new_ads"])
    assert (daily["group_orders"] <= daily["orders"]).all()
    assert daily["group_orders"].sum() > 0
    states = np.array([s.state for s in model.shoppers])
    assert daily["active"].iloc[-1] == np.count_nonzero(np.isin(states, [ACTIVE, WON_BACK]))


def test_coupons_for_everyone_cost_their_discount_on_every_focal_order():
    coupons = {"kind": "coupons", "discount": 0.1}
    model = ReferenceModel({"population": {"size": 300}, "strategies": [coupons]}, rng=4)
    model.run(10)
    daily = model.daily_metrics()
    np.testing.assert_allclose(daily["strategy_cost"], 0.1 * daily["gmv"], rtol=1e-12)


def test_coupons_for_one_segment_reach_only_its_shoppers():
    target = {"kind": "segment", "segments": ["niche"]}
    params = {
        "population": {"size": 300},
        "strategies": [{"kind": "coupons", "discount": 0.2, "target": target}],
    }
    model = ReferenceModel(params, rng=4)
    model.run(10)
    niche = model.segment_names.index("niche")
    present = [s for s in model.shoppers if s.state != OUTSIDE]  # entrants not yet there
    assert {s.discount for s in present if s.segment == niche} == {0.2}
    assert {s.discount for s in present if s.segment != niche} == {0.0}
    daily = model.daily_metrics()
    assert 0 < daily["strategy_cost"].sum() < 0.2 * daily["gmv"].sum()


def test_without_group_buying_no_group_orders():
    model = ReferenceModel({"population": {"size": 200}, "group_buy": {"enabled": False}}, rng=1)
    model.run(10)
    daily = model.daily_metrics()
    assert daily["group_orders"].sum() == 0 and daily["orders"].sum() > 0


def test_fully_mixed_market_hears_the_population():
    model = ReferenceModel({"population": {"size": 200}, "network": {"kind": "fully_mixed"}}, rng=1)
    model.run(5)
    active = sum(s.current for s in model.shoppers)
    referral = sum(s.referral_signal for s in model.shoppers) / len(model.shoppers)
    assert model.fully_mixed and all(s.friends == [] for s in model.shoppers)
    assert active > 0 and referral >= active / len(model.shoppers)  # promoters weigh more


def test_strategies_other_than_coupons_are_refused_with_the_reason():
    with pytest.raises(ParameterError, match="coupons strategy only"):
        ReferenceModel({"population": {"size": 50}, "strategies": [{"kind": "loyalty_points"}]})
    at_risk = {"kind": "coupons", "target": {"kind": "at_risk"}}
    with pytest.raises(ParameterError, match="not at_risk"):
        ReferenceModel({"population": {"size": 50}, "strategies": [at_risk]})


def test_docking_table_needs_replications():
    few = mesa_reference.pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="at least 5"):
        docking_table(few, few, metrics=["x"])


def test_compare_reference_times_both_at_one_size():
    result = mesa_reference.compare_reference(shoppers=150, days=3, seed=2)
    assert result["shoppers"] == 150 and result["days"] == 3
    assert result["reference_run_seconds"] > 0 and result["model_run_seconds"] > 0
    rates = result["model_agent_days_per_s"] / result["reference_agent_days_per_s"]
    assert result["ratio"] == pytest.approx(rates, rel=0.02)  # both rounded


def test_model_benchmark_compare_reference_flag_runs_the_issues_sizes(monkeypatch, capsys):
    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return {"ratio": 1.0}

    monkeypatch.setattr(mesa_reference, "compare_reference", fake)
    from benchmarks import model as model_benchmark

    result = model_benchmark.main(["--compare-reference", "--json", "--seed", "3"])
    assert calls == [{"shoppers": 20_000, "days": 60, "seed": 3}]
    assert result == {"ratio": 1.0} and '"ratio"' in capsys.readouterr().out
