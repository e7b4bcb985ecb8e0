import numpy as np

from sim.rules import group_buy


def test_first_invitation_fills_groups_in_order_and_each_shopper_joins_once():
    g, j = group_buy.first_invitation(
        np.array([0, 1, 1, 1, 2]), np.array([7, 7, 8, 9, 10]), np.array([1, 1, 0])
    )
    # shopper 7 joins group 0 (first invitation); group 1 has one slot -> 8; group 2 full
    assert g.tolist() == [0, 1] and j.tolist() == [7, 8]


def test_group_book_closes_formed_groups_with_all_members():
    book = group_buy.GroupBook.empty()
    book.open(np.array([1, 2]), day=0)
    book.join(np.array([0, 0]), np.array([5, 6]))
    members = book.close(book.members >= 3)
    assert sorted(members.tolist()) == [1, 5, 6]
    assert book.initiator.tolist() == [2] and book.joiner.size == 0
