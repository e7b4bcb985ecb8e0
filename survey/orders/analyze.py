"""The order-log analysis: read, clean, summarise, fit BG/NBD and Gamma-Gamma, write.

:func:`run_order_analysis` computes everything from a cleaned log;
:func:`write_order_outputs` writes it; :func:`analyze_orders` does both from a file
(``shoplab orders analyze``). Outputs in the output folder:

* ``summary.csv``: one row per statistic (``statistic, value, se, n, definition``):
  customers, orders, revenue, span, repeat-purchase rate, AOV, orders per buyer,
  inactive share, top-20% spend share, Gini, inter-purchase times;
* ``cohorts.csv``: :func:`survey.orders.cohorts.cohort_retention`;
* ``bgnbd.csv`` and ``gammagamma.csv``: estimates with SE, log-likelihood and n
  (header only when the model is not identified on the log; the report says why);
* ``holdout.csv`` and ``tracking.csv`` (when the log runs past the calibration end):
  expected against actual holdout transactions per calibration frequency, and per
  period over time;
* ``customers.parquet``: per customer, the history up to the end of the log
  (``frequency``, ``recency``, ``T``, ``monetary_value``, ``first_purchase``) and
  ``p_alive``, ``expected_purchases`` over the horizon, ``expected_spend`` and
  ``clv``; customer ids are the only identifying field;
* ``targets.json`` (:mod:`survey.orders.targets`), ``cleaning_log.csv``
  (:mod:`survey.orders.cleaning`), ``plots/*.png`` and ``report.html``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from survey.atomic import atomic_output, output_folder
from survey.errors import DataError, naming_file
from survey.export import write_csv
from survey.orders.bgnbd import BGNBDFit, expected_purchases, fit_bgnbd, p_alive
from survey.orders.cleaning import CleanedOrders, clean_orders
from survey.orders.cohorts import cohort_retention
from survey.orders.concentration import lorenz_curve
from survey.orders.frame import AMOUNT, CUSTOMER, DATE
from survey.orders.gammagamma import GammaGammaFit, clv, expected_spend, fit_gamma_gamma
from survey.orders.holdout import cumulative_tracking, holdout_by_frequency
from survey.orders.interpurchase import interpurchase_summary
from survey.orders.io import RawOrders, read_order_log
from survey.orders.mapping import ColumnMapping
from survey.orders.rfm import as_day, customer_summary, daily_transactions, period_days
from survey.orders.targets import order_targets, summary_tables, target_entries
from survey.targets import write_targets

#: Columns of ``summary.csv``.
SUMMARY_COLUMNS = ["statistic", "value", "se", "n", "definition"]

#: Shipped example logs: name → (CDNOW file, calibration end).
EXAMPLES: dict[str, tuple[str, str]] = {"cdnow": ("sample", "1997-09-30")}


@dataclass(frozen=True)
class OrderSettings:
    """What the analysis is asked to do.

    Attributes
    ----------
    calibration_end : date
        Last day of the period the BG/NBD and Gamma-Gamma models are fitted on.
    period : {'W', 'D'}
        Time unit of the models (weeks of 7 days or days).
    churn_window_days : int
        Inactivity that counts as churn (cohort curves, inactive share).
    horizon_days : int
        Horizon of expected purchases and CLV, in days (rounded to whole periods).
    annual_discount_rate : float
        Discount rate of CLV per year (converted to the period).
    margin : float
        Share of spend counted in CLV (1: CLV is discounted expected spend).
    n_boot : int
        Bootstrap resamples of the concentration SEs.
    seed : int
        Bootstrap seed.
    """

    calibration_end: object
    period: Literal["W", "D"] = "W"
    churn_window_days: int = 90
    horizon_days: int = 365
    annual_discount_rate: float = 0.10
    margin: float = 1.0
    n_boot: int = 200
    seed: int = 0

    def check(self) -> None:
        """Raise a one-line DataError naming the first setting out of range.

        Examples
        --------
        >>> OrderSettings("1997-09-30", churn_window_days=0).check()
        Traceback (most recent call last):
        survey.errors.DataError: churn window 0 days; allowed: 1 or more days
        """
        period_days(self.period)
        as_day(self.calibration_end, "calibration end")
        if self.churn_window_days < 1:
            raise DataError(f"churn window {self.churn_window_days} days; allowed: 1 or more days")
        if self.horizon_days < 1:
            raise DataError(f"horizon {self.horizon_days} days; allowed: 1 or more days")
        if not 0 <= self.annual_discount_rate < 1:
            raise DataError(f"discount rate {self.annual_discount_rate}; allowed: 0 to 1 (a year)")
        if not 0 < self.margin <= 1:
            raise DataError(f"margin {self.margin}; allowed: more than 0, at most 1")
        if self.n_boot < 0:
            raise DataError(f"bootstrap resamples {self.n_boot}; allowed: 0 or more")


@dataclass
class OrderAnalysis:
    """Everything an order-log analysis computed.

    Attributes
    ----------
    cleaned : CleanedOrders
        The cleaned log and its cleaning log.
    settings : OrderSettings
        The settings used.
    observation_end : Timestamp
        The last day of the log (end of the holdout period).
    tables : dict of str to DataFrame
        ``summary``, ``cohorts``, ``lorenz``, ``bgnbd``, ``gammagamma`` and, with a
        holdout period, ``holdout`` and ``tracking``.
    customers : DataFrame
        The per-customer predictions (``customers.parquet``).
    targets : dict
        The calibration targets (``targets.json``).
    bgnbd : BGNBDFit or None
        None when the model is not identified on the log.
    gammagamma : GammaGammaFit or None
        None when the model is not identified on the log.
    notes : list of str
        Conventions and anything left out, with the reason.
    """

    cleaned: CleanedOrders
    settings: OrderSettings
    observation_end: pd.Timestamp
    tables: dict[str, pd.DataFrame]
    customers: pd.DataFrame
    targets: dict[str, Any]
    bgnbd: BGNBDFit | None = None
    gammagamma: GammaGammaFit | None = None
    notes: list[str] = field(default_factory=list)


def _row(statistic: str, value: float, se: float, n: int, definition: str) -> dict[str, Any]:
    return {"statistic": statistic, "value": value, "se": se, "n": n, "definition": definition}


def summary_table(
    orders: pd.DataFrame, tables: dict[str, pd.DataFrame], interpurchase: pd.DataFrame
) -> pd.DataFrame:
    """The summary statistics as one tidy table (``summary.csv``).

    Parameters
    ----------
    orders : DataFrame
        The order frame.
    tables : dict
        From :func:`survey.orders.targets.summary_tables`.
    interpurchase : DataFrame
        From :func:`survey.orders.interpurchase.interpurchase_summary`.

    Returns
    -------
    DataFrame
        Columns ``statistic, value, se, n, definition``.

    Examples
    --------
    >>> from survey.orders.cdnow import load_cdnow
    >>> from survey.orders.interpurchase import interpurchase_summary
    >>> orders = load_cdnow()
    >>> table = summary_table(orders, summary_tables(orders, n_boot=0),
    ...                       interpurchase_summary(orders))
    >>> float(table.set_index("statistic").loc["customers", "value"])
    2357.0
    """
    n_customers = int(orders[CUSTOMER].nunique())
    gini = tables["concentration"].set_index("statistic").loc["gini"]
    rows = [
        _row("customers", n_customers, np.nan, n_customers, "distinct customer ids"),
        _row("orders", len(orders), np.nan, len(orders), "rows of the cleaned log"),
        _row("revenue", orders[AMOUNT].sum(), np.nan, len(orders), "sum of amounts"),
        _row("span_days", (orders[DATE].max() - orders[DATE].min()).days + 1, np.nan,
             len(orders), "first to last order day, inclusive"),
        *(_row(name, *entry) for name, entry in target_entries(tables).items()),
        _row("gini", gini["value"], gini["se"], gini["n"], "Gini of spend per customer, "
             f"sum (2i - n - 1) x_(i) / (n sum x); SE: SD of {int(gini['n_boot'])} bootstrap "
             "resamples of customers (seeded)"),
    ]  # fmt: skip
    for stat in interpurchase.itertuples():
        rows.append(
            _row(f"interpurchase_{stat.statistic}", stat.value, np.nan, stat.n,
                 "days between a customer's consecutive purchase days (gaps pooled)")
        )  # fmt: skip
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return table.astype({"value": float, "se": float, "n": "int64"})


def _fit(what: str, fitter: Any, summary: pd.DataFrame, notes: list[str]) -> Any:
    """A model fit, or None with a note saying why it is not reported."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = fitter(summary)
        except DataError as err:
            notes.append(f"{what} not reported: {err}")
            return None
    notes += [f"{what}: {warning.message}" for warning in caught]
    return fit


def _customers(
    orders: pd.DataFrame,
    settings: OrderSettings,
    end: pd.Timestamp,
    bgnbd: BGNBDFit | None,
    gammagamma: GammaGammaFit | None,
) -> pd.DataFrame:
    history = customer_summary(orders, calibration_end=end, period=settings.period)
    length = period_days(settings.period)
    horizon = max(int(round(settings.horizon_days / length)), 1)
    args = (history["frequency"], history["recency"], history["T"])
    out = history.copy()
    out["p_alive"] = p_alive(bgnbd, *args) if bgnbd else np.nan
    out["expected_purchases"] = expected_purchases(bgnbd, horizon, *args) if bgnbd else np.nan
    out["expected_spend"] = (
        expected_spend(gammagamma, history["frequency"], history["monetary_value"])
        if gammagamma
        else np.nan
    )
    rate = (1 + settings.annual_discount_rate) ** (length / 365.0) - 1
    out["clv"] = (
        clv(
            bgnbd,
            gammagamma,
            history,
            horizon_periods=horizon,
            discount_rate_per_period=rate,
            margin=settings.margin,
        )
        if bgnbd and gammagamma
        else np.nan
    )
    out.attrs["horizon_periods"] = horizon
    return out


def run_order_analysis(cleaned: CleanedOrders, settings: OrderSettings) -> OrderAnalysis:
    """Summaries, BG/NBD and Gamma-Gamma fits, predictions and targets of a cleaned log.

    Parameters
    ----------
    cleaned : CleanedOrders
        From :func:`survey.orders.cleaning.clean_orders`.
    settings : OrderSettings
        Calibration end, period, churn window, CLV settings.

    Returns
    -------
    OrderAnalysis

    Raises
    ------
    DataError
        If a setting is out of range, or the calibration end is before the first
        order or after the last.

    Examples
    --------
    >>> cleaned = clean_orders(example_log("cdnow"))
    >>> analysis = run_order_analysis(cleaned, OrderSettings("1997-09-30", n_boot=0))
    >>> round(analysis.bgnbd.r, 3), round(analysis.gammagamma.p, 2)
    (0.243, 6.25)
    """
    with naming_file(cleaned.source):
        return _analyse_orders(cleaned, settings)


def _analyse_orders(cleaned: CleanedOrders, settings: OrderSettings) -> OrderAnalysis:
    settings.check()
    orders = cleaned.orders
    end = orders[DATE].max().normalize()
    start = orders[DATE].min().normalize()
    calibration_end = as_day(settings.calibration_end, "calibration end")
    if not start <= calibration_end <= end:
        raise DataError(
            f"{cleaned.source}: calibration end {calibration_end:%Y-%m-%d} is outside the log; "
            "allowed: "
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"
        )
    notes: list[str] = []
    transactions = daily_transactions(orders)  # shared by the summaries
    stats = summary_tables(
        orders,
        churn_window_days=settings.churn_window_days,
        n_boot=settings.n_boot,
        seed=settings.seed,
        transactions=transactions,
    )
    holdout = end > calibration_end
    summary = customer_summary(
        orders,
        calibration_end=calibration_end,
        period=settings.period,
        observation_end=end if holdout else None,
    )
    bgnbd = _fit("BG/NBD", fit_bgnbd, summary, notes)
    gammagamma = _fit("Gamma-Gamma", fit_gamma_gamma, summary, notes)
    tables = {
        "summary": summary_table(
            orders, stats, interpurchase_summary(orders, transactions=transactions)
        ),
        "cohorts": cohort_retention(
            orders, churn_window_days=settings.churn_window_days, transactions=transactions
        ),
        "lorenz": lorenz_curve(orders),
        "bgnbd": bgnbd.to_frame()
        if bgnbd
        else pd.DataFrame(columns=["parameter", "estimate", "se"]),
        "gammagamma": gammagamma.to_frame()
        if gammagamma
        else pd.DataFrame(columns=["parameter", "estimate", "se"]),
    }
    if bgnbd and holdout:
        tables["holdout"] = holdout_by_frequency(bgnbd, summary)
        tables["tracking"] = cumulative_tracking(
            orders, bgnbd, calibration_end=calibration_end, observation_end=end,
            period=settings.period,
        )  # fmt: skip
    elif not holdout:
        notes.append("no holdout check: the log ends on the calibration end")
    customers = _customers(orders, settings, end, bgnbd, gammagamma)
    unit = {"W": "weeks", "D": "days"}[settings.period]
    notes += [
        f"models fitted on orders up to {calibration_end:%Y-%m-%d} ({len(summary)} customers), "
        f"time in {unit}; several orders of a customer on one day are one transaction",
        "customers.parquet applies the fitted models to each customer's whole history up "
        f"to {end:%Y-%m-%d}: expected purchases and CLV over the next "
        f"{customers.attrs['horizon_periods']} {unit}, CLV discounted at "
        f"{settings.annual_discount_rate:.0%} a year with margin {settings.margin:g}",
        f"churn: no purchase in {settings.churn_window_days} days",
    ]
    source = (
        f"{Path(cleaned.source).name}: {len(orders)} orders of "
        f"{orders[CUSTOMER].nunique()} customers, {start:%Y-%m-%d} to {end:%Y-%m-%d} "
        "(shoplab orders analyze)"
    )
    targets = order_targets(stats, source=source)
    missing = sorted(set(stats_names(settings)) - set(targets["targets"]))
    if missing:
        notes.append(f"targets left out (no positive, finite SE on this log): {missing}")
    return OrderAnalysis(
        cleaned, settings, end, tables, customers, targets, bgnbd, gammagamma, notes
    )


def example_log(name: str) -> RawOrders:
    """A shipped example order log, as if read from its file.

    Parameters
    ----------
    name : str
        A key of :data:`EXAMPLES`.

    Returns
    -------
    RawOrders
        Rows numbered as the file's lines.

    Examples
    --------
    >>> len(example_log("cdnow").data)
    6919
    """
    from survey.orders.cdnow import cdnow_path, load_cdnow

    kind = EXAMPLES[name][0]
    data = load_cdnow(kind)
    data.index = pd.RangeIndex(1, len(data) + 1, name="row")
    return RawOrders(data, str(cdnow_path(kind)))


def example_analysis(name: str = "cdnow", n_boot: int = 0) -> OrderAnalysis:
    """A shipped example log analysed as ``--example`` does, without writing files.

    Parameters
    ----------
    name : str, default "cdnow"
        A key of :data:`EXAMPLES`.
    n_boot : int, default 0
        Bootstrap resamples of the concentration SEs.

    Returns
    -------
    OrderAnalysis

    Examples
    --------
    >>> analysis = example_analysis()
    >>> analysis.bgnbd.n, round(analysis.bgnbd.loglik, 1)
    (2357, -9582.4)
    """
    settings = OrderSettings(EXAMPLES[name][1], n_boot=n_boot)
    return run_order_analysis(clean_orders(example_log(name)), settings)


def stats_names(settings: OrderSettings) -> list[str]:
    """Names of the targets an analysis with these settings writes.

    Parameters
    ----------
    settings : OrderSettings

    Returns
    -------
    list of str

    Examples
    --------
    >>> stats_names(OrderSettings("1997-09-30", churn_window_days=60))[3]
    'inactive_share_60'
    """
    return [
        "orders_per_buyer",
        "aov",
        "repeat_purchase_rate",
        f"inactive_share_{settings.churn_window_days}",
        "top20_spend_share",
    ]


def write_order_outputs(analysis: OrderAnalysis, out_dir: str | Path, plots: bool = True) -> Path:
    """Write every output file of an analysis (module docstring) into ``out_dir``.

    Parameters
    ----------
    analysis : OrderAnalysis
        From :func:`run_order_analysis`.
    out_dir : str or Path
        The output folder (created).
    plots : bool, default True
        Draw the plots (``plots/*.png``, embedded in the report).

    Returns
    -------
    Path
        The output folder.

    Examples
    --------
    >>> import tempfile
    >>> out = write_order_outputs(example_analysis(), tempfile.mkdtemp(), plots=False)
    >>> sorted(p.name for p in out.iterdir())[:4]
    ['bgnbd.csv', 'cleaning_log.csv', 'cohorts.csv', 'customers.parquet']
    """
    from survey.orders.report import write_report

    out = output_folder(out_dir)
    for name in ("summary", "cohorts", "bgnbd", "gammagamma", "holdout", "tracking"):
        if name in analysis.tables:
            write_csv(analysis.tables[name], out / f"{name}.csv")
    write_csv(analysis.cleaned.log, out / "cleaning_log.csv")
    with atomic_output(out / "customers.parquet") as temporary:
        analysis.customers.to_parquet(temporary, index=False)
    write_targets(analysis.targets, out / "targets.json")
    write_report(analysis, out, plots=plots)
    return out


def analyze_orders(
    path: str | Path,
    out_dir: str | Path,
    settings: OrderSettings,
    *,
    mapping: ColumnMapping | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
    plots: bool = True,
) -> OrderAnalysis:
    """Read, clean and analyse an order-log file and write every output.

    Parameters
    ----------
    path : str or Path
        CSV, XLSX or Parquet order log.
    out_dir : str or Path
        Output folder.
    settings : OrderSettings
        What to compute.
    mapping : ColumnMapping, optional
        File column per field (default: columns named as the fields).
    sheet : str or int, optional
        XLSX sheet.
    drop_duplicates : bool, default False
        Drop exact duplicate rows (see :mod:`survey.orders.cleaning`).
    plots : bool, default True
        Draw the plots.

    Returns
    -------
    OrderAnalysis

    Raises
    ------
    DataError
        One line naming the file, column or row, for any unreadable input.

    Examples
    --------
    >>> import tempfile
    >>> from survey.orders.cdnow import load_cdnow
    >>> folder = Path(tempfile.mkdtemp())
    >>> load_cdnow().to_parquet(folder / "cdnow.parquet")
    >>> analysis = analyze_orders(folder / "cdnow.parquet", folder / "out",
    ...                           OrderSettings("1997-09-30", n_boot=0), plots=False)
    >>> analysis.targets["targets"]["repeat_purchase_rate"]["n"]
    2357
    """
    settings.check()
    raw = read_order_log(path, mapping, sheet)
    return analyze_raw_orders(raw, out_dir, settings, drop_duplicates=drop_duplicates, plots=plots)


def analyze_raw_orders(
    raw: RawOrders,
    out_dir: str | Path,
    settings: OrderSettings,
    *,
    drop_duplicates: bool = False,
    plots: bool = True,
) -> OrderAnalysis:
    """Clean and analyse orders already read (a file or a shipped example) and write.

    Parameters
    ----------
    raw : RawOrders
        Orders as read, columns named as the order-frame fields.
    out_dir : str or Path
        Output folder.
    settings : OrderSettings
        What to compute.
    drop_duplicates : bool, default False
        Drop exact duplicate rows.
    plots : bool, default True
        Draw the plots.

    Returns
    -------
    OrderAnalysis

    Examples
    --------
    >>> import tempfile
    >>> from survey.orders.cdnow import load_cdnow
    >>> raw = RawOrders(load_cdnow(), "CDNOW_sample.txt")
    >>> analysis = analyze_raw_orders(raw, tempfile.mkdtemp(), OrderSettings("1997-09-30",
    ...                               n_boot=0), plots=False)
    >>> analysis.cleaned.log["what"].tolist()
    ['exact duplicate rows', 'zero amount']
    """
    settings.check()
    cleaned = clean_orders(raw, drop_duplicates=drop_duplicates)
    analysis = run_order_analysis(cleaned, settings)
    write_order_outputs(analysis, out_dir, plots=plots)
    return analysis
