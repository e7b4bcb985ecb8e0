import numpy as np
import pandas as pd
import pytest

from experiments.robustness.prim import find_box, quasi_p


def _planted(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Points in the unit cube; the cases are the planted box a in [0.3, 0.8], b < 0.4."""
    x = pd.DataFrame(np.random.default_rng(seed).random((n, 3)), columns=["a", "b", "c"])
    y = x["a"].between(0.3, 0.8).to_numpy() & (x["b"] < 0.4).to_numpy()
    return x, y


def test_prim_recovers_a_planted_box():
    x, y = _planted()
    box = find_box(x, y)
    assert set(box.limits) == {"a", "b"}  # c is noise: left unrestricted
    low_a, high_a = box.limits["a"]
    assert low_a == pytest.approx(0.3, abs=0.03) and high_a == pytest.approx(0.8, abs=0.03)
    assert box.limits["b"][1] == pytest.approx(0.4, abs=0.03)
    assert box.coverage >= 0.9 and box.density >= 0.9
    assert box.mass == pytest.approx(0.5 * 0.4, abs=0.03)  # the planted box's volume
    assert (box.cases, box.points) == (int(y.sum()), 2000)


def test_the_box_chosen_is_the_densest_with_at_least_the_coverage_asked():
    x = pd.DataFrame({"a": np.linspace(0, 1, 1000)})
    y = np.random.default_rng(3).random(1000) < x["a"].to_numpy()  # denser towards a = 1
    loose, strict = find_box(x, y, min_coverage=0.3), find_box(x, y, min_coverage=0.9)
    assert loose.coverage >= 0.3 and strict.coverage >= 0.9
    assert loose.density > strict.density


def test_no_case_or_every_case_gives_no_box_and_says_why():
    x, _ = _planted(100)
    assert find_box(x, np.zeros(100, bool)).note.startswith("never")
    everywhere = find_box(x, np.ones(100, bool))
    assert everywhere.note.startswith("everywhere") and everywhere.limits == {}


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="3 rows but y has 2"):
        find_box(pd.DataFrame({"a": [1.0, 2, 3]}), np.array([True, False]))


def test_a_restriction_on_noise_has_a_large_quasi_p_and_is_dropped():
    x, y = _planted(400, seed=4)
    limits = {"a": (0.3, 0.8), "b": (0.0, 0.4), "c": (0.1, 0.9)}  # c: noise
    values = quasi_p(x, y, limits)
    assert values["a"] < 1e-6 and values["b"] < 1e-6 and values["c"] > 0.05
    box = find_box(x, y)
    assert "c" not in box.limits and all(p <= 0.05 for p in box.quasi_p.values())
