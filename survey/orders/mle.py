"""Maximum likelihood for the buy-till-you-die models: optimiser, numerical Hessian, refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import optimize

from survey.errors import DataError

#: Newton steps after the optimiser, and the decrement (twice the log-likelihood still
#: to gain) below which a fit has converged.
NEWTON_STEPS = 8
DECREMENT_TOLERANCE = 1e-6
#: Smallest eigenvalue allowed of the Hessian scaled to unit diagonal (a correlation-like
#: matrix: 0 for a flat direction; 0.0035 for Gamma-Gamma on CDNOW, the lowest seen).
MIN_CURVATURE = 1e-6


class MaximumLikelihood(NamedTuple):
    """A converged, identified maximum-likelihood fit (unpacks as its three fields)."""

    #: The estimates, in the order of the parameter names.
    params: np.ndarray
    #: The maximised log-likelihood.
    loglik: float
    #: Inverse Hessian of the negative log-likelihood in the natural parameters.
    covariance: np.ndarray

    def fields(self, names: tuple[str, ...]) -> dict[str, object]:
        """Estimates by name, ``se`` (name → standard error), ``covariance`` and ``loglik``.

        Parameters
        ----------
        names : tuple of str
            The parameter names, in order.

        Returns
        -------
        dict
            Keyword arguments for a fit class such as ``BGNBDFit``.

        Examples
        --------
        >>> MaximumLikelihood(np.array([2.0]), -1.0, np.array([[4.0]])).fields(("x",))["se"]
        {'x': 2.0}
        """
        se = np.sqrt(np.diag(self.covariance))
        return {
            **dict(zip(names, map(float, self.params), strict=True)),
            "se": dict(zip(names, map(float, se), strict=True)),
            "covariance": self.covariance,
            "loglik": self.loglik,
        }


def numerical_derivatives(
    function: Callable[[np.ndarray], float], point: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of a scalar function by central differences.

    Parameters
    ----------
    function : callable
        Maps a parameter vector to a float.
    point : ndarray
        Where to differentiate (all entries non-zero: the steps are relative, 1e-5
        of each entry for the gradient and 1e-4 for the Hessian).

    Returns
    -------
    gradient : ndarray
        The gradient.
    hessian : ndarray
        The symmetric ``len(point) × len(point)`` Hessian.

    Examples
    --------
    >>> gradient, hessian = numerical_derivatives(lambda p: p[0] ** 2 * p[1], np.array([1.0, 2.0]))
    >>> gradient.round(6), hessian.round(6)
    (array([4., 1.]), array([[4., 2.],
           [2., 0.]]))
    """
    point = np.asarray(point, dtype=float)
    size = len(point)
    unit = np.eye(size) * np.maximum(np.abs(point), 1e-8)
    gradient = np.array(
        [(function(point + 1e-5 * e) - function(point - 1e-5 * e)) / (2e-5 * e.sum()) for e in unit]
    )
    hessian = np.empty((size, size))
    for i in range(size):
        for j in range(i, size):
            di, dj = 1e-4 * unit[i], 1e-4 * unit[j]
            total = (
                function(point + di + dj)
                - function(point + di - dj)
                - function(point - di + dj)
                + function(point - di - dj)
            )
            hessian[i, j] = hessian[j, i] = total / (4 * di.sum() * dj.sum())
    return gradient, hessian


def maximum_likelihood(
    negative_loglik: Callable[[np.ndarray], float],
    start: np.ndarray,
    names: tuple[str, ...],
    model: str,
) -> MaximumLikelihood:
    r"""Minimise a negative log-likelihood of positive parameters; refuse an unidentified fit.

    Parameters
    ----------
    negative_loglik : callable
        Maps the natural (positive) parameters to minus the log-likelihood.
    start : ndarray
        Starting natural parameters.
    names : tuple of str
        Parameter names, for the result and messages.
    model : str
        Model name, for messages.

    Returns
    -------
    MaximumLikelihood
        ``(params, loglik, covariance)``; ``.fields(names)`` adds standard errors.

    Raises
    ------
    DataError
        If the fit does not converge or the Hessian at the optimum is not positive
        definite (the parameters are not identified by these data).

    Notes
    -----
    BFGS on the log-parameters, then Newton steps in the natural parameters with the
    numerical Hessian (:func:`numerical_derivatives`); if those fail, again from a
    Nelder–Mead start. Converged means the Newton decrement :math:`g^\top H^{-1} g`
    (twice the log-likelihood a further step could gain) is below 1e-6. Identified
    means the Hessian, scaled to unit diagonal, has no eigenvalue below 1e-6 (no flat
    direction). The covariance is :math:`H^{-1}` taken directly in the natural
    parameters. A likelihood that keeps rising slowly towards a boundary (e.g. a log
    without any dropout, where BG/NBD's ``a`` runs to 0) stops where a step gains less
    than the tolerance; its standard errors then dwarf the estimate, which says so.

    Examples
    --------
    >>> fit = maximum_likelihood(lambda p: ((p - 2.0) ** 2).sum(), np.array([1.0]), ("x",), "toy")
    >>> round(float(fit.params[0]), 4), round(float(fit.covariance[0, 0]), 4)
    (2.0, 0.5)
    """

    def on_log_scale(log_params: np.ndarray) -> float:
        if np.any(np.abs(log_params) > 40):
            return np.inf
        with np.errstate(all="ignore"):
            value = negative_loglik(np.exp(log_params))
        return value if np.isfinite(value) else np.inf

    # BFGS from the start; if Newton cannot finish from there, Nelder-Mead first
    with np.errstate(all="ignore"):  # finite differences across an infinite edge
        found = optimize.minimize(
            on_log_scale, np.log(start), method="BFGS", options={"gtol": 1e-4}
        )
    result = _newton(negative_loglik, np.exp(found.x), names)
    if isinstance(result, str):
        with np.errstate(all="ignore"):
            simplex = optimize.minimize(
                on_log_scale,
                np.log(start),
                method="Nelder-Mead",
                options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 2000, "maxfev": 4000},
            )
            found = optimize.minimize(
                on_log_scale, simplex.x, method="BFGS", options={"gtol": 1e-4}
            )
        result = _newton(negative_loglik, np.exp(found.x), names)
    if isinstance(result, str):
        raise DataError(f"{model} {result}")
    estimate, covariance = result
    return MaximumLikelihood(estimate, -float(negative_loglik(estimate)), covariance)


def _newton(
    negative_loglik: Callable[[np.ndarray], float], estimate: np.ndarray, names: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray] | str:
    """Newton steps in the natural parameters: (estimate, covariance), or why there is none."""
    decrement = np.inf
    for _ in range(NEWTON_STEPS):
        where = ", ".join(
            f"{name} {value:.4g}" for name, value in zip(names, estimate, strict=True)
        )
        current = negative_loglik(estimate)
        if not np.isfinite(current):
            return f"fit did not converge (log-likelihood not finite at {where})"
        gradient, hessian = numerical_derivatives(negative_loglik, estimate)
        try:
            if not np.all(np.isfinite(hessian)) or _scaled_curvature(hessian) < MIN_CURVATURE:
                raise np.linalg.LinAlgError
            inverse_factor = np.linalg.inv(np.linalg.cholesky(hessian))
        except np.linalg.LinAlgError:
            return (
                f"is not identified on these data: the Hessian of the log-likelihood at {where} "
                "is not negative definite (estimates running off to 0 or infinity: too few "
                "repeat transactions, or no spread between customers)"
            )
        covariance = inverse_factor.T @ inverse_factor
        step = covariance @ gradient
        decrement = float(gradient @ step)
        if decrement < DECREMENT_TOLERANCE:
            return estimate, covariance
        for _ in range(30):  # halve the step until it stays positive and improves
            candidate = estimate - step
            if np.all(candidate > 0) and negative_loglik(candidate) <= current:
                break
            step = step / 2
        else:
            break
        estimate = candidate
    return f"fit did not converge (Newton decrement {decrement:.3g} at {where})"


def _scaled_curvature(hessian: np.ndarray) -> float:
    """Smallest eigenvalue of the Hessian scaled to unit diagonal (-inf if a diagonal <= 0)."""
    diagonal = np.diag(hessian)
    if np.any(diagonal <= 0):
        return -np.inf
    scale = 1 / np.sqrt(diagonal)
    return float(np.linalg.eigvalsh(hessian * scale[:, None] * scale[None, :]).min())
