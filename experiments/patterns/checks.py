"""The patterns: what each measures, the range it must fall in, and where the range comes from.

A :class:`Pattern` turns the results of one replication (a :class:`RunRecord`: the
run's summary, a likelihood-to-recommend snapshot taken at mid-horizon, and the
summary of a paired lower-churn run) into a :class:`Measurement`; :func:`evaluate`
takes the mean over replications, keeps their spread and checks the mean against the
pattern's range. Summary fields are those of :meth:`sim.ShopperModel.summary`,
computed over the run's last 365 days (or the whole run if shorter). A field the
summary lacks gives NaN with a note, so the pattern fails rather than the command.

Examples
--------
>>> record = RunRecord(0, {"satisfied_defector_share": 0.7, "defections": 40})
>>> PATTERNS[0].measure_run(record)
Measurement(value=0.7, n=40.0, note='')
>>> PATTERNS[0].range_text(), PATTERNS[0].contains(0.7)
('[0.65, 0.85]', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Levels of the likelihood-to-recommend scale, 0-10.
LTR_LEVELS = 11
#: Fewest mid-horizon customers in a zone of the likelihood-to-recommend scale for its
#: retention to be used (see :func:`zone_gain_ratio`).
MIN_LEVEL_N = 30
#: The zones of the likelihood-to-recommend scale (Reichheld 2003's NPS groups).
ZONES = {"detractors": slice(0, 7), "passives": slice(7, 9), "promoters": slice(9, 11)}
#: Factor on ``loyalty.base_churn_hazard`` in the paired lower-churn run.
CHURN_SCALE = 0.8
#: Columns of ``patterns.csv``: the required six, then the extra ones.
CSV_COLUMNS = (
    "pattern",
    "source",
    "low",
    "high",
    "model value",
    "ok",
    "range",
    "in range",
    "required",
    "min",
    "max",
    "replications",
    "n",
    "quantity",
    "definition",
    "note",
)


@dataclass(frozen=True)
class Measurement:
    """A pattern's value on one replication.

    Attributes
    ----------
    value : float
        The measured value (NaN if it cannot be measured; ``inf`` allowed).
    n : float or None
        How many observations it rests on (events, buyers, customers), if known.
    note : str
        What was done or why there is no value.

    Examples
    --------
    >>> Measurement(0.5).value
    0.5
    """

    value: float
    n: float | None = None
    note: str = ""


@dataclass
class RunRecord:
    """What one replication leaves for the patterns to measure.

    Attributes
    ----------
    replication : int
        Replication index, from 0.
    summary : mapping of str to float
        ``ShopperModel.summary()`` at the end of the run.
    segments : sequence of (str, float)
        Segment names and their mean price sensitivity, in the model's order.
    ltr_n : numpy.ndarray
        Active customers (active or won back) at mid-horizon by likelihood to
        recommend 0-10 (11 counts).
    ltr_retained : numpy.ndarray
        Of those, how many are active or won back at the end (11 counts).
    counterpart : mapping of str to float, optional
        Summary of the paired run with ``loyalty.base_churn_hazard`` × ``CHURN_SCALE``
        on the same seed.
    cost_per_acquisition : float
        ``acquisition.cost_per_acquisition`` of the run's parameters, CNY.

    Examples
    --------
    >>> RunRecord(0, {"gmv": 1.0}).ltr_n.tolist()
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    """

    replication: int
    summary: Mapping[str, float]
    segments: Sequence[tuple[str, float]] = ()
    ltr_n: np.ndarray = field(default_factory=lambda: np.zeros(LTR_LEVELS, dtype=np.int64))
    ltr_retained: np.ndarray = field(default_factory=lambda: np.zeros(LTR_LEVELS, dtype=np.int64))
    counterpart: Mapping[str, float] | None = None
    cost_per_acquisition: float = math.nan


class MissingField(KeyError):
    """A summary field a pattern needs is not in the run's summary."""


def field_value(summary: Mapping[str, float], key: str) -> float:
    """A summary field as a float.

    Parameters
    ----------
    summary : mapping
        A run summary.
    key : str
        The field.

    Returns
    -------
    float

    Raises
    ------
    MissingField
        If the summary has no such field.

    Examples
    --------
    >>> field_value({"aov": 50}, "aov")
    50.0
    """
    if key not in summary:
        raise MissingField(key)
    return float(summary[key])


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; ``inf`` for x/0 with x > 0, NaN for 0/0 or NaN."""
    if math.isnan(numerator) or math.isnan(denominator):
        return math.nan
    if denominator == 0:
        return math.inf if numerator > 0 else math.nan
    return numerator / denominator


def _format_bound(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:g}"


@dataclass(frozen=True)
class Pattern:
    """One pattern: what is measured, the range it must fall in, and the source of the range.

    Attributes
    ----------
    key : str
        Identifier (snake case).
    name : str
        Short name shown in tables.
    quantity : str
        The measured quantity (a summary field or a formula of them).
    definition : str
        Exactly what is measured.
    source : str
        Where the range comes from: a publication with its figure, company results
        with the derivation, or the project's own reading where no number exists.
    low, high : float
        The range (``high`` may be ``inf``).
    low_open, high_open : bool
        Whether ``low`` / ``high`` are excluded.
    required : bool
        Whether the command fails (exit status 1) when the pattern does not hold.
    measure : callable
        RunRecord -> Measurement on one replication.
    n_key : str, optional
        Summary field counting what the value rests on (reported as ``n``).
    summarise : callable, optional
        (records, measurements) -> note over all replications (default: the
        replications' distinct notes).

    Examples
    --------
    >>> p = Pattern("x", "x", "x", "x", "x", 0.0, 1.0, high_open=True,
    ...             measure=lambda r: Measurement(1.0))
    >>> p.range_text(), p.contains(1.0), p.contains(0.0)
    ('[0, 1)', False, True)
    """

    key: str
    name: str
    quantity: str
    definition: str
    source: str
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    required: bool = True
    measure: Callable[[RunRecord], Measurement] | None = None
    n_key: str | None = None
    summarise: Callable[[Sequence[RunRecord], Sequence[Measurement]], str] | None = None

    def contains(self, value: float) -> bool:
        """Whether ``value`` is in the range (NaN never is).

        Examples
        --------
        >>> PATTERNS[1].contains(1.0), PATTERNS[1].contains(1.2)
        (False, True)
        """
        if math.isnan(value):
            return False
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def range_text(self) -> str:
        """The range in interval notation, e.g. ``[0.65, 0.85]`` or ``(1, inf)``.

        Examples
        --------
        >>> PATTERNS[2].range_text()
        '[0, 1)'
        """
        left = "(" if self.low_open else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_format_bound(self.low)}, {_format_bound(self.high)}{right}"

    def measure_run(self, record: RunRecord) -> Measurement:
        """Measure the pattern on one replication.

        A summary field the run lacks gives NaN and a note naming it.

        Parameters
        ----------
        record : RunRecord

        Returns
        -------
        Measurement

        Examples
        --------
        >>> PATTERNS[3].measure_run(RunRecord(0, {})).note
        "the run's summary has no field 'top20_spend_share'"
        """
        measure = self.measure or _summary_field(self.quantity)
        try:
            result = measure(record)
            n = result.n
            if n is None and self.n_key is not None:
                n = field_value(record.summary, self.n_key)
        except MissingField as err:
            return Measurement(math.nan, None, f"the run's summary has no field {err.args[0]!r}")
        return Measurement(float(result.value), n, result.note)


def _summary_field(key: str) -> Callable[[RunRecord], Measurement]:
    def measure(record: RunRecord) -> Measurement:
        return Measurement(field_value(record.summary, key))

    return measure


# ---------------------------------------------------------------- measurements
def price_sensitive_churn_ratio(record: RunRecord) -> Measurement:
    """Churn rate of the most price-sensitive segment over that of the least.

    Segments are ranked by their mean price sensitivity
    (``population.segments[i].price_sensitivity.mean``); rates are the summary's
    ``churn_rate_<segment>`` (churn events per customer-year of exposure).

    Parameters
    ----------
    record : RunRecord

    Returns
    -------
    Measurement
        ``inf`` if only the least sensitive segment never churns, NaN if neither does.

    Examples
    --------
    >>> record = RunRecord(0, {"churn_rate_a": 0.6, "churn_rate_b": 0.3},
    ...                    segments=[("a", 0.8), ("b", 0.4)])
    >>> price_sensitive_churn_ratio(record)
    Measurement(value=2.0, n=None, note='a (mean price sensitivity 0.8) over b (0.4)')
    """
    if not record.segments:
        return Measurement(math.nan, note="no segments")
    most = max(record.segments, key=lambda s: s[1])
    least = min(record.segments, key=lambda s: s[1])
    if most[1] == least[1]:
        return Measurement(math.nan, note="all segments are equally price-sensitive")
    rate_most = field_value(record.summary, f"churn_rate_{most[0]}")
    rate_least = field_value(record.summary, f"churn_rate_{least[0]}")
    note = f"{most[0]} (mean price sensitivity {most[1]:g}) over {least[0]} ({least[1]:g})"
    return Measurement(_ratio(rate_most, rate_least), note=note)


def tenure_hazard_ratio(record: RunRecord) -> Measurement:
    """Churn hazard at tenure days 180-364 over that at days 0-89.

    Parameters
    ----------
    record : RunRecord
        Its summary has ``hazard_tenure_late`` and ``hazard_tenure_early``.

    Returns
    -------
    Measurement

    Examples
    --------
    >>> summary = {"hazard_tenure_late": 0.001, "hazard_tenure_early": 0.004}
    >>> tenure_hazard_ratio(RunRecord(0, summary)).value
    0.25
    """
    late = field_value(record.summary, "hazard_tenure_late")
    early = field_value(record.summary, "hazard_tenure_early")
    note = "" if early > 0 else "no churn in the first 90 days of tenure"
    return Measurement(_ratio(late, early), note=note)


def ltr_retention_counts(ltr: np.ndarray, retained: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Customers and retained customers by likelihood-to-recommend level.

    Parameters
    ----------
    ltr : numpy.ndarray
        Likelihood to recommend (0-10) of each customer of the snapshot.
    retained : numpy.ndarray of bool
        Whether each of them is still a customer at the end.

    Returns
    -------
    n, kept : numpy.ndarray
        Counts per level 0-10 (length 11, int64).

    Examples
    --------
    >>> n, kept = ltr_retention_counts(np.array([10, 10, 4]), np.array([True, False, True]))
    >>> n[[4, 10]].tolist(), kept[[4, 10]].tolist()
    ([1, 2], [1, 1])
    """
    levels = np.asarray(ltr, dtype=np.int64)
    n = np.bincount(levels, minlength=LTR_LEVELS)
    kept = np.bincount(levels[np.asarray(retained, dtype=bool)], minlength=LTR_LEVELS)
    return n, kept


def describe_ltr_levels(n: np.ndarray, kept: np.ndarray) -> str:
    """Customers and retention at each level present, as text.

    Parameters
    ----------
    n, kept : numpy.ndarray
        Counts per level 0-10.

    Returns
    -------
    str

    Examples
    --------
    >>> describe_ltr_levels(np.array([0, 0, 0, 0, 5, 0, 0, 0, 10, 0, 4]),
    ...                     np.array([0, 0, 0, 0, 1, 0, 0, 0, 6, 0, 4]))
    'n (retained) by LTR: 4: 5 (20%), 8: 10 (60%), 10: 4 (100%)'
    """
    parts = [
        f"{level}: {int(n[level])} ({kept[level] / n[level]:.0%})" for level in np.flatnonzero(n)
    ]
    return "n (retained) by LTR: " + ", ".join(parts)


def zone_gain_ratio(n: np.ndarray, kept: np.ndarray, min_n: int = MIN_LEVEL_N) -> Measurement:
    """Retention gain from passives to promoters over the gain from detractors to passives.

    The three zones of the likelihood-to-recommend scale (Reichheld 2003):
    detractors 0-6, passives 7-8, promoters 9-10, each with retention ``kept / n``.
    Jones & Sasser's curve is flat through the merely satisfied and steep at the top
    ("completely satisfied"): the step from passives to promoters exceeds the step
    from detractors to passives, a ratio above 1; a linear or saturating relation
    gives 1 or less.

    Parameters
    ----------
    n, kept : numpy.ndarray
        Customers and retained customers per level 0-10.
    min_n : int
        Fewest customers a zone needs to be used.

    Returns
    -------
    Measurement
        NaN if a zone is too sparse or retention does not rise from detractors to
        passives (the ratio is then undefined); ``n`` is the number of snapshot
        customers; the note gives each zone's retention.

    Examples
    --------
    >>> n = np.array([0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 100])
    >>> kept = np.array([0, 0, 0, 0, 20, 0, 0, 0, 40, 0, 80])
    >>> zone_gain_ratio(n, kept).value  # (0.8 - 0.4) / (0.4 - 0.2)
    2.0
    """
    n = np.asarray(n, dtype=np.int64)
    kept = np.asarray(kept, dtype=np.int64)
    total = float(n.sum())
    retention = {}
    for name, levels in ZONES.items():
        size = int(n[levels].sum())
        if size < min_n:
            return Measurement(math.nan, total, f"fewer than {min_n} {name} (n = {size})")
        retention[name] = kept[levels].sum() / size
    note = ", ".join(f"{name} {value:.1%}" for name, value in retention.items())
    lower = retention["passives"] - retention["detractors"]
    upper = retention["promoters"] - retention["passives"]
    if lower <= 0:
        return Measurement(
            math.nan, total, f"retention does not rise from detractors to passives ({note})"
        )
    return Measurement(float(upper / lower), total, f"retention: {note}")


def satisfaction_loyalty_convexity(record: RunRecord) -> Measurement:
    """The Jones-Sasser ratio of a replication's mid-horizon snapshot.

    See :func:`zone_gain_ratio`.

    Examples
    --------
    >>> n = np.array([0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 100])
    >>> kept = np.array([0, 0, 0, 0, 20, 0, 0, 0, 40, 0, 80])
    >>> satisfaction_loyalty_convexity(RunRecord(0, {}, ltr_n=n, ltr_retained=kept)).value
    2.0
    """
    return zone_gain_ratio(record.ltr_n, record.ltr_retained)


def _pooled_ltr_note(records: Sequence[RunRecord], measurements: Sequence[Measurement]) -> str:
    n = np.sum([r.ltr_n for r in records], axis=0)
    kept = np.sum([r.ltr_retained for r in records], axis=0)
    pooled = zone_gain_ratio(n, kept).value
    notes = sorted({m.note for m in measurements if m.note})
    return "; ".join(
        [
            describe_ltr_levels(n, kept) + " (all replications)",
            f"ratio on the pooled counts {pooled:.4g}",
            *notes,
        ]
    )


def _retention(summary: Mapping[str, float]) -> tuple[float, str]:
    value = float(summary.get("retention_365", math.nan))
    if not math.isnan(value):
        return value, "retention_365"
    customers = field_value(summary, "customers")
    return _ratio(field_value(summary, "active_end"), customers), "active_end/customers"


def profit_per_retention(record: RunRecord) -> Measurement:
    """Percent profit change per 5 points of retention, from the paired lower-churn run.

    ``(profit change %) / (retention change in points) × 5`` between the baseline
    and its counterpart with ``loyalty.base_churn_hazard`` × ``CHURN_SCALE`` on the
    same seed. Retention is ``retention_365``; where that is NaN (no customer
    reached 365 days of tenure) it is ``active_end / customers``, and the note says so.

    Parameters
    ----------
    record : RunRecord

    Returns
    -------
    Measurement
        NaN if there is no paired run, retention did not rise, or baseline profit is
        not positive (a percent change is then undefined).

    Examples
    --------
    >>> base = {"profit": 100.0, "retention_365": 0.30}
    >>> low = {"profit": 110.0, "retention_365": 0.32}
    >>> round(profit_per_retention(RunRecord(0, base, counterpart=low)).value, 6)  # 10%, 2 pts
    25.0
    """
    if record.counterpart is None:
        return Measurement(math.nan, note="no paired lower-churn run")
    p0 = field_value(record.summary, "profit")
    p1 = field_value(record.counterpart, "profit")
    r0, basis0 = _retention(record.summary)
    r1, basis1 = _retention(record.counterpart)
    basis = basis0 if basis0 == basis1 else f"{basis0} vs {basis1}"
    if basis != "retention_365":
        basis += " (retention_365 is NaN: no customer reached 365 days of tenure)"
    note = f"paired run with loyalty.base_churn_hazard x {CHURN_SCALE:g}; retention = {basis}"
    points = (r1 - r0) * 100.0
    if not points > 0:
        return Measurement(math.nan, note=note + "; retention did not rise")
    if not p0 > 0:
        return Measurement(math.nan, note=note + "; baseline profit not positive")
    return Measurement((p1 - p0) / p0 * 100.0 / points * 5.0, note=note)


def acquisition_payback_years(record: RunRecord) -> Measurement:
    """Years of platform revenue per buyer that pay for one paid acquisition.

    ``acquisition.cost_per_acquisition / (revenue / annual_buyers)``.

    Parameters
    ----------
    record : RunRecord

    Returns
    -------
    Measurement

    Examples
    --------
    >>> summary = {"revenue": 5000.0, "annual_buyers": 100}
    >>> acquisition_payback_years(RunRecord(0, summary, cost_per_acquisition=20.0)).value
    0.4
    """
    revenue = field_value(record.summary, "revenue")
    buyers = field_value(record.summary, "annual_buyers")
    per_buyer = _ratio(revenue, buyers)
    return Measurement(_ratio(record.cost_per_acquisition, per_buyer), buyers)


# ---------------------------------------------------------------- the patterns
_COMPANY = "Pinduoduo company results"

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        key="satisfied_defectors",
        name="satisfied defectors",
        quantity="satisfied_defector_share",
        definition="Share of churn events whose shopper had likelihood-to-recommend >= 7 "
        "(0-10) at the moment of churning: 'satisfied' is read as LTR >= 7.",
        source="Reichheld (1993), 'Loyalty-based management', Harvard Business Review 71(2): "
        "65-85% of customers who defect say they were satisfied or very satisfied",
        low=0.65,
        high=0.85,
        n_key="defections",
    ),
    Pattern(
        key="price_sensitive_churn",
        name="price-sensitive segments churn more",
        quantity="churn_rate_<most price-sensitive> / churn_rate_<least price-sensitive>",
        definition="Churn events per customer-year of exposure in the segment with the "
        "highest mean price sensitivity, divided by the same in the segment with the lowest.",
        source="source material (SOURCE-NOTES.md): shoppers come for price rather than "
        "quality or service, so loyalty is low; rivals with quality and service attract "
        "more loyal customers (a direction, no number: the ratio must exceed 1)",
        low=1.0,
        high=math.inf,
        low_open=True,
        measure=price_sensitive_churn_ratio,
    ),
    Pattern(
        key="hazard_falls_with_tenure",
        name="churn hazard falls with tenure",
        quantity="hazard_tenure_late / hazard_tenure_early",
        definition="Churn events per customer-day of exposure at tenure days 180-364 over "
        "the same at tenure days 0-89, for customers acquired during the run.",
        source="Fader & Hardie (2007), 'How to project customer retention', Journal of "
        "Interactive Marketing 21(1): with heterogeneous churn propensities "
        "(shifted-beta-geometric) retention rates rise with tenure, i.e. the hazard "
        "falls (a direction: the ratio must be below 1)",
        low=0.0,
        high=1.0,
        high_open=True,
        measure=tenure_hazard_ratio,
    ),
    Pattern(
        key="spend_concentration",
        name="spend concentration",
        quantity="top20_spend_share",
        definition="Share of focal spend made by the top 20% of annual buyers (by spend).",
        source="Kim, Singh & Winer (2017), Marketing Letters 28(4): mean Pareto ratio 0.73 "
        "(packaged-goods brands); McCarthy & Winer (2019), 'The Pareto rule in marketing "
        "revisited: is it 80/20 or 70/20?', Marketing Letters: mean 0.67 over 339 non-CPG "
        "firms",
        low=0.60,
        high=0.75,
        n_key="annual_buyers",
    ),
    Pattern(
        key="orders_per_buyer",
        name="orders per buyer a year",
        quantity="orders_per_buyer",
        definition="Focal orders per annual buyer (a shopper with >= 1 focal order in the window).",
        source=f"{_COMPANY}: 50-54 M orders a day in 2019 (about 50 M: company statement; "
        "54 M: Wikipedia's summary of company figures) x 365 / 585.2 M annual active buyers "
        "(FY2019) = 31-34; FY2020 about 49 (EVIDENCE.md)",
        low=30.0,
        high=50.0,
        n_key="annual_buyers",
    ),
    Pattern(
        key="order_value",
        name="average order value",
        quantity="aov",
        definition="GMV of focal orders / focal orders, CNY.",
        source=f"{_COMPANY}: FY2019 GMV 1,006.6 bn CNY / (50-54 M orders a day x 365) = "
        "51-55 CNY; FY2020 about 43 CNY (EVIDENCE.md)",
        low=43.0,
        high=56.0,
        n_key="annual_buyers",
    ),
    Pattern(
        key="spend_per_buyer",
        name="annual spend per buyer",
        quantity="spend_per_buyer",
        definition="GMV of focal orders / annual buyers, CNY.",
        source=f"{_COMPANY}: annual spending per active buyer 1,126.9 (2018), 1,720.1 (2019), "
        "2,115.2 CNY (2020)",
        low=1100.0,
        high=2150.0,
        n_key="annual_buyers",
    ),
    Pattern(
        key="take_rate",
        name="take rate",
        quantity="take_rate",
        definition="The platform's own revenue / GMV of focal orders.",
        source=f"{_COMPANY}: total revenues / GMV = 13.12 / 471.6 bn = 2.78% (2018), "
        "30.1 / 1,006.6 bn = 2.99% (2019)",
        low=0.027,
        high=0.031,
    ),
    Pattern(
        key="mau_ratio",
        name="monthly actives / annual buyers",
        quantity="mau_ratio",
        definition="Mean active customers over the last 90 days / annual buyers.",
        source=f"{_COMPANY}: Q4 average monthly active users / annual active buyers = "
        "272.6 / 418.5 = 0.651 (2018), 481.5 / 585.2 = 0.823 (2019)",
        low=0.65,
        high=0.83,
        n_key="annual_buyers",
    ),
    Pattern(
        key="satisfaction_loyalty_convexity",
        name="loyalty steeper at the top of satisfaction",
        quantity="retention gain passives->promoters / gain detractors->passives",
        definition="Customers active at mid-horizon (after days // 2 days) of the same run "
        "who have ordered and never churned, with their likelihood to recommend (LTR); "
        "retained = not churned by the end. Value = (retention of promoters, LTR 9-10, "
        "minus passives, 7-8) / (retention of passives minus detractors, 0-6). A zone "
        f"needs {MIN_LEVEL_N} customers; undefined if retention does not rise from "
        "detractors to passives.",
        source="Jones & Sasser (1995), 'Why satisfied customers defect', Harvard Business "
        "Review 73(6): the satisfaction-loyalty relation is non-linear, only completely "
        "satisfied customers are reliably loyal (no number: the ratio must exceed 1)",
        low=1.0,
        high=math.inf,
        low_open=True,
        measure=satisfaction_loyalty_convexity,
        summarise=_pooled_ltr_note,
    ),
    Pattern(
        key="group_orders",
        name="group orders a material share",
        quantity="group_order_share",
        definition="Share of focal orders that are group orders.",
        source="platform rules (EVIDENCE.md): a shopper buys at the group price by opening "
        "or joining a group, the core purchase mode; 10% is this project's reading of "
        "'material', not a published number",
        low=0.10,
        high=math.inf,
    ),
    Pattern(
        key="top_tier",
        name="top value tier populated",
        quantity="top_tier_share",
        definition="Share of active customers in the highest value tier at the end.",
        source="design: tiers are percentiles of recent spend, and the issue asks for a "
        "populated VIP tier, read as 1-10% of active customers (a design requirement, not "
        "a published number)",
        low=0.01,
        high=0.10,
        n_key="active_end",
    ),
    Pattern(
        key="profit_from_retention",
        name="profit from +5 points of retention",
        quantity="% profit change per 5 points of retention (paired run, base churn "
        f"hazard x {CHURN_SCALE:g})",
        definition="Each replication is paired with a run on the same seed whose "
        f"loyalty.base_churn_hazard is scaled by {CHURN_SCALE:g}: (profit change %) / "
        "(retention_365 change in points) x 5, with active_end / customers as retention "
        "where retention_365 is NaN.",
        source="Reichheld & Sasser (1990), 'Zero defections: quality comes to services', "
        "Harvard Business Review 68(5): cutting defections by 5 points raised profits by "
        "25-85% in the industries studied (a claim to test, not a target)",
        low=25.0,
        high=85.0,
        required=False,
        measure=profit_per_retention,
    ),
    Pattern(
        key="acquisition_payback",
        name="payback of a paid acquisition",
        quantity="acquisition.cost_per_acquisition / (revenue / annual_buyers), years",
        definition="Years of the platform's revenue per annual buyer that pay for one "
        "shopper acquired through ads. It stands in for 'keeping a customer costs 10-20% "
        "of acquiring one' (source material, unsourced there), which the baseline cannot "
        "measure: it spends nothing on keeping customers.",
        source=f"{_COMPANY} (EVIDENCE.md): sales and marketing per net new active buyer / "
        "revenue per active buyer = (13.4 bn / 173.7 M) / (13.12 bn / 418.5 M) = 2.5 years "
        "(2018), (27.2 bn / 166.7 M) / (30.1 bn / 585.2 M) = 3.2 years (2019); an upper "
        "bound, as marketing also serves existing buyers",
        low=0.0,
        high=3.2,
        required=False,
        measure=acquisition_payback_years,
    ),
)


def pattern_by_key(key: str) -> Pattern:
    """The pattern with this key.

    Examples
    --------
    >>> pattern_by_key("take_rate").range_text()
    '[0.027, 0.031]'
    """
    for pattern in PATTERNS:
        if pattern.key == key:
            return pattern
    raise KeyError(key)


# ---------------------------------------------------------------- evaluation
def replication_values(
    records: Sequence[RunRecord], patterns: Sequence[Pattern] = PATTERNS
) -> pd.DataFrame:
    """Every pattern measured on every replication.

    Parameters
    ----------
    records : sequence of RunRecord
    patterns : sequence of Pattern

    Returns
    -------
    pandas.DataFrame
        Columns ``pattern``, ``key``, ``replication``, ``value``, ``n``, ``note``.

    Examples
    --------
    >>> frame = replication_values([RunRecord(0, {"take_rate": 0.03})], PATTERNS[7:8])
    >>> frame[["key", "value"]].values.tolist()
    [['take_rate', 0.03]]
    """
    rows = [
        {
            "pattern": p.name,
            "key": p.key,
            "replication": r.replication,
            "value": m.value,
            "n": m.n,
            "note": m.note,
        }
        for p in patterns
        for r in records
        for m in [p.measure_run(r)]
    ]
    return pd.DataFrame(rows, columns=["pattern", "key", "replication", "value", "n", "note"])


def _verdict(pattern: Pattern, value: float) -> str:
    if not pattern.required:
        return "not required"
    return "yes" if pattern.contains(value) else "no"


def evaluate(records: Sequence[RunRecord], patterns: Sequence[Pattern] = PATTERNS) -> pd.DataFrame:
    """Measure every pattern on every replication and check the mean against its range.

    The model value is the mean over the replications that give a value (the note
    says how many did not); ``min`` and ``max`` are their spread; ``n`` sums what
    the values rest on.

    Parameters
    ----------
    records : sequence of RunRecord
        One per replication.
    patterns : sequence of Pattern
        The patterns (default: all).

    Returns
    -------
    pandas.DataFrame
        One row per pattern, columns :data:`CSV_COLUMNS`; ``ok`` is ``"yes"``,
        ``"no"`` or ``"not required"`` and ``in range`` says whether a pattern that
        is not required holds.

    Examples
    --------
    >>> records = [RunRecord(r, {"take_rate": v}) for r, v in enumerate([0.028, 0.030])]
    >>> row = evaluate(records, PATTERNS[7:8]).iloc[0]
    >>> [round(float(row[c]), 4) for c in ("model value", "min", "max")], row["ok"]
    ([0.029, 0.028, 0.03], 'yes')
    """
    rows = []
    for p in patterns:
        measured = [p.measure_run(r) for r in records]
        values = np.array([m.value for m in measured], dtype=float)
        present = values[~np.isnan(values)]
        mean = float(present.mean()) if present.size else math.nan
        counts = [m.n for m in measured if m.n is not None]
        if p.summarise is not None:
            note = p.summarise(records, measured)
        else:
            note = "; ".join(sorted({m.note for m in measured if m.note}))
        missing = values.size - present.size
        if missing and present.size:
            note = f"{missing} of {values.size} replications without a value; {note}".rstrip("; ")
        rows.append(
            {
                "pattern": p.name,
                "source": p.source,
                "low": p.low,
                "high": p.high,
                "model value": mean,
                "ok": _verdict(p, mean),
                "range": p.range_text(),
                "in range": p.contains(mean),
                "required": p.required,
                "min": float(present.min()) if present.size else math.nan,
                "max": float(present.max()) if present.size else math.nan,
                "replications": int(present.size),
                "n": float(sum(counts)) if counts else math.nan,
                "quantity": p.quantity,
                "definition": p.definition,
                "note": note,
            }
        )
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def failing_required(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of required patterns that do not hold.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`evaluate`.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> table = evaluate([RunRecord(0, {"take_rate": 0.05})], PATTERNS[7:8])
    >>> failing_required(table)["pattern"].tolist()
    ['take rate']
    """
    return table[table["required"] & ~table["in range"]]
