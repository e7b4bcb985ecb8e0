"""Stage 2: active shoppers order at their daily rate.

Examples
--------
>>> import numpy as np
>>> order_probability(np.array([0.1, 1.0]), 1.0).round(4).tolist()
[0.0952, 0.6321]
"""

from __future__ import annotations

import numpy as np


def order_probability(rate: np.ndarray, multiplier: np.ndarray | float) -> np.ndarray:
    """Probability of at least one order today for a Poisson rate (orders/day).

    Parameters
    ----------
    rate : numpy.ndarray
        Daily purchase rate of each shopper.
    multiplier : array or float
        Strategy multiplier on the rate.

    Returns
    -------
    numpy.ndarray
        1 − exp(−rate·multiplier).
    """
    return -np.expm1(-rate * multiplier)
