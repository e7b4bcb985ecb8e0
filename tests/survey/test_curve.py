import numpy as np
import pandas as pd
import pytest
from scipy import stats

from survey.curve import fit_logistic_curve, loyalty_by_satisfaction, predict_logistic_curve
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
