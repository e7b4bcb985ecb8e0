"""One candidate's replication: seeded as every other candidate's, scored as a real survey."""

import dataclasses
import math

import pytest

from experiments.calibration import worker
from experiments.calibration.config import Behavioural, TargetSpec, shipped_config
from experiments.calibration.targets import load_survey_codebook, virtual_codebook
from experiments.calibration.worker import Task, evaluate


@pytest.fixture(scope="module")
def task():
    codebook = virtual_codebook(
        load_survey_codebook("ecsi", shipped_config().parent), ["Satisfaction", "Loyalty"]
    )
    spec = TargetSpec(behavioural={"active_end": Behavioural(value=100.0, se=5.0)})
    return Task(
        trial=3,
        replication=0,
        params={"population": {"size": 400, "initial_active_share": 0.6}},
        design={"item_noise": 0.1},
        codebook=codebook,
        respondents=80,
        horizon=10,
        seed=11,
        constructs=("Satisfaction", "Loyalty"),
        spec=spec,
    )


def test_a_replication_returns_its_trial_and_the_fitted_statistics(task):
    trial, replication, found = evaluate(task)
    assert (trial, replication) == (3, 0)
    assert set(found) == {
        "mean[Satisfaction]",
        "sd[Satisfaction]",
        "mean[Loyalty]",
        "sd[Loyalty]",
        "correlation[satisfaction,loyalty]",
        "slope[loyalty~satisfaction]",
        "nps.promoters",
        "nps.detractors",
        "summary.active_end",
    }
    value, se = found["mean[Satisfaction]"]
    assert 1 <= value <= 10 and se > 0  # the ECSI scale, a standard error from 80 answers
    # a behavioural figure is the run's own summary value, known without sampling error
    active_end, zero = found["summary.active_end"]
    assert math.isfinite(active_end) and active_end > 0 and zero == 0.0


def test_the_same_task_gives_bit_identical_statistics(task):
    assert evaluate(task)[2] == evaluate(task)[2]


def test_replication_r_runs_on_the_replication_seed_of_the_budget(task, monkeypatch):
    # common random numbers: the model of replication r gets SeedSequence(seed, spawn_key=(r,)),
    # whatever the candidate's parameters
    seeds = []

    class Recording(worker.ShopperModel):
        def __init__(self, params, rng=None, **options):
            seeds.append(rng)
            super().__init__(params, rng=rng, **options)

    monkeypatch.setattr(worker, "ShopperModel", Recording)
    other = dataclasses.replace(task, replication=2, params={"population": {"size": 300}})
    evaluate(task)
    evaluate(other)
    assert [(s.entropy, s.spawn_key) for s in seeds] == [(11, (0,)), (11, (2,))]


def test_replications_differ(task):
    first = evaluate(task)[2]
    second = evaluate(dataclasses.replace(task, replication=1))[2]
    assert first["mean[Satisfaction]"] != second["mean[Satisfaction]"]


def test_without_a_codebook_only_the_run_summary_is_read(task, monkeypatch):
    with_survey = evaluate(task)[2]

    def refuse(*args, **kwargs):
        raise AssertionError("the virtual survey was administered")

    monkeypatch.setattr(worker.ShopperModel, "survey", refuse)
    _, _, found = evaluate(dataclasses.replace(task, codebook=None, respondents=0, constructs=()))
    assert set(found) == {"summary.active_end"}
    # the survey draws from its own streams: without it the run is the same
    assert found["summary.active_end"] == with_survey["summary.active_end"]


def test_summary_fields_include_the_platform_figures():
    fields = worker.summary_fields({"population": {"size": 200}})
    for name in ("orders_per_buyer", "aov", "mau_ratio", "promoter_share_end"):
        assert name in fields
