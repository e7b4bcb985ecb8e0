"""The virtual survey: the model's shoppers answer a real questionnaire.

A codebook (``survey.codebook.Codebook``, or anything shaped like it) names the
constructs, their items, the answer scale and the reverse-coded items. Each
construct is mapped to a latent the model carries (satisfaction, loyalty, perceived
quality, ...), and each item's answer is the latent seen through a loading, item
noise and the scale's thresholds:

    y* = μ + λ·(η − μ) + σ·ε,   answer = min + round(clip(y*, 0, 1)·(max − min))

where η ∈ [0, 1] is the respondent's latent, μ its mean over the sample, λ the
loading, σ the item noise and ε standard normal; the scale's categories are equally
spaced thresholds on [0, 1]. Reverse-coded items are stored reversed
(min + max − answer), as a real questionnaire would hold them. The result has the
shape of a real survey file, so :mod:`survey` analyses both the same way.

Examples
--------
>>> from types import SimpleNamespace as NS
>>> from sim import ShopperModel
>>> cb = NS(scale=NS(min=1, max=10), segments=[],
...         constructs={"Satisfaction": NS(item_names=["S1", "S2"], reverse=[], scale=None)})
>>> model = ShopperModel({"population": {"size": 3000, "initial_active_share": 0.5}}, rng=1)
>>> model.run(30)
>>> answers = model.survey(cb, n=200)
>>> list(answers.columns), len(answers)
(['respondent', 'segment', 'S1', 'S2'], 200)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
from pydantic import Field

from sim.errors import ParameterError
from sim.schema import Strict
from sim.states import CHURNED, NEVER

if TYPE_CHECKING:
    from sim.model import ShopperModel


class ScaleLike(Protocol):
    """An answer scale: lowest and highest code."""

    min: float
    max: float


class ConstructLike(Protocol):
    """A construct of a codebook."""

    item_names: list[str]
    reverse: list[str]
    scale: ScaleLike | None


class CodebookLike(Protocol):
    """What the virtual survey needs of a codebook."""

    scale: ScaleLike
    constructs: Mapping[str, ConstructLike]
    segments: list[str]


def _value(model: ShopperModel, who: np.ndarray) -> np.ndarray:
    """Perceived value: perceived quality scaled by the focal price advantage."""
    sh = model.shoppers
    advantage = 1.0 / model.focal.price_index - 1.0
    return np.clip(sh.perceived_quality[who] * (1.0 + sh.price_sensitivity[who] * advantage), 0, 1)


def _complaint_handling(model: ShopperModel, who: np.ndarray) -> np.ndarray:
    """Satisfaction with complaint handling: Laplace-smoothed share of complaints resolved."""
    sh = model.shoppers
    return (sh.complaints_resolved[who] + 1.0) / (sh.complaints[who] + 2.0)


#: Latents the model carries, each a function (model, shopper ids) -> values in [0, 1].
LATENTS: dict[str, Callable[[ShopperModel, np.ndarray], np.ndarray]] = {
    "satisfaction": lambda m, who: m.shoppers.satisfaction[who],
    "loyalty": lambda m, who: m.shoppers.loyalty[who],
    "perceived_quality": lambda m, who: m.shoppers.perceived_quality[who],
    "perceived_value": _value,
    "expectations": lambda m, who: m.shoppers.quality_expectation[who],
    "complaint_handling": _complaint_handling,
    "price_sensitivity": lambda m, who: m.shoppers.price_sensitivity[who],
    "referral_intention": lambda m, who: m.ltr[who] / 10.0,
}

#: Construct-name patterns recognised without an explicit mapping.
_DEFAULT_MAPPING = (
    (r"satisf", "satisfaction"),
    (r"loyal", "loyalty"),
    (r"quality", "perceived_quality"),
    (r"value", "perceived_value"),
    (r"expect", "expectations"),
    (r"complain", "complaint_handling"),
    (r"price", "price_sensitivity"),
    (r"refer|recommend|promot", "referral_intention"),
)


class SurveyDesign(Strict):
    """How the virtual survey maps the model's latents to answers.

    Attributes
    ----------
    mapping : dict
        Construct name -> latent name (``LATENTS``). Constructs not named here are
        mapped by their name (``Satisfaction`` -> satisfaction, ``Quality`` ->
        perceived_quality, ...); constructs the model does not carry (e.g. Image)
        are left out of the answers.
    loading : float
        λ: how much of the latent's spread reaches an item. Default 1.
    item_noise : float
        σ: item noise on the [0, 1] latent scale. Default 0.1 (to be calibrated).
    churned_within_days : int
        Churned shoppers are reachable for this many days after churning (a panel
        reaches recent customers). Default 90.
    """

    mapping: dict[str, str] = Field(default_factory=dict)
    loading: float = Field(1.0, gt=0, le=2, description="Item loading λ (-).")
    item_noise: float = Field(0.1, ge=0, le=1, description="Item noise σ on [0, 1] (-).")
    churned_within_days: int = Field(90, ge=0, description="Reach of churned shoppers (days).")


def resolve_mapping(constructs: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """Construct -> latent, from an explicit mapping and the default name patterns.

    Parameters
    ----------
    constructs : list of str
        The codebook's construct names.
    mapping : Mapping
        Explicit choices; a value must be a key of ``LATENTS``.

    Returns
    -------
    dict
        Only the constructs the model can answer.

    Raises
    ------
    ParameterError
        For an unknown construct or latent, naming the allowed ones.

    Examples
    --------
    >>> resolve_mapping(["Image", "Satisfaction", "Loyalty"], {})
    {'Satisfaction': 'satisfaction', 'Loyalty': 'loyalty'}
    """
    unknown = sorted(set(mapping) - set(constructs))
    if unknown:
        raise ParameterError(
            f"survey mapping names unknown construct(s) {unknown}; the codebook has {constructs}"
        )
    resolved = {}
    for name in constructs:
        latent = mapping.get(name)
        if latent is None:
            latent = next(
                (lat for pat, lat in _DEFAULT_MAPPING if re.search(pat, name, re.I)), None
            )
        if latent is None:
            continue
        if latent not in LATENTS:
            raise ParameterError(
                f"survey mapping: construct {name!r} -> unknown latent {latent!r}; "
                f"allowed: {sorted(LATENTS)}"
            )
        resolved[name] = latent
    return resolved


def reachable(model: ShopperModel, churned_within_days: int) -> np.ndarray:
    """Shopper ids a panel reaches: active customers and recently churned ones.

    Examples
    --------
    >>> from sim import ShopperModel
    >>> m = ShopperModel({"population": {"size": 100, "initial_active_share": 0.2}}, rng=0)
    >>> reachable(m, 90).size
    20
    """
    sh = model.shoppers
    today = model.steps - 1
    recent = (sh.state == CHURNED) & (sh.churned_day != NEVER)
    recent &= today - _last_churn(sh) <= churned_within_days
    return np.flatnonzero(sh.active_mask() | recent)


def _last_churn(shoppers: Any) -> np.ndarray:
    # churned_day keeps the first churn; for a shopper churned again after a win-back
    # the last order day is the better proxy of when they left
    return np.maximum(shoppers.churned_day, shoppers.last_order_day)


def likert(
    latent: np.ndarray,
    low: float,
    high: float,
    n_items: int,
    design: SurveyDesign,
    rng: np.random.Generator,
) -> np.ndarray:
    """Answers of each respondent to ``n_items`` items measuring one latent.

    Parameters
    ----------
    latent : numpy.ndarray
        η per respondent, in [0, 1].
    low, high : float
        Lowest and highest answer code.
    n_items : int
        Items of the construct.
    design : SurveyDesign
        Loading and item noise.
    rng : numpy.random.Generator
        Item noise draws.

    Returns
    -------
    numpy.ndarray
        Shape (respondents, n_items), integer codes in [low, high].

    Examples
    --------
    >>> d = SurveyDesign(item_noise=0.0)
    >>> likert(np.array([0.0, 0.5, 1.0]), 1, 5, 2, d, np.random.default_rng(0)).tolist()
    [[1.0, 1.0], [3.0, 3.0], [5.0, 5.0]]
    """
    mu = latent.mean() if latent.size else 0.0
    noise = design.item_noise * rng.standard_normal((latent.size, n_items))
    star = mu + design.loading * (latent - mu)[:, None] + noise
    return low + np.rint(np.clip(star, 0.0, 1.0) * (high - low))


def administer(
    model: ShopperModel,
    codebook: CodebookLike,
    n: int,
    design: SurveyDesign | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Sample ``n`` reachable shoppers and record their answers to the codebook's items.

    Parameters
    ----------
    model : ShopperModel
        The model, at the day of the survey.
    codebook : CodebookLike
        Constructs, items, scale, reverse-coded items, segment columns.
    n : int
        Respondents (all reachable shoppers if fewer are reachable).
    design : SurveyDesign, optional
        Mapping, loading, item noise, reach.
    seed : int
        Survey wave: the sample and the item noise come from a stream spawned from
        the model's seed and this number, so a survey does not disturb the run.

    Returns
    -------
    pandas.DataFrame
        ``respondent`` (shopper id), the segment column(s) (the codebook's first
        segment column, else ``segment``), then every item of every construct the
        model carries, as numeric codes.

    Raises
    ------
    ParameterError
        If nobody is reachable or the mapping is invalid.
    """
    design = design or SurveyDesign()
    mapping = resolve_mapping(list(codebook.constructs), design.mapping)
    if not mapping:
        raise ParameterError(
            f"none of the codebook's constructs {list(codebook.constructs)} is one the model "
            f"carries; map them with the survey design's 'mapping' to one of {sorted(LATENTS)}"
        )
    pool = reachable(model, design.churned_within_days)
    if pool.size == 0:
        raise ParameterError(
            "nobody to survey: the model has no active or recently churned shopper"
        )
    rng = model.survey_rng(seed)
    who = np.sort(rng.choice(pool, size=min(n, pool.size), replace=False))
    segment_column = codebook.segments[0] if codebook.segments else "segment"
    names = np.array(model.segment_names)
    columns: dict[str, Any] = {
        "respondent": who,
        segment_column: names[model.shoppers.segment[who]],
    }
    for construct, latent_name in mapping.items():
        spec = codebook.constructs[construct]
        scale = spec.scale or codebook.scale
        items = list(spec.item_names)
        answers = likert(
            LATENTS[latent_name](model, who), scale.min, scale.max, len(items), design, rng
        )
        for k, item in enumerate(items):
            code = answers[:, k]
            columns[item] = scale.min + scale.max - code if item in spec.reverse else code
    return pd.DataFrame(columns)
