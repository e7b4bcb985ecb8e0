"""Parameter recovery from an order log: a simulated log's targets are fitted back.

The model simulates a log with known purchase-rate scale and churn hazard (the truth);
``survey.orders`` analyses its focal orders exactly as ``shoplab orders analyze`` does
(the log written as Parquet, read, cleaned, summarised, ``targets.json`` written); the
calibration fits the two parameters to that file. The truth run has its own seed, so
the fit cannot lean on identical random numbers: it recovers the parameters from the
statistics alone, and must report intervals that contain them.
"""

import numpy as np
import pytest

from experiments.calibration.config import candidate_parameters, parse_calibration_config
from experiments.calibration.fit import calibrate
from experiments.calibration.orders import focal_orders
from sim import ShopperModel
from survey.orders.analyze import OrderSettings, analyze_orders

TRUTH = {"population.purchase_rate_scale": 4.0, "loyalty.base_churn_hazard": 0.0025}

#: The log's span: 180 days from 2019-01-01 (the model's day 0), churn after 60 days.
DAYS, WINDOW = 180, 60

CONFIG = {
    "name": "orders_recovery",
    "horizon": DAYS,
    "model": {"population": {"size": 3000}},
    "free": {
        "population.purchase_rate_scale": {"low": 2.0, "high": 7.0},
        "loyalty.base_churn_hazard": {"low": 0.0005, "high": 0.006},
    },
    "budget": {"trials": 40, "replications": 4, "batch": 8, "startup_trials": 12, "seed": 3},
    "execution": {"workers": 2},
}


def _targets_file(folder, truth_seed: int):
    """targets.json of the truth's log, written by the order-log analysis."""
    config = parse_calibration_config(
        {**CONFIG, "targets": {"orders": {"aov": {"value": 1.0, "se": 1.0}},
                               "orders_span_days": DAYS}}
    )  # fmt: skip
    params, _ = candidate_parameters(config, TRUTH)
    model = ShopperModel(params, rng=np.random.SeedSequence(truth_seed), record_orders=True)
    model.run(DAYS)
    log = folder / "truth_log.parquet"
    focal_orders(model).to_parquet(log)
    settings = OrderSettings("2019-04-30", churn_window_days=WINDOW, n_boot=100)
    analyze_orders(log, folder / "analysis", settings, plots=False)
    return folder / "analysis" / "targets.json"


#: How near a point estimate must come to the truth: about 2 SD of what one log pins down.
#: Measured at the truth (6 runs of 3,000 shoppers over 180 days): orders per buyer varies
#: from run to run with SD 0.75 and moves 2.4 per unit of purchase-rate scale (scale 3 -> 5:
#: 11.9 -> 16.6), so one log pins the scale to about +-0.3; the 60-day inactive share
#: varies with SD 0.016-0.023 and moves 42 per unit of churn hazard (0.0025 -> 0.004:
#: 0.222 -> 0.285), so one log pins the hazard to about +-0.0005.
NEAR = {"population.purchase_rate_scale": 0.6, "loyalty.base_churn_hazard": 0.00125}


def _check_recovery(folder, truth_seed: int, optimiser_seed: int, informative: bool) -> None:
    data = {
        **CONFIG,
        "targets": {"orders_file": str(_targets_file(folder, truth_seed))},
        "budget": {**CONFIG["budget"], "seed": optimiser_seed},
    }
    config = parse_calibration_config(data)
    assert sorted(config.targets.orders) == sorted(
        ["orders_per_buyer", "aov", "repeat_purchase_rate", "inactive_share_60",
         "top20_spend_share"]
    )  # fmt: skip
    result = calibrate(config, progress=False)
    fitted = result.parameters().set_index("parameter")
    for path, true_value in TRUTH.items():
        row = fitted.loc[path]
        assert row["ci_low"] <= true_value <= row["ci_high"], (path, row.to_dict())
        assert abs(row["estimate"] - true_value) <= NEAR[path], (path, row.to_dict())
        if informative:  # the interval is narrower than the search range
            width = row["ci_high"] - row["ci_low"]
            assert width < 0.6 * (row["bound_high"] - row["bound_low"]), (path, row.to_dict())


@pytest.mark.slow
def test_purchase_rate_and_churn_are_recovered_from_a_simulated_logs_targets(tmp_path):
    # measured: scale 3.91 [3.60, 4.76], hazard 0.00326 [0.00233, 0.00494] (truth 4.0, 0.0025)
    _check_recovery(tmp_path, truth_seed=11, optimiser_seed=3, informative=True)


@pytest.mark.slow
@pytest.mark.parametrize(("truth_seed", "optimiser_seed"), [(12, 4), (13, 5), (14, 6), (15, 7)])
def test_recovery_holds_for_other_logs_and_optimiser_seeds(tmp_path, truth_seed, optimiser_seed):
    # the intervals must contain the truth; they need not be narrow: with 40 candidates the
    # distance surface is charted coarsely, and for log 13 (optimiser seed 5) the quadratic
    # projection of the confidence set reaches the search bounds (an uninformative interval,
    # not a wrong one)
    _check_recovery(tmp_path, truth_seed, optimiser_seed, informative=False)
