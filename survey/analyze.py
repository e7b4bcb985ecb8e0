"""Run the whole survey analysis: read, clean, compute every statistic, write outputs.

:func:`analyze_survey` is what ``shoplab survey analyze`` runs; :func:`run_analysis`
does the same without touching the disk.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from survey.atomic import output_folder
from survey.cleaning import CleanedSurvey, clean_survey
from survey.codebook import Codebook, Roles, load_codebook
from survey.correlation import correlations, satisfaction_loyalty_link
from survey.curve import check_logistic, fit_logistic_curve, loyalty_by_satisfaction
from survey.descriptives import item_descriptives
from survey.errors import DataError, naming_file
from survey.export import write_csv, write_workbook
from survey.io import SurveyTable, read_survey
from survey.mediation import mediation
from survey.missingness import little_mcar_test, missing_by_construct, missing_by_item
from survey.nps import net_promoter_score
from survey.pls import PLSResult, pls_bootstrap, pls_sem
from survey.redact import preview
from survey.regression import driver_regression
from survey.reliability import (
    composite_loadings,
    item_rest_correlation,
    reliability_table,
    reverse_coding_warnings,
)
from survey.report import write_report
from survey.segments import compare_segments, posthoc_segments
from survey.targets import survey_targets, write_targets
from survey.validity import fornell_larcker, htmt

#: Conventions stated in the report, as the published programs differ on them.
CONVENTIONS: tuple[str, ...] = (
    "Cronbach's alpha is given raw (covariance matrix, pingouin) and standardised "
    "(correlation matrix, as seminr and SmartPLS report it).",
    "Composite reliability (rho_c) and AVE use composite loadings: correlations of the "
    "items with the first principal component of their correlation matrix.",
    "McDonald's omega total uses a one-factor model fitted by iterated principal-axis "
    "factoring on the item correlations.",
    "Reliability statistics use respondents who answered every item of the construct "
    "(each construct its own complete cases, so missing answers elsewhere do not change "
    "it); construct scores are the mean of valid answers.",
    "HTMT and correlations use pairwise-complete respondents (as seminr and SmartPLS do): "
    "each table gives the n behind it (n, or n_min/n_max over the correlations used).",
    "Fornell-Larcker compares the square root of AVE with correlations of the construct "
    "scores; HTMT uses item correlations (seminr's definition).",
    "PLS-SEM: Mode A outer weights, path weighting inner scheme, items standardised "
    "with divisor n - 1 (scale-free results equal SmartPLS and seminr), tolerance 1e-10.",
    "NPS: answers at or above promoters_min are promoters, at or below detractors_max "
    "detractors (9-10 and 0-6 on 0-10; on a 1-10 scale detractors are 1-6).",
)


@dataclass
class SurveyAnalysis:
    """Everything computed from one survey.

    Attributes
    ----------
    source : str
        The survey file.
    codebook : Codebook
        The codebook used.
    cleaned : CleanedSurvey
        Cleaned items, construct scores, segments and the cleaning log.
    tables : dict
        Table name → tidy DataFrame, in report order; the names and their titles
        are :data:`survey.report.TITLES` (a table is absent when the codebook does
        not ask for it, e.g. ``pls_*`` without ``pls:``).
    pls : PLSResult or None
        The PLS path model, if the codebook declares one.
    targets : dict
        Calibration targets (see :mod:`survey.targets`).
    notes : list of str
        Conventions and analyses skipped, with the reason.
    warnings : list of str
        Problems with the data the analyst should act on (e.g. an item that seems
        reverse coded but is not declared under ``reverse:``, a numerical problem
        that left a statistic undefined); shown at the top of the report and
        logged to the ``survey`` logger by :func:`analyze_survey`.
    """

    source: str
    codebook: Codebook
    cleaned: CleanedSurvey
    tables: dict[str, pd.DataFrame]
    pls: PLSResult | None
    targets: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


#: Logger the console warnings of :func:`analyze_survey` go to.
LOGGER = logging.getLogger("survey")


@contextmanager
def _numerical_problems(where: str, messages: list[str]) -> Iterator[None]:
    """Turn numpy/scipy RuntimeWarnings raised inside the block into report sentences.

    Other warnings are passed on unchanged. The filter is scoped to the block.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen = set()
    for item in caught:
        if issubclass(item.category, RuntimeWarning):
            text = str(item.message)
            if text not in seen:
                seen.add(text)
                messages.append(
                    f"{where}: numerical problem ({text}); the statistics it affects are "
                    "undefined and left empty."
                )
        else:
            warnings.warn_explicit(
                item.message, item.category, item.filename, item.lineno, source=item.source
            )


def _per_construct(
    codebook: Codebook, names: list[str], statistic: Callable[[str, list[str]], pd.DataFrame]
) -> pd.DataFrame:
    table = pd.concat(
        [statistic(name, codebook.items_of(name)).assign(construct=name) for name in names],
        ignore_index=True,
    )
    return table[["construct", *[column for column in table.columns if column != "construct"]]]


def _segment_tables(
    cleaned: CleanedSurvey, notes: list[str]
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    omnibus, posthoc = [], []
    for column in cleaned.segments.columns:
        for construct in cleaned.scores.columns:
            frame = pd.DataFrame(
                {construct: cleaned.scores[construct], column: cleaned.segments[column]}
            ).dropna()
            counts = frame[column].value_counts()
            small = list(counts[counts < 2].index)
            note = (
                f"Segment column {column!r}: level(s) {small} have fewer than 2 "
                "respondents with a score and are left out of the comparisons."
            )
            if small and note not in notes:
                notes.append(note)
            frame = frame[~frame[column].isin(small)]
            if frame[column].nunique() < 2:
                notes.append(f"{construct} by {column}: fewer than 2 levels, no comparison.")
                continue
            for method in ("welch", "kruskal"):
                try:
                    omnibus.append(compare_segments(frame, construct, column, method=method))
                    tests = posthoc_segments(frame, construct, column, method=method)
                except DataError as err:  # e.g. Welch undefined: keep the rank-based test
                    notes.append(f"Segments: {err}.")
                    continue
                posthoc.append(tests.assign(between=column))
    if not omnibus:
        return None, None
    posthoc_table = pd.concat(posthoc, ignore_index=True)
    first = ["between", "dv"]
    posthoc_table = posthoc_table[[*first, *[c for c in posthoc_table.columns if c not in first]]]
    return pd.concat(omnibus, ignore_index=True), posthoc_table


def _segment_means(cleaned: CleanedSurvey) -> pd.DataFrame:
    tables = []
    for column in cleaned.segments.columns:
        long = cleaned.scores.assign(level=cleaned.segments[column]).melt(
            id_vars="level", var_name="construct"
        )
        grouped = long.groupby(["level", "construct"], sort=False)["value"]
        tables.append(
            grouped.agg(n="count", mean="mean", sd="std").reset_index().assign(between=column)
        )
    return pd.concat(tables, ignore_index=True)[
        ["between", "level", "construct", "n", "mean", "sd"]
    ]


def _missing_tables(
    cleaned: CleanedSurvey, codebook: Codebook, notes: list[str]
) -> dict[str, pd.DataFrame]:
    """Missing shares per item and construct, and Little's MCAR test when answers are missing."""
    blocks = {name: codebook.items_of(name) for name in codebook.constructs}
    tables = {
        "missing_items": missing_by_item(cleaned.items, blocks),
        "missing_constructs": missing_by_construct(cleaned.items, blocks),
    }
    items = list(dict.fromkeys(item for block in blocks.values() for item in block))
    if not cleaned.items[items].isna().to_numpy().any():
        notes.append("No missing answers: Little's MCAR test is not needed.")
        return tables
    try:
        tables["missing_mcar"] = little_mcar_test(cleaned.items, items)
    except (DataError, np.linalg.LinAlgError) as err:
        notes.append(f"Little's MCAR test not computed ({err}).")
    return tables


def _measurement_tables(cleaned: CleanedSurvey, codebook: Codebook) -> dict[str, pd.DataFrame]:
    """Descriptives, reliability, item analysis, validity and correlations."""
    items, scores = cleaned.items, cleaned.scores
    names = list(codebook.constructs)

    def describe(name: str, block: list[str]) -> pd.DataFrame:
        return item_descriptives(items, block, codebook.scale_of(name).max)

    tables = {
        "descriptives": _per_construct(codebook, names, describe),
        "construct_scores": item_descriptives(scores, names, codebook.scale.max).rename(
            columns={"item": "construct"}
        ),
    }
    multi = [name for name in names if codebook.wants_reliability(name)]
    if multi:
        tables["reliability"] = reliability_table(
            items, {name: codebook.items_of(name) for name in multi}
        )
        item_stats = _per_construct(codebook, multi, lambda _, b: item_rest_correlation(items, b))
        loadings = _per_construct(codebook, multi, lambda _, b: composite_loadings(items, b))
        tables["item_analysis"] = item_stats.merge(loadings, on=["construct", "item"])
    if len(names) >= 2:
        blocks = {name: codebook.items_of(name) for name in names}
        tables["validity"] = htmt(items, blocks).merge(
            fornell_larcker(items, blocks, scores), on=["construct_a", "construct_b"]
        )
        tables["correlations"] = correlations(scores, names)
    return tables


def _loyalty_tables(
    scores: pd.DataFrame,
    roles: Roles,
    n_boot: int,
    seed: int,
    notes: list[str],
    loyalty_scale: tuple[float, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """Regression, satisfaction-loyalty link and curve, and mediation.

    The logistic curve goes into ``curve_fit`` only when :func:`check_logistic`
    finds it identified; ``curve_models`` always says which curve is reported.
    """
    sat, loyalty = roles.satisfaction, roles.loyalty
    drivers = [driver for driver in roles.drivers if driver not in (sat, loyalty)]
    tables = {
        "regression": driver_regression(scores, loyalty, [sat, *drivers]),
        "satisfaction_loyalty": satisfaction_loyalty_link(scores, sat, loyalty),
        "curve": loyalty_by_satisfaction(scores, sat, loyalty),
    }
    try:
        fit = fit_logistic_curve(scores, sat, loyalty)
    except DataError as err:  # the curve is descriptive: report the means without a fit
        notes.append(f"Satisfaction-loyalty curve: no logistic fit ({err}).")
    else:
        check = check_logistic(fit, scores, sat, loyalty, scale=loyalty_scale)
        tables["curve_models"] = check.table()
        notes.append(f"Satisfaction-loyalty curve: {check.summary}.")
        if check.identified:
            tables["curve_fit"] = fit
    if roles.quality and n_boot > 0:
        notes.append(f"Mediation: {n_boot} bootstrap resamples, seed {seed}.")
        tables["mediation"] = mediation(
            scores, roles.quality, sat, loyalty, n_boot=n_boot, seed=seed
        )
    elif roles.quality:
        notes.append("Mediation skipped: bootstrap turned off (n_boot = 0).")
    return tables


def run_analysis(
    table: SurveyTable,
    codebook: Codebook,
    n_boot: int = 1000,
    seed: int = 42,
    *,
    progress: bool = False,
) -> SurveyAnalysis:
    """Clean a survey and compute every statistic the codebook allows.

    Parameters
    ----------
    table : SurveyTable
        Raw answers from :func:`survey.io.read_survey`.
    codebook : Codebook
        The validated codebook.
    n_boot : int, default 1000
        Bootstrap resamples of the mediation analysis and of the PLS model; 0 skips
        both.
    seed : int, default 42
        Seed of the bootstrap.
    progress : bool, default False
        Draw a bar of the PLS bootstrap on a terminal.

    Returns
    -------
    SurveyAnalysis
        Tables, PLS model, calibration targets and notes.

    Examples
    --------
    >>> from survey.datasets import load_example
    >>> analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    >>> analysis.targets["n_respondents"]
    250
    """
    with naming_file(table.source):
        return _analyse(table, codebook, n_boot, seed, progress)


def _analyse(
    table: SurveyTable, codebook: Codebook, n_boot: int, seed: int, progress: bool
) -> SurveyAnalysis:
    cleaned = clean_survey(table, codebook)
    codebook = cleaned.codebook or codebook  # without the items that do not vary
    notes = list(CONVENTIONS)
    problems: list[str] = [
        f"Item {preview(item)} does not vary (every kept respondent answered it alike): "
        f"left out of construct {preview(construct)} (its score and statistics); "
        "the analysis went on without it."
        for item, construct in cleaned.left_out.items()
    ]
    multi_item = {
        name: codebook.items_of(name)
        for name in codebook.constructs
        if codebook.wants_reliability(name)
    }
    problems += reverse_coding_warnings(cleaned.items, multi_item)
    with _numerical_problems("Reliability and validity", problems):
        measurement = _measurement_tables(cleaned, codebook)
    with _numerical_problems("Missingness check", problems):
        missing = _missing_tables(cleaned, codebook, notes)
    tables = {"cleaning_summary": cleaned.summary(), **missing, **measurement}
    roles = codebook.roles
    if roles.satisfaction and roles.loyalty:
        scale = codebook.scale_of(roles.loyalty)
        with _numerical_problems("Satisfaction-loyalty analyses", problems):
            tables.update(
                _loyalty_tables(cleaned.scores, roles, n_boot, seed, notes, (scale.min, scale.max))
            )
    else:
        notes.append(
            "Regression, mediation and the satisfaction-loyalty curve need "
            "roles.satisfaction and roles.loyalty in the codebook."
        )
    segment_tests, segment_posthoc = _segment_tables(cleaned, notes)
    if segment_tests is not None:
        tables.update(
            segment_means=_segment_means(cleaned),
            segment_tests=segment_tests,
            segment_posthoc=segment_posthoc,
        )
    if codebook.nps:
        nps = codebook.nps
        tables["nps"] = net_promoter_score(
            cleaned.items, nps.item, nps.promoters_min, nps.detractors_max
        )
    pls = None
    if codebook.pls:
        paths = codebook.pls.paths
        used = {*paths, *[source for sources in paths.values() for source in sources]}
        blocks = {name: codebook.items_of(name) for name in codebook.constructs if name in used}
        with _numerical_problems("PLS model", problems):
            pls = pls_sem(cleaned.items, blocks, paths, missing=codebook.pls.missing)
        notes.append(pls.describe_missing())
        tables.update(
            pls_paths=pls.paths.assign(n=pls.n),
            pls_outer=pls.outer.assign(n=pls.n),
            pls_r2=pls.r2,
            pls_effects=pls.effects.assign(n=pls.n),
        )
        if n_boot > 1:
            notes.append(f"PLS bootstrap: {n_boot} resamples, seed {seed}, percentile CIs.")
            with _numerical_problems("PLS bootstrap", problems):
                tables["pls_bootstrap"] = pls_bootstrap(
                    cleaned.items,
                    blocks,
                    paths,
                    n_boot=n_boot,
                    seed=seed,
                    missing=codebook.pls.missing,
                    progress=progress,
                )
    targets = survey_targets(cleaned, codebook, source=Path(table.source).name, tables=tables)
    return SurveyAnalysis(
        source=table.source,
        codebook=codebook,
        cleaned=cleaned,
        tables=tables,
        pls=pls,
        targets=targets,
        notes=notes,
        warnings=problems,
    )


def write_outputs(analysis: SurveyAnalysis, out_dir: str | Path, plots: bool = True) -> Path:
    """Write all output files of an analysis into ``out_dir``.

    Parameters
    ----------
    analysis : SurveyAnalysis
        From :func:`run_analysis`.
    out_dir : str or Path
        Output folder (created if needed).
    plots : bool, default True
        Draw the plots (``plots/*.png``, embedded in the report).

    Returns
    -------
    Path
        The output folder, holding ``report.html``, ``reliability.csv``,
        ``validity.csv``, ``statistics.xlsx``, ``cleaning_log.csv``, ``targets.json``
        and ``plots/``.

    Examples
    --------
    >>> import tempfile
    >>> from survey.datasets import load_example
    >>> analysis = run_analysis(*load_example("ecsi"), n_boot=0)
    >>> out = write_outputs(analysis, tempfile.mkdtemp(), plots=False)
    >>> sorted(p.name for p in out.iterdir())[:3]
    ['cleaning_log.csv', 'reliability.csv', 'report.html']
    """
    out = output_folder(out_dir)
    empty = pd.DataFrame()
    write_csv(analysis.tables.get("reliability", empty), out / "reliability.csv")
    write_csv(analysis.tables.get("validity", empty), out / "validity.csv")
    write_csv(analysis.cleaned.log, out / "cleaning_log.csv")
    write_workbook(
        {**analysis.tables, "cleaning_log": analysis.cleaned.log}, out / "statistics.xlsx"
    )
    write_targets(analysis.targets, out / "targets.json")
    write_report(analysis, out, plots=plots)
    return out


def analyze_survey(
    data: str | Path,
    codebook: str | Path | Codebook,
    out_dir: str | Path,
    *,
    sheet: str | int | None = None,
    n_boot: int = 1000,
    seed: int = 42,
    plots: bool = True,
    progress: bool = False,
) -> SurveyAnalysis:
    """Analyse a survey file with a codebook and write every output.

    Parameters
    ----------
    data : str or Path
        Survey file (CSV, XLSX or SPSS .sav; raw survey-platform exports allowed).
    codebook : str, Path or Codebook
        YAML codebook, or an already validated one.
    out_dir : str or Path
        Output folder.
    sheet : str or int, optional
        XLSX sheet (default: the first).
    n_boot : int, default 1000
        Bootstrap resamples for mediation and the PLS model; 0 skips both.
    seed : int, default 42
        Bootstrap seed.
    plots : bool, default True
        Draw the plots.
    progress : bool, default False
        Draw a bar of the PLS bootstrap on a terminal.

    Returns
    -------
    SurveyAnalysis
        The analysis (its files are under ``out_dir``).

    Raises
    ------
    DataError, CodebookError
        For any problem with the file or the codebook, naming file, column or row.

    Examples
    --------
    >>> import tempfile
    >>> from survey.datasets import example_paths
    >>> paths = example_paths("ecsi")
    >>> out = tempfile.mkdtemp()
    >>> analysis = analyze_survey(paths.data, paths.codebook, out, n_boot=0, plots=False)
    >>> float(analysis.pls.r2.set_index("construct").loc["Satisfaction", "r2"].round(4))
    0.6811
    """
    book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    output_folder(out_dir)  # fail before the analysis, not after
    table = read_survey(data, sheet=sheet, header_rows=book.header_rows)
    analysis = run_analysis(table, book, n_boot=n_boot, seed=seed, progress=progress)
    for message in analysis.warnings:  # without logging set up, Python prints these to stderr
        LOGGER.warning("warning: %s", message)
    write_outputs(analysis, out_dir, plots=plots)
    return analysis
