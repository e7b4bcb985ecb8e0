"""Discriminant validity: Fornell–Larcker criterion and HTMT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from survey._validate import check_items
from survey.errors import DataError
from survey.reliability import average_variance_extracted


def _check_constructs(data: pd.DataFrame, constructs: Mapping[str, Sequence[str]]) -> list[str]:
    if len(constructs) < 2:
        raise DataError(
            f"discriminant validity needs at least 2 constructs, got {list(constructs)}"
        )
    items = [item for block in constructs.values() for item in block]
    check_items(data, items)
    return items


def pairwise_counts(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Number of respondents answering both of each pair of columns.

    Parameters
    ----------
    data : DataFrame
        Answers, one column per item.
    columns : sequence of str
        The columns to count.

    Returns
    -------
    DataFrame
        Square, columns × columns; the diagonal holds each column's valid answers.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, None, 4.0], "b": [1, None, 3, 4.0]})
    >>> pairwise_counts(df, ["a", "b"])
       a  b
    a  3  2
    b  2  3
    """
    answered = data[list(columns)].notna().astype(int)
    return answered.T @ answered


def htmt(data: pd.DataFrame, constructs: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    r"""Heterotrait–monotrait ratio of correlations for every pair of constructs.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items (at least two constructs; single-item constructs
        are allowed, their monotrait term is taken as 1).

    Returns
    -------
    DataFrame
        One row per pair with columns ``construct_a``, ``construct_b``, ``htmt``,
        ``above_085`` and ``above_090`` (booleans: above the usual 0.85 / 0.90
        thresholds of discriminant validity problems), ``n_min`` and ``n_max``
        (smallest and largest number of respondents behind the item correlations
        the ratio uses).

    Notes
    -----
    Item correlations :math:`r` are pairwise complete: each uses the respondents
    who answered both items (as seminr and SmartPLS do), so a missing answer in
    one construct does not change the HTMT of two other constructs. With them,
    :math:`HTMT_{ab} = \bar r_{ab} / \sqrt{\bar r_{aa}\,\bar r_{bb}}`, where
    :math:`\bar r_{ab}` is the mean correlation between items of *a* and items of
    *b* and :math:`\bar r_{aa}` the mean correlation among distinct items of *a*
    (as seminr computes it). HTMT is undefined (NaN) when a construct's items
    correlate negatively on average, usually an item that needs reverse coding
    (see :func:`survey.reliability.reverse_coding_warnings`).

    References
    ----------
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based structural equation modeling. *Journal
    of the Academy of Marketing Science*, 43(1), 115–135.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> htmt(df, {"Value": ["PERV1", "PERV2"], "Image": ["IMAG1", "IMAG2", "IMAG3"]}).round(3)
      construct_a construct_b  htmt  above_085  above_090  n_min  n_max
    0       Value       Image  0.72      False      False    250    250
    """
    items = _check_constructs(data, constructs)
    corr = data[items].corr()  # pairwise complete
    counts = pairwise_counts(data, items)

    def monotrait(block: Sequence[str]) -> float:
        if len(block) == 1:
            return 1.0
        sub = corr.loc[list(block), list(block)].to_numpy()
        return float(sub[np.triu_indices(len(block), k=1)].mean())

    def used(block_a: Sequence[str], block_b: Sequence[str]) -> np.ndarray:
        """Pairwise n of the hetero- and monotrait correlations of a pair."""
        parts = [counts.loc[list(block_a), list(block_b)].to_numpy().ravel()]
        for block in (block_a, block_b):
            if len(block) > 1:
                sub = counts.loc[list(block), list(block)].to_numpy()
                parts.append(sub[np.triu_indices(len(block), k=1)])
        return np.concatenate(parts)

    rows = []
    for a, b in combinations(constructs, 2):
        n_used = used(constructs[a], constructs[b])
        hetero = corr.loc[list(constructs[a]), list(constructs[b])].to_numpy().mean()
        product = monotrait(constructs[a]) * monotrait(constructs[b])
        # undefined when a block's items correlate negatively on average (an item
        # needing reverse coding): NaN, explained by the analysis, not a numpy warning
        value = hetero / np.sqrt(product) if product > 0 else np.nan
        rows.append((a, b, value, value > 0.85, value > 0.90, int(n_used.min()), int(n_used.max())))
    return pd.DataFrame(
        rows,
        columns=["construct_a", "construct_b", "htmt", "above_085", "above_090", "n_min", "n_max"],
    )


def fornell_larcker(
    data: pd.DataFrame, constructs: Mapping[str, Sequence[str]], scores: pd.DataFrame
) -> pd.DataFrame:
    r"""Fornell–Larcker criterion for every pair of constructs.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items (at least two constructs).
    scores : DataFrame
        Construct scores, one column per construct (e.g. from
        :func:`survey.scoring.construct_scores` or a PLS model).

    Returns
    -------
    DataFrame
        One row per pair with columns ``construct_a``, ``construct_b``,
        ``correlation`` (of the scores), ``sqrt_ave_a``, ``sqrt_ave_b`` and
        ``passes`` (both square roots of AVE exceed the absolute correlation),
        ``n`` (respondents with both scores, behind the correlation), ``n_ave_a``
        and ``n_ave_b`` (respondents answering every item of the construct, behind
        its AVE).

    Notes
    -----
    The score correlation is pairwise complete and each AVE uses its construct's
    own complete cases, so missing answers elsewhere do not change a pair.
    Discriminant validity holds for a pair when
    :math:`\sqrt{AVE_a} > |r_{ab}|` and :math:`\sqrt{AVE_b} > |r_{ab}|`. AVE is
    from :func:`survey.reliability.average_variance_extracted` (1 for a single item).

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with
    unobservable variables and measurement error. *J. Marketing Research*, 18(1), 39–50.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> from survey.scoring import construct_scores
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> blocks = {"Value": ["PERV1", "PERV2"], "Image": ["IMAG1", "IMAG2", "IMAG3"]}
    >>> table = fornell_larcker(df, blocks, construct_scores(df, blocks)).round(3)
    >>> table.iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'construct_a': 'Value', 'construct_b': 'Image', 'correlation': 0.466,
     'sqrt_ave_a': 0.922, 'sqrt_ave_b': 0.716, 'passes': True, 'n': 250,
     'n_ave_a': 250, 'n_ave_b': 250}
    """
    _check_constructs(data, constructs)
    missing = [name for name in constructs if name not in scores.columns]
    if missing:
        raise DataError(f"scores lack construct(s) {missing}; allowed: {list(scores.columns)}")
    root_ave: dict[str, float] = {}
    n_ave: dict[str, int] = {}
    for name, block in constructs.items():
        if len(block) == 1:
            root_ave[name], n_ave[name] = 1.0, int(data[block[0]].notna().sum())
        else:
            ave = average_variance_extracted(data, block)
            root_ave[name] = float(np.sqrt(ave["ave"].iloc[0]))
            n_ave[name] = int(ave["n"].iloc[0])
    corr = scores[list(constructs)].corr()  # pairwise complete
    counts = pairwise_counts(scores, list(constructs))
    rows = []
    for a, b in combinations(constructs, 2):
        r = float(corr.loc[a, b])
        rows.append(
            (
                a,
                b,
                r,
                root_ave[a],
                root_ave[b],
                min(root_ave[a], root_ave[b]) > abs(r),
                int(counts.loc[a, b]),
                n_ave[a],
                n_ave[b],
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "construct_a",
            "construct_b",
            "correlation",
            "sqrt_ave_a",
            "sqrt_ave_b",
            "passes",
            "n",
            "n_ave_a",
            "n_ave_b",
        ],
    )
