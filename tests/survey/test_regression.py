import pytest
import statsmodels.api as sm
from statsmodels.stats.outliers_influence import variance_inflation_factor

from survey.errors import DataError
from survey.regression import driver_regression
from survey.scoring import construct_scores


@pytest.fixture(scope="module")
def scores(ecsi, ecsi_blocks):
    return construct_scores(ecsi, ecsi_blocks)


def test_coefficients_match_statsmodels(scores):
    x = ["Satisfaction", "Quality", "Value", "Image"]
    table = driver_regression(scores, "Loyalty", x).set_index("term")
    fit = sm.OLS(scores["Loyalty"], sm.add_constant(scores[x])).fit()
    assert table["b"].to_numpy() == pytest.approx(fit.params.to_numpy())
    assert table["se"].to_numpy() == pytest.approx(fit.bse.to_numpy())
    assert table["r2"].iloc[0] == pytest.approx(fit.rsquared)
    assert table["adj_r2"].iloc[0] == pytest.approx(fit.rsquared_adj)


def test_standardised_betas_are_slopes_on_z_scores(scores):
    x = ["Satisfaction", "Image"]
    z = (scores - scores.mean()) / scores.std()
    fit = sm.OLS(z["Loyalty"], sm.add_constant(z[x])).fit()
    table = driver_regression(scores, "Loyalty", x)
    assert table["beta"].iloc[1:].to_numpy() == pytest.approx(fit.params.iloc[1:].to_numpy())


def test_vif_matches_statsmodels(scores):
    x = ["Satisfaction", "Quality", "Value"]
    exog = sm.add_constant(scores[x]).to_numpy()
    expected = [variance_inflation_factor(exog, k) for k in range(1, 4)]
    assert driver_regression(scores, "Loyalty", x)["vif"].iloc[1:].to_numpy() == pytest.approx(
        expected
    )


def test_outcome_among_predictors_is_refused(scores):
    with pytest.raises(DataError, match="'Loyalty' is also a predictor"):
        driver_regression(scores, "Loyalty", ["Loyalty", "Image"])


def test_collinear_predictors_are_named(scores):
    data = scores.assign(Twice=2 * scores["Image"])
    with pytest.raises(DataError, match=r"\['Image', 'Twice'\] are perfectly collinear"):
        driver_regression(data, "Loyalty", ["Image", "Twice"])
