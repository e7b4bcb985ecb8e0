"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. *Marketing Science*, 24(2), 275–284.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from survey.orders.mle import maximum_likelihood
from survey.orders.rfm import check_summary

BGNBD_PARAMETERS = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BGNBDFit:
    """A BG/NBD fit: estimates, standard errors, log-likelihood and sample size.

    Attributes
    ----------
    r, alpha : float
        Shape and rate of the gamma distribution of transaction rates (per period).
    a, b : float
        Shapes of the beta distribution of the dropout probability after a transaction.
    se : dict of str to float
        Standard errors of ``r``, ``alpha``, ``a`` and ``b`` (natural scale).
    covariance : ndarray
        Their 4 × 4 covariance matrix: the inverse of the Hessian of the negative
        log-likelihood in the natural parameters.
    loglik : float
        Maximised log-likelihood.
    n : int
        Customers used.
    converged : bool
        Whether the optimiser converged (a fit is only returned if it did).
    """

    r: float
    alpha: float
    a: float
    b: float
    se: dict[str, float]
    covariance: np.ndarray
    loglik: float
    n: int
    converged: bool

    @property
    def params(self) -> np.ndarray:
        """``[r, alpha, a, b]`` as an array."""
        return np.array([self.r, self.alpha, self.a, self.b])

    def to_frame(self) -> pd.DataFrame:
        """The fit as a tidy table.

        Returns
        -------
        DataFrame
            Rows ``r``, ``alpha``, ``a``, ``b`` (columns ``parameter``, ``estimate``,
            ``se``), then ``loglik`` and ``n`` (estimate only, ``se`` NaN).

        Examples
        --------
        >>> fit = BGNBDFit(0.24, 4.4, 0.79, 2.4, {"r": 0.01, "alpha": 0.3, "a": 0.2,
        ...                "b": 0.7}, np.eye(4), -9582.4, 2357, True)
        >>> fit.to_frame()["parameter"].tolist()
        ['r', 'alpha', 'a', 'b', 'loglik', 'n']
        """
        return pd.DataFrame(
            {
                "parameter": [*BGNBD_PARAMETERS, "loglik", "n"],
                "estimate": [*self.params, self.loglik, float(self.n)],
                "se": [*(self.se[name] for name in BGNBD_PARAMETERS), np.nan, np.nan],
            }
        )


#: The published BG/NBD estimates on the CDNOW sample (Fader, Hardie & Lee 2005, sec. 5:
#: weeks, calibration to 1997-09-30), without standard errors.
CDNOW_ESTIMATES = BGNBDFit(
    0.243, 4.414, 0.793, 2.426, {}, np.full((4, 4), np.nan), -9582.4, 2357, True
)


def _pow_ratio(numerator: np.ndarray, denominator: np.ndarray, power: np.ndarray) -> np.ndarray:
    """``(numerator / denominator) ** power`` through logs (no overflow on the way)."""
    with np.errstate(over="ignore"):
        return np.exp(power * (np.log(numerator) - np.log(denominator)))


def bgnbd_log_likelihood(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803 - the model's own name for the calibration length
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> np.ndarray:
    r"""Log-likelihood of each customer's history under BG/NBD.

    Parameters
    ----------
    frequency, recency, T : array_like
        Repeat transactions :math:`x`, time of the last one :math:`t_x` and length of
        the observation :math:`T` (periods since the first purchase).
    r, alpha, a, b : float
        The model's parameters.

    Returns
    -------
    ndarray
        :math:`\ln L_i`, one per customer.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. 6:

    .. math::

        L = \frac{B(a, b+x)}{B(a, b)} \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r)
        (\alpha+T)^{r+x}} + \delta_{x>0} \frac{B(a+1, b+x-1)}{B(a, b)}
        \frac{\Gamma(r+x)\,\alpha^r}{\Gamma(r) (\alpha+t_x)^{r+x}},

    summed in logs with ``logaddexp``.

    References
    ----------
    Fader, Hardie & Lee (2005), eq. 6 (full reference in the module docstring).

    Examples
    --------
    >>> bgnbd_log_likelihood([0], [0.0], [1.0], r=1.0, alpha=1.0, a=1.0, b=1.0)
    array([-0.69314718])
    """
    return bgnbd_log_likelihood_function(frequency, recency, T)(r, alpha, a, b)


def bgnbd_log_likelihood_function(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> Callable[[float, float, float, float], np.ndarray]:
    """Prepare :func:`bgnbd_log_likelihood` for many parameter values on the same data.

    Parameters
    ----------
    frequency, recency, T : array_like
        The customers' histories, as in :func:`bgnbd_log_likelihood`.

    Returns
    -------
    callable
        ``loglik(r, alpha, a, b)`` giving the per-customer log-likelihoods. The gamma
        and beta functions are evaluated once per distinct frequency and the logarithms
        once per distinct time, so an evaluation costs a few array operations per
        customer.

    Examples
    --------
    >>> loglik = bgnbd_log_likelihood_function([0, 2], [0.0, 30.43], [38.86, 38.86])
    >>> loglik(0.243, 4.414, 0.793, 2.426).round(4)
    array([-0.5547, -9.4586])
    """
    x = np.asarray(frequency, dtype=float)
    times, where = np.unique(
        np.concatenate(
            [np.asarray(recency, dtype=float).ravel(), np.asarray(T, dtype=float).ravel()]
        ),
        return_inverse=True,
    )
    at_recency, at_t = where[: x.size].reshape(x.shape), where[x.size :].reshape(x.shape)
    counts, which = np.unique(x, return_inverse=True)
    which = which.reshape(x.shape)
    repeat = counts > 0

    def loglik(r: float, alpha: float, a: float, b: float) -> np.ndarray:
        beta_ab = special.betaln(a, b)
        power = r + counts
        common = special.gammaln(power) - special.gammaln(r) + r * np.log(alpha)
        alive = special.betaln(a, b + counts) - beta_ab
        dropped = np.full(counts.shape, -np.inf)
        dropped[repeat] = special.betaln(a + 1, b + counts[repeat] - 1) - beta_ab
        log_time = np.log(alpha + times)
        power_x = power[which]
        return common[which] + np.logaddexp(
            alive[which] - power_x * log_time[at_t],
            dropped[which] - power_x * log_time[at_recency],
        )

    return loglik


def fit_bgnbd(summary: pd.DataFrame) -> BGNBDFit:
    r"""Fit the BG/NBD model to a customer summary by maximum likelihood.

    Parameters
    ----------
    summary : DataFrame
        Columns ``frequency``, ``recency`` and ``T`` (periods), one row per customer,
        e.g. from :func:`survey.orders.rfm.customer_summary`.

    Returns
    -------
    BGNBDFit
        Estimates of ``r``, ``alpha``, ``a``, ``b`` with standard errors, log-likelihood,
        n and the convergence flag.

    Raises
    ------
    DataError
        If a column is missing or invalid, the fit does not converge, or the
        parameters are not identified (e.g. no customer made a repeat purchase).

    Notes
    -----
    The log-likelihood (:func:`bgnbd_log_likelihood`) is summed over the distinct
    ``(frequency, recency, T)`` histories weighted by their counts and maximised by
    :func:`survey.orders.mle.maximum_likelihood` (BFGS on the log-parameters, then
    Newton steps) from :math:`r = a = b = 1`, :math:`\alpha` = mean T. Standard errors come from the
    inverse of the numerical (central-difference) Hessian of the negative
    log-likelihood taken directly in the natural parameters.

    References
    ----------
    Fader, Hardie & Lee (2005), sec. 5: the CDNOW fit reproduced below (full reference
    in the module docstring).

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> from survey.orders.rfm import customer_summary
    >>> summary = customer_summary(load_cdnow(), calibration_end="1997-09-30")
    >>> fit = fit_bgnbd(summary)
    >>> round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)
    (0.243, 4.414, 0.793, 2.426)
    >>> round(fit.loglik, 1), fit.n
    (-9582.4, 2357)
    """
    columns = check_summary(summary, ("frequency", "recency", "T"))
    histories = np.column_stack([columns["frequency"], columns["recency"], columns["T"]])
    unique, counts = np.unique(histories, axis=0, return_counts=True)
    loglik = bgnbd_log_likelihood_function(*unique.T)

    def negative_loglik(params: np.ndarray) -> float:
        return -float((counts * loglik(*params)).sum())  # not @: BLAS threads are slow here

    start = np.array([1.0, max(float(columns["T"].mean()), 1e-3), 1.0, 1.0])
    result = maximum_likelihood(negative_loglik, start, BGNBD_PARAMETERS, "BG/NBD")
    return BGNBDFit(**result.fields(BGNBD_PARAMETERS), n=len(summary), converged=True)


def p_alive(fit: BGNBDFit, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:  # noqa: N803
    r"""Probability that a customer with this history is still alive at ``T``.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    frequency, recency, T : array_like
        Repeat transactions, time of the last and length of observation (periods).

    Returns
    -------
    ndarray
        :math:`P(\text{alive} \mid x, t_x, T)`, 1 for customers without repeats.

    Notes
    -----
    Fader, Hardie & Lee (2008), eq. 2 (the note on P(alive) under BG/NBD):
    :math:`1 / \bigl(1 + \delta_{x>0} \frac{a}{b+x-1}
    (\frac{\alpha+T}{\alpha+t_x})^{r+x}\bigr)`.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2008). Computing P(alive) using the
    BG/NBD model. http://brucehardie.com/notes/021/

    Examples
    --------
    >>> p_alive(CDNOW_ESTIMATES, [0, 2], [0.0, 30.43], [38.86, 38.86]).round(3)
    array([1.   , 0.727])
    """
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    big_t = np.asarray(T, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        odds = np.where(
            x > 0,
            fit.a
            / np.maximum(fit.b + x - 1, 1e-300)
            * _pow_ratio(fit.alpha + big_t, fit.alpha + t_x, fit.r + x),
            0.0,
        )
    return 1.0 / (1.0 + odds)


def expected_purchases(
    fit: BGNBDFit,
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> np.ndarray:
    r"""Expected transactions in the next ``t`` periods of a customer with this history.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    t : array_like
        Length of the future period (periods); broadcast against the history.
    frequency, recency, T : array_like
        Repeat transactions, time of the last and length of observation (periods).

    Returns
    -------
    ndarray
        :math:`E[Y(t) \mid x, t_x, T]`.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. 10:

    .. math::

        E[Y(t) \mid x, t_x, T] = \frac{\frac{a+b+x-1}{a-1}\left[1 -
        \left(\frac{\alpha+T}{\alpha+T+t}\right)^{r+x}
        {}_2F_1\!\left(r+x, b+x; a+b+x-1; \frac{t}{\alpha+T+t}\right)\right]}
        {1 + \delta_{x>0} \frac{a}{b+x-1}\left(\frac{\alpha+T}{\alpha+t_x}\right)^{r+x}}.

    The formula is singular at :math:`a = 1` exactly.

    References
    ----------
    Fader, Hardie & Lee (2005), eq. 10 (full reference in the module docstring).

    Examples
    --------
    >>> expected_purchases(CDNOW_ESTIMATES, 39, [2], [30.43], [38.86]).round(3)
    array([1.226])
    """
    return expected_purchases_if_alive(fit, t, frequency, T) * p_alive(fit, frequency, recency, T)


def expected_purchases_if_alive(
    fit: BGNBDFit,
    t: ArrayLike,
    frequency: ArrayLike,
    T: ArrayLike,  # noqa: N803
) -> np.ndarray:
    r"""Expected transactions in the next ``t`` periods of a customer known to be alive at ``T``.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model, e.g. :data:`CDNOW_ESTIMATES`.
    t : array_like
        Future period lengths, broadcast against ``frequency`` and ``T``.
    frequency, T : array_like
        Repeat transactions and length of observation (periods); given that the
        customer is alive, the time of the last transaction does not matter.

    Returns
    -------
    ndarray
        :math:`\frac{a+b+x-1}{a-1}\bigl[1 - (\frac{\alpha+T}{\alpha+T+t})^{r+x}
        {}_2F_1(r+x, b+x; a+b+x-1; \frac{t}{\alpha+T+t})\bigr]`, the numerator of
        eq. 10 of Fader, Hardie & Lee (2005); times :func:`p_alive` it gives
        :func:`expected_purchases`.

    References
    ----------
    Fader, Hardie & Lee (2005), eq. 10, its numerator (full reference in the module docstring).

    Examples
    --------
    >>> expected_purchases_if_alive(CDNOW_ESTIMATES, 39, [2], [38.86]).round(3)
    array([1.687])
    """
    r, alpha, a, b = fit.params
    x = np.asarray(frequency, dtype=float)
    big_t = np.asarray(T, dtype=float)
    t = np.asarray(t, dtype=float)
    z = t / (alpha + big_t + t)
    with np.errstate(over="ignore", invalid="ignore"):
        bracket = 1.0 - _pow_ratio(alpha + big_t, alpha + big_t + t, r + x) * special.hyp2f1(
            r + x, b + x, a + b + x - 1, z
        )
    return (a + b + x - 1) / (a - 1) * bracket


def expected_repeat(fit: BGNBDFit, t: ArrayLike) -> np.ndarray:
    r"""Expected repeat transactions of a new customer in the ``t`` periods after the first.

    Parameters
    ----------
    fit : BGNBDFit
        The fitted model.
    t : array_like
        Time since the first purchase (periods, >= 0).

    Returns
    -------
    ndarray
        :math:`E[X(t)]`, 0 at :math:`t = 0`.

    Notes
    -----
    Fader, Hardie & Lee (2005), eq. 9:
    :math:`E[X(t)] = \frac{a+b-1}{a-1}\left[1 - \left(\frac{\alpha}{\alpha+t}\right)^r
    {}_2F_1\!\left(r, b; a+b-1; \frac{t}{\alpha+t}\right)\right]`. Near 0 it grows as
    :math:`r t / \alpha` (everyone alive, mean rate :math:`r/\alpha`).

    References
    ----------
    Fader, Hardie & Lee (2005), eq. 9 (full reference in the module docstring).

    Examples
    --------
    >>> expected_repeat(CDNOW_ESTIMATES, [1.0, 39.0]).round(4)
    array([0.0533, 1.1967])
    """
    r, alpha, a, b = fit.params
    t = np.asarray(t, dtype=float)
    bracket = 1.0 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * bracket
