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


def test_focal_orders_update_their_shoppers_in_place_and_no_one_else():
    from sim.params import ModelParams
    from sim.shoppers import create_shoppers

    sh = create_shoppers(ModelParams(population={"size": 3}), np.random.default_rng(0))
    sh.satisfaction[:] = 0.6
    sh.quality_expectation[:] = [0.5, 0.8, 0.8]
    sh.perceived_quality[:] = 0.5
    params = Satisfaction(disconfirmation_weight=1.0, learning_rate=0.5, expectation_adaptation=0.2)
    satisfaction.apply_orders(np.array([0, 2]), np.array([0.7, 0.0]), sh, params)
    # shopper 0 as in the test above: S = 0.75, E = 0.54; Q = 0.5 + 0.5·(0.7 − 0.5) = 0.6
    # shopper 2: 0 + (0 − 0.8) clips to 0 -> S = 0.3; E = 0.8·0.8 = 0.64; Q = 0.25
    assert sh.satisfaction.tolist() == pytest.approx([0.75, 0.6, 0.3])
    assert sh.quality_expectation.tolist() == pytest.approx([0.54, 0.8, 0.64])
    assert sh.perceived_quality.tolist() == pytest.approx([0.6, 0.5, 0.25])


def test_transaction_satisfaction_is_clipped_to_the_unit_interval():
    got = satisfaction.transaction_satisfaction(
        np.array([0.9, 0.1, 0.5]), np.array([0.5, 0.5, 0.5]), 2.0
    )
    # 0.9 + 2·0.4 = 1.7 -> 1; 0.1 − 2·0.4 = −0.7 -> 0; no disconfirmation: the performance
    assert got.tolist() == pytest.approx([1.0, 0.0, 0.5])


def test_hearing_detractors_lowers_only_the_hearers():
    s = np.array([0.5, 0.3, 0.01])
    satisfaction.hear_detractors(np.array([0, 2]), np.array([0.25, 1.0]), s, 0.04)
    assert s.tolist() == pytest.approx([0.49, 0.3, 0.0])


def test_hearing_detractor_sums_lowers_customers_with_a_positive_sum_by_the_share():
    s = np.array([0.5, 0.3, 0.01, 0.8, 0.6])
    sums = np.array([1.0, 3.0, 2.0, 0.0, 2.0])
    ties = np.array([4.0, 3.0, 1.0, 5.0, 8.0])
    # shopper 1 hears detractors but is no customer; shopper 3 hears none
    satisfaction.hear_detractor_sums(np.array([0, 2, 3, 4]), sums, ties, s, effect=0.04)
    # 0.5 − 0.04·1/4 = 0.49; 0.01 − 0.04·2 < 0 -> 0; 0.6 − 0.04·2/8 = 0.59
    assert s.tolist() == pytest.approx([0.49, 0.3, 0.0, 0.8, 0.59])


def test_a_customer_hearing_detractors_loses_effect_times_the_share_and_others_nothing():
    # 0.5 − 0.04·1/4 = 0.49; a zero sum leaves any satisfaction as it is
    assert satisfaction.lowered_by_detractors(0.5, 1.0, 4, 0.04) == pytest.approx(0.49)
    assert satisfaction.lowered_by_detractors(0.5, 0.0, 4, 0.04) == 0.5
    assert satisfaction.lowered_by_detractors(0.01, 2.0, 1, 0.04) == 0.0  # not below 0


def test_the_deal_bonus_is_added_once_a_row_then_capped_at_one():
    assert satisfaction.with_deal_bonus(0.5, 0.125, 2) == 0.75  # 0.5 + 0.125 + 0.125
    assert satisfaction.with_deal_bonus(0.9, 0.125, 1) == 1.0
    assert satisfaction.with_deal_bonus(0.3, 0.125, 0) == 0.3


def test_held_changes_apply_the_hearing_first_then_the_bonus_rows():
    held = satisfaction.HeldChanges(4)
    sums = np.array([2.0, 0.0, 1.0, 4.0])
    held.hear(np.array([0, 1, 2]), sums, np.array([4, 1, 2, 4]), effect=0.5)
    held.add_bonus(np.array([2, 3, 2, 0]), 0.25)
    s = np.array([0.6, 0.4, 0.9, 0.2])
    held.apply(s)
    # 0: 0.6 − 0.5·2/4 = 0.35, + 0.25 = 0.6; 1: hears no detractor; 2: 0.9 − 0.5·1/2 =
    # 0.65, + 0.25 + 0.25 = 1.15 -> 1 (the cap comes after the hearing); 3: no customer,
    # not heard: 0.2 + 0.25
    assert s.tolist() == pytest.approx([0.6, 0.4, 1.0, 0.45])
    assert not held.rows.any() and held.customers is None and held.members.size == 0
    held.apply(s)  # nothing is held any more
    assert s.tolist() == pytest.approx([0.6, 0.4, 1.0, 0.45])


def test_held_hearing_goes_to_a_pass_over_its_own_customers_only():
    held = satisfaction.HeldChanges(3)
    customers = np.array([0, 2])
    sums, ties = np.array([1.0, 0.0, 1.0]), np.array([2, 1, 1])
    held.hear(customers, sums, ties, effect=0.2)
    s = np.array([0.5, 0.5, 0.5])
    got_sums, got_ties, effect = held.take_hearing(customers, s)
    assert got_sums is sums and got_ties is ties and effect == 0.2
    assert s.tolist() == [0.5, 0.5, 0.5]  # the pass applies it
    held.hear(customers, sums, ties, effect=0.2)
    got_sums, _, _ = held.take_hearing(customers.copy(), s)  # another list: applied now
    assert got_sums.size == 0
    assert s.tolist() == pytest.approx([0.4, 0.5, 0.3])


def test_held_changes_refuse_ids_that_are_no_shoppers_and_a_second_holding():
    held = satisfaction.HeldChanges(3)
    with pytest.raises(ValueError, match="shopper ids"):
        held.add_bonus(np.array([0, 3]), 0.1)
    held.add_bonus(np.array([1]), 0.1)
    with pytest.raises(ValueError, match="held already"):
        held.add_bonus(np.array([2]), 0.1)
    held.hear(np.array([0]), np.zeros(3), np.ones(3, dtype=np.int32), effect=0.1)
    with pytest.raises(ValueError, match="held already"):
        held.hear(np.array([0]), np.zeros(3), np.ones(3, dtype=np.int32), effect=0.1)
