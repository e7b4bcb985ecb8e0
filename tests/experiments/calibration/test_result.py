"""What a calibration reports, from a hand-made set of candidates."""

import math

import pandas as pd
import pytest

from experiments.calibration.config import parse_calibration_config
from experiments.calibration.moments import Statistic
from experiments.calibration.result import CalibrationResult

QUALITY, MIDPOINT, NOISE = "platforms.0.quality", "loyalty.curve_midpoint", "survey.item_noise"
CORRELATION = "correlation[satisfaction,loyalty]"

OBSERVED = [
    Statistic("mean[Sat]", 7.0, 0.1, 100),  # 95% CI 6.804 to 7.196
    Statistic("sd[Sat]", 1.5, 0.1, 100),  # 1.304 to 1.696
    Statistic("nps.promoters", 0.3, 0.01, 100),  # 0.2804 to 0.3196
    Statistic(CORRELATION, 0.5, 0.01, 100),  # 0.4804 to 0.5196
    Statistic("summary.active_end", 100.0, 1.0, 0),
]

# trial -> simulated (value, spread); trial 1 is the best candidate
SIMULATED = {
    0: {"mean[Sat]": 6.5, "sd[Sat]": 1.5, "nps.promoters": 0.27, CORRELATION: 0.45},
    1: {"mean[Sat]": 7.05, "sd[Sat]": 1.2, "nps.promoters": 0.20, CORRELATION: 0.55},
    2: {"mean[Sat]": 7.3, "sd[Sat]": 1.25, "nps.promoters": 0.25, CORRELATION: 0.56},
    3: {"mean[Sat]": 6.0, "sd[Sat]": 1.6, "nps.promoters": 0.26, CORRELATION: 0.44},
}


def _result(in_set=(True, True, True, False), quadratic=None) -> CalibrationResult:
    config = parse_calibration_config(
        {
            "name": "hand",
            "survey": {"codebook": "ecsi"},
            "free": {
                QUALITY: {"low": 0.5, "high": 0.95},
                MIDPOINT: {"low": 0.4, "high": 0.9},
                NOISE: {"low": 0.02, "high": 0.35},
            },
        }
    )
    trials = pd.DataFrame(
        {
            "trial": [0, 1, 2, 3],
            QUALITY: [0.6, 0.7, 0.75, 0.9],
            MIDPOINT: [0.5, 0.55, 0.52, 0.8],
            NOISE: [0.1, 0.12, 0.2, 0.3],
            "distance": [5.0, 1.0, 2.0, 40.0],
            "in_confidence_set": list(in_set),
        }
    )
    simulated = {
        trial: {name: (value, 0.05) for name, value in values.items()}
        for trial, values in SIMULATED.items()
    }
    return CalibrationResult(
        config=config,
        observed=OBSERVED,
        trials=trials,
        simulated=simulated,
        quadratic=quadratic,
    )


def test_best_candidate_is_the_smallest_distance():
    result = _result()
    assert int(result.best["trial"]) == 1
    assert result.fitted["mean[Sat]"] == (7.05, 0.05)


def test_intervals_join_the_set_range_and_the_quadratic_projection():
    quadratic = {QUALITY: (0.65, 0.8), MIDPOINT: (0.45, 0.53), NOISE: (0.11, 0.15)}
    table = _result(quadratic=quadratic).parameters().set_index("parameter")
    # set: trials 0-2; quality 0.6..0.75 joined with 0.65..0.8
    assert table.loc[QUALITY, ["estimate", "ci_low", "ci_high"]].tolist() == [0.7, 0.6, 0.8]
    assert table.loc[MIDPOINT, ["estimate", "ci_low", "ci_high"]].tolist() == [0.55, 0.45, 0.55]
    assert table.loc[NOISE, ["ci_low", "ci_high"]].tolist() == [0.1, 0.2]
    assert table.loc[MIDPOINT, ["bound_low", "bound_high"]].tolist() == [0.4, 0.9]


def test_the_interval_always_holds_the_estimate():
    # the best candidate left out of the set (best 10% fallback): its value still bounds the CI
    table = _result(in_set=(True, False, True, False)).parameters().set_index("parameter")
    assert table.loc[MIDPOINT, ["ci_low", "ci_high"]].tolist() == [0.5, 0.55]


def test_fit_table_gives_z_and_a_verdict_for_every_target():
    fit = _result().fit_table().set_index("target")
    assert list(fit.index) == [s.name for s in OBSERVED]
    mean = fit.loc["mean[Sat]"]
    assert mean["fitted"] == 7.05 and mean["z"] == pytest.approx(0.5)
    assert mean["ci_low"] == pytest.approx(7.0 - 1.96 * 0.1) and bool(mean["within_ci"])
    assert mean["verdict"] == "reached"
    # sd: trial 0 reaches it (1.5) at D = 5; there it misses the mean and the correlation
    # by z = -5 each (the promoters by only -3)
    assert fit.loc["sd[Sat]", "verdict"] == (
        "a trade-off: the best candidate that reaches it (trial 0, D = 5) misses "
        "mean[Sat] (z = -5.0), correlation[satisfaction,loyalty] (z = -5.0)"
    )
    # promoters: every candidate lies below 0.3
    assert fit.loc["nps.promoters", "verdict"] == (
        "not reachable: the observed value lies outside everything the free parameters "
        "produced (0.2 to 0.27)"
    )
    # correlation: candidates on both sides of 0.5, none within 0.0196 of it
    assert fit.loc[CORRELATION, "verdict"].startswith(
        "not reached: candidates fall on both sides (0.44 to 0.56)"
    )
    never = fit.loc["summary.active_end"]
    assert math.isnan(never["fitted"]) and not never["within_ci"]
    assert never["verdict"].startswith("never computed")


def test_fragment_holds_the_fitted_model_blocks_only():
    fragment = _result().calibrated_fragment()
    assert set(fragment) == {"platforms", "loyalty"}  # the survey design is not a model block
    assert fragment["loyalty"] == {"curve_midpoint": 0.55}
    # a path through a list writes the whole list (a fragment replaces lists)
    platforms = fragment["platforms"]
    assert [p["name"] for p in platforms] == ["focal", "assortment_leader", "quality_leader"]
    assert platforms[0]["quality"] == 0.7 and platforms[1]["quality"] == 0.76
