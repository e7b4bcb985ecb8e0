"""Validated parameters of the shopper model.

Every parameter is a pydantic field with a range, a unit and a source: a paper, the
source material digested in ``SOURCE-NOTES.md`` ("source material"), or "to be
calibrated" (a plausible value that :mod:`experiments` calibration fits to a survey).
The ``description`` of each field is the text of the parameter table in
``docs/model.md``; ``json_schema_extra`` carries the unit and the source, so the
table is generated from this module and cannot drift from the code.

Examples
--------
>>> params = ModelParams(population={"size": 1000})
>>> params.population.size
1000
>>> [s.name for s in params.population.segments][:2]
['rural', 'young']
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.schema import Strict, param
from sim.strategies.catalogue import StrategySpec

#: Coefficient of variation of the daily purchase rate within a segment (Gamma shape
#: 1/CV² = 0.8): heavy enough that the top 20% of buyers make 60-75% of spend, as in
#: real customer bases (Kim, Singh & Winer 2017; McCarthy & Winer 2019). To be
#: calibrated against an order log's concentration.
RATE_CV = 1.1
#: Coefficient of variation of a shopper's basket value within a segment (Gamma
#: shape 1/CV² ≈ 2.8); to be calibrated.
VALUE_CV = 0.6
#: Memory a run takes per day-0 shopper, in bytes: the README's model benchmark (peak
#: RSS 241 MB at 100,000 shoppers, 784 MB at 1,000,000, 365 days, mean degree 10, the
#: year's 13% entrants held too) gives (784 - 241) MB / 900,000 = 603 bytes.
BYTES_PER_SHOPPER = 603
#: Largest population: 50 M shoppers take about 30 GB (``BYTES_PER_SHOPPER``), beyond
#: a workstation; larger sizes only end in a memory error.
MAX_SHOPPERS = 50_000_000
#: Longest horizon and entrant room, in days (100 years), as the experiment horizon.
MAX_DAYS = 36_500


class Moments(Strict):
    """Mean and standard deviation of a shopper attribute within a segment.

    The distribution family is fixed per attribute (Beta for shares in [0, 1], Gamma
    for positive quantities) and matched to these two moments.
    """

    mean: float = Field(..., gt=0, description="Mean of the attribute in the segment.")
    sd: float = Field(..., ge=0, description="Standard deviation in the segment (0: constant).")


class Segment(Strict):
    """One shopper segment of the source material: a set of attribute distributions."""

    name: str = Field(..., min_length=1, description="Segment name.")
    share: float = Field(..., gt=0, le=1, description="Share of the population.")
    price_sensitivity: Moments = Field(
        ..., description="Weight on price in platform choice and churn, in [0, 1] (Beta)."
    )
    purchase_rate: Moments = Field(
        ..., description="Orders per day of an active shopper (Gamma), 1/day."
    )
    order_value: Moments = Field(..., description="Basket value per order (Gamma), CNY.")
    quality_expectation: Moments = Field(
        ..., description="Initial expected product/service performance, in [0, 1] (Beta)."
    )
    connectedness: float = Field(
        ..., gt=0, description="Relative number of social ties (1 = population mean degree)."
    )


def _segment(
    name: str,
    share: float,
    price: float,
    rate: float,
    value: float,
    expectation: float,
    ties: float,
) -> Segment:
    return Segment(
        name=name,
        share=share,
        price_sensitivity=Moments(mean=price, sd=0.1),
        purchase_rate=Moments(mean=rate, sd=rate * RATE_CV),
        order_value=Moments(mean=value, sd=value * VALUE_CV),
        quality_expectation=Moments(mean=expectation, sd=0.08),
        connectedness=ties,
    )


def default_segments() -> list[Segment]:
    """The six potential-customer groups of the source material.

    Directions come from the source material (rural and low-income shoppers most
    interested in discounts, young users most social, niche buyers care about quality
    as well as price); the magnitudes are to be calibrated.

    Returns
    -------
    list of Segment

    Examples
    --------
    >>> round(sum(s.share for s in default_segments()), 6)
    1.0
    """
    return [
        #        name          share price  rate   CNY  expect ties
        _segment("rural", 0.20, 0.80, 0.060, 35.0, 0.62, 1.0),
        _segment("young", 0.20, 0.45, 0.100, 60.0, 0.72, 1.6),
        _segment("low_income", 0.15, 0.85, 0.060, 30.0, 0.62, 0.9),
        _segment("homemakers", 0.15, 0.65, 0.090, 50.0, 0.68, 1.1),
        _segment("lower_tier", 0.20, 0.75, 0.080, 45.0, 0.65, 1.2),
        _segment("niche", 0.10, 0.50, 0.050, 80.0, 0.76, 0.8),
    ]


class Population(Strict):
    """Who the shoppers are."""

    size: int = param(
        10_000,
        "Number of shoppers (prospects included); at most 50 M, about 30 GB of memory.",
        "shoppers",
        "user's choice",
        ge=1,
        le=MAX_SHOPPERS,
    )
    segments: list[Segment] = Field(
        default_factory=default_segments,
        description="Segments and their attribute distributions (source material).",
        min_length=1,
        max_length=1000,
    )
    initial_active_share: float = param(
        0.447,
        "Share of shoppers who are focal customers on day 0.",
        "share",
        "Pinduoduo Q4 2018 average MAU 272.6 M / China's online shoppers at the end of "
        "2018, 610 M (CNNIC: 710 M in March 2020, 100 M more than at the end of 2018)",
        ge=0,
        le=1,
    )
    purchase_rate_scale: float = param(
        5.16,
        "Multiplies every segment's mean daily purchase rate (the segments keep their "
        "relative rates).",
        "-",
        "calibrated to Pinduoduo's 2019 orders per active buyer "
        "(experiments/configs/calibrate_market.yaml)",
        gt=0,
    )
    order_value_scale: float = param(
        1.16,
        "Multiplies every segment's mean basket value.",
        "-",
        "calibrated to Pinduoduo's 2019 average order value "
        "(experiments/configs/calibrate_market.yaml)",
        gt=0,
    )

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Population:
        total = sum(s.share for s in self.segments)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"segment shares must sum to 1, they sum to {total:.6g}")
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError(f"segment names must be unique, got {names}")
        return self


class Network(Strict):
    """The social graph over which referrals, group buys and word of mouth travel."""

    kind: Literal["small_world", "random", "fully_mixed"] = param(
        "small_world",
        "Graph family: Watts-Strogatz small world, Erdos-Renyi random, or fully mixed "
        "(no graph: everyone hears everyone, the Bass mean field).",
        "-",
        "Watts & Strogatz 1998",
    )
    mean_degree: float = param(
        10.0,
        "Mean number of social ties per shopper.",
        "ties",
        "to be calibrated (the order of the source material's unsourced 'a satisfied "
        "customer tells about 9 others')",
        ge=0,
        le=1000,
    )
    rewire_prob: float = param(
        0.1,
        "Small world: probability that a ring-lattice tie is rewired to a random shopper.",
        "-",
        "Watts & Strogatz 1998",
        ge=0,
        le=1,
    )


class Platform(Strict):
    """One platform of the market (the focal platform is the first)."""

    name: str = Field(..., min_length=1, description="Platform name.")
    price_index: float = Field(..., gt=0, description="Price level relative to 1 = market.")
    quality: float = Field(..., ge=0, le=1, description="Mean product performance, [0, 1].")
    defect_rate: float = Field(..., ge=0, le=1, description="Share of orders with a defect.")
    late_rate: float = Field(..., ge=0, le=1, description="Share of orders delivered late.")
    resolution_rate: float = Field(
        ..., ge=0, le=1, description="Share of complaints resolved by after-sales service."
    )
    assortment: float = Field(..., ge=0, le=1, description="Assortment breadth, [0, 1].")
    group_discount: float = Field(
        0.0, ge=0, lt=1, description="Price cut on an order placed in a formed group."
    )
    deal_frequency: float = Field(
        0.0, ge=0, le=1, description="Share of days on which the platform runs a promotion."
    )
    deal_depth: float = Field(
        0.0, ge=0, lt=1, description="Share of the price taken off on a promotion day."
    )


def default_platforms() -> list[Platform]:
    """The focal platform and its two rivals of the source material.

    Directions from the source material (the focal platform is cheapest with group
    buying; a Taobao-like rival leads on assortment; a JD-like rival on quality,
    logistics and service); magnitudes to be calibrated. The rivals run promotions
    (festival sales, platform coupons) on about one day in ten, at a quarter off:
    frequency and depth to be calibrated.

    Returns
    -------
    list of Platform

    Examples
    --------
    >>> [p.name for p in default_platforms()]
    ['focal', 'assortment_leader', 'quality_leader']
    """
    return [
        Platform(
            name="focal",
            price_index=0.85,
            quality=0.72,
            defect_rate=0.06,
            late_rate=0.12,
            resolution_rate=0.50,
            assortment=0.60,
            group_discount=0.10,
        ),
        Platform(
            name="assortment_leader",
            price_index=1.00,
            quality=0.76,
            defect_rate=0.04,
            late_rate=0.08,
            resolution_rate=0.65,
            assortment=0.90,
            deal_frequency=0.10,
            deal_depth=0.25,
        ),
        Platform(
            name="quality_leader",
            price_index=1.15,
            quality=0.84,
            defect_rate=0.02,
            late_rate=0.03,
            resolution_rate=0.85,
            assortment=0.70,
            deal_frequency=0.10,
            deal_depth=0.25,
        ),
    ]


class Acquisition(Strict):
    """Stage 1: how prospects become focal customers."""

    innovation_per_year: float = param(
        0.03,
        "Bass innovation coefficient p: yearly adoption hazard from paid ads "
        "(divided by 365 for a day).",
        "1/year",
        "Sultan, Farley & Lehmann 1990 (meta-analysis of 213 Bass fits: mean p 0.03)",
        ge=0,
    )
    imitation_per_year: float = param(
        0.38,
        "Bass imitation coefficient q: yearly adoption hazard per unit share of "
        "referring neighbours (divided by 365 for a day).",
        "1/year",
        "Sultan, Farley & Lehmann 1990 (meta-analysis: mean q 0.38)",
        ge=0,
    )
    promoter_referral_boost: float = param(
        1.0,
        "Extra referral weight of a promoter over an ordinary active neighbour.",
        "-",
        "to be calibrated",
        ge=0,
    )
    negative_wom_weight: float = param(
        2.0,
        "How strongly the share of detractor neighbours suppresses a prospect's adoption.",
        "-",
        "Hennig-Thurau et al. 2004; to be calibrated",
        ge=0,
    )
    cost_per_acquisition: float = param(
        163.0,
        "Paid-ads cost per shopper acquired through ads (paid by the platform).",
        "CNY",
        "Pinduoduo FY2019: sales and marketing 27.2 bn CNY / 166.7 M net new annual active "
        "buyers = 163 CNY (77 CNY in 2018: 13.4 bn / 173.7 M); an upper bound, since "
        "marketing also serves existing buyers",
        ge=0,
    )

    @property
    def innovation_per_day(self) -> float:
        """Bass p per day (p per year / 365)."""
        return self.innovation_per_year / 365.0

    @property
    def imitation_per_day(self) -> float:
        """Bass q per day (q per year / 365)."""
        return self.imitation_per_year / 365.0


class Market(Strict):
    """An open market: new online shoppers keep entering it."""

    growth_per_year: float = param(
        0.13,
        "New shoppers entering the market a year, as a share of the day-0 market (linear growth).",
        "1/year",
        "CNNIC: China's online shoppers 610 M (end 2018), 710 M (March 2020), 782 M "
        "(December 2020): (782/610)^(1/2) - 1 = 13% a year",
        ge=0,
    )
    entrant_days: int = param(
        365,
        "Days of entrants the run holds room for (``horizon_days`` when that is set).",
        "days",
        "design",
        ge=0,
        le=MAX_DAYS,
    )


class GroupBuy(Strict):
    """Group buying as Pinduoduo runs it (platform rules, published to shoppers).

    A shopper buying at the group price opens a group, or takes a group listed as
    open; the opener shares it with friends (prospects, customers or lapsed
    customers); a group that has ``group_size`` paid members within the window
    forms, and one that does not is refunded. See :mod:`sim.rules.group_formation`.
    """

    enabled: bool = param(True, "Whether group buying runs at all.", "-", "platform rules")
    group_order_prob: float = param(
        0.6,
        "Probability that a focal order is placed at the group price (opens or takes a group).",
        "share",
        "to be calibrated",
        ge=0,
        le=1,
    )
    group_size: int = param(
        2,
        "Paid members (opener included) a group needs to form.",
        "shoppers",
        "platform rules: the required number, commonly 2",
        ge=2,
        le=100,
    )
    window_days: int = param(
        1,
        "Days a group stays open (1: the 24 hours of the platform rules).",
        "days",
        "platform rules: 24 hours, else every member is refunded",
        ge=1,
    )
    shares_per_group: int = param(
        3,
        "Friends an opener shares a new group with.",
        "shoppers",
        "to be calibrated",
        ge=0,
        le=1000,
    )
    prospect_join_prob: float = param(
        0.05,
        "Probability that a prospect (or lapsed customer) who receives a share joins and pays.",
        "share",
        "to be calibrated",
        ge=0,
        le=1,
    )
    customer_join_prob: float = param(
        0.15,
        "Probability that a current customer who receives a share joins and pays.",
        "share",
        "to be calibrated",
        ge=0,
        le=1,
    )
    listing_match_prob: float = param(
        0.5,
        "Probability that a group buyer finds the item's group listed as open and takes it "
        "(strangers completing groups).",
        "share",
        "platform rules (open groups are listed on the item page); to be calibrated",
        ge=0,
        le=1,
    )
    formed_value_bonus: float = param(
        0.05,
        "Perceived-performance bonus of an order in a formed group (the deal).",
        "-",
        "to be calibrated",
        ge=0,
        le=1,
    )


class Choice(Strict):
    """Stage 3: multinomial logit choice among platforms for each order."""

    price_weight: float = param(
        6.0,
        "Utility per unit of log price, multiplied by the shopper's price sensitivity.",
        "-",
        "McFadden 1974 (logit); to be calibrated",
        ge=0,
    )
    quality_weight: float = param(
        3.0, "Utility per unit of platform quality.", "-", "to be calibrated", ge=0
    )
    service_weight: float = param(
        2.0,
        "Utility per unit of service (on-time share and complaint resolution).",
        "-",
        "to be calibrated",
        ge=0,
    )
    assortment_weight: float = param(
        1.0, "Utility per unit of assortment breadth.", "-", "to be calibrated", ge=0
    )
    loyalty_weight: float = param(
        3.0,
        "Utility bonus of the focal platform per unit of the shopper's loyalty.",
        "-",
        "to be calibrated",
        ge=0,
    )
    switching_cost_weight: float = param(
        2.0,
        "Utility bonus of the focal platform per unit of switching cost (points, tier).",
        "-",
        "Burnham et al. 2003; to be calibrated",
        ge=0,
    )


class Experience(Strict):
    """Stage 4: what happens to a focal order."""

    complaint_if_defect: float = param(
        0.7, "Probability of a complaint after a defect.", "share", "to be calibrated", ge=0, le=1
    )
    complaint_if_late: float = param(
        0.3,
        "Probability of a complaint after a late delivery.",
        "share",
        "to be calibrated",
        ge=0,
        le=1,
    )
    defect_penalty: float = param(
        0.35, "Performance lost to a defect.", "-", "to be calibrated", ge=0, le=1
    )
    late_penalty: float = param(
        0.15, "Performance lost to a late delivery.", "-", "to be calibrated", ge=0, le=1
    )
    unresolved_penalty: float = param(
        0.2,
        "Further performance lost when a complaint is not resolved.",
        "-",
        "to be calibrated",
        ge=0,
        le=1,
    )
    recovery_bonus: float = param(
        0.25,
        "Performance regained when a complaint is resolved (service recovery; a value "
        "above the defect penalty gives the recovery paradox).",
        "-",
        "de Matos, Henrique & Rossi 2007 (meta-analysis: no paradox for repurchase or word "
        "of mouth), so below the defect penalty; size to be calibrated",
        ge=0,
        le=1,
    )
    performance_noise: float = param(
        0.1, "SD of order-to-order performance noise.", "-", "to be calibrated", ge=0
    )


class Satisfaction(Strict):
    """Stage 5: expectation-disconfirmation (Oliver 1980)."""

    disconfirmation_weight: float = param(
        0.8,
        "Weight of disconfirmation (performance minus expectation) in an order's "
        "satisfaction, beside performance itself.",
        "-",
        "Oliver 1980; Churchill & Surprenant 1982",
        ge=0,
    )
    learning_rate: float = param(
        0.1,
        "Weight of the latest order in cumulative satisfaction.",
        "-",
        "Johnson, Anderson & Fornell 1995 (cumulative satisfaction moves slowly); 0.1, a "
        "memory of about ten orders, is to be calibrated",
        gt=0,
        le=1,
    )
    expectation_adaptation: float = param(
        0.1,
        "Weight of the latest performance in the updated expectation.",
        "-",
        "adaptive expectations; to be calibrated",
        ge=0,
        le=1,
    )
    initial: float = param(
        0.7,
        "Satisfaction of a new customer before the first order.",
        "-",
        "to be calibrated",
        ge=0,
        le=1,
    )
    negative_wom_effect: float = param(
        0.002,
        "Daily satisfaction lost per unit share of detractor neighbours.",
        "1/day",
        "Hennig-Thurau et al. 2004; to be calibrated",
        ge=0,
    )


class Loyalty(Strict):
    """Stage 6: loyalty from satisfaction, churn and win-back."""

    curve_midpoint: float = param(
        0.8,
        "Satisfaction at which target loyalty is one half (high: only the highly "
        "satisfied are truly loyal).",
        "-",
        "Jones & Sasser 1995 (only completely satisfied customers are reliably loyal): "
        "placed at the top of the satisfaction distribution, above most promoters "
        "(likelihood to recommend 9-10) under the calibrated mapping; to be calibrated",
        ge=0,
        le=1,
    )
    curve_steepness: float = param(
        25.0,
        "Steepness of the logistic loyalty curve.",
        "-",
        "Jones & Sasser 1995 (flat through the merely satisfied, steep at the top); to be "
        "calibrated",
        gt=0,
    )
    growth_rate: float = param(
        0.05,
        "Daily share of the gap closed when target loyalty is above loyalty.",
        "1/day",
        "to be calibrated",
        ge=0,
        le=1,
    )
    decay_rate: float = param(
        0.05,
        "Daily share of the gap closed when target loyalty is below loyalty.",
        "1/day",
        "to be calibrated",
        ge=0,
        le=1,
    )
    base_churn_hazard: float = param(
        0.00170,
        "Daily churn hazard of a shopper with zero loyalty, no switching cost and no price gap.",
        "1/day",
        "calibrated to Pinduoduo's 2019 MAU / annual active buyers "
        "(experiments/configs/calibrate_market.yaml)",
        ge=0,
    )
    churn_frailty_shape: float = param(
        1.0,
        "Shape k of each shopper's Gamma(k, 1/k) churn-propensity multiplier (mean 1; "
        "smaller k: more heterogeneous, so cohort retention flattens with tenure).",
        "-",
        "Fader & Hardie 2007 (shifted-beta-geometric: heterogeneous churn); to be calibrated",
        gt=0,
    )
    loyalty_effect: float = param(
        8.0, "Log-hazard reduction per unit of loyalty.", "-", "to be calibrated", ge=0
    )
    switching_cost_effect: float = param(
        1.5,
        "Log-hazard reduction per unit of switching cost.",
        "-",
        "Burnham et al. 2003; to be calibrated",
        ge=0,
    )
    price_gap_effect: float = param(
        25.0,
        "Log-hazard increase per unit relative price gap to the best rival offer of the "
        "day (deal days included), times price sensitivity.",
        "-",
        "source material: shoppers come for price; to be calibrated",
        ge=0,
    )
    winback_rate: float = param(
        0.001,
        "Daily probability that a churned shopper comes back unprompted.",
        "1/day",
        "to be calibrated",
        ge=0,
        le=1,
    )
    winback_satisfaction: float = param(
        0.7,
        "Satisfaction of a shopper who comes back.",
        "-",
        "design: a returning shopper starts as a new customer does (satisfaction.initial); "
        "to be calibrated",
        ge=0,
        le=1,
    )


class Accounting(Strict):
    """Stage 8: money."""

    take_rate: float = param(
        0.030,
        "The platform's revenue (merchant commissions and marketing services) per CNY of "
        "GMV; orders are the merchants' sales, not the platform's.",
        "share",
        "Pinduoduo total revenues / GMV: 30.1 bn / 1,006.6 bn = 2.99% (2019); "
        "13.12 bn / 471.6 bn = 2.78% (2018)",
        ge=0,
        le=1,
    )
    annual_discount_rate: float = param(
        0.10,
        "Discount rate for customer lifetime value (converted to a daily rate).",
        "1/year",
        "Gupta & Lehmann 2003",
        ge=0,
    )
    tier_percentiles: list[float] = param(
        [80.0, 95.0],
        "Percentiles of recent spend (last ~90 days, exponentially weighted) among active "
        "customers above which a shopper is in tier 1, 2, ... (recomputed weekly).",
        "percent",
        "design: tiers relative to the spend distribution, so they are populated",
        max_length=100,
    )
    tier_thresholds: list[float] | None = param(
        None,
        "Fixed recent-spend thresholds of tier 1, 2, ... in CNY, instead of percentiles.",
        "CNY",
        "user's choice",
        max_length=100,
    )
    ltr_shift: float = param(
        -22.3,
        "Likelihood to recommend (0-10) = round(shift + scale x satisfaction), clipped.",
        "points",
        "calibrated to the NPS shares of the shipped ECSI survey "
        "(experiments/configs/calibrate_market.yaml)",
    )
    ltr_scale: float = param(
        43.9,
        "Points of likelihood to recommend per unit of satisfaction.",
        "points",
        "calibrated to the NPS shares of the shipped ECSI survey "
        "(experiments/configs/calibrate_market.yaml)",
        gt=0,
    )
    promoter_threshold: int = param(
        9,
        "Likelihood-to-recommend (0-10) at or above which a shopper is a promoter.",
        "points",
        "Reichheld 2003 (NPS)",
        ge=0,
        le=10,
    )
    detractor_threshold: int = param(
        6,
        "Likelihood-to-recommend (0-10) at or below which a shopper is a detractor.",
        "points",
        "Reichheld 2003 (NPS)",
        ge=0,
        le=10,
    )


class ModelParams(Strict):
    """Everything a run of :class:`sim.ShopperModel` needs besides its seed."""

    population: Population = Field(default_factory=Population)
    network: Network = Field(default_factory=Network)
    platforms: list[Platform] = Field(
        default_factory=default_platforms, min_length=2, max_length=100
    )
    acquisition: Acquisition = Field(default_factory=Acquisition)
    market: Market = Field(default_factory=Market)
    group_buy: GroupBuy = Field(default_factory=GroupBuy)
    choice: Choice = Field(default_factory=Choice)
    experience: Experience = Field(default_factory=Experience)
    satisfaction: Satisfaction = Field(default_factory=Satisfaction)
    loyalty: Loyalty = Field(default_factory=Loyalty)
    accounting: Accounting = Field(default_factory=Accounting)
    strategies: list[StrategySpec] = Field(
        default_factory=list, description="Retention strategies switched on (see sim.strategies)."
    )
    churn_enabled: bool = param(
        True, "Whether active shoppers can churn (off only for closed-form checks).", "-", "design"
    )
    horizon_days: int | None = param(
        None,
        "Stopping condition: once this many days are simulated, model.running turns False "
        "and run() stops (None: no horizon; run(days) decides).",
        "days",
        "user's choice",
        ge=1,
        le=MAX_DAYS,
    )

    @model_validator(mode="after")
    def _names_unique(self) -> ModelParams:
        names = [p.name for p in self.platforms]
        if len(set(names)) != len(names):
            raise ValueError(f"platform names must be unique, got {names}")
        for label, values in (
            ("accounting.tier_percentiles", self.accounting.tier_percentiles),
            ("accounting.tier_thresholds", self.accounting.tier_thresholds or []),
        ):
            if any(b <= a for a, b in zip(values, values[1:], strict=False)):
                raise ValueError(f"{label} must increase, got {values}")
        if any(not 0 < q < 100 for q in self.accounting.tier_percentiles):
            raise ValueError(
                f"accounting.tier_percentiles must lie strictly between 0 and 100, "
                f"got {self.accounting.tier_percentiles}"
            )
        return self

    @model_validator(mode="after")
    def _discounts_below_the_price(self) -> ModelParams:
        """Refuse strategies whose discounts on one order could reach 100% (the run would stop)."""
        parts = [(s.kind, s.max_price_discount()) for s in self.strategies]
        parts = [(kind, share) for kind, share in parts if share > 0]
        total = sum(share for _, share in parts)
        if total >= 1.0:
            listed = " + ".join(f"{kind} {share:.0%}" for kind, share in parts)
            raise ValueError(
                f"strategies: the largest price discounts add up to {total:.0%} ({listed}), "
                "and an order cannot be discounted by 100% or more; lower them"
            )
        extra = [getattr(spec, "extra_discount", 0.0) for spec in self.strategies]
        group = self.platforms[0].group_discount + sum(extra)
        if sum(extra) > 0 and group >= 1.0:
            raise ValueError(
                f"strategies: the group discount ({self.platforms[0].group_discount:.0%}) plus "
                f"the group-buy incentives' extra discounts add up to {group:.0%}; they must "
                "stay below 100%"
            )
        return self
