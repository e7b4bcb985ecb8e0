"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013) and customer value.

References
----------
Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from survey.errors import DataError
from survey.orders.bgnbd import BGNBDFit, expected_purchases_if_alive, p_alive
from survey.orders.mle import maximum_likelihood
from survey.orders.rfm import check_summary

GAMMA_GAMMA_PARAMETERS = ("p", "q", "gamma")


@dataclass(frozen=True)
class GammaGammaFit:
    r"""A Gamma-Gamma fit: estimates, standard errors, log-likelihood and sample size.

    Attributes
    ----------
    p : float
        Shape of the gamma distribution of a transaction's value around the
        customer's mean.
    q, gamma : float
        Shape and scale (rate of the inverse) of the gamma distribution of the
        customers' rate parameter :math:`\nu`.
    se : dict of str to float
        Standard errors (natural scale).
    covariance : ndarray
        Inverse Hessian of the negative log-likelihood in the natural parameters.
    loglik : float
        Maximised log-likelihood.
    n : int
        Customers used (those with at least one repeat transaction).
    correlation : float
        Pearson correlation between frequency and mean spend among those customers;
        the model assumes they are independent.
    converged : bool
        Whether the optimiser converged (a fit is only returned if it did).
    """

    p: float
    q: float
    gamma: float
    se: dict[str, float]
    covariance: np.ndarray
    loglik: float
    n: int
    correlation: float
    converged: bool

    def to_frame(self) -> pd.DataFrame:
        """The fit as a tidy table.

        Returns
        -------
        DataFrame
            Rows ``p``, ``q``, ``gamma`` (columns ``parameter``, ``estimate``, ``se``),
            then ``loglik``, ``n`` and ``correlation`` (frequency vs spend; ``se`` NaN).

        Examples
        --------
        >>> fit = GammaGammaFit(6.25, 3.74, 15.44, {"p": 1.0, "q": 0.3, "gamma": 3.0},
        ...                     np.eye(3), -4000.0, 946, 0.11, True)
        >>> fit.to_frame()["parameter"].tolist()
        ['p', 'q', 'gamma', 'loglik', 'n', 'correlation']
        """
        return pd.DataFrame(
            {
                "parameter": [*GAMMA_GAMMA_PARAMETERS, "loglik", "n", "correlation"],
                "estimate": [self.p, self.q, self.gamma, self.loglik, self.n, self.correlation],
                "se": [*(self.se[name] for name in GAMMA_GAMMA_PARAMETERS), *[np.nan] * 3],
            }
        )


#: The published Gamma-Gamma estimates on the CDNOW sample (Fader & Hardie 2013: 946
#: customers with repeat transactions to 1997-09-30), without standard errors.
CDNOW_ESTIMATES = GammaGammaFit(
    6.25, 3.74, 15.44, {}, np.full((3, 3), np.nan), np.nan, 946, np.nan, True
)


def gamma_gamma_log_likelihood(
    frequency: ArrayLike, monetary_value: ArrayLike, *, p: float, q: float, gamma: float
) -> np.ndarray:
    r"""Log-density of each customer's mean spend under the Gamma-Gamma model.

    Parameters
    ----------
    frequency : array_like
        Repeat transactions :math:`x` (> 0).
    monetary_value : array_like
        Mean value :math:`m_x` of those transactions (> 0).
    p, q, gamma : float
        The model's parameters.

    Returns
    -------
    ndarray
        :math:`\ln f(m_x \mid x)`, one per customer.

    Notes
    -----
    Fader & Hardie (2013), eq. 3:

    .. math::

        f(m_x \mid p, q, \gamma; x) = \frac{\Gamma(px+q)}{\Gamma(px)\Gamma(q)}
        \frac{\gamma^q\, m_x^{px-1}\, x^{px}}{(\gamma + m_x x)^{px+q}}.

    References
    ----------
    Fader & Hardie (2013), eq. 3 (full reference in the module docstring).

    Examples
    --------
    >>> gamma_gamma_log_likelihood([1], [1.0], p=1.0, q=1.0, gamma=1.0).round(4)
    array([-1.3863])
    """
    return gamma_gamma_log_likelihood_function(frequency, monetary_value)(p, q, gamma)


def gamma_gamma_log_likelihood_function(
    frequency: ArrayLike, monetary_value: ArrayLike
) -> Callable[[float, float, float], np.ndarray]:
    """Prepare :func:`gamma_gamma_log_likelihood` for many parameter values on the same data.

    Parameters
    ----------
    frequency, monetary_value : array_like
        Repeat transactions (> 0) and their mean value (> 0), one per customer.

    Returns
    -------
    callable
        ``loglik(p, q, gamma)`` giving the per-customer log-densities; the gamma
        functions are evaluated once per distinct frequency.

    Examples
    --------
    >>> gamma_gamma_log_likelihood_function([1, 1], [1.0, 2.0])(1.0, 1.0, 1.0).round(4)
    array([-1.3863, -2.1972])
    """
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    counts, which = np.unique(x, return_inverse=True)
    which = which.reshape(x.shape)
    log_m, log_x, spend = np.log(m), np.log(x), m * x

    def loglik(p: float, q: float, gamma: float) -> np.ndarray:
        p_counts = p * counts
        norm = special.gammaln(p_counts + q) - special.gammaln(p_counts) - special.gammaln(q)
        px = p * x
        return (
            norm[which]
            + q * np.log(gamma)
            + (px - 1) * log_m
            + px * log_x
            - (px + q) * np.log(gamma + spend)
        )

    return loglik


def fit_gamma_gamma(summary: pd.DataFrame, *, max_correlation: float = 0.3) -> GammaGammaFit:
    r"""Fit the Gamma-Gamma model of spend to the customers with repeat transactions.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency`` and ``monetary_value`` (mean value of the repeat
        transactions), e.g. from :func:`survey.orders.rfm.customer_summary`; customers
        with ``frequency`` 0 are left out, and so (with a ``UserWarning``) are those
        whose repeat transactions were all worth 0.
    max_correlation : float, default 0.3
        A ``UserWarning`` is issued when the absolute correlation of frequency and mean
        spend among the customers fitted exceeds this (the model assumes independence).

    Returns
    -------
    GammaGammaFit
        ``p``, ``q``, ``gamma`` with standard errors, log-likelihood, n and the
        frequency–spend correlation.

    Raises
    ------
    DataError
        If a column is missing or invalid, a repeat buyer's mean spend is missing,
        fewer than 3 customers have repeat transactions, or the fit does not converge or
        is not identified.

    Notes
    -----
    Maximum likelihood by :func:`survey.orders.mle.maximum_likelihood` (BFGS on the
    log-parameters, then Newton steps) from :math:`p = q = 1`, :math:`\gamma` = mean
    spend; standard errors from the inverse numerical Hessian taken directly in the
    natural parameters.

    References
    ----------
    Fader & Hardie (2013), the CDNOW fit reproduced below (full reference in the module docstring).

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> from survey.orders.rfm import customer_summary
    >>> fit = fit_gamma_gamma(customer_summary(load_cdnow(), calibration_end="1997-09-30"))
    >>> round(fit.p, 2), round(fit.q, 2), round(fit.gamma, 2), fit.n
    (6.25, 3.74, 15.44, 946)
    """
    columns = check_summary(summary, ("frequency", "monetary_value"))
    repeat = columns["frequency"] > 0
    missing = int(np.isnan(columns["monetary_value"][repeat]).sum())
    if missing:
        raise DataError(
            f"column 'monetary_value' is missing for {missing} customer(s) with repeat "
            "transactions; allowed: their mean spend (>= 0)"
        )
    free = int((columns["monetary_value"][repeat] == 0).sum())
    if free:
        warnings.warn(
            f"{free} customer(s) whose repeat transactions were all worth 0 left out of the "
            "Gamma-Gamma fit (its spend is positive)",
            UserWarning,
            stacklevel=2,
        )
    repeat &= columns["monetary_value"] > 0
    x, m = columns["frequency"][repeat], columns["monetary_value"][repeat]
    if len(x) < 3:
        raise DataError(
            f"the Gamma-Gamma model needs at least 3 customers with repeat transactions, got "
            f"{len(x)}"
        )
    correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 and np.ptp(m) > 0 else 0.0
    if abs(correlation) > max_correlation:
        warnings.warn(
            f"frequency and mean spend are correlated (r = {correlation:.2f}, n = {len(x)}); "
            "the Gamma-Gamma model assumes they are independent",
            UserWarning,
            stacklevel=2,
        )

    loglik = gamma_gamma_log_likelihood_function(x, m)

    def negative_loglik(params: np.ndarray) -> float:
        return -float(loglik(*params).sum())

    start = np.array([1.0, 1.0, float(m.mean())])
    result = maximum_likelihood(negative_loglik, start, GAMMA_GAMMA_PARAMETERS, "Gamma-Gamma")
    return GammaGammaFit(
        **result.fields(GAMMA_GAMMA_PARAMETERS), n=len(x), correlation=correlation, converged=True
    )


def expected_spend(
    fit: GammaGammaFit, frequency: ArrayLike, monetary_value: ArrayLike
) -> np.ndarray:
    r"""Expected value of a customer's future transactions given the past ones.

    Parameters
    ----------
    fit : GammaGammaFit
        The fitted model.
    frequency : array_like
        Repeat transactions :math:`x`.
    monetary_value : array_like
        Their mean value :math:`m_x` (ignored, may be NaN, when :math:`x = 0`).

    Returns
    -------
    ndarray
        :math:`E[M \mid p, q, \gamma, m_x, x] = \frac{p(\gamma + x m_x)}{px + q - 1}`,
        the population mean :math:`p\gamma/(q-1)` for customers without repeats.

    Raises
    ------
    DataError
        If :math:`q \le 1` (the mean spend does not exist).

    Notes
    -----
    A weighted mean of the population mean and the customer's own mean, the weight on
    the latter growing with :math:`x` (Fader & Hardie 2013, eq. 5).

    References
    ----------
    Fader & Hardie (2013), eq. 5 (full reference in the module docstring).

    Examples
    --------
    >>> expected_spend(CDNOW_ESTIMATES, [0, 2], [np.nan, 30.0]).round(2)
    array([35.22, 30.94])
    """
    if fit.q <= 1:
        raise DataError(f"q = {fit.q:.3g} <= 1: the Gamma-Gamma mean spend does not exist")
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    return fit.p * (fit.gamma + x * m) / (fit.p * x + fit.q - 1)


def clv(
    bgnbd_fit: BGNBDFit,
    gg_fit: GammaGammaFit,
    summary: pd.DataFrame,
    *,
    horizon_periods: int,
    discount_rate_per_period: float,
    margin: float,
) -> np.ndarray:
    r"""Discounted expected margin of each customer over a horizon (customer lifetime value).

    Parameters
    ----------
    bgnbd_fit : BGNBDFit
        Transactions model.
    gg_fit : GammaGammaFit
        Spend model.
    summary : DataFrame
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` per customer, e.g. from
        :func:`survey.orders.rfm.customer_summary`.
    horizon_periods : int
        Number of future periods summed (>= 1).
    discount_rate_per_period : float
        Discount rate :math:`d` per period (>= 0).
    margin : float
        Share of spend that is margin, in (0, 1].

    Returns
    -------
    ndarray
        CLV per customer, in the currency of ``monetary_value``, in ``summary`` order.

    Notes
    -----
    .. math::

        \text{CLV}_i = \text{margin}\; E[M_i] \sum_{k=1}^{H}
        \frac{E[Y_i(k)] - E[Y_i(k-1)]}{(1+d)^k},

    with :math:`E[Y_i(k)]` the BG/NBD conditional expectation
    (:func:`survey.orders.bgnbd.expected_purchases`) and :math:`E[M_i]` the
    Gamma-Gamma expected spend (:func:`expected_spend`): purchases expected in period
    :math:`k` are discounted to the end of that period, as in lifetimes'
    ``customer_lifetime_value``. The expectation is P(alive) times
    :func:`survey.orders.bgnbd.expected_purchases_if_alive`, which depends only on
    frequency and T, so it is computed once per distinct pair.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
    curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415–430.

    Examples
    --------
    >>> from survey.orders.bgnbd import CDNOW_ESTIMATES as bg
    >>> gg = CDNOW_ESTIMATES
    >>> summary = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43],
    ...                         "T": [38.86, 38.86], "monetary_value": [np.nan, 30.0]})
    >>> clv(bg, gg, summary, horizon_periods=52, discount_rate_per_period=0.0,
    ...     margin=1.0).round(2)
    array([ 8.88, 48.22])
    """
    if int(horizon_periods) != horizon_periods or horizon_periods < 1:
        raise DataError(
            f"horizon_periods {horizon_periods!r} is not allowed; allowed: integer >= 1"
        )
    if not discount_rate_per_period >= 0:
        raise DataError(
            f"discount_rate_per_period {discount_rate_per_period!r} is not allowed; allowed: >= 0"
        )
    if not 0 < margin <= 1:
        raise DataError(f"margin {margin!r} is not allowed; allowed: a share in (0, 1]")
    columns = check_summary(summary, ("frequency", "recency", "T", "monetary_value"))
    x = columns["frequency"]
    pairs, inverse = np.unique(np.column_stack([x, columns["T"]]), axis=0, return_inverse=True)
    steps = np.arange(horizon_periods + 1, dtype=float)[:, None]
    cumulative = expected_purchases_if_alive(bgnbd_fit, steps, pairs[:, 0], pairs[:, 1])
    discount = (1.0 + discount_rate_per_period) ** -steps[1:]
    per_pair = (np.diff(cumulative, axis=0) * discount).sum(axis=0)
    purchases = per_pair[inverse.ravel()] * p_alive(bgnbd_fit, x, columns["recency"], columns["T"])
    return margin * expected_spend(gg_fit, x, columns["monetary_value"]) * purchases
