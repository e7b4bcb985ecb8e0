import math

import numpy as np
import pytest

from sim.rules import purchase


def test_order_probability_is_poisson_at_least_one():
    got = purchase.order_probability(np.array([0.05, 0.5]), np.array([1.0, 2.0]))
    assert got.tolist() == pytest.approx([1 - math.exp(-0.05), 1 - math.exp(-1.0)])
