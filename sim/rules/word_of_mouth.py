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


def likelihood_to_recommend(
    satisfaction: np.ndarray, *, shift: float = 0.0, scale: float = 10.0
) -> np.ndarray:
    """Answer to "how likely are you to recommend us?" on 0-10.

    Parameters
    ----------
    satisfaction : numpy.ndarray
        In [0, 1].
    shift, scale : float
        LTR = round(shift + scale·S), clipped to 0-10 (``accounting.ltr_shift``,
        ``accounting.ltr_scale``); the defaults give round(10·S). Calibrating them to
        a survey's promoter and detractor shares maps the model's satisfaction to
        how its shoppers would answer.

    Returns
    -------
    numpy.ndarray
        int8 answers.

    Examples
    --------
    >>> likelihood_to_recommend(np.array([0.0, 0.84, 0.85, 1.0])).tolist()
    [0, 8, 9, 10]
    >>> likelihood_to_recommend(np.array([0.5, 0.9]), shift=1.0).tolist()
    [6, 10]
    """
    raw = np.multiply(scale, satisfaction, dtype=float)
    raw += shift  # (a + b == b + a exactly: the order of shift + scale·S does not matter)
    raw += 1e-9
    np.rint(raw, out=raw)
    return np.clip(raw, 0, 10, out=raw).astype(np.int8)


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


def word_of_mouth_signals(
    active: np.ndarray,
    ltr: np.ndarray,
    *,
    promoter_threshold: int,
    detractor_threshold: int,
    promoter_boost: float,
    referral_mult: np.ndarray | float = 1.0,
) -> np.ndarray:
    """What each shopper says to friends, shape (N, 2): referral weight, detractor flag.

    Parameters
    ----------
    active : numpy.ndarray
        Boolean: current focal customer.
    ltr : numpy.ndarray
        Likelihood to recommend, 0-10.
    promoter_threshold, detractor_threshold : int
        NPS thresholds.
    promoter_boost : float
        Extra referral weight of a promoter.
    referral_mult : array or float, default 1.0
        Strategy multiplier on referrals (referral rewards).

    Returns
    -------
    numpy.ndarray
        float32, stored column by column. Column 0: active·(1 + boost·promoter)·mult
        (what a prospect's referral exposure sums); column 1: 1 for an active
        detractor, else 0.

    Examples
    --------
    >>> word_of_mouth_signals(np.array([True, True, False]), np.array([10, 3, 10]),
    ...                       promoter_threshold=9, detractor_threshold=6,
    ...                       promoter_boost=1.0).tolist()
    [[2.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    """
    # column by column (Fortran order): each signal's values contiguous
    signals = np.zeros((active.shape[0], 2), dtype=np.float32, order="F")
    # an active promoter says (1 + boost)·mult, another active shopper mult, the rest
    # 0: each as a product by 0 or 1 (exact), the two never both non-zero
    mult = np.asarray(referral_mult, dtype=float)
    promoter = np.logical_and(active, ltr >= promoter_threshold)
    referral = signals[:, 0]
    np.multiply(np.logical_xor(active, promoter), mult.astype(np.float32), out=referral)
    referral += np.multiply(promoter, ((1.0 + promoter_boost) * mult).astype(np.float32))
    np.logical_and(active, ltr <= detractor_threshold, out=signals[:, 1], casting="unsafe")
    return signals
