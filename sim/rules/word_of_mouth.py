"""Stage 7: promoters refer friends, detractors spread negative word of mouth; NPS.

Examples
--------
>>> import numpy as np
>>> ltr = likelihood_to_recommend(np.array([0.95, 0.7, 0.3]))
>>> ltr.tolist(), net_promoter_score(ltr, 9, 6)
([10, 7, 3], 0.0)
"""

from __future__ import annotations

import numpy as np

from sim.jit import kernel


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
    if ltr.size == 0:
        return float("nan")
    promoters = np.count_nonzero(ltr >= promoter_threshold)
    detractors = np.count_nonzero(ltr <= detractor_threshold)
    return float(100.0 * (promoters - detractors) / ltr.size)


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
        (the model keeps one, so that a day allocates nothing).

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
    mult = np.asarray(referral_mult, dtype=float).reshape(-1)
    if out is None:
        out = np.empty((customers.size, 2), dtype=np.float32)
    _customer_signals(
        customers,
        satisfaction,
        ltr,
        float(ltr_shift),
        float(ltr_scale),
        int(promoter_threshold),
        int(detractor_threshold),
        float(promoter_boost),
        mult,
        out,
    )
    return out[: customers.size]


@kernel
def _customer_signals(
    customers: np.ndarray,
    satisfaction: np.ndarray,
    ltr: np.ndarray,
    shift: float,
    scale: float,
    promoter_threshold: int,
    detractor_threshold: int,
    boost: float,
    mult: np.ndarray,
    out: np.ndarray,
) -> None:
    """Refresh ``ltr`` of each customer and write its two signals to ``out``, in one pass.

    ``mult`` holds one multiplier per shopper, or a single one for all. The
    referral weight is the float32 rounding of ``mult`` for a non-promoter and of
    ``(1 + boost)·mult`` (float64) for a promoter, as the docstring of
    :func:`customer_signals` says.
    """
    one_mult = mult.size == 1
    for k in range(customers.size):
        i = customers[k]
        answer = _ltr_of(satisfaction[i], shift, scale)
        ltr[i] = answer
        m = mult[0] if one_mult else mult[i]
        if answer >= promoter_threshold:
            out[k, 0] = np.float32((1.0 + boost) * m)
        else:
            out[k, 0] = np.float32(m)
        out[k, 1] = np.float32(1.0) if answer <= detractor_threshold else np.float32(0.0)
