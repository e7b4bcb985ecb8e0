import numpy as np
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


# --- missing answers -------------------------------------------------------------


@pytest.fixture(scope="module")
def ecsi_holes(ecsi, ecsi_blocks):
    """ECSI with about 8% of the model items' answers removed at random (seeded)."""
    items = [item for block in ecsi_blocks.values() for item in block]
    rng = np.random.default_rng(2024)
    holes = ecsi.copy()
    holes[items] = holes[items].mask(rng.random((len(holes), len(items))) < 0.08)
    assert holes[items].isna().any(axis=1).sum() > len(holes) / 2
    return holes


def _assert_same_model(first, second):
    for table in ["paths", "outer", "r2", "effects", "scores"]:
        pd.testing.assert_frame_equal(
            getattr(first, table), getattr(second, table), check_exact=False, atol=1e-10
        )


def test_mean_replacement_equals_model_on_mean_imputed_file(ecsi_holes, ecsi_blocks, ecsi_codebook):
    items = [item for block in ecsi_blocks.values() for item in block]
    paths = ecsi_codebook.pls.paths
    imputed = ecsi_holes.copy()
    imputed[items] = imputed[items].fillna(imputed[items].mean())
    model = pls_sem(ecsi_holes, ecsi_blocks, paths)  # mean is the default
    reference = pls_sem(imputed, ecsi_blocks, paths)  # complete data
    assert model.missing == "mean" and model.n == len(ecsi_holes)
    assert (reference.missing_items["n_missing"] == 0).all()
    _assert_same_model(model, reference)
    shares = model.missing_items.set_index("item")
    expected = ecsi_holes[items].isna().mean()
    assert shares["share_missing"].to_numpy() == pytest.approx(expected[shares.index].to_numpy())
    assert (shares["replaced"] == ecsi_holes[items].isna().sum()[shares.index]).all()


def test_casewise_equals_model_on_complete_rows(ecsi_holes, ecsi_blocks, ecsi_codebook):
    items = [item for block in ecsi_blocks.values() for item in block]
    paths = ecsi_codebook.pls.paths
    model = pls_sem(ecsi_holes, ecsi_blocks, paths, missing="casewise")
    complete = ecsi_holes.dropna(subset=items)
    reference = pls_sem(complete, ecsi_blocks, paths, missing="mean")
    assert model.n == len(complete) < len(ecsi_holes)
    assert (model.missing_items["replaced"] == 0).all()
    for table in ["paths", "outer", "effects", "scores"]:
        pd.testing.assert_frame_equal(getattr(model, table), getattr(reference, table))
    assert model.r2[["r2", "adj_r2", "n"]].equals(reference.r2[["r2", "adj_r2", "n"]])


def test_outputs_name_method_and_n(ecsi_holes, ecsi_blocks, ecsi_codebook):
    paths = ecsi_codebook.pls.paths
    mean = pls_sem(ecsi_holes, ecsi_blocks, paths)
    casewise = pls_sem(ecsi_holes, ecsi_blocks, paths, missing="casewise")
    assert (mean.r2["missing"] == "mean").all() and (mean.r2["n"] == mean.n).all()
    assert (casewise.r2["missing"] == "casewise").all()
    assert (casewise.r2["n"] == casewise.n).all()
    assert f"mean replacement per item, n = {mean.n}" in mean.describe_missing()
    assert f"casewise deletion, n = {casewise.n}" in casewise.describe_missing()
    first = mean.missing_items.query("n_missing > 0").iloc[0]
    assert f"{first['item']} {100 * first['share_missing']:.1f}%" in mean.describe_missing()
    # the two treatments give different models on incomplete data
    assert not mean.r2["r2"].equals(casewise.r2["r2"])


def test_complete_data_is_identical_under_every_method(ecsi, ecsi_blocks, ecsi_codebook):
    paths = ecsi_codebook.pls.paths
    mean = pls_sem(ecsi, ecsi_blocks, paths, missing="mean")
    casewise = pls_sem(ecsi, ecsi_blocks, paths, missing="casewise")
    for table in ["paths", "outer", "effects", "scores"]:
        pd.testing.assert_frame_equal(getattr(mean, table), getattr(casewise, table))
    assert mean.r2.drop(columns="missing").equals(casewise.r2.drop(columns="missing"))
    assert mean.n == casewise.n == len(ecsi)
    assert "no missing answers" in mean.describe_missing()
    boot = {
        method: pls_bootstrap(ecsi, ecsi_blocks, paths, n_boot=10, seed=5, missing=method)
        for method in ["mean", "casewise"]
    }
    pd.testing.assert_frame_equal(boot["mean"], boot["casewise"])


def test_bootstrap_uses_the_missing_treatment(ecsi_holes, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Satisfaction"]}
    paths = {"Satisfaction": ["Image"]}
    for method in ["mean", "casewise"]:
        table = pls_bootstrap(ecsi_holes, blocks, paths, n_boot=10, seed=1, missing=method)
        model = pls_sem(ecsi_holes, blocks, paths, missing=method)
        assert table["estimate"].iloc[0] == pytest.approx(model.paths["coefficient"].iloc[0])


def test_pairwise_and_unknown_methods_are_refused(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Satisfaction"]}
    with pytest.raises(DataError, match="pairwise is not offered.*mean or casewise"):
        pls_sem(ecsi, blocks, {"Satisfaction": ["Image"]}, missing="pairwise")
    with pytest.raises(DataError, match="missing must be one of"):
        pls_sem(ecsi, blocks, {"Satisfaction": ["Image"]}, missing="listwise")


def test_respondents_answering_no_model_item_are_left_out(ecsi, ecsi_blocks):
    blocks = {name: ecsi_blocks[name] for name in ["Image", "Satisfaction"]}
    items = [item for block in blocks.values() for item in block]
    blank = ecsi.copy()
    blank.loc[:4, items] = np.nan
    model = pls_sem(blank, blocks, {"Satisfaction": ["Image"]})
    assert model.n == len(ecsi) - 5
    assert (model.missing_items["n_missing"] == 0).all()
    reference = pls_sem(ecsi.iloc[5:], blocks, {"Satisfaction": ["Image"]})
    pd.testing.assert_frame_equal(model.paths, reference.paths)


def test_codebook_chooses_the_missing_treatment(ecsi_codebook):
    assert ecsi_codebook.pls.missing == "mean"
    pls = type(ecsi_codebook.pls)
    assert pls(paths={"Loyalty": ["Image"]}, missing="casewise").missing == "casewise"
    with pytest.raises(ValueError, match="missing"):
        pls(paths={"Loyalty": ["Image"]}, missing="pairwise")


def test_analysis_passes_the_method_and_reports_n(ecsi_holes):
    from dataclasses import replace

    from survey.analyze import run_analysis
    from survey.datasets import load_example

    table, codebook = load_example("ecsi")
    items = list(ecsi_holes.columns.intersection(table.data.columns))
    holed = replace(table, data=table.data.assign(**{c: ecsi_holes[c].to_numpy() for c in items}))
    n_used = {}
    for method in ["mean", "casewise"]:
        chosen = codebook.model_copy(
            update={"pls": codebook.pls.model_copy(update={"missing": method})}
        )
        analysis = run_analysis(holed, chosen, n_boot=0)
        assert analysis.pls.missing == method
        assert (analysis.tables["pls_r2"]["missing"] == method).all()
        assert (analysis.tables["pls_r2"]["n"] == analysis.pls.n).all()
        assert analysis.pls.describe_missing() in analysis.notes
        n_used[method] = analysis.pls.n
    assert n_used["casewise"] < n_used["mean"] == len(table.data)
