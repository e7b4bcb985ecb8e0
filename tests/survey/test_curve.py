import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.curve import (
    check_logistic,
    fit_logistic_curve,
    loyalty_by_satisfaction,
    predict_logistic_curve,
)
from survey.errors import DataError


def test_levels_are_group_means_with_t_intervals(ecsi):
    table = loyalty_by_satisfaction(ecsi, "CUSA1", "CUSL1").set_index("level")
    group = ecsi.loc[ecsi["CUSA1"] == 8, "CUSL1"]
    assert table.loc[8.0, "n"] == len(group)
    assert table.loc[8.0, "mean"] == pytest.approx(group.mean())
    low, _ = stats.t.interval(0.95, len(group) - 1, group.mean(), stats.sem(group))
    assert table.loc[8.0, "ci_low"] == pytest.approx(low)


def test_logistic_fit_recovers_known_curve():
    x = np.repeat(np.linspace(1, 10, 19), 3)
    y = 2 + (9 - 2) / (1 + np.exp(-1.5 * (x - 6)))
    table = fit_logistic_curve(pd.DataFrame({"s": x, "l": y}), "s", "l")
    estimates = table.set_index("parameter")["estimate"]
    assert estimates[["lower", "upper", "slope", "midpoint"]].to_numpy() == pytest.approx(
        [2, 9, 1.5, 6], abs=1e-6
    )
    assert predict_logistic_curve(table, np.array([6.0])) == pytest.approx([5.5])


def test_too_few_levels_are_refused():
    data = pd.DataFrame({"s": [1, 1, 2, 2, 2.0], "l": [1, 2, 3, 4, 5.0]})
    with pytest.raises(DataError, match="'s' needs at least 5 answers on 3 or more levels"):
        fit_logistic_curve(data, "s", "l")


def _s_shape(noise: float, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 11, 400).astype(float)
    y = 2 + 7 / (1 + np.exp(-1.2 * (x - 6))) + rng.normal(0, noise, 400)
    return pd.DataFrame({"s": x, "l": y})


def test_s_shaped_logistic_is_identified():
    data = _s_shape(1.0)
    check = check_logistic(fit_logistic_curve(data, "s", "l"), data, "s", "l", (1, 10))
    assert check.identified and check.reasons == ()
    assert check.aic_logistic < check.aic_linear
    assert check.table()["reported"].tolist() == [True, True]


def test_straight_line_logistic_is_not_identified():
    rng = np.random.default_rng(1)
    x = rng.integers(1, 11, 400).astype(float)
    data = pd.DataFrame({"s": x, "l": 2 + 0.5 * x + rng.normal(0, 1.5, 400)})
    check = check_logistic(fit_logistic_curve(data, "s", "l"), data, "s", "l", (1, 10))
    assert not check.identified
    assert check.summary.startswith("logistic not identified (")


def test_ecsi_logistic_is_not_identified(ecsi):
    data = ecsi.assign(
        sat=ecsi[["CUSA1", "CUSA2", "CUSA3"]].mean(axis=1),
        loy=ecsi[["CUSL1", "CUSL2", "CUSL3"]].mean(axis=1),
    )
    check = check_logistic(fit_logistic_curve(data, "sat", "loy"), data, "sat", "loy", (1, 10))
    assert not check.identified
    text = " ".join(check.reasons)
    assert "lower asymptote" in text and "midpoint" in text and "AIC" in text
