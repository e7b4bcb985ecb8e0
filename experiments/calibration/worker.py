"""What a worker does with one candidate's replication: simulate, survey, score.

The model runs for the horizon on the replication's seed
(:func:`experiments.seeds.replication_seed`: the same for every candidate, common
random numbers), the virtual panel answers the codebook's questionnaire, and the
answers are cleaned and scored by the survey module exactly as a real file
(:func:`survey.targets.survey_targets`); the statistics fitted are then read from
those targets as from the real ``targets.json`` (:mod:`.moments`). Without a
codebook (a calibration with behavioural targets only) no survey is administered:
the run's summary is all a replication yields. With order-log targets the run
records its orders, and the focal platform's log is measured by the functions of
``survey.orders`` that measured the real log (:mod:`.orders`).

Examples
--------
>>> from pathlib import Path
>>> from experiments.calibration.config import TargetSpec
>>> from experiments.calibration.targets import load_survey_codebook, virtual_codebook
>>> codebook = virtual_codebook(load_survey_codebook("ecsi", Path(".")), ["Satisfaction"])
>>> task = Task(trial=0, replication=0, params={"population": {"size": 300}}, design={},
...             codebook=codebook, respondents=60, horizon=5, seed=1,
...             constructs=("Satisfaction",), spec=TargetSpec())
>>> trial, replication, found = evaluate(task)
>>> sorted(found)
['mean[Satisfaction]', 'sd[Satisfaction]']

Behavioural targets only, no survey:

>>> from experiments.calibration.config import Behavioural
>>> spec = TargetSpec(behavioural={"aov": Behavioural(value=53.0, se=1.5)})
>>> task = Task(trial=0, replication=0, params={"population": {"size": 300}}, design={},
...             codebook=None, respondents=0, horizon=5, seed=1, constructs=(), spec=spec)
>>> sorted(evaluate(task)[2])
['summary.aov']

An order log's statistics, measured on the run's own order log:

>>> spec = TargetSpec(orders={"repeat_purchase_rate": Behavioural(value=0.4, se=0.01)})
>>> task = Task(trial=0, replication=0, params={"population": {"size": 300}}, design={},
...             codebook=None, respondents=0, horizon=30, seed=1, constructs=(), spec=spec)
>>> sorted(evaluate(task)[2])
['orders.repeat_purchase_rate']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from experiments.calibration.config import TargetSpec
from experiments.calibration.moments import Values, behavioural_statistics, statistics
from experiments.calibration.orders import focal_orders, simulated_order_values
from experiments.seeds import replication_seed
from sim import ShopperModel
from survey.cleaning import clean_survey
from survey.codebook import Codebook
from survey.io import SurveyTable
from survey.targets import survey_targets


@dataclass(frozen=True)
class Task:
    """One model run of one candidate, for a worker.

    Attributes
    ----------
    trial : int
        The optimiser's trial number of the candidate.
    replication : int
        Replication index, from 0.
    params : dict
        The candidate's model parameters (plain data).
    design : dict
        The candidate's virtual-survey design.
    codebook : Codebook or None
        The virtual codebook (:func:`.targets.virtual_codebook`); None: no survey.
    respondents : int
        Virtual respondents surveyed (ignored without a codebook).
    horizon : int
        Days simulated (before the survey, if any).
    seed : int
        The budget's master seed.
    constructs : tuple of str
        Constructs whose moments are fitted.
    spec : TargetSpec
        Which statistics are fitted.
    """

    trial: int
    replication: int
    params: dict[str, Any]
    design: dict[str, Any]
    codebook: Codebook | None
    respondents: int
    horizon: int
    seed: int
    constructs: tuple[str, ...]
    spec: TargetSpec


def evaluate(task: Task) -> tuple[int, int, Values]:
    """Run one candidate's replication and return its statistics.

    Parameters
    ----------
    task : Task
        The run.

    Returns
    -------
    tuple
        ``(trial, replication, found)``: ``found`` maps each statistic's name to
        (value, standard error): the survey's (when there is a codebook), and
        behavioural figures (``summary.<field>``) from the model's summary, with
        standard error 0, and order-log statistics (``orders.<statistic>``) of the
        run's focal orders, with their standard errors on the simulated log.
    """
    spec = task.spec
    model = ShopperModel(
        task.params,
        rng=replication_seed(task.seed, task.replication),
        record_orders=bool(spec.orders),
    )
    model.run(task.horizon)
    found: Values = {}
    if task.codebook is not None:
        answers = model.survey(task.codebook, task.respondents, task.design)
        cleaned = clean_survey(SurveyTable(data=answers, source="virtual survey"), task.codebook)
        targets = survey_targets(cleaned, task.codebook, source="virtual survey")
        found = {s.name: (s.value, s.se) for s in statistics(targets, list(task.constructs), spec)}
    summary = model.summary()
    for s in behavioural_statistics(spec):
        field_name = s.name.removeprefix("summary.")
        found[s.name] = (float(summary.get(field_name, float("nan"))), 0.0)
    if spec.orders:
        found.update(simulated_order_values(focal_orders(model), spec.orders))
    return task.trial, task.replication, found


def summary_fields(params: dict[str, Any]) -> list[str]:
    """The fields of the run summary a model with these parameters gives.

    A behavioural target must name one of them; the model runs for one day to find
    out (some fields, e.g. ``retention_90_<segment>``, depend on the parameters).

    Parameters
    ----------
    params : dict
        Model parameters (plain data).

    Returns
    -------
    list of str

    Examples
    --------
    >>> fields = summary_fields({"population": {"size": 200}})
    >>> "orders_per_buyer" in fields and "retention_90_young" in fields
    True
    """
    model = ShopperModel(params, rng=0)
    model.run(1)
    return list(model.summary())
