"""Who is at risk of churning, as a CRM team would predict it from the order history.

The model knows each shopper's true churn hazard, which no real team can see. A team
sees orders: when each customer first and last ordered on its platform and on how
many days. Three predictors of risk:

* ``recency``: days since the customer's last focal order (since sign-up if none);
  at risk from a threshold on (:func:`days_since_order`, :func:`recency_at_risk`);
* ``bgnbd``: the probability that the customer is still alive under a BG/NBD model
  (Fader, Hardie & Lee 2005) fitted to the focal order history of every customer so
  far, refitted every ``REFIT_DAYS`` days (:class:`BGNBDPredictor`);
* ``oracle``: the true 30-day churn probability (the model's own hazard), the upper
  bound of what a predictor can do.

Examples
--------
>>> import numpy as np
>>> days = days_since_order(10, last_order_day=np.array([9, 2, -1, -1]),
...                         acquired_day=np.array([0, 0, 5, -1]))
>>> days.tolist()
[1, 8, 5, -1]
>>> recency_at_risk(days, recency_days=5).tolist()
[False, True, True, False]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.states import NEVER
from survey.errors import SurveyError
from survey.orders.bgnbd import (
    BGNBD_PARAMETERS,
    BGNBDFit,
    bgnbd_log_likelihood,
    fit_bgnbd,
    maximum_likelihood,
    p_alive,
)

logger = logging.getLogger(__name__)

#: Days between BG/NBD refits: monthly, as a CRM team rescoring its customers would.
REFIT_DAYS = 30
#: Days in the BG/NBD model's period (weeks, the unit of Fader, Hardie & Lee 2005).
PERIOD_DAYS = 7
#: Fewest customers with a repeat order for a fit to be tried: below it the four
#: parameters are not estimable with any precision (FHL 2005 fit 2,357 customers).
MIN_REPEAT_CUSTOMERS = 50


def days_since_order(
    day: int, *, last_order_day: np.ndarray, acquired_day: np.ndarray
) -> np.ndarray:
    """Days since each customer's last focal order, or since sign-up if none yet.

    Parameters
    ----------
    day : int
        Today.
    last_order_day, acquired_day : numpy.ndarray
        Per-shopper day of the last focal order and of acquisition (``NEVER`` = -1
        if not yet).

    Returns
    -------
    numpy.ndarray
        Days (int64); ``NEVER`` (-1) for shoppers never acquired.

    Examples
    --------
    >>> days_since_order(3, last_order_day=np.array([-1]), acquired_day=np.array([1])).tolist()
    [2]
    """
    since = np.where(last_order_day != NEVER, last_order_day, acquired_day).astype(np.int64)
    return np.where(since != NEVER, day - since, NEVER)


def recency_at_risk(days_since: np.ndarray, *, recency_days: int) -> np.ndarray:
    """At risk: a customer with no focal order for at least ``recency_days`` days.

    Parameters
    ----------
    days_since : numpy.ndarray
        From :func:`days_since_order` (``NEVER`` for non-customers, never at risk).
    recency_days : int
        The threshold.

    Returns
    -------
    numpy.ndarray
        Boolean mask.

    Examples
    --------
    >>> recency_at_risk(np.array([-1, 0, 30, 31]), recency_days=30).tolist()
    [False, False, True, True]
    """
    return (days_since != NEVER) & (days_since >= recency_days)


def btyd_history(
    day: int,
    *,
    first_order_day: np.ndarray,
    last_order_day: np.ndarray,
    order_days: np.ndarray,
    period_days: int = PERIOD_DAYS,
) -> pd.DataFrame:
    """Each buyer's BG/NBD history at the end of ``day``: frequency, recency, T.

    The same numbers as :func:`survey.orders.rfm.customer_summary` of the focal
    order log with ``calibration_end`` = ``day`` (several orders on one day are one
    transaction), taken from per-shopper counters instead of the log.

    Parameters
    ----------
    day : int
        Today (the end of the observation).
    first_order_day, last_order_day : numpy.ndarray
        Per-shopper days of the first and last focal order (``NEVER`` if none).
    order_days : numpy.ndarray
        Per-shopper number of days with a focal order.
    period_days : int, default 7
        Days per period of ``recency`` and ``T``.

    Returns
    -------
    pandas.DataFrame
        One row per shopper with a focal order: ``shopper`` (index), ``frequency``
        (order days − 1), ``recency`` ((last − first) / period), ``T`` ((day − first)
        / period).

    Examples
    --------
    >>> btyd_history(14, first_order_day=np.array([0, -1, 7]),
    ...              last_order_day=np.array([7, -1, 7]), order_days=np.array([2, 0, 1]))
       shopper  frequency  recency    T
    0        0          1      1.0  2.0
    1        2          0      0.0  1.0
    """
    buyers = np.flatnonzero(first_order_day != NEVER)
    first = first_order_day[buyers].astype(np.int64)
    return pd.DataFrame(
        {
            "shopper": buyers,
            "frequency": order_days[buyers].astype(np.int64) - 1,
            "recency": (last_order_day[buyers] - first) / period_days,
            "T": (day - first) / period_days,
        }
    )


def refit_bgnbd(history: pd.DataFrame, previous: BGNBDFit | None) -> BGNBDFit:
    """Fit BG/NBD to ``history``, starting from the previous month's estimates.

    Parameters
    ----------
    history : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` (from :func:`btyd_history`).
    previous : BGNBDFit or None
        Last month's fit; None: :func:`survey.orders.bgnbd.fit_bgnbd` from its own
        start.

    Returns
    -------
    BGNBDFit

    Raises
    ------
    survey.errors.DataError
        If the fit does not converge or is not identified.

    Notes
    -----
    The same likelihood and maximiser as ``fit_bgnbd``
    (:func:`survey.orders.bgnbd.maximum_likelihood`, which refuses an unidentified
    fit); a month's new orders move the estimates little, so the search starts at
    the last ones: fewer evaluations, and a start near the optimum where a
    fresh start can stop short of the convergence test on a large log.

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> from survey.orders.rfm import customer_summary
    >>> history = customer_summary(load_cdnow(), calibration_end="1997-09-30")
    >>> start = BGNBDFit(0.2, 4.0, 0.7, 2.0, {}, np.eye(4), 0.0, 0, True)
    >>> fit = refit_bgnbd(history, start)  # FHL 2005: 0.243, 4.414, 0.793, 2.426
    >>> [round(value, 3) for value in fit.params.tolist()]
    [0.243, 4.414, 0.793, 2.426]
    """
    if previous is None:
        return fit_bgnbd(history)
    x, t_x, big_t = (history[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    unique, counts = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_counts=True)

    def negative_loglik(params: np.ndarray) -> float:
        r, alpha, a, b = params
        return -float(counts @ bgnbd_log_likelihood(*unique.T, r=r, alpha=alpha, a=a, b=b))

    estimate, loglik, covariance = maximum_likelihood(
        negative_loglik, previous.params, BGNBD_PARAMETERS, "BG/NBD"
    )
    return BGNBDFit(
        *(float(value) for value in estimate),
        se=dict(zip(BGNBD_PARAMETERS, np.sqrt(np.diag(covariance)).tolist(), strict=True)),
        covariance=covariance,
        loglik=loglik,
        n=len(history),
        converged=True,
    )


@dataclass(kw_only=True)
class BGNBDPredictor:
    """P(alive) of each buyer under BG/NBD refitted to the focal history every month.

    Parameters
    ----------
    refit_days : int, default ``REFIT_DAYS``
        Days between fits.
    min_repeat_customers : int, default ``MIN_REPEAT_CUSTOMERS``
        Fewest customers with a repeat transaction for a fit to be tried.
    fit : callable, default :func:`refit_bgnbd`
        ``fit(history, previous)`` fits a summary with ``frequency``, ``recency``,
        ``T`` given the previous fit (or None); raises
        :class:`survey.errors.SurveyError` when the model is not identified.

    Attributes
    ----------
    current : BGNBDFit or None
        The last successful fit (None before the first).
    log : list of dict
        One entry per fit attempt: ``day``, ``status`` (``fitted`` or
        ``fallback``), ``n`` (customers), ``r``, ``alpha``, ``a``, ``b`` (NaN when
        not fitted) and ``reason``.

    Examples
    --------
    >>> predictor = BGNBDPredictor()
    >>> predictor.due(0), predictor.due(30), predictor.due(31)
    (False, True, False)
    """

    refit_days: int = REFIT_DAYS
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS
    fit: Callable[[pd.DataFrame, BGNBDFit | None], BGNBDFit] = refit_bgnbd
    current: BGNBDFit | None = None
    log: list[dict[str, object]] = field(default_factory=list)

    def due(self, day: int) -> bool:
        """Whether ``day`` is a refit day (every ``refit_days`` from day 0, not day 0)."""
        return day > 0 and day % self.refit_days == 0

    def refit(self, day: int, history: pd.DataFrame) -> None:
        """Fit BG/NBD to the buyers' histories; keep the last fit if this one fails.

        Parameters
        ----------
        day : int
            Today (for the log).
        history : pandas.DataFrame
            From :func:`btyd_history`.
        """
        repeaters = int(np.count_nonzero(history["frequency"] > 0))
        entry: dict[str, object] = {"day": day, "n": len(history)}
        entry.update(dict.fromkeys(("r", "alpha", "a", "b"), np.nan))
        if repeaters < self.min_repeat_customers:
            reason = (
                f"{repeaters} customers with a repeat order, fewer than "
                f"{self.min_repeat_customers}: too little history"
            )
        else:
            try:
                fitted = self.fit(history, self.current)
            except SurveyError as err:
                reason = f"not identified: {err}"
            else:
                self.current = fitted
                entry.update(status="fitted", reason="", **_estimates(fitted))
                self.log.append(entry)
                return
        status = "fallback" if self.current is None else "kept previous fit"
        logger.info("day %d: BG/NBD %s (%s)", day, status, reason)
        entry.update(status=status, reason=reason)
        self.log.append(entry)

    def p_alive(self, history: pd.DataFrame) -> np.ndarray | None:
        """P(alive) of each buyer of ``history`` under the current fit (None: no fit).

        Parameters
        ----------
        history : pandas.DataFrame
            From :func:`btyd_history`.

        Returns
        -------
        numpy.ndarray or None
        """
        if self.current is None:
            return None
        return p_alive(self.current, history["frequency"], history["recency"], history["T"])


def _estimates(fit: BGNBDFit) -> dict[str, float]:
    return {"r": fit.r, "alpha": fit.alpha, "a": fit.a, "b": fit.b}


@dataclass
class RiskSignals:
    """What each predictor reads, per shopper, on one day.

    Attributes
    ----------
    days_since : numpy.ndarray
        :func:`days_since_order` (``NEVER`` for non-customers).
    churn_risk : numpy.ndarray or None
        The true 30-day churn probability (0 for shoppers not active); None if no
        strategy uses the oracle.
    p_alive : numpy.ndarray or None
        BG/NBD P(alive) (NaN for shoppers without a repeat focal order); None before
        the first fit or if no strategy uses ``bgnbd``.
    """

    days_since: np.ndarray
    churn_risk: np.ndarray | None = None
    p_alive: np.ndarray | None = None


def alive_at_risk(signals: RiskSignals, *, alive_threshold: float, recency_days: int) -> np.ndarray:
    """At risk under BG/NBD: P(alive) below ``alive_threshold``.

    Customers without a BG/NBD score (NaN: no focal order yet, or no repeat order,
    whose P(alive) BG/NBD puts at 1 since its dropout follows a repeat purchase), and
    every customer before the first fit (``signals.p_alive`` None), are judged by
    recency instead.

    Parameters
    ----------
    signals : RiskSignals
    alive_threshold : float
        P(alive) below which a buyer is at risk.
    recency_days : int
        The recency threshold of the fallback.

    Returns
    -------
    numpy.ndarray
        True for the shoppers at risk.

    Examples
    --------
    >>> s = RiskSignals(days_since=np.array([40, 2, 3, -1]),
    ...                 p_alive=np.array([0.9, 0.2, np.nan, np.nan]))
    >>> alive_at_risk(s, alive_threshold=0.5, recency_days=30).tolist()
    [False, True, False, False]
    """
    by_recency = recency_at_risk(signals.days_since, recency_days=recency_days)
    if signals.p_alive is None:
        return by_recency
    scored = ~np.isnan(signals.p_alive)
    return np.where(scored, np.nan_to_num(signals.p_alive, nan=1.0) < alive_threshold, by_recency)
