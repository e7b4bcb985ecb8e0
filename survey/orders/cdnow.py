"""The CDNOW transaction log (Fader & Hardie), shipped as an example order log."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from survey.errors import DataError
from survey.orders.frame import as_order_frame, check_orders

CDNOW_DIR = Path(__file__).resolve().parent.parent / "datasets" / "cdnow"

#: File and column layout of each shipped CDNOW file (whitespace separated).
_FILES: dict[str, tuple[str, list[str], int]] = {
    "sample": ("CDNOW_sample.txt", ["customer_id", "sample_id", "date", "quantity", "amount"], 0),
    "master": ("CDNOW_master.txt", ["customer_id", "date", "quantity", "amount"], 1),
}


def cdnow_path(kind: Literal["sample", "master"] = "sample") -> Path:
    """Path of a shipped CDNOW file.

    Parameters
    ----------
    kind : {'sample', 'master'}
        The 1/10 sample (2,357 customers) or the master file (23,570 customers).

    Returns
    -------
    Path
        ``survey/datasets/cdnow/CDNOW_<kind>.txt``.

    Examples
    --------
    >>> cdnow_path("master").name
    'CDNOW_master.txt'
    """
    if kind not in _FILES:
        raise DataError(f"unknown CDNOW file {kind!r}; allowed: {sorted(_FILES)}")
    return CDNOW_DIR / _FILES[kind][0]


def load_cdnow(kind: Literal["sample", "master"] = "sample") -> pd.DataFrame:
    """Read the CDNOW transaction log as an order frame.

    Parameters
    ----------
    kind : {'sample', 'master'}
        The 1/10 sample (6,919 purchases of 2,357 customers) or the master file
        (69,659 purchases of 23,570 customers).

    Returns
    -------
    DataFrame
        One row per purchase with columns ``customer_id`` (string: the master file's
        customer id in both files, so the sample's customers keep their master id),
        ``date`` (datetime64[ns]), ``amount`` (float64, dollars) and ``quantity``
        (int64, number of CDs), in file order.

    Notes
    -----
    The customers made their first purchase at CDNOW in the first quarter of 1997 and
    are followed to the end of June 1998. Several purchases on one day are separate
    rows here; :func:`survey.orders.rfm.customer_summary` counts them as one
    transaction, as Fader, Hardie & Lee (2005) do.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2),
    275–284. Data: https://www.brucehardie.com/datasets/ (redistributed with the
    ``lifetimes`` package 0.11.3, MIT licence).

    Examples
    --------
    >>> orders = load_cdnow("sample")
    >>> len(orders), orders["customer_id"].nunique()
    (6919, 2357)
    >>> orders.dtypes.astype(str).to_dict()
    {'customer_id': 'str', 'date': 'datetime64[ns]', 'amount': 'float64', 'quantity': 'int64'}
    """
    path = cdnow_path(kind)
    _, names, header_lines = _FILES[kind]
    raw = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=names,
        skiprows=header_lines,
        dtype={"customer_id": str, "date": str},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return check_orders(as_order_frame(raw), source=path.name)
