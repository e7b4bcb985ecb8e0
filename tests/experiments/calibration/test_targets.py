"""The survey side of a calibration: codebook lookup, virtual codebook, example targets."""

import shutil

import pandas as pd
import pytest

from experiments.calibration.config import shipped_config
from experiments.calibration.targets import (
    example_targets,
    load_survey_codebook,
    virtual_codebook,
)
from experiments.errors import ConfigError
from survey.datasets import example_paths


def test_virtual_codebook_keeps_only_what_the_model_answers():
    cb = load_survey_codebook("ecsi", shipped_config().parent)
    virtual = virtual_codebook(cb, ["Satisfaction", "Loyalty", "Quality"])
    assert sorted(virtual.constructs) == ["Loyalty", "Quality", "Satisfaction"]
    assert virtual.pls is None
    assert virtual.roles.drivers == ["Quality"]
    assert virtual.nps.item == "CUSL3"


def test_virtual_codebook_drops_roles_and_nps_the_model_cannot_answer():
    cb = load_survey_codebook("ecsi", shipped_config().parent)
    virtual = virtual_codebook(cb, ["Satisfaction", "Quality"])
    assert virtual.roles.loyalty is None and virtual.roles.satisfaction == "Satisfaction"
    assert virtual.nps is None  # its item CUSL3 belongs to Loyalty, not answered
    assert virtual.segments == [] and virtual.attention_checks == []


def test_codebook_by_example_name_or_by_path_relative_to_the_config(tmp_path):
    shutil.copy(example_paths("ecsi").codebook, tmp_path / "mine.yaml")
    by_name = load_survey_codebook("ecsi", tmp_path)
    by_path = load_survey_codebook("mine.yaml", tmp_path)
    absolute = load_survey_codebook(str(tmp_path / "mine.yaml"), shipped_config().parent)
    assert by_name == by_path == absolute


def test_unknown_example_names_the_field_and_the_examples():
    with pytest.raises(ConfigError, match=r"survey.codebook: .*allowed: \['bank', 'ecsi'\]"):
        load_survey_codebook("nosuch", shipped_config().parent)


def test_example_targets_are_the_moments_of_the_shipped_survey():
    targets = example_targets("ecsi")
    data = pd.read_csv(example_paths("ecsi").data)
    # construct score = mean of the items; moments over the 250 respondents, by hand
    satisfaction = data[["CUSA1", "CUSA2", "CUSA3"]].mean(axis=1)
    assert targets["n_respondents"] == 250
    assert targets["constructs"]["Satisfaction"] == pytest.approx(
        {"mean": satisfaction.mean(), "sd": satisfaction.std(ddof=1), "n": 250}
    )
    # NPS on CUSL3 (1-10): promoters answer 9 or 10
    assert targets["nps"]["promoters"] == pytest.approx((data["CUSL3"] >= 9).mean())
