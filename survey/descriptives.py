"""Item descriptives."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from scipy import stats

from survey._validate import check_items
from survey.errors import DataError


def item_descriptives(
    data: pd.DataFrame, items: Sequence[str], scale_max: float, top_box: int = 2
) -> pd.DataFrame:
    r"""Mean, SD, skewness, kurtosis and top-box share of each item.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items to describe.
    scale_max : float
        Highest answer code of the scale.
    top_box : int, default 2
        Number of top answer categories counted in the top-box share.

    Returns
    -------
    DataFrame
        One row per item with columns:

        * ``item``: the item
        * ``n``: valid answers
        * ``mean``, ``sd``: mean and standard deviation (divisor n − 1)
        * ``skewness``: adjusted Fisher–Pearson skewness :math:`G_1`
        * ``kurtosis``: adjusted excess kurtosis :math:`G_2` (0 for a normal)
        * ``top_box``: share of answers at or above ``scale_max - top_box + 1``

    Notes
    -----
    :math:`G_1 = \frac{\sqrt{n(n-1)}}{n-2} g_1` and
    :math:`G_2 = \frac{n-1}{(n-2)(n-3)}((n+1) g_2 + 6)`, the bias-corrected
    estimators SPSS and Excel report (``scipy.stats`` with ``bias=False``).

    References
    ----------
    Joanes, D. N., & Gill, C. A. (1998). Comparing measures of sample skewness and
    kurtosis. *J. Royal Statistical Society D*, 47(1), 183–189.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 4, 5, 5.0]})
    >>> item_descriptives(df, ["q1"], scale_max=5).round(3)
      item  n  mean     sd  skewness  kurtosis  top_box
    0   q1  5   3.4  1.817    -0.567    -2.231      0.6
    """
    check_items(data, items)
    if top_box < 1:
        raise DataError(f"top_box must be a positive number of categories, got {top_box}")
    threshold = scale_max - top_box + 1
    rows = []
    for item in items:
        values = data[item].dropna()
        rows.append(
            (
                item,
                len(values),
                values.mean(),
                values.std(),
                stats.skew(values, bias=False) if len(values) > 2 else float("nan"),
                stats.kurtosis(values, bias=False) if len(values) > 3 else float("nan"),
                (values >= threshold).mean(),
            )
        )
    return pd.DataFrame(
        rows, columns=["item", "n", "mean", "sd", "skewness", "kurtosis", "top_box"]
    )
