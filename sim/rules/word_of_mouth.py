"""Stage 7: promoters refer friends, detractors spread negative word of mouth; NPS.

Examples
--------
>>> import numpy as np
>>> ltr = likelihood_to_recommend(np.array([0.95, 0.7, 0.3]))
>>> ltr.tolist(), net_promoter_score(ltr, 9, 6)
([10, 7, 3], 0.0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.jit import kernel, one_or_each
from sim.network import _note_extent

if TYPE_CHECKING:
    from sim.network import NeighbourExposure


def likelihood_to_recommend(
    satisfaction: np.ndarray, *, shift: float = 0.0, scale: float = 10.0
) -> np.ndarray:
    """Answer to "how likely are you to recommend us?" on 0-10.

    Parameters
    ----------
    satisfaction : numpy.ndarray
        In [0, 1], one-dimensional.
    shift, scale : float
        LTR = round(shift + scale·S), clipped to 0-10 (``accounting.ltr_shift``,
        ``accounting.ltr_scale``); the defaults give round(10·S). Calibrating them to
        a survey's promoter and detractor shares maps the model's satisfaction to
        how its shoppers would answer.

    Returns
    -------
    numpy.ndarray
        int8 answers.

    Notes
    -----
    Computed in float64 as rint(scale·S + shift + 10⁻⁹) (the 10⁻⁹ rounds a value
    that should be an exact half up, against its binary representation).

    Examples
    --------
    >>> likelihood_to_recommend(np.array([0.0, 0.84, 0.85, 1.0])).tolist()
    [0, 8, 9, 10]
    >>> likelihood_to_recommend(np.array([0.5, 0.9]), shift=1.0).tolist()
    [6, 10]
    """
    satisfaction = np.asarray(satisfaction)
    return _ltr_all(satisfaction.reshape(-1), float(shift), float(scale)).reshape(
        satisfaction.shape
    )


@kernel
def _ltr_of(satisfaction: float, shift: float, scale: float) -> np.int8:
    """One shopper's likelihood to recommend: rint(scale·S + shift + 10⁻⁹) in float64, in 0-10.

    The float64 steps are those of the array code this replaces, in its order
    (``scale·S``, then ``+ shift``, then ``+ 1e-9``); rint is exact.
    """
    raw = scale * np.float64(satisfaction)
    raw = raw + shift
    raw = raw + 1e-9
    return np.int8(min(max(np.rint(raw), 0.0), 10.0))


@kernel
def _ltr_all(satisfaction: np.ndarray, shift: float, scale: float) -> np.ndarray:
    """:func:`_ltr_of` of every entry of a one-dimensional array."""
    out = np.empty(satisfaction.size, np.int8)
    for i in range(satisfaction.size):
        out[i] = _ltr_of(satisfaction[i], shift, scale)
    return out


def net_promoter_score(ltr: np.ndarray, promoter_threshold: int, detractor_threshold: int) -> float:
    """NPS: percent promoters minus percent detractors (NaN with nobody to ask).

    Parameters
    ----------
    ltr : numpy.ndarray
        Likelihood-to-recommend answers, 0-10.
    promoter_threshold, detractor_threshold : int
        Promoters answer at least the first, detractors at most the second
        (9 and 6 in Reichheld 2003).

    Returns
    -------
    float
        In [−100, 100].

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46-54.
    """
    promoters = np.count_nonzero(ltr >= promoter_threshold)
    detractors = np.count_nonzero(ltr <= detractor_threshold)
    return score_of_counts(promoters, detractors, ltr.size)


def score_of_counts(promoters: int, detractors: int, asked: int) -> float:
    """NPS from the counts: percent promoters minus percent detractors (NaN if none asked).

    The formula of :func:`net_promoter_score`, for a caller who has counted the
    promoters and detractors already.

    Parameters
    ----------
    promoters, detractors : int
        How many of those asked are promoters and detractors.
    asked : int
        How many answered.

    Returns
    -------
    float
        In [−100, 100].

    Examples
    --------
    >>> score_of_counts(3, 1, 5), score_of_counts(0, 0, 0)
    (40.0, nan)
    """
    if asked == 0:
        return float("nan")
    return float(100.0 * (promoters - detractors) / asked)


def customer_signals(
    customers: np.ndarray,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    *,
    ltr_shift: float,
    ltr_scale: float,
    promoter_threshold: int,
    detractor_threshold: int,
    promoter_boost: float,
    referral_mult: np.ndarray | float = 1.0,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Refresh the customers' likelihood to recommend and say what each tells friends.

    Everyone else says nothing (both signals 0): only current customers refer or
    spread negative word of mouth.

    Parameters
    ----------
    customers : numpy.ndarray
        Ids of the current focal customers.
    satisfaction : numpy.ndarray
        Satisfaction of every shopper, in [0, 1].
    ltr : numpy.ndarray
        Likelihood to recommend of every shopper (int8, 0-10); the customers'
        entries are set to :func:`likelihood_to_recommend` of their satisfaction
        (with ``ltr_shift`` and ``ltr_scale``), in place.
    ltr_shift, ltr_scale : float
        As ``shift`` and ``scale`` of :func:`likelihood_to_recommend`.
    promoter_threshold, detractor_threshold : int
        NPS thresholds: a promoter's LTR is at least the first, a detractor's at
        most the second.
    promoter_boost : float
        Extra referral weight of a promoter.
    referral_mult : array or float, default 1.0
        Strategy multiplier on referrals (referral rewards), per shopper or for all.
    out : numpy.ndarray, optional
        A float32 buffer of shape (at least ``customers.size``, 2) to write into
        (to reuse one across calls).

    Returns
    -------
    numpy.ndarray
        float32, shape (``customers.size``, 2), row ``k`` for ``customers[k]``.
        Column 0, the referral weight: (1 + boost·promoter)·mult, computed in
        float64 and rounded to float32 (what a prospect's referral exposure sums);
        column 1: 1 for a detractor, else 0.

    Examples
    --------
    >>> ltr = np.zeros(4, dtype=np.int8)
    >>> customer_signals(np.array([0, 1, 3]), np.array([1.0, 0.3, 0.9, 0.75]), ltr,
    ...                  ltr_shift=0.0, ltr_scale=10.0, promoter_threshold=9,
    ...                  detractor_threshold=6, promoter_boost=1.0).tolist()
    [[2.0, 0.0], [1.0, 1.0], [1.0, 0.0]]
    >>> ltr.tolist()  # shopper 2 is not a customer: not refreshed
    [10, 3, 0, 8]
    """
    if out is None:
        out = np.empty((customers.size, 2), dtype=np.float32)
    rule = _rule((ltr_shift, ltr_scale), (promoter_threshold, detractor_threshold), promoter_boost)
    _customer_signals(customers, satisfaction, ltr, rule, one_or_each(referral_mult), out)
    return out[: customers.size]


def _rule(
    ltr_map: tuple[float, float], thresholds: tuple[int, int], boost: float
) -> tuple[float, float, int, int, float]:
    """The signal rule's settings as the kernels take them (see :func:`_signal_of`).

    ``ltr_map`` is (LTR shift, LTR scale), ``thresholds`` (promoter, detractor).
    """
    (shift, scale), (promoter_threshold, detractor_threshold) = ltr_map, thresholds
    return (
        float(shift),
        float(scale),
        int(promoter_threshold),
        int(detractor_threshold),
        float(boost),
    )


@kernel
def _customer_signals(
    customers: np.ndarray,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    rule: tuple[float, float, int, int, float],
    mult: np.ndarray,
    out: np.ndarray,
) -> None:
    """Refresh ``ltr`` of each customer and write its two signals to ``out``, in one pass.

    Each customer's by :func:`_signal_of`, as the docstring of
    :func:`customer_signals` says.
    """
    for k in range(customers.size):
        out[k, 0], out[k, 1] = _signal_of(customers[k], satisfaction, ltr, rule, mult)


@kernel
def _signal_of(
    i: int,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    rule: tuple[float, float, int, int, float],
    mult: np.ndarray,
) -> tuple[np.float32, np.float32]:
    """Refresh ``ltr[i]`` and return customer ``i``'s (referral weight, detractor flag).

    The rule of :func:`customer_signals` for one customer, with ``rule`` =
    (LTR shift, LTR scale, promoter threshold, detractor threshold, promoter
    boost): the referral weight is the float32 rounding of ``mult`` for a
    non-promoter and of ``(1 + boost)·mult`` (float64) for a promoter; ``mult``
    holds one multiplier per shopper, or a single one for all.
    """
    shift, scale, promoter_threshold, detractor_threshold, boost = rule
    answer = _ltr_of(satisfaction[i], shift, scale)
    ltr[i] = answer
    m = mult[0] if mult.size == 1 else mult[i]
    if answer >= promoter_threshold:
        referral = np.float32((1.0 + boost) * m)
    else:
        referral = np.float32(m)
    detractor = np.float32(1.0) if answer <= detractor_threshold else np.float32(0.0)
    return referral, detractor


def publish_customer_signals(
    exposure: NeighbourExposure,
    customers: np.ndarray,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    *,
    ltr_shift: float,
    ltr_scale: float,
    promoter_threshold: int,
    detractor_threshold: int,
    promoter_boost: float,
    referral_mult: np.ndarray | float = 1.0,
) -> tuple[int, int]:
    """Refresh the customers' likelihood to recommend and publish what each tells friends.

    The same as ``exposure.publish(customers, customer_signals(customers, ...))``
    with the same keywords, in one pass: each customer's signals are made
    (:func:`customer_signals`' rule) and stored at once, with no buffer between
    (:meth:`~sim.network.NeighbourExposure.publish_by`).

    Parameters
    ----------
    exposure : NeighbourExposure
        Width 2: the referral weight and the detractor flag.
    customers : numpy.ndarray
        Ids of the current focal customers, strictly ascending; everyone else
        says nothing.
    satisfaction, ltr, ltr_shift, ltr_scale, promoter_threshold, \
detractor_threshold, promoter_boost, referral_mult
        As for :func:`customer_signals` (``ltr`` is refreshed in place).

    Returns
    -------
    tuple of int
        How many of the customers are promoters and detractors now (counted as
        the walk refreshes their answers; :func:`score_of_counts` makes the NPS).

    Examples
    --------
    >>> from sim.network import NeighbourExposure, from_edges
    >>> exposure = NeighbourExposure(from_edges(3, np.array([0, 1]), np.array([1, 2])), 2)
    >>> ltr = np.zeros(3, dtype=np.int8)
    >>> publish_customer_signals(exposure, np.array([0, 2]), np.array([1.0, 0.5, 0.3]), ltr,
    ...                          ltr_shift=0.0, ltr_scale=10.0, promoter_threshold=9,
    ...                          detractor_threshold=6, promoter_boost=1.0)
    (1, 1)
    >>> ltr.tolist(), exposure.share(np.array([1])).tolist()
    ([10, 0, 3], [[1.5, 0.5]])
    """
    answers = np.zeros(2, dtype=np.int64)
    exposure.publish_by(
        _store_customer_signals,
        customers,
        satisfaction,
        ltr,
        _rule((ltr_shift, ltr_scale), (promoter_threshold, detractor_threshold), promoter_boost),
        one_or_each(referral_mult),
        answers,
    )
    return int(answers[0]), int(answers[1])


@kernel
def _store_customer_signals(
    customers: np.ndarray,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    rule: tuple[float, float, int, int, float],
    mult: np.ndarray,
    answers: np.ndarray,
    listed: np.ndarray,
    mark: np.ndarray,
    parity: int,
    stored: np.ndarray,
    changed: np.ndarray,
    changes: np.ndarray,
    extent: np.ndarray,
) -> int:
    """The store kernel of :func:`publish_customer_signals` (see ``NeighbourExposure.publish_by``).

    :func:`sim.network._store_signals` for width 2, with each customer's signals
    made by :func:`_signal_of` as the walk reaches it (written out here, not
    through shared helpers: a kernel called with arrays is not inlined, and the
    calls tripled the walk's time). Adds the numbers of promoters and detractors
    among the customers to ``answers`` (counted here, where each answer is made,
    rather than in another pass over the customers). Returns the number of
    changed customers.
    """
    n_changed = 0
    previous = -1
    promoter_threshold = rule[2]
    promoters, detractors = 0, 0
    for k in range(customers.size):
        shopper = customers[k]
        if shopper <= previous or shopper >= stored.shape[0]:
            raise ValueError("publish: the speakers must be shopper ids in ascending order")
        previous = shopper
        i = np.uint64(shopper)  # unsigned: Numba skips its negative-index test (walk ~15% faster)
        mark[i] = parity
        listed[k] = shopper
        referral, detractor = _signal_of(i, satisfaction, ltr, rule, mult)
        promoters += 1 if ltr[i] >= promoter_threshold else 0
        detractors += 1 if detractor == 1.0 else 0  # the detractor flag is 1 or 0
        if referral == stored[i, 0] and detractor == stored[i, 1]:
            continue
        if changed.size > 0:  # else fully mixed: nothing to propagate
            changes[n_changed, 0] = np.float64(referral) - np.float64(stored[i, 0])
            changes[n_changed, 1] = np.float64(detractor) - np.float64(stored[i, 1])
            changed[n_changed] = shopper
            n_changed += 1
            _note_extent(referral, extent)
            _note_extent(detractor, extent)
        stored[i, 0] = referral
        stored[i, 1] = detractor
    answers[0] += promoters
    answers[1] += detractors
    return n_changed
