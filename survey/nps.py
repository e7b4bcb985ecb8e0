"""Net Promoter Score."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from survey._validate import check_items
from survey.errors import DataError


def net_promoter_score(
    data: pd.DataFrame,
    item: str,
    promoters_min: float = 9,
    detractors_max: float = 6,
    ci: float = 0.95,
) -> pd.DataFrame:
    r"""Net Promoter Score with a confidence interval.

    Parameters
    ----------
    data : DataFrame
        Answers.
    item : str
        The "would you recommend" item.
    promoters_min : float, default 9
        Answers at or above this are promoters.
    detractors_max : float, default 6
        Answers at or below this are detractors; those between are passives.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        One row with columns ``item``, ``n``, ``promoters``, ``passives``,
        ``detractors`` (shares, 0–1), ``nps`` (−100 to 100), ``se``, ``ci_low`` and
        ``ci_high``.

    Notes
    -----
    :math:`NPS = 100(p_P - p_D)`, with standard error
    :math:`100\sqrt{(p_P + p_D - (p_P - p_D)^2)/n}` (multinomial) and a normal
    (Wald) interval clipped to [−100, 100]. The classic question is on a 0–10
    scale: 9–10 promoters, 7–8 passives, 0–6 detractors. On a 1–10 scale (e.g. the
    ECSI ``CUSL3`` item) the same cut-offs are used, so detractors are 1–6.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business
    Review*, 81(12), 46–54.

    Examples
    --------
    >>> df = pd.DataFrame({"rec": [10, 9, 8, 7, 6, 3, 10, 10]})
    >>> net_promoter_score(df, "rec")[["n", "promoters", "detractors", "nps"]]
       n  promoters  detractors   nps
    0  8        0.5        0.25  25.0
    """
    check_items(data, [item])
    if detractors_max >= promoters_min:
        raise DataError(
            f"detractors_max ({detractors_max}) must be below promoters_min ({promoters_min})"
        )
    values = data[item].dropna()
    n = len(values)
    if n == 0:
        raise DataError(f"column {item!r} has no valid answers")
    promoters = float((values >= promoters_min).mean())
    detractors = float((values <= detractors_max).mean())
    score = promoters - detractors
    se = np.sqrt(max(promoters + detractors - score**2, 0.0) / n)
    z = stats.norm.ppf(0.5 + ci / 2)
    return pd.DataFrame(
        [
            {
                "item": item,
                "n": n,
                "promoters": promoters,
                "passives": 1 - promoters - detractors,
                "detractors": detractors,
                "nps": 100 * score,
                "se": 100 * se,
                "ci_low": max(-100.0, 100 * (score - z * se)),
                "ci_high": min(100.0, 100 * (score + z * se)),
            }
        ]
    )
