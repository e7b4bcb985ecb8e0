"""Stage 6: loyalty follows satisfaction through a non-linear curve; churn; win-back.

Loyalty and churn share this module because the churn hazard is where loyalty acts:
the more loyal a shopper, the lower their daily hazard of leaving.

Examples
--------
>>> import numpy as np
>>> target_loyalty(np.array([0.5, 0.75, 0.95]), midpoint=0.75, steepness=12).round(3).tolist()
[0.047, 0.5, 0.917]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import types
from numba.extending import overload

from sim.jit import kernel
from sim.params import Loyalty
from sim.rules.satisfaction import HeldChanges, lowered_by_detractors, with_deal_bonus

if TYPE_CHECKING:  # sim.shoppers imports this module
    from sim.shoppers import Shoppers


def target_loyalty(satisfaction: np.ndarray, midpoint: float, steepness: float) -> np.ndarray:
    """Loyalty a shopper's satisfaction supports: a logistic curve.

    Parameters
    ----------
    satisfaction : numpy.ndarray
        In [0, 1].
    midpoint : float
        Satisfaction giving loyalty 1/2.
    steepness : float
        Slope parameter k.

    Returns
    -------
    numpy.ndarray
        1 / (1 + exp(−k·(S − midpoint))).

    Notes
    -----
    With a high midpoint the curve is flat for the merely satisfied and steep at
    the top: only highly satisfied shoppers are truly loyal (Jones & Sasser 1995,
    "Why satisfied customers defect", HBR).

    Examples
    --------
    At the midpoint the target is 1/2; one unit of k·(S − midpoint) above it,
    1 / (1 + e⁻¹):

    >>> target_loyalty(np.array([0.5, 0.75]), midpoint=0.5, steepness=4.0).round(6).tolist()
    [0.5, 0.731059]
    """
    # the exponent and the logistic around numpy's exp are the kernels' (the model
    # fuses them into its passes over the shoppers; exp stays numpy's, for its bits)
    shape = np.shape(satisfaction)
    flat = np.asarray(satisfaction, dtype=float).ravel()
    curve = np.empty(flat.size)
    _curve_exponents(np.arange(flat.size), flat, midpoint, steepness, curve)
    np.exp(curve, out=curve)
    _curve_values(curve)
    return curve.reshape(shape)


@kernel
def _curve_exponent(satisfaction: float, midpoint: float, steepness: float) -> float:
    """The exponent −k·(S − midpoint) of :func:`target_loyalty`."""
    return -steepness * (satisfaction - midpoint)


@kernel
def _curve_value(exponential: float) -> float:
    """:func:`target_loyalty` from exp of its exponent: 1 / (1 + exp(−k·(S − midpoint)))."""
    return 1.0 / (1.0 + exponential)


@kernel
def _curve_exponents(
    who: np.ndarray, satisfaction: np.ndarray, midpoint: float, steepness: float, out: np.ndarray
) -> None:
    """Write :func:`_curve_exponent` of the shoppers ``who`` to ``out`` (by position)."""
    for k in range(who.size):
        out[k] = _curve_exponent(satisfaction[who[k]], midpoint, steepness)


@kernel
def _curve_values(exponentials: np.ndarray) -> None:
    """Turn exp of the exponents into :func:`target_loyalty`, in place."""
    for k in range(exponentials.size):
        exponentials[k] = _curve_value(exponentials[k])


def _lever_array(lever: np.ndarray | float, dtype: np.dtype | type) -> np.ndarray | np.generic:
    """A per-shopper lever as the kernels read it (:func:`_lever_at`).

    A scalar (or an array of one value, which broadcasts) becomes a numpy scalar
    of ``dtype``: the type numpy would give it in an expression with the
    per-shopper arrays (a Python float next to float32 arrays stays float32, NEP
    50), so the kernels compute in numpy's precision.
    """
    if isinstance(lever, np.ndarray) and lever.size > 1:
        return lever
    return np.dtype(dtype).type(np.ravel(lever)[0])


def _lever_at(lever: np.ndarray | float, i: int) -> float:
    """Shopper ``i``'s value of a lever from :func:`_lever_array` (a scalar: everyone's)."""
    return lever[i] if isinstance(lever, np.ndarray) else lever


# Compiled, _lever_at is chosen by the lever's type when a kernel is compiled: with a
# scalar lever (the usual case) the kernel's loop has no per-shopper choice left,
# which made the churn screen a fifth faster than one array for both cases.
# (No annotations on these three: Numba then finds the signatures differ.)
@overload(_lever_at)
def _lever_at_compiled(lever, i):
    if isinstance(lever, types.Array):

        def each(lever, i):
            return lever[i]

        return each

    def everyone(lever, i):
        return lever

    return everyone


@kernel
def _moved_loyalty(loyalty: float, target: float, growth_rate: float, decay_rate: float) -> float:
    """One shopper's loyalty after a day (see :func:`update_loyalty`)."""
    rate = growth_rate if target > loyalty else decay_rate
    return loyalty + rate * (target - loyalty)


@kernel
def _move_loyalty(
    who: np.ndarray,
    loyalty: np.ndarray,
    target: np.ndarray,
    growth_rate: float,
    decay_rate: float,
    decay_mult: np.ndarray,
) -> None:
    """Move the loyalty of the shoppers ``who`` toward ``target``, in place.

    The rule of :func:`update_loyalty`, shopper by shopper (:func:`_moved_loyalty`).
    """
    for k in range(who.size):
        i = who[k]
        decay = decay_rate * _lever_at(decay_mult, i)
        loyalty[i] = _moved_loyalty(loyalty[i], target[i], growth_rate, decay)


def update_loyalty(
    loyalty: np.ndarray,
    target: np.ndarray,
    params: Loyalty,
    *,
    decay_mult: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Move loyalty toward its target: faster or slower up than down.

    Parameters
    ----------
    loyalty, target : numpy.ndarray
        Current loyalty and the target from :func:`target_loyalty`, per shopper.
    params : Loyalty
        ``growth_rate`` (share of the gap closed per day when the target is above
        loyalty) and ``decay_rate`` (when it is below).
    decay_mult : array or float, default 1.0
        Strategy multiplier on the decay rate.

    Returns
    -------
    numpy.ndarray
        L + r·(target − L), r the growth rate or the (multiplied) decay rate.

    See Also
    --------
    screen_churn : the same move in place, for the model's active shoppers.

    Examples
    --------
    >>> rates = Loyalty(growth_rate=0.5, decay_rate=0.25)
    >>> update_loyalty(np.array([0.2, 0.8]), np.array([0.6, 0.4]), rates).round(12).tolist()
    [0.4, 0.7]
    """
    moved = np.array(loyalty, dtype=float)  # a copy, moved in place
    _move_loyalty(
        np.arange(moved.size),
        moved,
        np.broadcast_to(np.asarray(target, dtype=float), moved.shape),
        params.growth_rate,
        params.decay_rate,
        _lever_array(decay_mult, float),
    )
    return moved


def screen_churn(
    active: np.ndarray,
    draws: np.ndarray | None,
    shoppers: Shoppers,
    params: Loyalty,
    *,
    gap: float,
    decay_mult: np.ndarray | float = 1.0,
    churn_mult: np.ndarray | float = 1.0,
    out: np.ndarray,
    curve: np.ndarray,
    held: HeldChanges | None = None,
) -> np.ndarray:
    """Move the active shoppers' loyalty toward its target (in place); list who may churn.

    Two passes over the active shoppers around numpy's exp do the day's
    per-shopper steps: loyalty moves toward the target its satisfaction supports
    (:func:`target_loyalty`) as :func:`update_loyalty` moves it, and each
    shopper's churn draw is held against :func:`hazard_bound` (the frailty times
    the strategies' multiplier). Only the shoppers drawing below the bound can
    churn; their exact hazard (:func:`churn_hazard`, with the moved loyalty)
    decides. The first pass first applies the satisfaction changes ``held`` for it
    (:class:`sim.rules.satisfaction.HeldChanges`), shopper by shopper; the held
    bonuses of shoppers who are not active are added after it.

    Parameters
    ----------
    active : numpy.ndarray
        Indices of the active shoppers.
    draws : numpy.ndarray or None
        One uniform draw per active shopper; None: no churn (loyalty only).
    shoppers : Shoppers
        Their ``satisfaction`` and ``churn_frailty``, and ``loyalty`` (moved).
    params : Loyalty
        The curve (:func:`target_loyalty`), the rates (:func:`update_loyalty`) and
        the hazard (:func:`hazard_bound`).
    gap : float
        The largest price gap among the shoppers (:func:`hazard_bound`).
    decay_mult, churn_mult : array or float, default 1.0
        The strategies' levers, per shopper (N-size arrays) or for everyone.
    out, curve : numpy.ndarray
        Buffers of at least ``active.size`` entries, int64 and float64.
    held : HeldChanges, optional
        Satisfaction changes of the day still to apply (to ``shoppers.satisfaction``)
        before the curve reads it; applied, and held no more, on return.

    Returns
    -------
    numpy.ndarray
        Positions in ``active`` (and ``draws``) of the shoppers whose draw falls
        below the bound, ascending (a view of ``out``).

    Examples
    --------
    Loyalty moves halfway up to the target or a quarter of the way down; at the
    curve's midpoint the target is 1/2. Shopper 1 draws 0.005, below the bound
    0.01·(1 + 10⁻⁶); shopper 3 draws 0.02, above it:

    >>> from sim.params import ModelParams
    >>> from sim.shoppers import create_shoppers
    >>> sh = create_shoppers(ModelParams(population={"size": 4}), np.random.default_rng(0))
    >>> sh.loyalty[:] = [0.2, 0.8, 0.5, 0.5]
    >>> sh.satisfaction[:] = 0.75
    >>> sh.churn_frailty[:] = 1.0
    >>> lp = Loyalty(growth_rate=0.5, decay_rate=0.25, base_churn_hazard=0.01,
    ...              curve_midpoint=0.75)
    >>> near = screen_churn(np.array([0, 1, 3]), np.array([0.5, 0.005, 0.02]), sh, lp,
    ...                     gap=0.0, out=np.empty(4, dtype=np.int64), curve=np.empty(4))
    >>> near.tolist(), sh.loyalty.round(12).tolist()
    ([1], [0.35, 0.725, 0.5, 0.5])
    """
    exponentials = curve[: active.size]
    satisfaction = shoppers.satisfaction
    if held is None:
        held = HeldChanges(0)  # nothing held
    sums, ties, effect = held.take_hearing(active, satisfaction)
    rows_added = _held_curve_exponents(
        active,
        satisfaction,
        sums,
        ties,
        effect,
        held.rows if held.members.size else np.empty(0, dtype=np.int32),
        held.bonus,
        params.curve_midpoint,
        params.curve_steepness,
        exponentials,
    )
    held.apply(satisfaction, rows_added=rows_added)  # the members who are not active
    np.exp(exponentials, out=exponentials)
    frailty = shoppers.churn_frailty
    n = _screen_churn(
        active,
        np.empty(0) if draws is None else draws,
        shoppers.loyalty,
        exponentials,
        params.growth_rate,
        params.decay_rate,
        _lever_array(decay_mult, float),
        frailty,
        _lever_array(churn_mult, np.result_type(frailty.dtype, churn_mult)),
        float(hazard_bound(gap, params=params)),
        out,
    )
    return out[:n]


@kernel
def _held_curve_exponents(
    active: np.ndarray,
    satisfaction: np.ndarray,
    detractor_sums: np.ndarray,
    ties: np.ndarray,
    effect: float,
    rows: np.ndarray,
    bonus: float,
    midpoint: float,
    steepness: float,
    out: np.ndarray,
) -> int:
    """The first pass of :func:`screen_churn`: held satisfaction changes, then the exponents.

    Per active shopper, in the order the stages held them: detractors heard
    (:func:`sim.rules.satisfaction.lowered_by_detractors`; ``detractor_sums`` empty:
    none), then the shopper's bonus rows (:func:`sim.rules.satisfaction.with_deal_bonus`,
    its ``rows`` reset to 0; ``rows`` empty: none); then :func:`_curve_exponent` of the
    satisfaction to ``out`` (by position). Returns the bonus rows added.
    """
    hearing = detractor_sums.size > 0
    bonuses = rows.size > 0
    added = 0
    for k in range(active.size):
        i = active[k]
        s = satisfaction[i]
        if hearing:
            s = lowered_by_detractors(s, detractor_sums[i], ties[i], effect)
        if bonuses and rows[i]:
            s = with_deal_bonus(s, bonus, rows[i])
            added += rows[i]
            rows[i] = 0
        satisfaction[i] = s
        out[k] = _curve_exponent(s, midpoint, steepness)
    return added


@kernel
def _screen_churn(
    active: np.ndarray,
    draws: np.ndarray,
    loyalty: np.ndarray,
    exponentials: np.ndarray,
    growth_rate: float,
    decay_rate: float,
    decay_mult: np.ndarray,
    frailty: np.ndarray,
    churn_mult: np.ndarray,
    bound: float,
    out: np.ndarray,
) -> int:
    """Loyalty moves and churn screening of :func:`screen_churn`; the positions' count in ``out``.

    ``exponentials`` holds exp of each active shopper's curve exponent (by
    position). The bound of a shopper is ``bound * (frailty * churn_mult)``: the
    multiplier is formed first, in the lever's precision (float32 with a scalar
    lever), as :func:`hazard_bound` forms it from numpy arrays. No draws: loyalty
    only.
    """
    screen = draws.size > 0
    n = 0
    for k in range(active.size):
        i = active[k]
        target = _curve_value(exponentials[k])
        decay = decay_rate * _lever_at(decay_mult, i)
        loyalty[i] = _moved_loyalty(loyalty[i], target, growth_rate, decay)
        if screen:
            multiplier = frailty[i] * _lever_at(churn_mult, i)
            out[n] = k
            # branch-free: which shoppers pass is unpredictable, and a mispredicted
            # branch costs more than storing every position
            n += draws[k] < bound * multiplier
    return n


def price_gap(focal_price: np.ndarray | float, best_offer: float) -> np.ndarray:
    """Relative amount by which the focal price exceeds the best rival offer (0 if cheaper).

    ``best_offer`` is the lowest rival price of the day, deal days included
    (:func:`sim.rules.rival_deals.best_offer`).

    Examples
    --------
    >>> price_gap(np.array([1.0, 1.2]), 1.0).round(6).tolist()
    [0.0, 0.2]
    """
    return np.maximum(np.asarray(focal_price, dtype=float) / best_offer - 1.0, 0.0)


def churn_hazard(
    loyalty: np.ndarray,
    switching_cost: np.ndarray | float,
    price_sensitivity: np.ndarray,
    gap: np.ndarray | float,
    *,
    params: Loyalty,
    multiplier: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Daily churn hazard of active shoppers: a proportional-hazards model.

    Parameters
    ----------
    loyalty : numpy.ndarray
        Attitudinal loyalty L of each shopper, in [0, 1].
    switching_cost : array or float
        Switching cost SC of each shopper (points balance, tier perks; see
        ``Levers.switching_cost_add``), at least 0.
    price_sensitivity : numpy.ndarray
        Price sensitivity s of each shopper, in [0, 1].
    gap : array or float
        Relative amount g by which the shopper's focal price exceeds the best rival
        offer of the day (:func:`price_gap`; 0 when the focal platform is cheaper).
    params : Loyalty
        ``base_churn_hazard`` h₀ (1/day), ``loyalty_effect`` a_L,
        ``switching_cost_effect`` a_c and ``price_gap_effect`` a_p.
    multiplier : array or float, default 1.0
        Strategy multiplier on the hazard (``Levers.churn_mult``).

    Returns
    -------
    numpy.ndarray
        h = h₀·exp(−a_L·L − a_c·SC + a_p·s·g)·multiplier, per day.

    Notes
    -----
    A proportional-hazards form (Cox 1972): each covariate scales the baseline
    hazard h₀ of a shopper with no loyalty, no switching cost and no price gap.
    Loyalty lowers the hazard (the satisfaction → loyalty → retention chain; Jones
    & Sasser 1995), so does a switching cost (Burnham, Frels & Mahajan 2003), and a
    price gap raises it in proportion to the shopper's price sensitivity (source
    material: shoppers come to the platform for its prices). The probability of
    churning within the day is 1 − exp(−h) (:func:`event_probability`).

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. Journal of the Royal
    Statistical Society B 34(2), 187-220.
    Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. Harvard
    Business Review 73(6), 88-99.
    Burnham, T. A., Frels, J. K. & Mahajan, V. (2003). Consumer switching costs: a
    typology, antecedents, and consequences. Journal of the Academy of Marketing
    Science 31(2), 109-126.

    Examples
    --------
    A shopper with no loyalty, no switching cost and no price gap churns at the
    base hazard; full loyalty divides it by e^{a_L}, a 10% price gap raises it:

    >>> lp = Loyalty(base_churn_hazard=0.01, loyalty_effect=3.0, price_gap_effect=8.0)
    >>> h = churn_hazard(np.array([0.0, 1.0, 0.0]), 0.0, np.array([1.0, 1.0, 1.0]),
    ...                  np.array([0.0, 0.0, 0.1]), params=lp)
    >>> h.round(6).tolist()
    [0.01, 0.000498, 0.022255]
    """
    log_h = (
        -params.loyalty_effect * loyalty
        - params.switching_cost_effect * np.asarray(switching_cost)
        + params.price_gap_effect * price_sensitivity * np.asarray(gap)
    )
    return params.base_churn_hazard * np.exp(log_h) * multiplier


def hazard_bound(
    gap: float, *, params: Loyalty, multiplier: np.ndarray | float = 1.0
) -> np.ndarray | float:
    """An upper bound of :func:`churn_hazard` for shoppers whose price gap is at most ``gap``.

    Parameters
    ----------
    gap : float
        The largest price gap among the shoppers (:func:`price_gap`).
    params : Loyalty
        As for :func:`churn_hazard`.
    multiplier : array or float
        As for :func:`churn_hazard` (frailty times the strategies' multiplier).

    Returns
    -------
    numpy.ndarray or float
        h₀·exp(a_p·gap)·multiplier·(1 + 10⁻⁶): loyalty and switching cost are at
        least 0 and lower the hazard, price sensitivity is at most 1; the factor
        covers rounding (of a float32 multiplier too). A shopper whose uniform draw
        is at or above it cannot churn today (``event_probability`` ≤ hazard), so
        the exact hazard is needed only below it.

    Examples
    --------
    >>> lp = Loyalty(base_churn_hazard=0.01, loyalty_effect=3.0, price_gap_effect=8.0)
    >>> h = churn_hazard(np.array([0.0, 0.5]), 0.2, np.array([1.0, 0.3]), 0.1, params=lp)
    >>> bool(np.all(h <= hazard_bound(0.1, params=lp)))
    True
    """
    return (
        params.base_churn_hazard
        * np.exp(params.price_gap_effect * gap)
        * (1.0 + 1e-6)
        * (multiplier)
    )


def churn_risk(hazard: np.ndarray, horizon_days: int = 30) -> np.ndarray:
    """Probability of churning within ``horizon_days`` at the current hazard.

    Examples
    --------
    >>> churn_risk(np.array([0.0, np.log(2) / 30])).round(6).tolist()
    [0.0, 0.5]
    """
    return -np.expm1(-hazard * horizon_days)


def event_probability(hazard: np.ndarray | float) -> np.ndarray:
    """Probability of an event within one day at a constant hazard: 1 − exp(−h).

    Examples
    --------
    >>> event_probability(np.array([0.0, np.log(2)])).round(6).tolist()
    [0.0, 0.5]
    """
    return -np.expm1(-np.asarray(hazard, dtype=float))
