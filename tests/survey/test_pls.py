import pandas as pd
import pytest

from survey.errors import DataError
from survey.pls import pls_bootstrap, pls_sem

# SmartPLS 2.0, full ECSI model on ecsi_mobi.csv, path weighting (shared data README).
SMARTPLS_PATHS = {
    ("Quality", "Satisfaction"): 0.51202394,
    ("Value", "Satisfaction"): 0.19476510,
    ("Image", "Satisfaction"): 0.17873950,
    ("Satisfaction", "Loyalty"): 0.48547762,
    ("Image", "Loyalty"): 0.19575534,
    ("Image", "Expectations"): 0.50491393,
}
SMARTPLS_TOTAL_SAT_LOYALTY = 0.52081902
# seminr, Satisfaction ~ Image + Expectations + Value (Mode A, path weighting).
SEMINR_R2_SATISFACTION = 0.590603320426892


@pytest.fixture(scope="module")
def ecsi_model(ecsi, ecsi_blocks, ecsi_codebook):
    return pls_sem(ecsi, ecsi_blocks, ecsi_codebook.pls.paths)


def test_path_coefficients_equal_smartpls(ecsi_model):
    paths = ecsi_model.paths.set_index(["source", "target"])["coefficient"]
    for pair, expected in SMARTPLS_PATHS.items():
        # SmartPLS prints 8 decimals, hence 1e-7.
        assert paths[pair] == pytest.approx(expected, abs=1e-7)


def test_total_effect_equals_smartpls(ecsi_model):
    effects = ecsi_model.effects.set_index(["source", "target"])
    assert effects.loc[("Satisfaction", "Loyalty"), "total"] == pytest.approx(
        SMARTPLS_TOTAL_SAT_LOYALTY, abs=1e-7
    )


def test_r2_equals_seminr(ecsi, ecsi_blocks):
    blocks = {
        name: ecsi_blocks[name] for name in ["Image", "Expectations", "Value", "Satisfaction"]
    }
    model = pls_sem(ecsi, blocks, {"Satisfaction": ["Image", "Expectations", "Value"]})
    assert model.r2["r2"].iloc[0] == pytest.approx(SEMINR_R2_SATISFACTION, abs=1e-6)


def test_indirect_effect_is_total_minus_direct(ecsi_model):
    effects = ecsi_model.effects
    assert (effects["total"] - effects["direct"]).to_numpy() == pytest.approx(
        effects["indirect"].to_numpy()
    )


def test_scores_are_standardised_and_loadings_are_correlations(ecsi, ecsi_model):
    scores = ecsi_model.scores
    assert scores.std().to_numpy() == pytest.approx(1.0)
    outer = ecsi_model.outer.set_index("item")
    assert outer.loc["CUSA1", "loading"] == pytest.approx(
        ecsi["CUSA1"].corr(scores["Satisfaction"])
    )


def test_cyclic_model_is_refused(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Value"]}
    with pytest.raises(DataError, match="cycle"):
        pls_sem(ecsi, blocks, {"Image": ["Value"], "Value": ["Image"]})


def test_unknown_construct_in_path_names_allowed(ecsi, ecsi_blocks):
    with pytest.raises(DataError, match="'Trust'.*allowed"):
        pls_sem(ecsi, {"Image": ecsi_blocks["Image"]}, {"Image": ["Trust"]})


def test_bootstrap_estimates_are_the_full_sample_model(
    ecsi, ecsi_blocks, ecsi_codebook, ecsi_model
):
    table = pls_bootstrap(ecsi, ecsi_blocks, ecsi_codebook.pls.paths, n_boot=30, seed=3)
    direct = table[table["effect"] == "direct"].set_index(["source", "target"])["estimate"]
    paths = ecsi_model.paths.set_index(["source", "target"])["coefficient"]
    assert direct[paths.index].to_numpy() == pytest.approx(paths.to_numpy(), abs=1e-6)
    total = table[table["effect"] == "total"].set_index(["source", "target"])
    # SmartPLS 2.0 total effect Satisfaction -> Loyalty (shared data README)
    assert total.loc[("Satisfaction", "Loyalty"), "estimate"] == pytest.approx(
        SMARTPLS_TOTAL_SAT_LOYALTY, abs=1e-6
    )
    assert (table["se"] > 0).all() and (table["ci_low"] < table["ci_high"]).all()
    assert (table["t"] == table["estimate"] / table["se"]).all()


def test_bootstrap_is_seeded(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Satisfaction"]}
    paths = {"Satisfaction": ["Image"]}
    first = pls_bootstrap(ecsi, blocks, paths, n_boot=20, seed=9)
    pd.testing.assert_frame_equal(first, pls_bootstrap(ecsi, blocks, paths, n_boot=20, seed=9))
    assert not first.equals(pls_bootstrap(ecsi, blocks, paths, n_boot=20, seed=10))
