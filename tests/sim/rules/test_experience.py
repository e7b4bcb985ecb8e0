import numpy as np
import pytest

from sim.params import Experience
from sim.rules import experience


def test_incidents_by_hand():
    u = np.array([[0.01, 0.01, 0.5, 0.1], [0.5, 0.01, 0.25, 0.9], [0.5, 0.5, 0.0, 0.0]])
    inc = experience.draw_incidents(
        u,
        defect_rate=0.05,
        late_rate=0.1,
        resolution_rate=0.5,
        complaint_if_defect=0.7,
        complaint_if_late=0.3,
    )
    assert inc.defect.tolist() == [True, False, False]
    assert inc.late.tolist() == [True, True, False]
    # P(complaint) row0 = 1-(0.3)(0.7)=0.79 > 0.5; row1 = 0.3 > 0.25; row2 = 0 (no incident)
    assert inc.complaint.tolist() == [True, True, False]
    assert inc.resolved.tolist() == [True, False, False]


def test_service_recovery_can_outweigh_the_incident():
    e = Experience(defect_penalty=0.3, recovery_bonus=0.4, performance_noise=0.0)
    inc = experience.Incidents(
        np.array([True]), np.array([False]), np.array([True]), np.array([True])
    )
    assert experience.perceived_performance(0.5, inc, np.zeros(1), e)[0] == pytest.approx(0.6)
    doubled = experience.perceived_performance(0.5, inc, np.zeros(1), e, recovery_mult=2.0)
    assert doubled[0] == pytest.approx(1.0)  # 0.5 - 0.3 + 0.8, clipped to 1
