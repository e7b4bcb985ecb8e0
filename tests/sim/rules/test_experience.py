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


def test_per_order_rates_apply_to_their_own_order():
    u = np.array([[0.05, 0.5, 0.5, 0.5], [0.05, 0.5, 0.5, 0.5]])
    inc = experience.draw_incidents(
        u,
        defect_rate=np.array([0.1, 0.01]),  # only the first order's rate is above 0.05
        late_rate=0.0,
        resolution_rate=np.array([2.0, 0.0]),  # above 1 counts as 1
        complaint_if_defect=1.0,
        complaint_if_late=0.0,
    )
    assert inc.defect.tolist() == [True, False]
    assert inc.complaint.tolist() == [True, False]
    assert inc.resolved.tolist() == [True, False]


def test_performance_is_clipped_to_the_unit_interval_order_by_order():
    e = Experience(defect_penalty=0.3, recovery_bonus=0.4, performance_noise=0.1)
    inc = experience.Incidents(*(np.zeros(3, dtype=bool) for _ in range(4)))
    z = np.array([1.0, 1.0, -1.0])
    perf = experience.perceived_performance(np.array([0.5, 0.95, 0.05]), inc, z, e)
    # 0.5 + 0.1; 0.95 + 0.1 clipped to 1; 0.05 - 0.1 clipped to 0
    assert perf.tolist() == pytest.approx([0.6, 1.0, 0.0])


def test_count_incidents_adds_to_each_shoppers_counts_and_lists_complainers():
    inc = experience.Incidents(
        defect=np.array([True, True, False]),
        late=np.array([False, True, True]),
        complaint=np.array([True, False, True]),
        resolved=np.array([False, False, True]),
    )
    defects = np.array([0, 1, 0, 0, 0], dtype=np.int32)
    complaints = np.zeros(5, dtype=np.int32)
    resolved = np.zeros(5, dtype=np.int32)
    who, fixed = experience.count_incidents(
        np.array([4, 1, 2]),
        inc,
        defects=defects,
        complaints=complaints,
        complaints_resolved=resolved,
    )
    assert who.tolist() == [4, 2] and fixed.tolist() == [2]
    assert defects.tolist() == [0, 2, 0, 0, 1]
    assert complaints.tolist() == [0, 0, 1, 0, 1]
    assert resolved.tolist() == [0, 0, 1, 0, 0]


def test_a_rate_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="defect_rate needs one value or one per order"):
        experience.draw_incidents(
            np.zeros((3, 4)),
            defect_rate=np.ones(2),
            late_rate=0.1,
            resolution_rate=0.5,
            complaint_if_defect=0.5,
            complaint_if_late=0.5,
        )


def test_count_incidents_over_many_orders_with_scattered_incidents():
    # 200 orders of shoppers 3k (every third id, in reverse): a defect on every
    # 3rd order, a complaint on every 4th, resolved on every 8th, so more orders
    # with an incident than the kernel asks ahead for
    k = np.arange(200)
    focal = 3 * k[::-1]
    inc = experience.Incidents(k % 3 == 0, np.zeros(200, bool), k % 4 == 0, k % 8 == 0)
    d, c, r = (np.zeros(600, np.int32) for _ in range(3))
    who, fixed = experience.count_incidents(
        focal, inc, defects=d, complaints=c, complaints_resolved=r
    )
    assert who.tolist() == focal[k % 4 == 0].tolist()
    assert fixed.tolist() == focal[k % 8 == 0].tolist()
    assert np.flatnonzero(d).tolist() == sorted(focal[k % 3 == 0].tolist())
    assert np.flatnonzero(c).tolist() == sorted(focal[k % 4 == 0].tolist())
    assert np.flatnonzero(r).tolist() == sorted(focal[k % 8 == 0].tolist())
    assert d.max() == c.max() == r.max() == 1
