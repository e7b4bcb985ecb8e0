"""Stage 5: satisfaction by expectation-disconfirmation; expectations adapt.

Examples
--------
>>> import numpy as np
>>> from sim.params import Satisfaction
>>> weights = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5,
...                        expectation_adaptation=0.5)
>>> s, e = update_satisfaction(np.array([0.5]), np.array([0.6]), np.array([0.8]), weights)
>>> round(float(s[0]), 6), round(float(e[0]), 6)
(0.75, 0.7)
"""

from __future__ import annotations

import numpy as np

from sim.params import Satisfaction


def transaction_satisfaction(
    performance: np.ndarray, expectation: np.ndarray, disconfirmation_weight: float
) -> np.ndarray:
    """Satisfaction with one order: performance plus weighted disconfirmation, in [0, 1].

    Parameters
    ----------
    performance, expectation : numpy.ndarray
        Perceived performance and the expectation held before the order.
    disconfirmation_weight : float
        Weight κ of disconfirmation (performance − expectation).

    Returns
    -------
    numpy.ndarray
        clip(perf + κ·(perf − expectation), 0, 1).

    References
    ----------
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
    satisfaction decisions. Journal of Marketing Research 17(4), 460-469.
    Churchill, G. A. & Surprenant, C. (1982). An investigation into the determinants
    of customer satisfaction. Journal of Marketing Research 19(4), 491-504.

    Examples
    --------
    >>> round(float(transaction_satisfaction(np.array([0.5]), np.array([0.7]), 1.0)[0]), 12)
    0.3
    """
    return np.clip(performance + disconfirmation_weight * (performance - expectation), 0.0, 1.0)


def update_satisfaction(
    satisfaction: np.ndarray,
    expectation: np.ndarray,
    performance: np.ndarray,
    params: Satisfaction,
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative satisfaction and the new expectation after an order.

    Parameters
    ----------
    satisfaction, expectation, performance : numpy.ndarray
        Before the order, per ordering shopper.
    params : Satisfaction
        ``disconfirmation_weight`` κ (see :func:`transaction_satisfaction`);
        ``learning_rate`` λ, the weight of the latest order: S ← (1 − λ)·S + λ·s;
        ``expectation_adaptation`` η, the weight of the latest performance:
        E ← (1 − η)·E + η·perf.

    Returns
    -------
    satisfaction, expectation : numpy.ndarray
    """
    s = transaction_satisfaction(performance, expectation, params.disconfirmation_weight)
    rate, adapt = params.learning_rate, params.expectation_adaptation
    new_satisfaction = (1.0 - rate) * satisfaction + rate * s
    new_expectation = (1.0 - adapt) * expectation
    new_expectation = new_expectation + adapt * performance
    return new_satisfaction, new_expectation


def negative_word_of_mouth(
    satisfaction: np.ndarray, detractor_share: np.ndarray | float, effect: float
) -> np.ndarray:
    """Satisfaction after a day of hearing detractor friends, in [0, 1].

    Examples
    --------
    >>> negative_word_of_mouth(np.array([0.5, 0.01]), np.array([0.5, 1.0]), 0.02).tolist()
    [0.49, 0.0]
    """
    return np.maximum(satisfaction - effect * np.asarray(detractor_share), 0.0)
