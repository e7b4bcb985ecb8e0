"""The model's own event log: every order of a run, one row per order.

The model appends one block of arrays per day (who ordered, on which platform, the
order's value, the strategies' discount, whether it was a group order) and the
blocks are concatenated once, when the log is read: no Python loop over shoppers or
orders. :meth:`OrderLog.to_order_frame` turns the log into the order frame of
:mod:`survey.orders.frame` (``customer_id``, ``date``, ``amount``, ``order_id``,
``channel``, ``segment``, ``group_order``), the table ``shoplab orders analyze``
reads, so a real and a simulated log go through one code path.

Size (measured on the default market of 20,000 shoppers, one year): 1.19 million
orders (517,000 on the focal platform, 672,000 with rivals); 31 bytes an order in
the log (shopper int64, day int32, value and discount float64, platform int8,
segment int8, group flag bool), 37 MB; about 80 bytes an order as an order frame
(its strings), 94 MB, built in about 3 s; about 9 bytes an order as Parquet.
Recording adds about a second to the 8 s run. The log is off by default
(``record_orders=False``).

Examples
--------
>>> import numpy as np
>>> log = OrderLog()
>>> log.append(day=0, shopper=np.array([3, 1]), platform=np.array([0, 1]),
...            value=np.array([20.0, 35.0]), discount=np.array([0.1, 0.0]),
...            group=np.array([True, False]), segment=np.array([0, 1]))
>>> log.append(day=2, shopper=np.array([3]), platform=np.array([0]),
...            value=np.array([18.0]), discount=np.array([0.0]),
...            group=np.array([False]), segment=np.array([0]))
>>> len(log), log.frame()["day"].tolist()
(3, [0, 0, 2])
>>> frame = log.to_order_frame(platforms=["focal", "rival"], segments=["rural", "young"])
>>> print(frame[["customer_id", "date", "amount", "channel"]].to_string(index=False))
customer_id       date  amount channel
          3 2019-01-01    20.0   focal
          1 2019-01-01    35.0   rival
          3 2019-01-03    18.0   focal
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey.orders.frame import as_order_frame

#: Calendar day of the model's day 0 in the order frame: 2019-01-01, the year the
#: grounded market describes (a Pinduoduo-like platform in 2019).
EPOCH = np.datetime64("2019-01-01", "D")

#: Columns of :meth:`OrderLog.frame` with their dtypes.
LOG_DTYPES = {
    "shopper": np.int64,
    "day": np.int32,
    "platform": np.int8,
    "value": np.float64,
    "discount": np.float64,
    "group_order": np.bool_,
    "segment": np.int8,
}


class OrderLog:
    """Every order of a run, appended a day at a time as arrays.

    Attributes
    ----------
    blocks : list of dict
        One dict of equal-length arrays per :meth:`append` (``LOG_DTYPES`` keys).
    """

    def __init__(self) -> None:
        self.blocks: list[dict[str, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(block["shopper"].size for block in self.blocks)

    def append(
        self,
        *,
        day: int,
        shopper: np.ndarray,
        platform: np.ndarray,
        value: np.ndarray,
        discount: np.ndarray,
        group: np.ndarray,
        segment: np.ndarray,
    ) -> None:
        """Record one day's orders, one entry per order.

        Parameters
        ----------
        day : int
            The day.
        shopper, platform : numpy.ndarray
            Who ordered, and where (index into the model's platforms; 0 = focal).
        value : numpy.ndarray
            Each order's value (CNY, at the price the merchant charges; for an
            order placed with a rival, the shopper's basket value, as the model
            does not price baskets on rivals).
        discount : numpy.ndarray
            Share of the value the strategies took off (coupons); the shopper paid
            ``value * (1 - discount)``, the platform the rest.
        group : numpy.ndarray
            Whether each was a group order.
        segment : numpy.ndarray
            The shopper's segment index.

        Raises
        ------
        ValueError
            If the arrays differ in length.
        """
        columns = {
            "shopper": shopper,
            "platform": platform,
            "value": value,
            "discount": discount,
            "group_order": group,
            "segment": segment,
        }
        sizes = {np.size(values) for values in columns.values()}
        if len(sizes) > 1:
            raise ValueError(f"order log day {day}: arrays of different lengths {sorted(sizes)}")
        size = sizes.pop()
        if size == 0:
            return
        block = {
            name: np.asarray(values, dtype=LOG_DTYPES[name]).copy()
            for name, values in columns.items()
        }
        block["day"] = np.full(size, day, dtype=LOG_DTYPES["day"])
        self.blocks.append(block)

    def frame(self) -> pd.DataFrame:
        """The log as one table, in order of day (and of recording within a day).

        Returns
        -------
        pandas.DataFrame
            Columns ``shopper``, ``day``, ``platform``, ``value``, ``discount``,
            ``group_order``, ``segment`` (dtypes of ``LOG_DTYPES``).
        """
        return pd.DataFrame(
            {
                name: np.concatenate(
                    [block[name] for block in self.blocks] or [np.empty(0, dtype=dtype)]
                )
                for name, dtype in LOG_DTYPES.items()
            }
        )

    def to_order_frame(
        self,
        *,
        platforms: Sequence[str],
        segments: Sequence[str],
        epoch: np.datetime64 = EPOCH,
    ) -> pd.DataFrame:
        """The log in the order-frame schema of :mod:`survey.orders.frame`.

        Parameters
        ----------
        platforms : sequence of str
            Platform names by index (the focal platform first).
        segments : sequence of str
            Segment names by index.
        epoch : numpy.datetime64, default ``EPOCH``
            The calendar day of day 0.

        Returns
        -------
        pandas.DataFrame
            ``customer_id`` (the shopper index as a string), ``date`` (``epoch`` +
            day), ``amount`` (the order's value at the merchant's price, so that
            the focal rows add up to the run's GMV), ``order_id`` (``"<day>-<n>"``,
            n counting the day's orders), ``channel`` (the platform's name),
            ``segment`` (the segment's name) and ``group_order``.

        Notes
        -----
        The strategies' discount is not a column of the order frame; it is in
        :meth:`frame`.
        """
        log = self.frame()
        day = log["day"].to_numpy()
        starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]]) if day.size else day
        within = np.arange(day.size) - np.repeat(starts, np.diff(np.r_[starts, day.size]))
        frame = pd.DataFrame(
            {
                "customer_id": log["shopper"].astype("str"),
                "date": (epoch + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
                "amount": log["value"],
                "order_id": log["day"].astype("str") + "-" + pd.Series(within).astype("str"),
                "channel": _names(log["platform"], platforms),
                "segment": _names(log["segment"], segments),
                "group_order": log["group_order"],
            }
        )
        return as_order_frame(frame)


def _names(codes: pd.Series, names: Sequence[str]) -> pd.Series:
    """Names of integer codes as a string column (through a categorical: one string each)."""
    return pd.Series(pd.Categorical.from_codes(codes.to_numpy(), categories=list(names))).astype(
        "str"
    )
