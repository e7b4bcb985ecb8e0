"""Reliability of multi-item constructs.

Conventions (the report repeats them): Cronbach's α is given raw (covariance-based,
pingouin) and standardised (correlation-based, what PLS programs such as seminr and
SmartPLS report). Composite reliability and AVE use *composite loadings*: correlations
of each item with the first principal component of the block's correlation matrix,
which is what a PLS program estimates for a block on its own (Mode A converges to it).
McDonald's ω total uses the standardised loadings of a one-factor model fitted by
iterated principal-axis factoring. All statistics use the respondents who answered
every item of the construct (listwise deletion within the construct): each construct
uses its own complete cases, so a missing answer in another construct never changes
it, and every table reports this ``n``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from survey import _pingouin
from survey._validate import check_items
from survey.errors import DataError


def _complete(data: pd.DataFrame, items: Sequence[str], min_items: int = 2) -> pd.DataFrame:
    check_items(data, items, min_items=min_items)
    block = data[list(items)].dropna()
    if len(block) < 3:
        raise DataError(
            f"items {list(items)}: need at least 3 respondents answering all items, "
            f"got {len(block)}"
        )
    constant = [item for item in items if block[item].std() == 0]
    if constant:
        raise DataError(f"item(s) {constant} have no variance; reliability is undefined")
    return block


def _reliability_from_loadings(loadings: np.ndarray) -> float:
    """(Σλ)² / ((Σλ)² + Σ(1 − λ²)) for standardised loadings: ρc and ω total."""
    explained = loadings.sum() ** 2
    return float(explained / (explained + (1 - loadings**2).sum()))


def _standardised_alpha(corr: np.ndarray) -> float:
    k = corr.shape[0]
    return k / (k - 1) * (1 - k / corr.sum())


def cronbach_alpha(data: pd.DataFrame, items: Sequence[str], ci: float = 0.95) -> pd.DataFrame:
    r"""Cronbach's α, raw with confidence interval and standardised.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct (at least two).
    ci : float, default 0.95
        Confidence level of the interval of raw α.

    Returns
    -------
    DataFrame
        One row with columns:

        * ``n``: respondents answering all items
        * ``k``: number of items
        * ``alpha``: raw α from the covariance matrix (``pingouin.cronbach_alpha``)
        * ``ci_low``, ``ci_high``: its confidence interval (Feldt's F-based, pingouin)
        * ``alpha_std``: standardised α from the correlation matrix

    Notes
    -----
    Raw: :math:`\alpha = \frac{k}{k-1}\left(1 - \frac{\sum_j s_j^2}{s_T^2}\right)`.
    Standardised: :math:`\alpha_{std} = \frac{k}{k-1}\left(1 - \frac{k}{\sum_{jl}
    r_{jl}}\right)`, equal to :math:`k\bar r / (1 + (k-1)\bar r)`; PLS programs
    (seminr, SmartPLS) report this one.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika*, 16(3), 297–334.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> cronbach_alpha(df, ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"]).round(4)
         n  k   alpha  ci_low  ci_high  alpha_std
    0  250  5  0.7144   0.654    0.767     0.7228
    """
    block = _complete(data, items)
    alpha, low, high = _pingouin.cronbach_alpha(block, ci)
    alpha_std = _standardised_alpha(np.corrcoef(block.to_numpy(), rowvar=False))
    return pd.DataFrame(
        {
            "n": [len(block)],
            "k": [len(items)],
            "alpha": [alpha],
            "ci_low": [low],
            "ci_high": [high],
            "alpha_std": [alpha_std],
        }
    )


def composite_loadings(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    r"""Compute loadings of items on the first principal component of their correlations.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct.

    Returns
    -------
    DataFrame
        Columns ``item`` and ``loading`` (correlation of the item with the
        component, sign chosen so the loadings sum to a positive number).

    Notes
    -----
    :math:`\lambda = \sqrt{e_1}\,v_1`, with :math:`e_1, v_1` the largest
    eigenvalue and its eigenvector of the item correlation matrix. A PLS Mode A block
    estimated alone converges to these loadings.

    References
    ----------
    Hair, J. F. et al. (2022). *A Primer on Partial Least Squares Structural Equation
    Modeling (PLS-SEM)*, 3rd ed. Sage.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [1, 3, 2, 4.0]})
    >>> composite_loadings(df, ["a", "b"]).round(3)
      item  loading
    0    a    0.949
    1    b    0.949
    """
    block = _complete(data, items, min_items=1)
    if len(items) == 1:
        return pd.DataFrame({"item": list(items), "loading": [1.0]})
    values, vectors = np.linalg.eigh(np.corrcoef(block.to_numpy(), rowvar=False))
    loadings = vectors[:, -1] * np.sqrt(values[-1])
    loadings *= np.sign(loadings.sum())
    return pd.DataFrame({"item": list(items), "loading": loadings})


def composite_reliability(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    r"""Composite reliability (Jöreskog's ρc) from composite loadings.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct (at least two).

    Returns
    -------
    DataFrame
        One row with ``n``, ``k`` and ``rho_c``.

    Notes
    -----
    :math:`\rho_c = \frac{(\sum_j \lambda_j)^2}{(\sum_j \lambda_j)^2 + \sum_j
    (1 - \lambda_j^2)}` with :math:`\lambda_j` from :func:`composite_loadings`.

    References
    ----------
    Jöreskog, K. G. (1971). Statistical analysis of sets of congeneric tests.
    *Psychometrika*, 36(2), 109–133.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [1, 3, 2, 4.0]})
    >>> composite_reliability(df, ["a", "b"]).round(3)
       n  k  rho_c
    0  4  2  0.947
    """
    block = _complete(data, items)
    loadings = composite_loadings(block, items)["loading"].to_numpy()
    rho_c = _reliability_from_loadings(loadings)
    return pd.DataFrame({"n": [len(block)], "k": [len(items)], "rho_c": [rho_c]})


def average_variance_extracted(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    r"""Average variance extracted (AVE) from composite loadings.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct (at least two).

    Returns
    -------
    DataFrame
        One row with ``n``, ``k`` and ``ave``.

    Notes
    -----
    :math:`AVE = \frac{1}{k}\sum_j \lambda_j^2` with :math:`\lambda_j` from
    :func:`composite_loadings`; 0.5 or more is the usual bar for convergent validity.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39–50.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4.0], "b": [1, 3, 2, 4.0]})
    >>> average_variance_extracted(df, ["a", "b"]).round(3)
       n  k  ave
    0  4  2  0.9
    """
    block = _complete(data, items)
    loadings = composite_loadings(block, items)["loading"].to_numpy()
    return pd.DataFrame({"n": [len(block)], "k": [len(items)], "ave": [np.mean(loadings**2)]})


def _one_factor_loadings(corr: np.ndarray, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    communality = 1 - 1 / np.diag(np.linalg.pinv(corr))
    for _ in range(max_iter):
        reduced = corr.copy()
        np.fill_diagonal(reduced, communality)
        values, vectors = np.linalg.eigh(reduced)
        loadings = vectors[:, -1] * np.sqrt(max(values[-1], 0.0))
        updated = np.clip(loadings**2, 0.0, 1.0)
        if np.max(np.abs(updated - communality)) < tol:
            break
        communality = updated
    return loadings * np.sign(loadings.sum())


def mcdonald_omega(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    r"""McDonald's ω total from a one-factor model (iterated principal-axis factoring).

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct (at least two).

    Returns
    -------
    DataFrame
        One row with ``n``, ``k`` and ``omega_total``.

    Notes
    -----
    A one-factor model is fitted to the item correlation matrix by principal-axis
    factoring, starting from squared multiple correlations and iterating the
    communalities to convergence (1e-10, at most 1000 iterations; Heywood cases are
    clipped at 1). With standardised loadings :math:`\lambda_j` and uniquenesses
    :math:`1-\lambda_j^2`,
    :math:`\omega_t = \frac{(\sum_j \lambda_j)^2}{(\sum_j \lambda_j)^2 +
    \sum_j (1-\lambda_j^2)}`. Maximum-likelihood fits (e.g. R ``psych::omega``
    with ``fm="ml"``) differ in the third decimal.

    References
    ----------
    McDonald, R. P. (1999). *Test Theory: A Unified Treatment*. Erlbaum.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> mcdonald_omega(df, ["CUSA1", "CUSA2", "CUSA3"]).round(3)
         n  k  omega_total
    0  250  3        0.782
    """
    block = _complete(data, items)
    loadings = _one_factor_loadings(np.corrcoef(block.to_numpy(), rowvar=False))
    omega = _reliability_from_loadings(loadings)
    return pd.DataFrame({"n": [len(block)], "k": [len(items)], "omega_total": [omega]})


def item_rest_correlation(data: pd.DataFrame, items: Sequence[str]) -> pd.DataFrame:
    r"""Corrected item–total (item–rest) correlation and α if the item is dropped.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    items : sequence of str
        The items of one construct (at least two).

    Returns
    -------
    DataFrame
        One row per item with columns:

        * ``item``: the item
        * ``r_item_rest``: Pearson correlation of the item with the sum of the others
        * ``alpha_if_dropped``: raw Cronbach's α of the other items (NaN when only
          one item would remain)
        * ``n``: respondents answering every item of the construct (used for both)

    Notes
    -----
    :math:`r_{j,rest} = \mathrm{corr}(x_j, \sum_{l \ne j} x_l)`; an item whose
    removal raises α is a candidate for revision. Both come from one covariance matrix
    :math:`C` of the items: the rest score has variance
    :math:`\sum C - 2\sum_l C_{jl} + C_{jj}`, and α without item *j* is
    :math:`\frac{k-1}{k-2}\left(1 - \frac{\operatorname{tr} C - C_{jj}}
    {\operatorname{Var}(rest_j)}\right)`, equal to ``pingouin.cronbach_alpha`` on
    the remaining items (tested).

    References
    ----------
    Nunnally, J. C., & Bernstein, I. H. (1994). *Psychometric Theory*, 3rd ed.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> item_rest_correlation(df, ["CUSA1", "CUSA2", "CUSA3"]).round(3)
        item  r_item_rest  alpha_if_dropped    n
    0  CUSA1        0.577             0.744  250
    1  CUSA2        0.657             0.632  250
    2  CUSA3        0.624             0.672  250
    """
    block = _complete(data, items)
    cov = np.cov(block.to_numpy(float), rowvar=False)
    k = len(items)
    # Variance of the rest score and its covariance with the item, from one covariance matrix.
    rest_variance = cov.sum() - 2 * cov.sum(axis=1) + np.diag(cov)
    item_rest_cov = cov.sum(axis=1) - np.diag(cov)
    r_item_rest = item_rest_cov / np.sqrt(np.diag(cov) * rest_variance)
    alpha_if_dropped = (
        (k - 1) / (k - 2) * (1 - (np.trace(cov) - np.diag(cov)) / rest_variance)
        if k > 2
        else np.full(k, np.nan)
    )
    return pd.DataFrame(
        {
            "item": list(items),
            "r_item_rest": r_item_rest,
            "alpha_if_dropped": alpha_if_dropped,
            "n": len(block),
        }
    )


def reliability_table(
    data: pd.DataFrame, constructs: Mapping[str, Sequence[str]], ci: float = 0.95
) -> pd.DataFrame:
    """All construct-level reliability statistics, one row per construct.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items (at least two each).
    ci : float, default 0.95
        Confidence level of the α interval.

    Returns
    -------
    DataFrame
        Columns ``construct``, ``n``, ``k``, ``alpha``, ``ci_low``, ``ci_high``,
        ``alpha_std`` (see :func:`cronbach_alpha`), ``omega_total``
        (:func:`mcdonald_omega`), ``rho_c`` (:func:`composite_reliability`) and
        ``ave`` (:func:`average_variance_extracted`).

    Notes
    -----
    Each statistic uses the respondents who answered all items of the construct
    (its own complete cases, column ``n``); missing answers in other constructs do
    not change a row.

    References
    ----------
    See the functions listed under Returns.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> reliability_table(df, {"Value": ["PERV1", "PERV2"]})[["construct", "alpha_std"]]
      construct  alpha_std
    0     Value   0.823632
    """
    rows = []
    for name, items in constructs.items():
        row = cronbach_alpha(data, items, ci=ci)
        row["omega_total"] = mcdonald_omega(data, items)["omega_total"]
        row["rho_c"] = composite_reliability(data, items)["rho_c"]
        row["ave"] = average_variance_extracted(data, items)["ave"]
        rows.append(row.assign(construct=name))
    table = pd.concat(rows, ignore_index=True)
    return table[["construct", *[c for c in table.columns if c != "construct"]]]


def _flip_for_alpha(corr: np.ndarray) -> tuple[list[int], float]:
    """Greedily reverse items while it raises standardised α; return them and the new α."""
    signs = np.ones(corr.shape[0])
    best = _standardised_alpha(corr)
    flipped: list[int] = []
    while True:
        current = corr * np.outer(signs, signs)
        rest = current.sum(axis=1) - 1  # each item's summed correlation with the others
        candidates = [j for j in np.argsort(rest) if rest[j] < 0 and j not in flipped]
        gains = []
        for j in candidates:
            trial = signs.copy()
            trial[j] = -trial[j]
            gains.append((_standardised_alpha(corr * np.outer(trial, trial)), j))
        if not gains or max(gains)[0] <= best:
            return flipped, best
        best, j = max(gains)
        signs[j] = -signs[j]
        flipped.append(int(j))


def reverse_coding_warnings(
    data: pd.DataFrame, constructs: Mapping[str, Sequence[str]]
) -> list[str]:
    """Warn about items that correlate negatively with the rest of their construct.

    Such an item is usually worded in reverse (or stored as ``min + max - x``) and
    not declared under ``reverse:`` in the codebook; it drives α below zero and
    makes HTMT undefined.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items; constructs with fewer than two items, or whose
        items cannot be analysed, are skipped.

    Returns
    -------
    list of str
        One sentence per construct with such items, naming them: the items whose
        reversal raises standardised α (found greedily, the most negative first)
        are suggested for ``reverse:``, with the α it would give.

    Notes
    -----
    An item *j* is flagged when its item-rest correlation
    (:func:`item_rest_correlation`) is negative. Reversing an item flips the sign
    of its correlations, so the suggestion is computed on the correlation matrix.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> df["CUSL1"] = 11 - df["CUSL1"]
    >>> reverse_coding_warnings(df, {"Loyalty": ["CUSL1", "CUSL2", "CUSL3"]})[0][:63]
    'Loyalty: CUSL1 (item-rest r = -0.35) correlates negatively with'
    """
    messages = []
    for name, items in constructs.items():
        if len(items) < 2:
            continue
        try:
            rest = item_rest_correlation(data, items).set_index("item")["r_item_rest"]
        except DataError:
            continue
        negative = [item for item in items if rest[item] < 0]
        if not negative:
            continue
        block = _complete(data, items)
        corr = np.corrcoef(block.to_numpy(float), rowvar=False)
        alpha = _standardised_alpha(corr)
        flipped, better = _flip_for_alpha(corr)
        suspects = [items[j] for j in flipped] or negative
        listed = ", ".join(f"{item} (item-rest r = {rest[item]:.2f})" for item in suspects)
        one = len(suspects) == 1
        message = (
            f"{name}: {listed} {'correlates' if one else 'correlate'} negatively with the "
            f"rest of the construct; if {'it is' if one else 'they are'} worded or stored "
            f"in reverse, declare {'it' if one else 'them'} under `reverse:` in the codebook"
        )
        if flipped:
            message += f" (standardised alpha would be {better:.3f} instead of {alpha:.3f})"
        messages.append(message + ".")
    return messages
