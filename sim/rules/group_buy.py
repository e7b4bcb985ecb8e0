"""Stage 1 (group-buy invitations): a group forms only when k members join in time.

A focal order may open a group. Over the next ``window_days`` days each prospect
friend of the initiator joins with a daily probability; joining is adopting the
platform. When the group reaches ``group_size`` members it forms and every member's
order gets the group discount; a group that does not fill in time lapses and nobody
gets the discount.

Examples
--------
>>> book = GroupBook.empty()
>>> book.open(np.array([4, 9]), day=0)
>>> book.size
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(kw_only=True)
class GroupBook:
    """Open groups: initiator, day opened, members so far; and the joiners' groups.

    Attributes
    ----------
    initiator, opened, members, group_id : numpy.ndarray
        One entry per open group.
    joiner, joined_group : numpy.ndarray
        One entry per shopper who joined an open group (``joined_group`` holds the
        ``group_id``).
    next_id : int
        Id of the next group.
    """

    initiator: np.ndarray
    opened: np.ndarray
    members: np.ndarray
    group_id: np.ndarray
    joiner: np.ndarray
    joined_group: np.ndarray
    next_id: int = 0

    @classmethod
    def empty(cls) -> GroupBook:
        """No groups."""
        none = np.empty(0, dtype=np.int64)
        return cls(
            initiator=none, opened=none, members=none, group_id=none, joiner=none, joined_group=none
        )

    @property
    def size(self) -> int:
        """Number of open groups."""
        return int(self.initiator.size)

    def open(self, initiators: np.ndarray, day: int) -> None:
        """Open one group per initiator (one member each)."""
        ids = np.arange(self.next_id, self.next_id + initiators.size)
        self.next_id += initiators.size
        self.initiator = np.concatenate([self.initiator, initiators])
        self.opened = np.concatenate([self.opened, np.full(initiators.size, day)])
        self.members = np.concatenate([self.members, np.ones(initiators.size, dtype=np.int64)])
        self.group_id = np.concatenate([self.group_id, ids])

    def join(self, group_index: np.ndarray, shoppers: np.ndarray) -> None:
        """Add ``shoppers`` to the open groups at positions ``group_index``."""
        np.add.at(self.members, group_index, 1)
        self.joiner = np.concatenate([self.joiner, shoppers])
        self.joined_group = np.concatenate([self.joined_group, self.group_id[group_index]])

    def close(self, done: np.ndarray) -> np.ndarray:
        """Remove the groups flagged ``done``; return all their members' shopper ids."""
        ids = self.group_id[done]
        in_closed = np.isin(self.joined_group, ids)
        members = np.concatenate([self.initiator[done], self.joiner[in_closed]])
        keep = ~done
        self.initiator, self.opened = self.initiator[keep], self.opened[keep]
        self.members, self.group_id = self.members[keep], self.group_id[keep]
        self.joiner, self.joined_group = self.joiner[~in_closed], self.joined_group[~in_closed]
        return members


def first_invitation(
    group_of_invite: np.ndarray, invitee: np.ndarray, slots: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each invitee once, and each group within its free slots, in invitation order.

    Parameters
    ----------
    group_of_invite : numpy.ndarray
        Position of the inviting group for each accepted invitation.
    invitee : numpy.ndarray
        Shopper id accepting it.
    slots : numpy.ndarray
        Free places in each open group (group_size − members).

    Returns
    -------
    group_index, joiner : numpy.ndarray
        The joins that happen.

    Examples
    --------
    >>> g, j = first_invitation(np.array([0, 0, 0, 1]), np.array([5, 6, 7, 5]), np.array([2, 2]))
    >>> g.tolist(), j.tolist()
    ([0, 0], [5, 6])
    """
    _, first = np.unique(invitee, return_index=True)
    first.sort()
    group_of_invite, invitee = group_of_invite[first], invitee[first]
    order = np.argsort(group_of_invite, kind="stable")
    group_of_invite, invitee = group_of_invite[order], invitee[order]
    starts = np.searchsorted(group_of_invite, group_of_invite, side="left")
    rank = np.arange(group_of_invite.size) - starts
    fits = rank < slots[group_of_invite]
    return group_of_invite[fits], invitee[fits]
