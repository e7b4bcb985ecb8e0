import numpy as np
import pytest

from sim.params import Satisfaction
from sim.rules import satisfaction


def test_disconfirmation_moves_satisfaction_and_expectations_adapt():
    params = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5, expectation_adaptation=0.2)
    s, e = satisfaction.update_satisfaction(
        np.array([0.6, 0.6]), np.array([0.5, 0.8]), np.array([0.7, 0.6]), params
    )
    # order 1: 0.7 + (0.7-0.5) = 0.9 -> S = 0.75; E = 0.8*0.5 + 0.2*0.7 = 0.54
    # order 2: 0.6 + (0.6-0.8) = 0.4 -> S = 0.5;  E = 0.8*0.8 + 0.2*0.6 = 0.76
    assert s.tolist() == pytest.approx([0.75, 0.5])
    assert e.tolist() == pytest.approx([0.54, 0.76])


def test_negative_word_of_mouth_lowers_satisfaction_down_to_zero():
    got = satisfaction.negative_word_of_mouth(np.array([0.5, 0.01]), np.array([0.5, 1.0]), 0.02)
    assert got.tolist() == pytest.approx([0.49, 0.0])
