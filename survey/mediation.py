"""Mediation: does satisfaction carry the effect of quality on loyalty."""

from __future__ import annotations

import pandas as pd

from survey import _pingouin
from survey._validate import check_items
from survey.errors import DataError


def mediation(
    data: pd.DataFrame,
    x: str,
    m: str,
    y: str,
    n_boot: int = 1000,
    seed: int = 42,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Estimate simple mediation x → m → y with a seeded bootstrap CI of the indirect effect.

    Parameters
    ----------
    data : DataFrame
        Numeric columns, e.g. construct scores.
    x, m, y : str
        Predictor (e.g. quality), mediator (satisfaction) and outcome (loyalty).
    n_boot : int, default 1000
        Bootstrap resamples for the indirect effect.
    seed : int, default 42
        Seed of the bootstrap; the same seed gives the same interval.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    DataFrame
        Rows ``m ~ X`` (path a), ``Y ~ m`` (path b), ``Total``, ``Direct``,
        ``Indirect`` with columns ``path``, ``coef``, ``se``, ``p_val``, ``ci_low``,
        ``ci_high``, ``sig`` and ``n``.

    Notes
    -----
    Computed by ``pingouin.mediation_analysis`` on complete cases: indirect effect
    :math:`ab`, total :math:`c = c' + ab`; the indirect-effect interval is the
    bias-corrected percentile bootstrap and its p-value the bootstrap share.

    References
    ----------
    Preacher, K. J., & Hayes, A. F. (2004). SPSS and SAS procedures for estimating
    indirect effects in simple mediation models. *Behavior Research Methods,
    Instruments, & Computers*, 36(4), 717–731.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> mediation(df, "PERQ1", "CUSA1", "CUSL1", n_boot=200, seed=1)[["path", "coef"]].round(3)
            path   coef
    0  CUSA1 ~ X  0.524
    1  Y ~ CUSA1  0.740
    2      Total  0.668
    3     Direct  0.442
    4   Indirect  0.227
    """
    check_items(data, [x, m, y])
    if len({x, m, y}) < 3:
        raise DataError(f"x, m and y must be three different columns, got {x!r}, {m!r}, {y!r}")
    if n_boot < 1:
        raise DataError(f"n_boot must be a positive number of resamples, got {n_boot}")
    complete = data[[x, m, y]].dropna()
    table = _pingouin.mediation(complete, x, m, y, n_boot=n_boot, seed=seed, ci=ci)
    return table.assign(n=len(complete))
