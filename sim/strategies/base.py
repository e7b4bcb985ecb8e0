"""The strategy interface every retention strategy implements.

Examples
--------
>>> from sim.strategies.baseline import Baseline
>>> Baseline().kind
'baseline'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import Field

from sim.field_docs import numpydoc_parameters, with_parameters_section
from sim.priors import Prior, effect_prior
from sim.rules.accounting import StrategyCost
from sim.schema import Strict, field_range
from sim.strategies.targeting import Targeting

if TYPE_CHECKING:
    from sim.levers import Levers
    from sim.outcome import DayOutcome
    from sim.shoppers import Shoppers


class Strategy(Strict):
    """Base class of retention strategies.

    Subclasses declare ``kind`` as a ``Literal`` (the discriminator in configs),
    their parameters as fields (:func:`sim.schema.param`: meaning, unit, source,
    bounds), a one-line ``summary`` for the catalogue, and override the two hooks.
    A subclass's docstring gets a numpydoc "Parameters" section generated from its
    fields, so it says only what the fields do not (how the strategy works, why the
    defaults, what it costs) and must not describe the parameters by hand.

    Hooks
    -----
    pull(levers, shoppers, day, mask)
        Before the day's rules: adjust the levers for the reached shoppers
        (``mask``: boolean array, or None for everyone).
    settle(outcome, shoppers, mask) -> StrategyCost
        After the day's rules: update the strategy's own shopper state (points,
        say) and return the day's cost in CNY as a
        :class:`sim.rules.accounting.StrategyCost`: its total, what of it was paid
        for which shopper (what the cost formula is based on: their order, their
        redemption, serving them), and the part that belongs to no shopper (a fixed
        daily cost), which is never spread over shoppers by assumption.
    """

    kind: str
    #: Effect-size fields and the value at which each has no effect (0 for a
    #: reduction, 1 for a multiplier): each gets a default prior, see :meth:`priors`.
    effects: ClassVar[dict[str, float]] = {}
    target: Targeting = Field(
        default_factory=Targeting,
        description="Who is reached: everyone (the default), segments, value tiers or the "
        "shoppers at risk of churning (see sim.strategies.targeting.Targeting).",
    )
    summary: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Put the "Parameters" section generated from the fields into the docstring."""
        super().__pydantic_init_subclass__(**kwargs)
        section = numpydoc_parameters(cls, skip=("kind",), last=("target",))
        cls.__doc__ = with_parameters_section(cls.__dict__.get("__doc__"), section)

    @classmethod
    def priors(cls) -> dict[str, Prior]:
        """Default priors of the effect sizes (``effects``), by field name.

        Each is :func:`sim.priors.effect_prior` of the field's default: from no effect
        to twice the default effect, clipped to the allowed range. An experiment uses
        them with ``strategy_priors: true``.

        Returns
        -------
        dict
            Field name -> prior (empty for a strategy without effect sizes).

        Examples
        --------
        >>> from sim.strategies.recommendation import Recommendation
        >>> Recommendation.priors()["purchase_rate_mult"].describe()
        'triangular(low 1, mode 1.1, high 1.2)'
        """
        return {
            name: effect_prior(
                cls.model_fields[name].default, neutral=neutral, **field_range(cls, name)
            )
            for name, neutral in cls.effects.items()
        }

    def max_price_discount(self) -> float:
        """The largest share of a focal order's price this strategy can take off.

        The model stops when the discounts of the strategies on one order reach 100%,
        so :class:`sim.params.ModelParams` refuses strategies whose largest discounts
        add up to that, before any run.

        Returns
        -------
        float
            In [0, 1); 0 (the default) for a strategy that gives no price discount.

        Examples
        --------
        >>> from sim.strategies.coupons import Coupons
        >>> Coupons(discount=0.3).max_price_discount()
        0.3
        """
        return 0.0

    def pull(self, levers: Levers, shoppers: Shoppers, day: int, mask: np.ndarray | None) -> None:
        """Adjust the day's levers (default: nothing)."""

    def settle(
        self, outcome: DayOutcome, shoppers: Shoppers, mask: np.ndarray | None
    ) -> StrategyCost:
        """Book the day's cost in CNY, per shopper it was paid for (default: nothing)."""
        return StrategyCost.nothing()


def reached(indices: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The subset of ``indices`` (shopper ids) that the strategy reaches.

    Parameters
    ----------
    indices : numpy.ndarray
        Shopper ids.
    mask : numpy.ndarray or None
        Boolean mask over all shoppers; None reaches everyone.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> reached(np.array([0, 2, 3]), np.array([True, False, False, True])).tolist()
    [0, 3]
    """
    return indices if mask is None else indices[mask[indices]]


def reached_mask(size: int, mask: np.ndarray | None) -> np.ndarray:
    """The reach as a boolean array over all ``size`` shoppers (None: everyone).

    Examples
    --------
    >>> reached_mask(3, None).tolist()
    [True, True, True]
    """
    return np.ones(size, dtype=bool) if mask is None else mask


def reached_order_values(outcome: DayOutcome, mask: np.ndarray | None) -> np.ndarray:
    """Gross values (CNY) of today's focal orders placed by reached shoppers.

    Examples
    --------
    >>> from sim.outcome import DayOutcome
    >>> day = DayOutcome(day=0, focal_shoppers=np.array([0, 2]),
    ...                  focal_values=np.array([10.0, 30.0]))
    >>> reached_order_values(day, np.array([False, False, True])).tolist()
    [30.0]
    """
    if mask is None:
        return outcome.focal_values
    return outcome.focal_values[mask[outcome.focal_shoppers]]


def reached_active(shoppers: Shoppers, mask: np.ndarray | None) -> np.ndarray:
    """Ids of the reached shoppers who are current focal customers (active or won back).

    Examples
    --------
    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> from sim.states import ACTIVE
    >>> shoppers = create_shoppers(ModelParams(population={"size": 3}), np.random.default_rng(0))
    >>> shoppers.state[:2] = ACTIVE
    >>> reached_active(shoppers, np.array([False, True, True])).tolist()
    [1]
    """
    active = shoppers.active_mask()
    return np.flatnonzero(active if mask is None else active & mask)
