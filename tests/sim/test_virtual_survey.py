from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest

from sim import ParameterError, ShopperModel
from sim.virtual_survey import SurveyDesign, likert, reachable, resolve_mapping


def _codebook(reverse=()):
    return NS(
        scale=NS(min=1, max=10),
        segments=["segment"],
        constructs={
            "Satisfaction": NS(item_names=["S1", "S2", "S3"], reverse=list(reverse), scale=None),
            "Loyalty": NS(item_names=["L1", "L2"], reverse=[], scale=NS(min=1, max=5)),
            "Image": NS(item_names=["I1"], reverse=[], scale=None),
        },
    )


@pytest.fixture(scope="module")
def model():
    m = ShopperModel({"population": {"size": 4000, "initial_active_share": 0.5}}, rng=5)
    m.run(60)
    return m


def test_answers_have_the_shape_of_a_survey_file(model):
    answers = model.survey(_codebook(), n=300)
    # Image is not a latent the model carries: left out
    assert list(answers.columns) == ["respondent", "segment", "S1", "S2", "S3", "L1", "L2"]
    assert len(answers) == 300
    assert answers[["S1", "S2", "S3"]].isin(range(1, 11)).all().all()
    assert answers[["L1", "L2"]].isin(range(1, 6)).all().all()
    assert set(answers["segment"]) <= set(model.segment_names)


def test_respondents_are_active_or_recently_churned(model):
    answers = model.survey(_codebook(), n=500)
    allowed = set(reachable(model, 90).tolist())
    assert set(answers["respondent"]) <= allowed
    assert answers["respondent"].is_unique


def test_noise_free_answers_are_the_latent_on_the_scale(model):
    answers = model.survey(_codebook(), n=200, design={"item_noise": 0.0})
    sat = model.shoppers.satisfaction[answers["respondent"].to_numpy()]
    np.testing.assert_array_equal(answers["S1"], 1 + np.rint(sat * 9))
    assert (answers["S1"] == answers["S2"]).all()


def test_reverse_coded_items_are_stored_reversed(model):
    plain = model.survey(_codebook(), n=200, design={"item_noise": 0.0})
    reversed_ = model.survey(_codebook(reverse=["S2"]), n=200, design={"item_noise": 0.0})
    np.testing.assert_array_equal(reversed_["S2"], 11 - plain["S2"])


def test_survey_is_reproducible_and_does_not_disturb_the_run():
    params = {"population": {"size": 2000, "initial_active_share": 0.5}}
    a, b = ShopperModel(params, rng=3), ShopperModel(params, rng=3)
    a.run(20)
    b.run(20)
    first = a.survey(_codebook(), n=100)
    pd.testing.assert_frame_equal(first, a.survey(_codebook(), n=100))
    assert not first.equals(a.survey(_codebook(), n=100, seed=1))
    a.run(20)
    b.run(20)
    pd.testing.assert_frame_equal(a.daily_metrics(), b.daily_metrics(), check_exact=True)


def test_item_noise_lowers_inter_item_agreement(model):
    quiet = model.survey(_codebook(), n=800, design={"item_noise": 0.02})
    noisy = model.survey(_codebook(), n=800, design={"item_noise": 0.3})
    assert quiet["S1"].corr(quiet["S2"]) > noisy["S1"].corr(noisy["S2"])


def test_mapping_errors_name_the_allowed_values():
    with pytest.raises(ParameterError, match="satisfaction"):
        resolve_mapping(["Satisfaction"], {"Satisfaction": "happiness"})
    with pytest.raises(ParameterError, match="unknown construct"):
        resolve_mapping(["Satisfaction"], {"Trust": "loyalty"})


def test_likert_thresholds_are_equally_spaced():
    d = SurveyDesign(item_noise=0.0)
    codes = likert(
        np.array([0.0, 0.12, 0.13, 0.5, 0.87, 1.0]), 1, 5, 1, d, np.random.default_rng(0)
    )
    # 4 steps on [0, 1]: cut points at 0.125, 0.375, 0.625, 0.875
    assert codes[:, 0].tolist() == [1, 1, 2, 3, 4, 5]


def test_the_real_ecsi_codebook_is_answered():
    from pathlib import Path

    from survey.codebook import load_codebook
    from survey.datasets import __file__ as datasets_init

    cb = load_codebook(Path(datasets_init).parent / "ecsi_codebook.yaml")
    m = ShopperModel({"population": {"size": 2000, "initial_active_share": 0.5}}, rng=1)
    m.run(30)
    answers = m.survey(cb, n=250)
    assert {"CUSA1", "CUSL3", "PERQ7", "PERV2", "CUEX1", "CUSCO"} <= set(answers.columns)
    assert "IMAG1" not in answers.columns  # image is not modelled
