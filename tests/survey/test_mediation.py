import numpy as np
import pytest

from survey.errors import DataError
from survey.mediation import mediation
from survey.scoring import construct_scores


@pytest.fixture(scope="module")
def scores(ecsi, ecsi_blocks):
    return construct_scores(ecsi, ecsi_blocks)


def _ols(y, *xs):
    design = np.column_stack([np.ones(len(y)), *xs])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def test_paths_match_ordinary_least_squares(scores):
    table = mediation(scores, "Quality", "Satisfaction", "Loyalty", n_boot=50, seed=1)
    coef = table.set_index("path")["coef"]
    x, m, y = scores["Quality"], scores["Satisfaction"], scores["Loyalty"]
    a = _ols(m, x)[1]
    direct, b = _ols(y, x, m)[1:]
    assert coef["Satisfaction ~ X"] == pytest.approx(a)
    assert coef["Y ~ Satisfaction"] == pytest.approx(_ols(y, m)[1])
    assert coef["Direct"] == pytest.approx(direct)
    assert coef["Indirect"] == pytest.approx(a * b)
    assert coef["Total"] == pytest.approx(direct + a * b)
    assert table["n"].iloc[0] == 250


def test_same_seed_same_interval_other_seed_other_interval(scores):
    first = mediation(scores, "Quality", "Satisfaction", "Loyalty", n_boot=60, seed=5)
    again = mediation(scores, "Quality", "Satisfaction", "Loyalty", n_boot=60, seed=5)
    other = mediation(scores, "Quality", "Satisfaction", "Loyalty", n_boot=60, seed=6)
    assert first["ci_low"].iloc[-1] == again["ci_low"].iloc[-1]
    assert first["ci_low"].iloc[-1] != other["ci_low"].iloc[-1]


def test_same_column_twice_is_refused(scores):
    with pytest.raises(DataError, match="three different columns"):
        mediation(scores, "Quality", "Quality", "Loyalty", n_boot=10)
