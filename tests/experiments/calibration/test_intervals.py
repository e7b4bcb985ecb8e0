"""Distance, dispersion, pooling, confidence set and intervals on hand-computed cases."""

import math

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.intervals import (
    MISSING_PENALTY,
    around_confidence_set,
    confidence_set,
    dispersion,
    distance,
    pool_replications,
    quadratic_intervals,
)
from experiments.calibration.moments import Statistic


def test_distance_by_hand():
    # D = sum_k w_k (s_k - o_k)^2 / (max(se_k^2, v_k) + v_k / R), R = 2 replications:
    #   mean: (7.3 - 7.0)^2 / (max(0.04, 0.01) + 0.01 / 2)  = 0.09 / 0.045  = 2
    #   sd:   3 * (1.4 - 1.5)^2 / (max(0.0025, 0.01) + 0.005) = 3 * 0.01 / 0.015 = 2
    #   r:    (0.6 - 0.5)^2 / (0.01 + 0), no spread (NaN counts as 0)       = 1
    #   nps:  not simulated: weight 0.5 x MISSING_PENALTY                    = 5000
    observed = [
        Statistic("mean[Sat]", 7.0, 0.2, 100),
        Statistic("sd[Sat]", 1.5, 0.05, 100),
        Statistic("correlation[satisfaction,loyalty]", 0.5, 0.1, 100),
        Statistic("nps.promoters", 0.3, 0.03, 100),
    ]
    simulated = {
        "mean[Sat]": (7.3, 0.1),
        "sd[Sat]": (1.4, 0.1),
        "correlation[satisfaction,loyalty]": (0.6, math.nan),
    }
    weights = {"sd[Sat]": 3.0, "nps.promoters": 0.5}
    assert distance(observed, simulated, 2, weights) == pytest.approx(2 + 2 + 1 + 5000, abs=1e-9)


def test_distance_is_zero_at_the_targets_and_penalises_a_nan_value():
    observed = [Statistic("mean[Sat]", 7.0, 0.2, 100)]
    assert distance(observed, {"mean[Sat]": (7.0, 0.3)}, 1, {}) == 0.0
    assert distance(observed, {"mean[Sat]": (math.nan, 0.3)}, 1, {}) == MISSING_PENALTY


def test_more_replications_shrink_the_simulation_term():
    # scale = max(se^2, v) + v / R with se = 0.1, v = 0.04: R = 1 -> 0.08, R = 4 -> 0.05
    observed = [Statistic("m", 0.0, 0.1, 50)]
    simulated = {"m": (0.2, 0.2)}
    assert distance(observed, simulated, 1, {}) == pytest.approx(0.04 / 0.08)
    assert distance(observed, simulated, 4, {}) == pytest.approx(0.04 / 0.05)


def test_dispersion_is_d_min_over_degrees_of_freedom_at_least_one():
    assert dispersion(30.0, 12, 4) == 30.0 / 8
    assert dispersion(5.0, 12, 4) == 1.0
    assert dispersion(10.0, 3, 5) == 10.0  # no degrees of freedom left: divided by 1


def test_pooling_takes_the_larger_of_the_standard_error_and_the_spread():
    pooled = pool_replications([{"a": (1.0, 0.3), "b": (5.0, 0.1)}, {"a": (3.0, 0.4)}])
    assert list(pooled) == ["a", "b"]
    # a: mean 2; rms standard error sqrt((0.09 + 0.16) / 2) = 0.354 < SD of (1, 3) = sqrt(2)
    assert pooled["a"] == pytest.approx((2.0, math.sqrt(2)))
    # b: one replication, no spread between runs: its own standard error
    assert pooled["b"] == (5.0, 0.1)
    noisy = pool_replications([{"a": (1.0, 2.0)}, {"a": (1.1, 2.0)}])
    assert noisy["a"] == pytest.approx((1.05, 2.0))


def test_confidence_set_and_its_fallback():
    distances = pd.Series([5.0, 1.0, 2.0, 3.5, 10.0])
    inside, approximate = confidence_set(distances, 2.5)  # D <= 1 + 2.5
    assert inside.tolist() == [False, True, True, True, False] and not approximate
    # only one candidate within 0.5 of the best: the best 10% stand in (quantile 1.4)
    inside, approximate = confidence_set(distances, 0.5)
    assert inside.tolist() == [False, True, False, False, False] and approximate


def test_points_around_the_set_fill_its_widened_box_within_the_bounds():
    trials = pd.DataFrame(
        {
            "q": [0.4, 0.5, 0.6, 0.9],
            "k": [5.0, 5.0, 5.0, 9.0],
            "distance": [1.0, 0.5, 1.0, 50.0],
        }
    )
    bounds = {"q": (0.35, 1.0), "k": (0.0, 20.0)}
    points = around_confidence_set(trials, bounds, 2.0, 400, np.random.default_rng(1))
    q = np.array([p["q"] for p in points])
    k = np.array([p["k"] for p in points])
    # q: set range [0.4, 0.6] widened by half its width -> [0.3, 0.7], clipped at 0.35
    assert 0.35 <= q.min() < 0.36 and 0.69 < q.max() <= 0.7
    # k: no range in the set -> widened by 5% of the bounds, 1.0 either side
    assert 4.0 <= k.min() < 4.05 and 5.95 < k.max() <= 6.0
    again = around_confidence_set(trials, bounds, 2.0, 400, np.random.default_rng(1))
    assert again == points


def test_quadratic_intervals_project_the_ellipsoid():
    # D = (x - c)' A (x - c), A = 100 [[2, 1], [1, 2]]; A^-1 = [[2, -1], [-1, 2]] / 300, so
    # {D <= 6} projects to c_j +- sqrt(6 * 2 / 300) = c_j +- 0.2 (exact data, no noise).
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, size=(80, 2))
    centre = np.array([0.5, 0.45])
    a = 100 * np.array([[2.0, 1.0], [1.0, 2.0]])
    d = np.einsum("ni,ij,nj->n", x - centre, a, x - centre)
    trials = pd.DataFrame({"u": x[:, 0], "v": x[:, 1], "distance": d})
    intervals = quadratic_intervals(trials, {"u": (0.0, 1.0), "v": (0.0, 1.0)}, 6.0)
    assert intervals["u"] == pytest.approx((0.3, 0.7), abs=1e-9)
    assert intervals["v"] == pytest.approx((0.25, 0.65), abs=1e-9)


def test_quadratic_intervals_are_scale_free_and_clipped_to_the_bounds():
    # D = 400 (x - 0.3)^2 on bounds [0, 2]: half width sqrt(4 / 400) = 0.1 whatever the scaling;
    # with threshold 36 the half width 0.3 reaches below 0 and is clipped there.
    x = np.linspace(0.0, 2.0, 41)
    trials = pd.DataFrame({"q": x, "distance": 400 * (x - 0.3) ** 2})
    assert quadratic_intervals(trials, {"q": (0.0, 2.0)}, 4.0)["q"] == pytest.approx(
        (0.2, 0.4), abs=1e-9
    )
    assert quadratic_intervals(trials, {"q": (0.0, 2.0)}, 36.0)["q"] == pytest.approx(
        (0.0, 0.6), abs=1e-9
    )


def test_quadratic_intervals_refuse_a_surface_that_is_not_a_bowl():
    x = np.linspace(0.0, 1.0, 40)
    hill = pd.DataFrame({"q": x, "distance": 10 - (x - 0.5) ** 2})
    assert quadratic_intervals(hill, {"q": (0.0, 1.0)}, 4.0) is None
    too_few = pd.DataFrame({"q": [0.1, 0.5, 0.9], "distance": [1.0, 0.0, 1.0]})
    assert quadratic_intervals(too_few, {"q": (0.0, 1.0)}, 4.0) is None
