"""PLS path modelling (PLS-SEM) of composite models such as the ECSI model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey._validate import check_items
from survey.errors import DataError
from survey.progress import progress_bar


@dataclass
class PLSResult:
    """Estimates of a PLS path model; every table is tidy.

    Attributes
    ----------
    paths : DataFrame
        ``source``, ``target``, ``coefficient`` (standardised path coefficient).
    outer : DataFrame
        ``construct``, ``item``, ``weight``, ``loading`` (outer weights of the
        standardised items; loading = correlation of item and construct score).
    r2 : DataFrame
        ``construct``, ``r2``, ``adj_r2`` for each endogenous construct, with ``n``
        (respondents used) and ``missing`` (the missing-data treatment).
    effects : DataFrame
        ``source``, ``target``, ``direct``, ``indirect``, ``total`` for every pair
        with a non-zero total effect.
    scores : DataFrame
        Construct scores (mean 0, SD 1 with divisor n − 1), one column per construct.
    n : int
        Respondents the model is estimated on (see ``missing``).
    iterations : int
        Iterations of the outer-weight loop until convergence.
    missing : str
        Treatment of missing answers: ``"mean"`` (mean replacement per item) or
        ``"casewise"`` (respondents answering every model item).
    missing_items : DataFrame
        ``item``, ``n_missing``, ``share_missing`` (among respondents who answered
        at least one model item) and ``replaced`` (answers set to the item mean;
        0 under casewise deletion, where those respondents are dropped instead).
    """

    paths: pd.DataFrame
    outer: pd.DataFrame
    r2: pd.DataFrame
    effects: pd.DataFrame
    scores: pd.DataFrame
    n: int
    iterations: int
    missing: str
    missing_items: pd.DataFrame

    def describe_missing(self) -> str:
        """One sentence naming the missing-data treatment, n and the items affected.

        Returns
        -------
        str
            E.g. ``"PLS missing data: mean replacement, n = 250; replaced: CUEX1 2.0%."``

        Examples
        --------
        >>> from survey.datasets import example_paths
        >>> df = pd.read_csv(example_paths("ecsi").data)
        >>> df.loc[:9, "CUEX1"] = float("nan")
        >>> blocks = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
        ...           "Expectations": ["CUEX1", "CUEX2", "CUEX3"]}
        >>> pls_sem(df, blocks, {"Expectations": ["Image"]}).describe_missing()
        'PLS missing data: mean replacement per item, n = 250; replaced: CUEX1 4.0% (10).'
        """
        affected = self.missing_items[self.missing_items["n_missing"] > 0]
        shares = ", ".join(
            f"{row.item} {100 * row.share_missing:.1f}% ({int(row.n_missing)})"
            for row in affected.itertuples()
        )
        if self.missing == "mean":
            head = f"PLS missing data: mean replacement per item, n = {self.n}"
            tail = f"; replaced: {shares}." if shares else "; no missing answers."
        else:
            head = f"PLS missing data: casewise deletion, n = {self.n} complete respondents"
            tail = f"; missing: {shares}." if shares else "; no missing answers."
        return head + tail


def _standardise(values: np.ndarray) -> np.ndarray:
    return (values - values.mean(axis=0)) / values.std(axis=0, ddof=1)


def _topological_order(paths: Mapping[str, Sequence[str]], names: list[str]) -> list[str]:
    order: list[str] = []
    remaining = set(names)
    while remaining:
        ready = sorted(
            name
            for name in remaining
            if all(source not in remaining for source in paths.get(name, []))
        )
        if not ready:
            raise DataError(f"the path model has a cycle among {sorted(remaining)}")
        order += ready
        remaining -= set(ready)
    return order


def _check_model(
    data: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    paths: Mapping[str, Sequence[str]],
) -> list[str]:
    names = list(constructs)
    for target, sources in paths.items():
        for name in [target, *sources]:
            if name not in constructs:
                raise DataError(f"path uses unknown construct {name!r}; allowed: {names}")
        if target in sources:
            raise DataError(f"construct {target!r} cannot predict itself")
    linked = set(paths) | {source for sources in paths.values() for source in sources}
    unlinked = [name for name in names if name not in linked]
    if unlinked:
        raise DataError(f"construct(s) {unlinked} are in no path; allowed: {sorted(linked)}")
    check_items(data, [item for block in constructs.values() for item in block])
    return _topological_order(paths, names)


def _ols(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(x, y, rcond=None)[0]


#: Missing-data treatments of :func:`pls_sem` and :func:`pls_bootstrap`.
MISSING_METHODS: tuple[str, ...] = ("mean", "casewise")


def _check_missing(missing: str) -> None:
    if missing == "pairwise":
        raise DataError(
            "missing: pairwise is not offered: this PLS iterates on respondent-level "
            "construct scores (scores table, bootstrap of respondents), which need every "
            "item of every respondent; use mean or casewise"
        )
    if missing not in MISSING_METHODS:
        raise DataError(f"missing must be one of {list(MISSING_METHODS)}, got {missing!r}")


def _model_data(
    data: pd.DataFrame, constructs: Mapping[str, Sequence[str]], missing: str = "mean"
) -> tuple[pd.DataFrame, dict[str, np.ndarray], pd.DataFrame]:
    """Model items after the missing-data treatment, each block as an array, missing shares.

    Respondents who answered no model item are left out under either treatment.
    """
    _check_missing(missing)
    items = [item for block in constructs.values() for item in block]
    answered = data.loc[data[items].notna().any(axis=1), items].astype(float)
    n_missing = answered.isna().sum()
    shares = pd.DataFrame(
        {
            "item": items,
            "n_missing": n_missing.to_numpy(int),
            "share_missing": (n_missing / max(len(answered), 1)).to_numpy(float),
            "replaced": n_missing.to_numpy(int) if missing == "mean" else 0,
        }
    )
    if missing == "mean":
        empty = [item for item in items if n_missing[item] == len(answered)]
        if empty:
            raise DataError(f"item(s) {empty} have no answers; mean replacement is undefined")
        used = answered.fillna(answered.mean())
    else:
        used = answered.dropna()
    if len(used) < 3:
        who = "answering all model items" if missing == "casewise" else "answering model items"
        raise DataError(f"need at least 3 respondents {who}, got {len(used)}")
    constant = [item for item in items if used[item].std() == 0]
    if constant:
        raise DataError(f"item(s) {constant} have no variance; the model is undefined")
    return (
        used,
        {name: used[list(block)].to_numpy(float) for name, block in constructs.items()},
        shares,
    )


def _outer_weights(
    blocks: dict[str, np.ndarray],
    order: list[str],
    paths: Mapping[str, Sequence[str]],
    tol: float,
    max_iter: int,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """Lohmöller's iteration on standardised blocks: weights, scores, iterations."""
    n = len(next(iter(blocks.values())))
    successors = {name: [t for t, sources in paths.items() if name in sources] for name in order}

    def scores_from(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {name: _standardise(blocks[name] @ weights[name]) for name in order}

    weights = {name: np.ones(blocks[name].shape[1]) for name in order}
    for iteration in range(1, max_iter + 1):
        scores = scores_from(weights)
        updated = {}
        for name in order:
            proxy = np.zeros(n)
            sources = list(paths.get(name, []))
            if sources:
                predictors = np.column_stack([scores[s] for s in sources])
                proxy += predictors @ _ols(scores[name], predictors)
            for target in successors[name]:
                # scores are standardised (divisor n - 1): their correlation is a dot product
                proxy += (scores[name] @ scores[target]) / (n - 1) * scores[target]
            weight = blocks[name].T @ proxy / (n - 1)
            updated[name] = weight / np.std(blocks[name] @ weight, ddof=1)
        change = max(np.max(np.abs(updated[k] - weights[k])) for k in order)
        weights = updated
        if change < tol:
            return weights, scores_from(weights), iteration
    raise DataError(
        f"PLS outer weights did not converge to {tol:g} in {max_iter} "
        "iterations; raise max_iter or check the model"
    )


def _direct_effects(
    scores: dict[str, np.ndarray], order: list[str], paths: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """Path coefficients as a matrix: entry [source, target], constructs in ``order``."""
    index = {name: position for position, name in enumerate(order)}
    direct = np.zeros((len(order), len(order)))
    for target, sources in paths.items():
        predictors = np.column_stack([scores[s] for s in sources])
        direct[[index[s] for s in sources], index[target]] = _ols(scores[target], predictors)
    return direct


def pls_sem(
    data: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    paths: Mapping[str, Sequence[str]],
    tol: float = 1e-10,
    max_iter: int = 1000,
    missing: str = "mean",
) -> PLSResult:
    r"""Estimate a PLS path model with Mode A outer weights and the path weighting scheme.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items (reflective, Mode A).
    paths : mapping
        Endogenous construct → its predictors (the structural model, acyclic).
    tol : float, default 1e-10
        Convergence tolerance: largest change of any outer weight between iterations.
    max_iter : int, default 1000
        Iteration limit; not converging raises ``ValueError``.
    missing : {"mean", "casewise"}, default "mean"
        Missing answers: ``"mean"`` replaces each by its item's mean (SmartPLS's
        default); ``"casewise"`` keeps only respondents answering every model item.
        Respondents answering no model item are left out either way. On complete
        data both give the same model.

    Returns
    -------
    PLSResult
        Tables ``paths``, ``outer``, ``r2``, ``effects``, the construct ``scores``,
        ``n``, the ``missing`` treatment and the per-item ``missing_items`` shares.

    Notes
    -----
    Lohmöller's algorithm on standardised items :math:`X_b` (after the missing-data
    treatment; mean-replaced items are standardised with their reduced variance, as
    in SmartPLS). Outer weights start at 1. Each iteration: scores
    :math:`Y_b = X_b w_b` scaled to unit variance; inner proxies
    :math:`Z_b = \sum_{a \to b} \beta_{ab} Y_a + \sum_{b \to c} r_{bc} Y_c`
    (path weighting: regression weights for predecessors, correlations for
    successors); Mode A weights :math:`w_b = X_b^\top Z_b / (n-1)`, rescaled so
    :math:`Y_b` has unit variance. Path coefficients are OLS of each endogenous
    score on its predictors; total effects :math:`T = (I - B)^{-1} - I`, indirect
    :math:`T - B`. Standardising with divisor n or n − 1 changes no reported number
    (all are scale-free), so results equal SmartPLS 2.0 and seminr.

    Pairwise deletion is not offered: the iteration runs on respondent-level scores
    (needed for the ``scores`` table and the respondent bootstrap), not on an item
    correlation matrix, and a pairwise correlation matrix need not be positive
    definite. SmartPLS likewise offers mean replacement and casewise deletion.

    References
    ----------
    Lohmöller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least
    Squares*. Physica.
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C. (2005). PLS path
    modeling. *Computational Statistics & Data Analysis*, 48(1), 159–205.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> blocks = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    ...           "Expectations": ["CUEX1", "CUEX2", "CUEX3"]}
    >>> pls_sem(df, blocks, {"Expectations": ["Image"]}).paths.round(4)
      source        target  coefficient
    0  Image  Expectations        0.513
    >>> df.loc[:24, "CUEX1"] = float("nan")
    >>> pls_sem(df, blocks, {"Expectations": ["Image"]}, missing="casewise").n
    225
    """
    order = _check_model(data, constructs, paths)
    complete, raw, shares = _model_data(data, constructs, missing)
    blocks = {name: _standardise(values) for name, values in raw.items()}
    n = len(complete)
    weights, scores, iterations = _outer_weights(blocks, order, paths, tol, max_iter)
    direct = _direct_effects(scores, order, paths)
    index = {name: position for position, name in enumerate(order)}
    path_rows, r2_rows = [], []
    for target in order:
        sources = list(paths.get(target, []))
        if not sources:
            continue
        predictors = np.column_stack([scores[s] for s in sources])
        residual = scores[target] - predictors @ direct[[index[s] for s in sources], index[target]]
        r2 = 1 - np.var(residual) / np.var(scores[target])
        r2_rows.append((target, r2, 1 - (1 - r2) * (n - 1) / (n - len(sources) - 1)))
        path_rows += [(source, target, direct[index[source], index[target]]) for source in sources]
    total = np.linalg.inv(np.eye(len(order)) - direct) - np.eye(len(order))
    effect_rows = [
        (source, target, direct[i, j], total[i, j] - direct[i, j], total[i, j])
        for i, source in enumerate(order)
        for j, target in enumerate(order)
        if abs(total[i, j]) > 0
    ]
    outer_rows = [
        (name, item, weight, np.corrcoef(blocks[name][:, k], scores[name])[0, 1])
        for name in constructs
        for k, (item, weight) in enumerate(zip(constructs[name], weights[name], strict=True))
    ]
    return PLSResult(
        paths=pd.DataFrame(path_rows, columns=["source", "target", "coefficient"]),
        outer=pd.DataFrame(outer_rows, columns=["construct", "item", "weight", "loading"]),
        r2=pd.DataFrame(r2_rows, columns=["construct", "r2", "adj_r2"]).assign(
            n=n, missing=missing
        ),
        effects=pd.DataFrame(
            effect_rows, columns=["source", "target", "direct", "indirect", "total"]
        ),
        scores=pd.DataFrame(scores, index=complete.index)[list(constructs)],
        n=n,
        iterations=iterations,
        missing=missing,
        missing_items=shares,
    )


def pls_bootstrap(
    data: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    paths: Mapping[str, Sequence[str]],
    n_boot: int = 500,
    seed: int = 42,
    ci: float = 0.95,
    tol: float = 1e-7,
    missing: str = "mean",
    progress: bool = False,
) -> pd.DataFrame:
    r"""Bootstrap standard errors and intervals of PLS path coefficients and total effects.

    Parameters
    ----------
    data : DataFrame
        Answers, one numeric column per item.
    constructs : mapping
        Construct name → its items (reflective, Mode A).
    paths : mapping
        Endogenous construct → its predictors.
    n_boot : int, default 500
        Bootstrap resamples of respondents (with replacement).
    seed : int, default 42
        Seed of the resampling; the same seed gives the same table.
    ci : float, default 0.95
        Level of the percentile intervals.
    tol : float, default 1e-7
        Convergence tolerance of each resample's outer weights (looser than
        :func:`pls_sem`'s, as the bootstrap spread is far larger).
    missing : {"mean", "casewise"}, default "mean"
        Missing-data treatment, as in :func:`pls_sem`; mean replacement is done once
        on all respondents before resampling (as SmartPLS does).
    progress : bool, default False
        Draw a bar of the resamples on a terminal (:func:`survey.progress.progress_bar`).

    Returns
    -------
    DataFrame
        One row per direct path and per total effect, with columns ``source``,
        ``target``, ``effect`` (``direct`` or ``total``), ``estimate`` (on all
        respondents), ``se`` (bootstrap standard deviation), ``t``
        (estimate / se), ``ci_low``, ``ci_high`` (percentile interval) and
        ``n_boot``.

    Notes
    -----
    Each resample is standardised and estimated as in :func:`pls_sem` (weights start
    at 1, no sign correction, as seminr and SmartPLS do by default);
    :math:`t = \hat\beta / \mathrm{SD}(\beta^*)`, and the interval is the
    :math:`(1 \pm ci)/2` percentiles of the resampled coefficients.

    References
    ----------
    Hair, J. F. et al. (2022). *A Primer on Partial Least Squares Structural Equation
    Modeling (PLS-SEM)*, 3rd ed., ch. 6. Sage.

    Examples
    --------
    >>> from survey.datasets import example_paths
    >>> df = pd.read_csv(example_paths("ecsi").data)
    >>> blocks = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    ...           "Expectations": ["CUEX1", "CUEX2", "CUEX3"]}
    >>> table = pls_bootstrap(df, blocks, {"Expectations": ["Image"]}, n_boot=50, seed=1)
    >>> table[["source", "target", "effect", "estimate"]].round(3)
      source        target  effect  estimate
    0  Image  Expectations  direct     0.513
    1  Image  Expectations   total     0.513
    """
    order = _check_model(data, constructs, paths)
    if n_boot < 2:
        raise DataError(f"n_boot must be at least 2 resamples, got {n_boot}")
    _, raw, _ = _model_data(data, constructs, missing)
    n, size = len(next(iter(raw.values()))), len(order)

    def effects(rows: np.ndarray | slice) -> np.ndarray:
        blocks = {name: _standardise(values[rows]) for name, values in raw.items()}
        _, scores, _ = _outer_weights(blocks, order, paths, tol, max_iter=1000)
        direct = _direct_effects(scores, order, paths)
        return np.stack([direct, np.linalg.inv(np.eye(size) - direct) - np.eye(size)])

    estimate = effects(slice(None))
    rng = np.random.default_rng(seed)
    resamples = progress_bar(range(n_boot), desc="PLS bootstrap", unit="resample", enabled=progress)
    draws = np.stack([effects(rng.integers(0, n, n)) for _ in resamples])
    low, high = np.percentile(draws, [50 * (1 - ci), 50 * (1 + ci)], axis=0)
    se = draws.std(axis=0, ddof=1)
    index = {name: position for position, name in enumerate(order)}
    rows = []
    for kind, layer in (("direct", 0), ("total", 1)):
        for source in order:
            for target in order:
                i, j = index[source], index[target]
                if abs(estimate[layer, i, j]) > 0:
                    value, spread = estimate[layer, i, j], se[layer, i, j]
                    rows.append(
                        (
                            source,
                            target,
                            kind,
                            value,
                            spread,
                            value / spread,
                            low[layer, i, j],
                            high[layer, i, j],
                            n_boot,
                        )
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "source",
            "target",
            "effect",
            "estimate",
            "se",
            "t",
            "ci_low",
            "ci_high",
            "n_boot",
        ],
    )
