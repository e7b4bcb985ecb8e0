"""The shopper model: one Mesa model per run, one step per day.

Shopper state is a set of column arrays (:mod:`sim.shoppers`); each stage of the
day is a vectorised rule from :mod:`sim.rules`. ``step()`` runs the day's stages in
the design's order; Mesa supplies the model shell, stepping and data collection.

Examples
--------
>>> model = ShopperModel({"population": {"size": 2000}}, rng=42)
>>> model.run(30)
>>> frame = model.daily_metrics()
>>> len(frame), int(frame["day"].iloc[-1])
(30, 29)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np
import pandas as pd
from pydantic import ValidationError

from sim.errors import ParameterError
from sim.levers import Levers, at
from sim.metrics import daily_metrics, metric_names, run_summary
from sim.network import NeighbourExposure, build_network
from sim.order_log import OrderLog
from sim.outcome import DayOutcome
from sim.params import ModelParams
from sim.rules import (
    accounting,
    acquisition,
    choice,
    experience,
    group_formation,
    loyalty_churn,
    market_entry,
    purchase,
    risk_prediction,
    rival_deals,
    satisfaction,
    share_to_unlock,
    word_of_mouth,
)
from sim.schema import describe_validation_error
from sim.shoppers import create_shoppers
from sim.states import (
    ACTIVE,
    ADS,
    CHURNED,
    GROUP_BUY,
    NEVER,
    PROSPECT,
    REFERRAL,
    UNLOCK,
    WON_BACK,
)
from sim.virtual_survey import CodebookLike, SurveyDesign, administer

#: Independent random streams, one per purpose, all spawned from the run's seed, so
#: that a strategy changing one stage does not shift the draws of the others
#: (common random numbers across strategies).
STREAMS = (
    "population",
    "network",
    "acquisition",
    "group_buy",
    "purchase",
    "choice",
    "experience",
    "churn",
    "winback",
    "market",
    "deals",
    "unlock",
)

#: Spawn-key offset of the virtual survey's generators. Wave ``w`` draws from the
#: seed sequence with spawn key ``(*root.spawn_key, SURVEY_SPAWN_OFFSET + w)``: a child
#: of the run's seed far beyond the ``1 + len(STREAMS)`` children the run spawns
#: (Mesa's ``model.rng`` and the streams), so a survey neither shares random numbers
#: with the run nor advances its streams, and any wave can be drawn again.
SURVEY_SPAWN_OFFSET = 2**31

#: Likelihood to recommend (0-10) at or above which a defector counts as satisfied:
#: the upper four points of the 0-10 scale, as NPS studies read 7-8 as "passive" or
#: satisfied and 9-10 as very satisfied (Reichheld 1993's defectors said they were
#: "satisfied or very satisfied").
SATISFIED_LTR = 7


@dataclass
class DayWork:
    """What one day's stages hand on to the next (see ``ShopperModel.stages``).

    Attributes
    ----------
    day : int
        The day.
    outcome : DayOutcome
        The day's events, as strategies settle from them.
    levers : Levers or None
        The strategies' levers (set by the ``levers`` stage).
    masks : list
        Each strategy's target mask of the day.
    active : int array or None
        The focal customers now (see ``ShopperModel._active``); None when a stage
        has changed who they are since it was last listed.
    orderers : int array
        Active shoppers who order today (any platform).
    focal, values, counts : arrays
        Shoppers with a focal order (after ``groups``: each once), the value of
        their orders and how many.
    performance : float array
        Perceived performance of each focal shopper's orders.
    strategy_cost, acquisition_cost : float
        The day's costs, CNY.
    money : dict
        The day's orders, GMV, revenue, group orders and group GMV.

    Examples
    --------
    >>> DayWork(day=0, outcome=DayOutcome.empty(0)).focal.size
    0
    """

    day: int
    outcome: DayOutcome
    levers: Levers | None = None
    masks: list[np.ndarray | None] = field(default_factory=list)
    active: np.ndarray | None = None
    orderers: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    focal: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    values: np.ndarray = field(default_factory=lambda: np.empty(0))
    counts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    performance: np.ndarray = field(default_factory=lambda: np.empty(0))
    strategy_cost: float = 0.0
    acquisition_cost: float = 0.0
    money: dict[str, float] = field(default_factory=dict)


def validate_params(params: ModelParams | dict[str, Any] | None) -> ModelParams:
    """Turn a dict (or None for the defaults) into validated parameters.

    Parameters
    ----------
    params : ModelParams, dict or None

    Returns
    -------
    ModelParams
        A deep copy (the model may not change the caller's object).

    Raises
    ------
    ParameterError
        Naming every invalid field and what is allowed.

    Examples
    --------
    >>> validate_params({"population": {"size": 10}}).population.size
    10
    """
    if params is None:
        return ModelParams()
    if isinstance(params, ModelParams):
        return params.model_copy(deep=True)
    try:
        return ModelParams.model_validate(params)
    except ValidationError as err:
        raise ParameterError(describe_validation_error(err, root=ModelParams)) from None


def seed_sequence(rng: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """The run's root seed sequence from an integer seed or a SeedSequence.

    Examples
    --------
    >>> seed_sequence(7).entropy
    7
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is not None and not isinstance(rng, int | np.integer):
        raise ParameterError(
            f"rng must be an int seed or a numpy.random.SeedSequence, got {type(rng).__name__}"
        )
    return np.random.SeedSequence(rng)


class ShopperModel(mesa.Model):
    """Shoppers of a social e-commerce market and a focal platform's retention strategies.

    A Mesa model whose agents are not Mesa agents: the shoppers are column arrays
    (``model.shoppers``, one array per attribute, shopper ``i`` at index ``i``), so
    ``model.agents`` is empty and agent idioms (``model.agents.shuffle_do``) do not
    apply; each stage of a day is one vectorised rule over the arrays. One step is
    one day (``day = model.steps - 1`` during a step).

    Parameters
    ----------
    params : ModelParams, dict or None
        Model parameters (validated; None: the defaults).
    rng : int or numpy.random.SeedSequence or None
        The run's seed (None: fresh entropy). Every random draw of the run comes
        from generators spawned from it, child ``k`` of ``SeedSequence(rng)``:
        child 0 is Mesa's ``model.rng`` (the model draws nothing from it; Mesa
        seeds ``model.random`` with one number from it), children 1, 2, ... are the
        streams of ``STREAMS``, one per purpose: ``population`` (segments,
        attributes, initial customers), ``network`` (the graph), ``acquisition``
        (ad and referral adoption), ``group_buy`` (invitations accepted, groups
        opened), ``purchase`` (who orders), ``choice`` (which platform),
        ``experience`` (defects, late deliveries, complaints, resolution,
        performance noise), ``churn``, ``winback`` and the others
        ``STREAMS`` names, ``unlock`` last (who starts a share-to-unlock, which
        friends are asked, click and adopt). The virtual survey draws from
        :meth:`survey_rng` (see ``SURVEY_SPAWN_OFFSET``), apart from all of them.
    record_orders : bool, default False
        Record every order in ``order_log`` (:mod:`sim.order_log`; see
        :meth:`orders`). Off by default: the log grows by about 27 bytes an order.

    Attributes
    ----------
    shoppers : Shoppers
        Column arrays of shopper state.
    network : SocialNetwork
        The social graph.
    streams : dict of str to numpy.random.Generator
        The random streams, by purpose.
    running : bool
        Mesa's stopping flag: turns False at the end of the step on which the
        parameters' stopping condition is met (``horizon_days`` days simulated);
        always True without one. :meth:`run` and Mesa's ``run_model()`` and
        ``batch_run`` stop on it; :meth:`step` itself still simulates a day.
    order_log : OrderLog or None
        Every order, with ``record_orders``.
    order_days : numpy.ndarray
        Per shopper, the days with a focal order (kept always: with
        ``first_order_day`` and ``last_order_day`` it is the BG/NBD history the
        ``bgnbd`` risk predictor reads).
    bgnbd : sim.rules.risk_prediction.BGNBDPredictor
        The BG/NBD model of at_risk targeting with predictor ``bgnbd``.
    stages : list of (str, callable)
        The day's stages in order, each a method taking the day's
        :class:`DayWork`: ``enter_market``, ``rival_deals``, ``levers``,
        ``acquire``, ``share_to_unlock``, ``purchase``, ``choose_platform``,
        ``groups``, ``experience``, ``satisfaction``, ``group_deal_bonus``,
        ``loyalty_churn``, ``word_of_mouth``, ``settle_strategies``,
        ``accounting``, ``metrics``.
    stage_seconds : dict of str to float or None
        Processor seconds spent in each stage, after :meth:`profile_stages` (else
        None).
    datacollector : mesa.DataCollector
        Mesa's collector, as in Mesa's examples: one row for the initial state,
        collected when the model is built (``steps`` 0, ``day`` −1: the state at
        the start of day 0, no flows yet), then one row at the end of each day.
        :meth:`daily_metrics` returns the simulated days only and
        :meth:`initial_state` the first row, so every daily and summary figure is
        the same as without the initial row.

    Examples
    --------
    >>> m = ShopperModel({"population": {"size": 500}, "horizon_days": 3}, rng=1)
    >>> len(m.agents), m.initial_state()["day"], m.running
    (0, -1, True)
    >>> m.run_model()
    >>> int(m.steps), m.running, len(m.datacollector.get_model_vars_dataframe())
    (3, False, 4)
    """

    def __init__(
        self,
        params: ModelParams | dict[str, Any] | None = None,
        rng: int | np.random.SeedSequence | None = None,
        *,
        record_orders: bool = False,
    ) -> None:
        root = seed_sequence(rng)
        self._root_seed = root
        children = root.spawn(1 + len(STREAMS))
        super().__init__(rng=np.random.Generator(np.random.PCG64(children[0])))
        self.params = validate_params(params)
        self.streams = {
            name: np.random.Generator(np.random.PCG64(child))
            for name, child in zip(STREAMS, children[1:], strict=True)
        }
        self.segment_names = [s.name for s in self.params.population.segments]
        no_signals = risk_prediction.RiskSignals(np.empty(0, np.int64), np.empty(0))
        for strategy in self.params.strategies:  # fail early on unknown segment names
            strategy.target.mask(
                np.empty(0, np.int8), np.empty(0, np.int8), no_signals, self.segment_names
            )
        market = self.params.market
        self.entry = market_entry.EntrySchedule.build(
            self.params.population.size,
            growth_per_year=market.growth_per_year,
            days=self.params.horizon_days or market.entrant_days,
            rng=self.streams["market"],
        )
        self.shoppers = create_shoppers(
            self.params, self.streams["population"], entry_day=self.entry.entry_day
        )
        self.network = build_network(self.params, self.shoppers.segment, self.streams["network"])
        self.exposure = NeighbourExposure(self.network, width=2)
        self.groups = group_formation.GroupBook.empty()
        self.ledger = accounting.Ledger.empty(self.shoppers.size)
        self.order_log = OrderLog() if record_orders else None
        self.order_days = np.zeros(self.shoppers.size, dtype=np.int32)
        self.bgnbd = risk_prediction.BGNBDPredictor()
        self.bgnbd_fallback_days = 0
        self.discount_factor = accounting.daily_discount_factor(
            self.params.accounting.annual_discount_rate
        )
        focal, *rivals = self.params.platforms
        self.focal = focal
        self.rival_list_prices = np.array([p.price_index for p in rivals])
        self.rival_deal_terms = (
            np.array([p.deal_frequency for p in rivals]),
            np.array([p.deal_depth for p in rivals]),
        )
        self.prices_today = np.array([p.price_index for p in self.params.platforms])
        self.rival_deal_today = False
        self.counters = {
            "cheaper_rival_occasions": 0,
            "switched_to_cheaper": 0,
            "defections": 0,
            "satisfied_defections": 0,
            "groups_formed": 0,
            "groups_lapsed": 0,
        }
        self.churn_by_segment = np.zeros(len(self.segment_names), dtype=np.int64)
        self.cohort_rows: list[np.ndarray] = []
        initial = np.count_nonzero(self.shoppers.acquired_day == 0)  # day-0 customers
        self.cohort_counts = np.array([[initial], [initial]], dtype=np.int64)
        self.today: dict[str, float] = {}
        self.stages: list[tuple[str, Callable[[DayWork], None]]] = [
            ("enter_market", self._enter_market),
            ("rival_deals", self._rival_deals),
            ("levers", self._pull_levers),
            ("acquire", self._acquire),
            ("share_to_unlock", self._share_to_unlock),
            ("purchase", self._purchase),
            ("choose_platform", self._choose_platform),
            ("groups", self._run_groups),
            ("experience", self._experience),
            ("satisfaction", self._update_satisfaction),
            ("group_deal_bonus", self._group_deal_bonus),
            ("loyalty_churn", self._loyalty_churn_winback),
            ("word_of_mouth", self._word_of_mouth),
            ("settle_strategies", self._settle_strategies),
            ("accounting", self._account),
            ("metrics", self._daily_metrics),
        ]
        self.stage_seconds: dict[str, float] | None = None
        # metrics: the promoters and detractors word_of_mouth counted as it refreshed the
        # customers' answers, with the list of customers it walked (see _metrics)
        self._answers: tuple[np.ndarray | None, tuple[int, int]] = (None, (0, 0))
        # purchase (ShopperModel._active): the customers as last listed, the day's work
        # they were listed on and the adopters since, to merge the list rather than redo it
        self._listed: np.ndarray | None = None
        self._listed_on: DayWork | None = None
        self._adopted: list[np.ndarray] = []
        # acquire: the prospects as last listed, the day, and the adopters since
        self._prospects: np.ndarray | None = None
        self._prospects_on = -1
        self._adopted_prospects: list[np.ndarray] = []
        # loyalty_churn: the churned shoppers (who may be won back) as last listed, the day,
        # and the shoppers who churned or were won back after that listing
        self._lapsed: np.ndarray | None = None
        self._lapsed_on = -1
        self._lapsed_changed = np.empty(0, dtype=np.int64)
        # purchase, acquire, loyalty_churn: tests compare merged lists with a pass
        self._check_listing = False
        # satisfaction, group_deal_bonus: the day's hearing of detractors and deal bonuses,
        # held for loyalty_churn's first pass over the customers
        self._held_satisfaction = satisfaction.HeldChanges(self.shoppers.size)
        # accounting: the ledger's per-shopper money is in the shoppers' booking records,
        # beside the columns a focal order adds to (sim.shoppers.BOOKING)
        if self.shoppers.booking is not None:
            self.ledger = accounting.Ledger.of_records(self.shoppers.booking)
        # loyalty_churn: buffers listing churn candidates and holding the active shoppers'
        # loyalty curve
        self._churn_scratch = np.empty(self.shoppers.size, dtype=np.int64)
        self._curve_scratch = np.empty(self.shoppers.size)
        self._purchase_scratch = purchase.OrderScratch.empty(self.shoppers.size)  # purchase: draws
        self.datacollector = mesa.DataCollector(
            model_reporters={
                name: (lambda model, key=name: model.today[key])
                for name in metric_names(self.segment_names)
            }
        )
        self._publish_signals(Levers.neutral(self.shoppers.size))
        self.today = self._metrics(DayOutcome.empty(-1), {}, 0.0, 0.0)
        self.datacollector.collect(self)  # the initial state, as Mesa's examples do

    # ------------------------------------------------------------------ running
    def run(self, days: int) -> None:
        """Advance the model by ``days`` days, or fewer if it stops running.

        Parameters
        ----------
        days : int
            Days to simulate; the run ends earlier when ``running`` turns False
            (the parameters' ``horizon_days`` is reached).

        Examples
        --------
        >>> m = ShopperModel({"population": {"size": 300}}, rng=0)
        >>> m.run(3)
        >>> m.daily_metrics()["day"].tolist()
        [0, 1, 2]
        >>> m = ShopperModel({"population": {"size": 300}, "horizon_days": 2}, rng=0)
        >>> m.run(5)
        >>> int(m.steps), m.running
        (2, False)
        """
        for _ in range(days):
            if not self.running:
                break
            self.step()

    def run_model(self) -> None:
        """Run until the stopping condition (Mesa's loop ``while model.running``).

        Raises
        ------
        ParameterError
            If the parameters set no stopping condition (``horizon_days``): the
            loop would never end; use :meth:`run` with a number of days.
        """
        if self.params.horizon_days is None:
            raise ParameterError(
                "run_model() needs a stopping condition: set horizon_days in the parameters, "
                "or call run(days)"
            )
        super().run_model()

    def step(self) -> None:
        """One day: strategies pull levers, the eight stages run, strategies settle.

        The stages are :attr:`stages`, run in order on the day's :class:`DayWork`;
        with :meth:`profile_stages` on, each stage's seconds add up in
        ``stage_seconds``.
        """
        work = DayWork(day=self.steps - 1, outcome=DayOutcome.empty(self.steps - 1))
        if self.stage_seconds is None:
            for _, stage in self.stages:
                stage(work)
        else:
            clock = time.process_time  # steadier than the wall clock on a shared machine
            for name, stage in self.stages:
                start = clock()
                stage(work)
                self.stage_seconds[name] += clock() - start
        horizon = self.params.horizon_days
        if horizon is not None and self.steps >= horizon:
            self.running = False

    def profile_stages(self) -> dict[str, float]:
        """Time each stage of the following days; returns the running seconds by stage.

        The returned dict (also ``model.stage_seconds``) fills as days run, in the
        order of :attr:`stages`. Without this call no stage is timed. The seconds are
        processor time (``time.process_time``), which other work on a shared machine
        disturbs far less than the wall clock.

        Examples
        --------
        >>> m = ShopperModel({"population": {"size": 300}}, rng=0)
        >>> seconds = m.profile_stages()
        >>> m.run(2)
        >>> list(seconds)[:3], all(s >= 0 for s in seconds.values())
        (['enter_market', 'rival_deals', 'levers'], True)
        """
        self.stage_seconds = dict.fromkeys((name for name, _ in self.stages), 0.0)
        return self.stage_seconds

    def states_set_by_hand(self) -> None:
        """Say that shoppers' states were set outside the day's stages: relist them.

        The model keeps its lists of customers, prospects and churned shoppers from
        day to day and merges in the changes its own stages make; a state written
        by other code between days (``model.shoppers.state[...] = ...``) is not
        among those changes. After such a write, call this: the next day lists
        each group again by a pass over every shopper.

        Examples
        --------
        >>> from sim.states import ACTIVE, CHURNED
        >>> m = ShopperModel({"population": {"size": 300}}, rng=0)
        >>> m.run(2)
        >>> m.shoppers.state[m.shoppers.state == ACTIVE] = CHURNED
        >>> m.states_set_by_hand()
        >>> m.run(1)
        >>> int(m.today["active"]) == int(np.count_nonzero(m.shoppers.active_mask()))
        True
        """
        self._listed = self._listed_on = None
        self._adopted = []
        self._prospects, self._prospects_on, self._adopted_prospects = None, -1, []
        self._lapsed, self._lapsed_on = None, -1

    # ------------------------------------------------------------------ stages
    def _pull_levers(self, work: DayWork) -> None:
        """Each strategy adjusts the day's levers for the shoppers it targets."""
        sh = self.shoppers
        levers = Levers.neutral(sh.size)
        risk = self._risk_signals(work.day)
        masks = []
        for strategy in self.params.strategies:
            mask = strategy.target.mask(sh.segment, sh.tier, risk, self.segment_names)
            strategy.pull(levers, sh, work.day, mask)
            masks.append(mask)
        discount = np.asarray(levers.price_discount)
        if discount.size and discount.max() >= 1.0:
            raise ParameterError(
                "the strategies' price discounts add up to 100% or more for some shoppers; "
                "lower the discounts of the combined strategies"
            )
        work.levers, work.masks = levers, masks

    def _risk_signals(self, day: int) -> risk_prediction.RiskSignals | None:
        """What at_risk targeting reads today (None when no strategy targets at risk).

        The oracle's true churn risk is computed only if a strategy uses it, and the
        BG/NBD P(alive) only if one uses ``bgnbd`` (refitted on refit days, from the
        focal history up to yesterday; :mod:`sim.rules.risk_prediction`).
        """
        targets = [s.target for s in self.params.strategies]
        if not any(t.needs_risk for t in targets):
            return None
        sh = self.shoppers
        signals = risk_prediction.RiskSignals(
            risk_prediction.days_since_order(
                day, last_order_day=sh.last_order_day, acquired_day=sh.acquired_day
            )
        )
        if any(t.uses("oracle") for t in targets):
            signals.churn_risk = np.zeros(sh.size)
            active = np.flatnonzero(sh.active_mask())
            signals.churn_risk[active] = loyalty_churn.churn_risk(
                self._hazard(active, Levers.neutral(sh.size))
            )
        if any(t.uses("bgnbd") for t in targets):
            history = risk_prediction.btyd_history(
                day - 1,
                first_order_day=sh.first_order_day,
                last_order_day=sh.last_order_day,
                order_days=self.order_days,
            )
            if self.bgnbd.due(day):
                self.bgnbd.refit(day, history)
            alive = self.bgnbd.p_alive(history)
            if alive is None:
                self.bgnbd_fallback_days += 1
            else:
                repeat = history["frequency"].to_numpy() > 0
                signals.p_alive = np.full(sh.size, np.nan)
                signals.p_alive[history["shopper"].to_numpy()[repeat]] = alive[repeat]
        return signals

    def _record(
        self,
        shopper: np.ndarray,
        platform: np.ndarray | int,
        value: np.ndarray,
        discount: np.ndarray | float,
        group: np.ndarray | bool,
    ) -> None:
        """Append orders to the event log, if the model records one (:mod:`sim.order_log`)."""
        if self.order_log is None:
            return
        self.order_log.append(
            day=self.steps - 1,
            shopper=shopper,
            platform=np.broadcast_to(platform, shopper.shape),
            value=value,
            discount=np.broadcast_to(discount, shopper.shape),
            group=np.broadcast_to(group, shopper.shape),
            segment=self.shoppers.segment[shopper],
        )

    def _enter_market(self, work: DayWork) -> None:
        """Entrants of a growing market become prospects (:mod:`sim.rules.market_entry`).

        Raises
        ------
        ParameterError
            Past the days of entrants the model holds room for, in a growing market
            (rather than a market that silently stops growing).
        """
        day = work.day
        room = self.entry.starts.size - 2
        if day > room and self.params.market.growth_per_year > 0:
            raise ParameterError(
                f"the market holds entrants for {room} days and this is day {day}: set "
                "horizon_days (or market.entrant_days) to the days you run"
            )
        if day > 0:
            entering = self.entry.entering(day)
            self.shoppers.state[entering] = PROSPECT
            work.outcome.entrants = entering

    def _rival_deals(self, work: DayWork) -> None:
        """Which rivals run a promotion today, and every platform's price of the day."""
        frequency, depth = self.rival_deal_terms
        uniforms = self.streams["deals"].random(frequency.size)
        on_deal = rival_deals.draw_deal_days(frequency, uniforms)
        self.prices_today[1:] = rival_deals.rival_prices_today(
            self.rival_list_prices, on_deal=on_deal, depth=depth
        )
        self.rival_deal_today = bool(on_deal.any())

    def _acquire(self, work: DayWork) -> None:
        """Stage 1: Bass adoption through ads and referrals (per-year rates, per day)."""
        p = self.params.acquisition
        levers, outcome = work.levers, work.outcome
        prospects = self._list_prospects(work)
        u = self.streams["acquisition"].random(prospects.size)
        innovation = p.innovation_per_day * levers.ad_rate_mult
        # only prospects drawing below a bound of everyone's probability can adopt
        near = u < acquisition.adoption_bound(
            self.exposure.max_share(0),
            innovation_per_day=innovation,
            imitation_per_day=p.imitation_per_day,
        )
        near = np.flatnonzero(near)  # a few in a thousand: indexing by them is cheaper
        prospects, u = prospects[near], u[near]
        heard = self.exposure.share(prospects)
        prob = acquisition.adoption_probability(
            heard[:, 0],
            heard[:, 1],
            innovation_per_day=innovation,
            imitation_per_day=p.imitation_per_day,
            negative_weight=p.negative_wom_weight,
        )
        hazard = -np.log1p(-prob)
        ad_share = np.divide(innovation, hazard, out=np.ones_like(hazard), where=hazard > 0)
        outcome.new_ads, outcome.new_referral = acquisition.split_adopters(
            prospects, u, prob, ad_share
        )
        self._adopt(work, outcome.new_ads, ADS)
        self._adopt(work, outcome.new_referral, REFERRAL)

    def _list_prospects(self, work: DayWork) -> np.ndarray:
        """The prospects now, merged from yesterday's list and the changes since.

        Shoppers become prospects only by entering the market (the day's entrants,
        before this stage) and stop being prospects only by adopting
        (:meth:`_adopt`), so yesterday's list merged with these is today's; on the
        first day (or after a day without this stage) every shopper is looked at
        (:meth:`sim.shoppers.Shoppers.prospect_ids`). A state set from outside the
        stages between days is not seen until :meth:`states_set_by_hand`.
        """
        sh, listed = self.shoppers, self._prospects
        if listed is None or self._prospects_on != work.day - 1:
            prospects = sh.prospect_ids()
        else:
            changed = np.concatenate([*self._adopted_prospects, work.outcome.entrants])
            prospects = sh.prospect_ids(listed, changed)
            if self._check_listing:
                assert np.array_equal(prospects, sh.prospect_ids()), "the merged list is stale"
        self._prospects, self._prospects_on, self._adopted_prospects = prospects, work.day, []
        return prospects

    def _share_to_unlock(self, work: DayWork) -> None:
        """Share-to-unlock (:mod:`sim.rules.share_to_unlock`): friends' clicks, new customers.

        Runs only when a strategy set ``levers.unlock_start_prob`` above 0 for some
        shopper (so that otherwise the ``unlock`` stream is not drawn from at all).
        """
        levers, outcome = work.levers, work.outcome
        start = levers.unlock_start_prob
        if not np.any(np.asarray(start) > 0):
            return
        sh = self.shoppers
        rng = self.streams["unlock"]
        active = self._active(work)
        starters = active[rng.random(active.size) < at(start, active)]
        if starters.size == 0:
            return
        asked = np.broadcast_to(at(levers.unlock_friends_asked, starters), starters.shape)
        asked = np.rint(asked).astype(np.int64)
        ties_of: group_formation.TiesOf | group_formation.CsrTies
        if self.network.fully_mixed:
            ties_of = group_formation.random_ties(sh.size, max(int(asked.max()), 1), rng)
        else:
            adjacency = self.network.adjacency
            ties_of = group_formation.CsrTies(adjacency.indptr, adjacency.indices)
        today = share_to_unlock.run_unlocks(
            starters,
            ties_of,
            sh.state,
            rng,
            friends_asked=asked,
            click_prob=np.clip(at(levers.unlock_click_prob, starters), 0.0, 1.0),
            clicks_needed=at(levers.unlock_clicks_needed, starters),
            adopt_prob=np.clip(at(levers.unlock_adopt_prob, starters), 0.0, 1.0),
        )
        self._adopt(work, today.adopters, UNLOCK)
        outcome.new_unlock = today.adopters
        outcome.unlocks = today.unlocks
        won = today.unlocks
        bonus = self.params.satisfaction.learning_rate * at(levers.unlock_satisfaction_add, won)
        sh.satisfaction[won] = np.minimum(sh.satisfaction[won] + bonus, 1.0)

    def _active(self, work: DayWork) -> np.ndarray:
        """The focal customers now, listed once until a stage changes who they are.

        Every stage that changes a shopper's state into or out of the active ones
        (adoption, group buys, churn and win-back) sets ``work.active`` to None; the
        list is then listed again (see :meth:`_list_active`).
        """
        if work.active is None:
            work.active = self._list_active(work)
        return work.active

    def _list_active(self, work: DayWork) -> np.ndarray:
        """The focal customers now, merged from their last list and the changes since.

        The shoppers whose state may have changed since the last list are the
        adopters since (:meth:`_adopt`) and the day's shoppers won back by a group
        buy, churned and won back (the day's outcome; only these stages change who
        is a customer). The last list holds if it was made today, or yesterday and
        no stage changed anyone after it; else (the first day) every shopper is
        looked at (:meth:`sim.shoppers.Shoppers.active_ids`). A state set from outside
        the stages between days is not seen until :meth:`states_set_by_hand`.
        """
        sh, listed, on = self.shoppers, self._listed, self._listed_on
        current = on is work or (on is not None and on.active is listed and on.day == work.day - 1)
        if listed is None or not current:
            active = sh.active_ids()
        else:
            outcome = work.outcome
            changed = np.concatenate(
                [*self._adopted, outcome.group_won_back, outcome.churned, outcome.won_back]
            )
            active = sh.active_ids(listed, changed)
            if self._check_listing:
                assert np.array_equal(active, sh.active_ids()), "the merged list is stale"
        self._listed, self._listed_on, self._adopted = active, work, []
        return active

    def _adopt(self, work: DayWork, who: np.ndarray, channel: int) -> None:
        sh, day = self.shoppers, work.day
        if who.size:
            work.active = None
            self._adopted.append(who)  # for the next lists of the customers
            self._adopted_prospects.append(who)  # and of the prospects
        sh.state[who] = ACTIVE
        sh.channel[who] = channel
        sh.acquired_day[who] = day
        sh.satisfaction[who] = self.params.satisfaction.initial

    def _purchase(self, work: DayWork) -> None:
        """Stage 2: active shoppers order at their daily rate."""
        sh, levers = self.shoppers, work.levers
        active = self._active(work)
        # drawn into a kept buffer: the same numbers as random(active.size)
        u = self.streams["purchase"].random(out=self._purchase_scratch.uniforms[: active.size])
        work.orderers = purchase.orderers(
            active,
            u,
            sh.purchase_rate,
            levers.purchase_rate_mult,
            scratch=self._purchase_scratch,
        )

    def _choose_platform(self, work: DayWork) -> None:
        """Stage 3: multinomial logit over platforms at today's prices (rivals' deals)."""
        sh, f = self.shoppers, self.focal
        orderers, levers = work.orderers, work.levers
        discount = at(levers.price_discount, orderers)  # a scalar stays one
        service = choice.service_level(
            f.late_rate * at(levers.late_mult, orderers),
            np.minimum(f.resolution_rate + at(levers.resolution_add, orderers), 1.0),
        )
        v = choice.utilities(  # read at the orderers' positions: no gathered copies
            sh.price_sensitivity,
            sh.loyalty,
            self._switching_cost(orderers, levers),
            self.params.choice,
            platforms=self.params.platforms,
            focal_discount=discount,
            focal_quality=f.quality + at(levers.quality_bonus, orderers),
            focal_service=service,
            prices=self.prices_today,
            who=orderers,
        )
        u = self.streams["choice"].random(orderers.size)
        chosen = choice.choose_by_logit(v, u)
        placed = choice.place_orders(
            orderers,
            chosen,
            prices=self.prices_today,
            focal_price=f.price_index * (1.0 - discount),
            platform=sh.platform,
            orders_elsewhere=sh.orders_elsewhere,
        )
        self.counters["cheaper_rival_occasions"] += placed.cheaper_rival_occasions
        self.counters["switched_to_cheaper"] += placed.switched_to_cheaper
        if self.order_log is not None:  # else not even the values are looked up
            elsewhere = placed.elsewhere
            self._record(elsewhere, placed.rival, sh.order_value[elsewhere], 0.0, False)
        work.focal = placed.focal

    def _switching_cost(self, who: np.ndarray, levers: Levers) -> np.ndarray | float:
        """Each shopper's switching cost (at least 0): a scalar when the lever is one."""
        return np.maximum(at(levers.switching_cost_add, who), 0.0)

    def _experience(self, work: DayWork) -> None:
        """Stage 4: defects, late deliveries, complaints, resolution; perceived performance."""
        f, e = self.focal, self.params.experience
        focal, levers, outcome = work.focal, work.levers, work.outcome
        rng = self.streams["experience"]
        u = rng.random((focal.size, 4))
        noise = rng.standard_normal(focal.size)
        incidents = experience.draw_incidents(
            u,
            defect_rate=f.defect_rate * at(levers.defect_mult, focal),
            late_rate=f.late_rate * at(levers.late_mult, focal),
            resolution_rate=f.resolution_rate + at(levers.resolution_add, focal),
            complaint_if_defect=e.complaint_if_defect,
            complaint_if_late=e.complaint_if_late,
        )
        sh = self.shoppers
        outcome.complaints, outcome.resolved = experience.count_incidents(
            focal,
            incidents,
            defects=sh.defects,
            complaints=sh.complaints,
            complaints_resolved=sh.complaints_resolved,
        )
        outcome.focal_shoppers = focal
        outcome.focal_values = work.values
        outcome.focal_discounts = np.broadcast_to(
            at(levers.price_discount, focal), focal.shape
        ).astype(float)
        work.performance = experience.perceived_performance(
            f.quality + at(levers.quality_bonus, focal),
            incidents,
            noise,
            e,
            recovery_mult=at(levers.recovery_mult, focal),
        )

    def _update_satisfaction(self, work: DayWork) -> None:
        """Stage 5: expectation-disconfirmation for focal orders; negative word of mouth.

        On a graph, the customers' hearing of detractors is held
        (:class:`sim.rules.satisfaction.HeldChanges`) and applied in loyalty_churn's
        first pass over the same customers (nothing reads or changes their
        satisfaction in between but the deal bonus, held too), so its time counts
        there.
        """
        sh, s = self.shoppers, self.params.satisfaction
        satisfaction.apply_orders(work.focal, work.performance, sh, s)
        if s.negative_wom_effect > 0:
            active, exposure = self._active(work), self.exposure
            if exposure.sums is None:  # fully mixed: everyone hears the population's share
                who, heard = exposure.heard(active, column=1)
                satisfaction.hear_detractors(who, heard, sh.satisfaction, s.negative_wom_effect)
            else:  # from the customers' detractor sums, in loyalty_churn's pass
                self._held_satisfaction.hear(
                    active, exposure.sums[:, 1], exposure.ties, effect=s.negative_wom_effect
                )

    def _run_groups(self, work: DayWork) -> None:
        """Group buying (:mod:`sim.rules.group_formation`): which focal orders happen.

        A share of today's focal orders is placed at the group price: each opens or
        takes a group; friends reached by shares join (prospects and lapsed
        customers adopt, customers place an extra order); formed groups confirm
        their members' orders, lapsed ones refund them.

        Sets ``work.focal``, ``work.values`` and ``work.counts``: each shopper with a
        focal order today (once), the value of their orders (CNY, at the price the
        merchant charges) and how many orders that is.
        """
        sh, gb = self.shoppers, self.params.group_buy
        day, focal, levers, outcome = work.day, work.focal, work.levers, work.outcome
        if not gb.enabled:
            values = sh.order_value[focal]
            self._record(focal, 0, values, at(levers.price_discount, focal), False)
            work.values, work.counts = values, np.ones(focal.size, dtype=np.int64)
            return
        rng = self.streams["group_buy"]
        u = rng.random(focal.size)
        rules = group_formation.GroupRules(
            group_size=max(2, gb.group_size + levers.group_size_delta),
            window_days=gb.window_days,
            shares_per_group=gb.shares_per_group,
            prospect_join_prob=min(gb.prospect_join_prob * levers.group_accept_mult, 1.0),
            customer_join_prob=min(gb.customer_join_prob * levers.group_accept_mult, 1.0),
            listing_match_prob=gb.listing_match_prob,
            price_factor=1.0 - self.focal.group_discount,
        )
        ties_of: group_formation.TiesOf | group_formation.CsrTies
        if self.network.fully_mixed:
            ties_of = group_formation.random_ties(
                sh.size, max(int(round(self.params.network.mean_degree)), 1), rng
            )
        else:
            adjacency = self.network.adjacency
            ties_of = group_formation.CsrTies(adjacency.indptr, adjacency.indices)
        seekers, seeker_values, regular, regular_values = group_formation.split_orders(
            focal,
            sh.order_value,
            u,
            group_order_prob=gb.group_order_prob,
            price_factor=rules.price_factor,
        )
        today = group_formation.run_group_day(
            self.groups,
            seekers,
            seeker_values,
            day=day,
            state=sh.state,
            order_value=sh.order_value,
            ties_of=ties_of,
            rng=rng,
            params=rules,
        )
        confirmed = today.confirmed
        # by their state now, not when they paid: with a window of several days a
        # member may have been acquired (or won back) meanwhile, or be in two groups
        newcomers, returning = group_formation.newcomers_and_returning(confirmed.shopper, sh.state)
        self._adopt(work, newcomers, GROUP_BUY)
        sh.state[returning] = WON_BACK
        if returning.size:
            work.active = None
        sh.satisfaction[returning] = self.params.loyalty.winback_satisfaction
        outcome.new_group = newcomers
        outcome.group_won_back = returning
        outcome.group_members = confirmed.shopper
        outcome.group_values = confirmed.value
        outcome.groups_formed, outcome.groups_lapsed = today.formed, today.lapsed
        self.counters["groups_formed"] += today.formed
        self.counters["groups_lapsed"] += today.lapsed
        if self.order_log is not None:
            ids = np.concatenate([regular, confirmed.shopper])
            paid = np.concatenate([regular_values, confirmed.value])
            grouped = np.arange(ids.size) >= regular.size
            self._record(ids, 0, paid, at(levers.price_discount, ids), grouped)
        work.focal, work.values, work.counts = group_formation.tally_orders(
            regular,
            regular_values,
            more=(confirmed.shopper, confirmed.value),
            bits=self.groups.scratch.bits,
        )

    def _group_deal_bonus(self, work: DayWork) -> None:
        """Members of formed groups enjoy the deal: a satisfaction bonus.

        Held (counted per member) for loyalty_churn's first pass over the customers,
        which adds it after the hearing of detractors (the rule of
        :func:`sim.rules.group_formation.add_deal_bonus`), so its time counts there.
        """
        members, levers = work.outcome.group_members, work.levers
        if members.size:
            deal = self.params.group_buy.formed_value_bonus + levers.group_discount_add
            self._held_satisfaction.add_bonus(
                members, self.params.satisfaction.learning_rate * deal
            )

    def _hazard(self, who: np.ndarray, levers: Levers) -> np.ndarray:
        sh = self.shoppers
        focal_price = self.focal.price_index * (1.0 - at(levers.price_discount, who))
        return loyalty_churn.churn_hazard(
            sh.loyalty[who],
            self._switching_cost(who, levers),
            sh.price_sensitivity[who],
            loyalty_churn.price_gap(focal_price, rival_deals.best_offer(self.prices_today[1:])),
            params=self.params.loyalty,
            multiplier=sh.churn_frailty[who] * at(levers.churn_mult, who),
        )

    def _churners(self, active: np.ndarray, u: np.ndarray | None, levers: Levers) -> np.ndarray:
        """Move active shoppers' loyalty; those whose draw ``u`` is below their churn probability.

        The satisfaction changes held by the satisfaction and group_deal_bonus
        stages are applied first, in the same pass.

        :func:`sim.rules.loyalty_churn.screen_churn` moves loyalty and keeps the
        shoppers drawing below a bound of their hazard
        (:func:`sim.rules.loyalty_churn.hazard_bound`): the others cannot churn, so
        the exact hazard is computed only for those. No draws (``u`` None): no churn.
        """
        sh, lp = self.shoppers, self.params.loyalty
        highest_price = self.focal.price_index * (1.0 - np.min(levers.price_discount))
        gap = loyalty_churn.price_gap(highest_price, rival_deals.best_offer(self.prices_today[1:]))
        near = loyalty_churn.screen_churn(
            active,
            u,
            sh,
            lp,
            gap=float(gap),
            decay_mult=levers.loyalty_decay_mult,
            churn_mult=levers.churn_mult,
            out=self._churn_scratch,
            curve=self._curve_scratch,
            held=self._held_satisfaction,
        )
        if u is None:
            return np.empty(0, dtype=np.int64)
        who = active[near]
        return who[u[near] < loyalty_churn.event_probability(self._hazard(who, levers))]

    def _loyalty_churn_winback(self, work: DayWork) -> None:
        """Stage 6: loyalty follows satisfaction; active shoppers may churn, churned come back.

        The churned shoppers who may be won back are kept listed from day to day
        (:meth:`_list_churned`).
        """
        sh, lp = self.shoppers, self.params.loyalty
        day, levers, outcome = work.day, work.levers, work.outcome
        active = self._active(work)
        u = self.streams["churn"].random(active.size) if self.params.churn_enabled else None
        churned = self._churners(active, u, levers)
        lapsed = self._list_churned(work)
        u = self.streams["winback"].random(lapsed.size)
        back = lapsed[u < np.minimum(lp.winback_rate + at(levers.winback_add, lapsed), 1.0)]
        sh.state[churned] = CHURNED
        sh.loyalty[churned] = 0.0
        sh.churn_satisfaction[churned] = sh.satisfaction[churned]
        self.counters["defections"] += int(churned.size)
        self.counters["satisfied_defections"] += int(
            np.count_nonzero(self.ltr[churned] >= SATISFIED_LTR)
        )
        self.churn_by_segment += np.bincount(sh.segment[churned], minlength=len(self.segment_names))
        first = churned[sh.churned_day[churned] == NEVER]
        sh.churned_day[first] = day
        sh.state[back] = WON_BACK
        if churned.size or back.size:
            work.active = None
        sh.satisfaction[back] = lp.winback_satisfaction
        outcome.churned, outcome.won_back = churned, back
        self._lapsed_changed = np.concatenate([churned, back])

    def _list_churned(self, work: DayWork) -> np.ndarray:
        """The churned shoppers now, merged from yesterday's list and the changes since.

        Shoppers enter state CHURNED only in this stage and leave it only by being
        won back, in this stage or by a group buy: yesterday's list merged with
        yesterday's churners and win-backs and today's group win-backs is today's.
        On the first day (or after a day without this stage) every shopper is
        looked at (:meth:`sim.shoppers.Shoppers.churned_ids`). A state set from
        outside the stages between days is not seen until :meth:`states_set_by_hand`.
        """
        sh, listed = self.shoppers, self._lapsed
        if listed is None or self._lapsed_on != work.day - 1:
            lapsed = sh.churned_ids()
        else:
            changed = np.concatenate([self._lapsed_changed, work.outcome.group_won_back])
            lapsed = sh.churned_ids(listed, changed)
            if self._check_listing:
                assert np.array_equal(lapsed, sh.churned_ids()), "the merged list is stale"
        self._lapsed, self._lapsed_on = lapsed, work.day
        return lapsed

    def _word_of_mouth(self, work: DayWork) -> None:
        """Stage 7 of a day (see :meth:`_publish_signals`)."""
        self._publish_signals(work.levers, work)

    def _publish_signals(self, levers: Levers, work: DayWork | None = None) -> None:
        """Stage 7: what each shopper now tells friends (referrals, negative word of mouth).

        Likelihood to recommend (``ltr``) follows satisfaction, which a day changes
        only for shoppers active at some point of it: on a day (``work``) it is
        recomputed for the customers at the end of the day and those who churned
        today, the others' satisfaction being what it was; before the first day,
        for everyone.
        """
        sh, a = self.shoppers, self.params.accounting
        if work is None:
            self.ltr = word_of_mouth.likelihood_to_recommend(
                sh.satisfaction, shift=a.ltr_shift, scale=a.ltr_scale
            )
            customers = np.flatnonzero(sh.active_mask())
        else:
            churned = work.outcome.churned  # the customers' own are refreshed below
            self.ltr[churned] = word_of_mouth.likelihood_to_recommend(
                sh.satisfaction[churned], shift=a.ltr_shift, scale=a.ltr_scale
            )
            customers = self._active(work)
        answers = word_of_mouth.publish_customer_signals(
            self.exposure,
            customers,
            sh.satisfaction,
            self.ltr,
            ltr_shift=a.ltr_shift,
            ltr_scale=a.ltr_scale,
            promoter_threshold=a.promoter_threshold,
            detractor_threshold=a.detractor_threshold,
            promoter_boost=self.params.acquisition.promoter_referral_boost,
            referral_mult=levers.referral_mult,
        )
        self._answers = (customers, answers)  # for the day's metrics

    def _settle_strategies(self, work: DayWork) -> None:
        """Strategies settle the day's costs, booked per shopper in the ledger."""
        costs = [
            accounting.as_strategy_cost(s.settle(work.outcome, self.shoppers, m))
            for s, m in zip(self.params.strategies, work.masks, strict=True)
        ]
        for cost in costs:
            self.ledger.book_strategy_cost(cost)
        work.strategy_cost = sum((cost.total for cost in costs), 0.0)

    def _account(self, work: DayWork) -> None:
        """Stage 8: GMV, the platform's revenue, costs, profit; lifetime value; tiers."""
        sh, acc = self.shoppers, self.params.accounting
        day, outcome, counts = work.day, work.outcome, work.counts
        focal, values = outcome.focal_shoppers, outcome.focal_values  # one entry a shopper
        accounting.decay_recent_spend(sh.recent_spend)
        accounting.book_focal_orders(
            sh,
            self.order_days,
            self.ledger.revenue,
            day=day,
            focal=focal,
            values=values,
            counts=counts,
            take_rate=acc.take_rate,
            discount_factor=self.discount_factor,
        )
        if day % 7 == 0:
            self._tiers(self._active(work))
        gmv = float(values.sum())
        money = {
            "orders": int(counts.sum()),
            "gmv": gmv,
            "revenue": acc.take_rate * gmv,
            "group_orders": int(outcome.group_members.size),
            "group_gmv": float(outcome.group_values.sum()),
        }
        work.money = money
        work.acquisition_cost = self.params.acquisition.cost_per_acquisition * outcome.new_ads.size
        self.ledger.acquisition_cost[outcome.new_ads] += (
            self.params.acquisition.cost_per_acquisition
        )

    def _daily_metrics(self, work: DayWork) -> None:
        """The day's metrics (``today``), collected by Mesa's DataCollector; cohorts."""
        self.today = self._metrics(
            work.outcome, work.money, work.acquisition_cost, work.strategy_cost, work
        )
        self._count_cohorts(work.day, work.outcome)
        self.datacollector.collect(self)

    def _count_cohorts(self, day: int, outcome: DayOutcome) -> None:
        """Monthly acquisition cohorts: customers acquired and active now, kept by events.

        Updated from the day's adoptions, churns and win-backs rather than a pass
        over every shopper: a cohort's size grows by its adoptions, its active count
        by adoptions and win-backs and shrinks by churns.
        """
        n_cohorts = day // 30 + 1
        if self.cohort_counts.shape[1] < n_cohorts:
            grown = np.zeros((2, 2 * n_cohorts), dtype=np.int64)
            grown[:, : self.cohort_counts.shape[1]] = self.cohort_counts
            self.cohort_counts = grown
        sizes, active = self.cohort_counts
        new = (
            outcome.new_ads.size
            + outcome.new_referral.size
            + outcome.new_group.size
            + outcome.new_unlock.size
        )
        sizes[day // 30] += new
        active[day // 30] += new
        acquired_day = self.shoppers.acquired_day
        back = np.concatenate([outcome.won_back, outcome.group_won_back])
        active[:n_cohorts] -= np.bincount(acquired_day[outcome.churned] // 30, minlength=n_cohorts)[
            :n_cohorts
        ]
        active[:n_cohorts] += np.bincount(acquired_day[back] // 30, minlength=n_cohorts)[:n_cohorts]
        self.cohort_rows.append(self.cohort_counts[:, :n_cohorts].copy())

    def _tiers(self, active: np.ndarray) -> None:
        """Value tiers (``shoppers.tier``) from recent spend, of the customers ``active``.

        Fixed thresholds tier every shopper; percentiles among the customers tier
        them, and the others are tier 0.
        """
        sh, acc = self.shoppers, self.params.accounting
        if acc.tier_thresholds is not None:
            sh.tier[:] = accounting.value_tier(sh.recent_spend, acc.tier_thresholds)
            return
        sh.tier[:] = 0
        if active.size == 0:
            return
        spend = sh.recent_spend[active]
        cuts = accounting.spend_percentiles(spend, acc.tier_percentiles)  # np.percentile's
        sh.tier[active] = accounting.value_tier(spend, cuts)

    def _metrics(
        self,
        outcome: DayOutcome,
        money: dict[str, float],
        acquisition_cost: float,
        strategy_cost: float,
        work: DayWork | None = None,
    ) -> dict[str, float]:
        """The metrics of ``outcome.day`` from the shoppers' state now (see metric_names).

        The NPS counts are word_of_mouth's if it walked the same list of customers
        (the same array: no stage has changed who they are since, and nothing but
        word_of_mouth changes their answers); otherwise the metrics count them.
        """
        active = None if work is None else self._active(work)
        walked, answers = self._answers
        return daily_metrics(
            active=active,
            answers=answers if active is not None and walked is active else None,
            day=outcome.day,
            shoppers=self.shoppers,
            outcome=outcome,
            ltr=self.ltr,
            money=money,
            acquisition_cost=acquisition_cost,
            strategy_cost=strategy_cost,
            accounting_params=self.params.accounting,
            segment_names=self.segment_names,
            rival_deal=self.rival_deal_today,
        )

    # ------------------------------------------------------------------ results
    def survey_rng(self, wave: int = 0) -> np.random.Generator:
        """Generator of survey ``wave``: spawned from the run's seed, apart from its streams.

        See ``SURVEY_SPAWN_OFFSET``.

        Examples
        --------
        >>> m = ShopperModel({"population": {"size": 10}}, rng=5)
        >>> a, b = m.survey_rng(1).random(), m.survey_rng(1).random()
        >>> a == b, a == m.survey_rng(2).random()
        (True, False)
        """
        root = self._root_seed
        key = (*root.spawn_key, SURVEY_SPAWN_OFFSET + wave)
        return np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(root.entropy, spawn_key=key))
        )

    def survey(
        self,
        codebook: CodebookLike,
        n: int,
        design: SurveyDesign | dict[str, Any] | None = None,
        seed: int = 0,
    ) -> pd.DataFrame:
        """Administer a codebook's questionnaire to ``n`` reachable shoppers.

        See :func:`sim.virtual_survey.administer`; the answers have the shape of a
        real survey file.

        Examples
        --------
        >>> from types import SimpleNamespace as NS
        >>> cb = NS(scale=NS(min=1, max=5), segments=["group"],
        ...         constructs={"Loyalty": NS(item_names=["L1"], reverse=[], scale=None)})
        >>> m = ShopperModel({"population": {"size": 500, "initial_active_share": 0.5}}, rng=2)
        >>> list(m.survey(cb, n=50).columns)
        ['respondent', 'group', 'L1']
        """
        if isinstance(design, dict):
            try:
                design = SurveyDesign.model_validate(design)
            except ValidationError as err:
                message = describe_validation_error(err, "survey design", root=SurveyDesign)
                raise ParameterError(message) from None
        return administer(self, codebook, n, design, seed)

    def daily_metrics(self) -> pd.DataFrame:
        """One row per simulated day (see :func:`sim.metrics.metric_names`).

        The collector's first row, the initial state, is left out (see
        :meth:`initial_state`): row ``d`` is day ``d``.
        """
        days = {name: values[1:] for name, values in self.datacollector.model_vars.items()}
        frame = pd.DataFrame(days)
        frame["day"] = frame["day"].astype(int)
        return frame

    def initial_state(self) -> dict[str, float]:
        """The metrics of the state before the first day, as collected at initialisation.

        Returns
        -------
        dict
            The keys of :meth:`daily_metrics`; ``day`` is −1 (the state at the start
            of day 0), stocks (prospects, active, churned, satisfaction, loyalty, NPS,
            per segment) are those of the initial population, and flows (new
            customers, orders, money) are 0.

        Examples
        --------
        >>> m = ShopperModel({"population": {"size": 1000, "initial_active_share": 0.2}}, rng=1)
        >>> first = m.initial_state()
        >>> first["day"], first["active"], first["prospects"], first["orders"]
        (-1, 200, 800, 0)
        """
        return {name: values[0] for name, values in self.datacollector.model_vars.items()}

    def cohort_retention(self) -> pd.DataFrame:
        """Retention of each monthly (30-day) acquisition cohort, day by day.

        Returns
        -------
        pandas.DataFrame
            Columns ``day``, ``cohort`` (month of acquisition, 0-based), ``size``
            (customers acquired in it so far), ``active`` and ``retention``
            (active / size).
        """
        rows = []
        for day, (sizes, active) in enumerate(self.cohort_rows):
            for cohort in np.flatnonzero(sizes):
                rows.append((day, int(cohort), int(sizes[cohort]), int(active[cohort])))
        frame = pd.DataFrame(rows, columns=["day", "cohort", "size", "active"])
        frame["retention"] = frame["active"] / frame["size"]
        return frame

    def summary(self) -> dict[str, float]:
        """One row for the run: retention, customers, CLV, money, loyalty indicators.

        See :func:`sim.metrics.run_summary` for the fields. With at_risk targeting
        by predictor ``bgnbd`` also ``bgnbd_fits`` (successful BG/NBD fits) and
        ``bgnbd_fallback_days`` (days targeted by recency before the first fit).
        """
        summary = run_summary(self)
        if any(s.target.uses("bgnbd") for s in self.params.strategies):
            fits = sum(entry["status"] == "fitted" for entry in self.bgnbd.log)
            summary["bgnbd_fits"] = fits
            summary["bgnbd_fallback_days"] = self.bgnbd_fallback_days
        return summary

    def risk_prediction_log(self) -> pd.DataFrame:
        """The BG/NBD fits of at_risk targeting by ``bgnbd``, one row per attempt.

        Returns
        -------
        pandas.DataFrame
            Columns ``day``, ``n`` (customers with a focal order), ``r``, ``alpha``,
            ``a``, ``b`` (NaN when not fitted), ``status`` (``fitted``, ``fallback``:
            targeting by recency, or ``kept previous fit``) and ``reason``.
        """
        columns = ["day", "n", "r", "alpha", "a", "b", "status", "reason"]
        return pd.DataFrame(self.bgnbd.log, columns=columns)

    def orders(self, *, focal_only: bool = False) -> pd.DataFrame:
        """The run's orders as an order frame (:mod:`survey.orders.frame`).

        One row per order, on every platform (``channel``; the focal platform's rows
        add up to the run's ``orders`` and ``gmv``), dated from 2019-01-01
        (:data:`sim.order_log.EPOCH`).

        Parameters
        ----------
        focal_only : bool, default False
            Only the focal platform's orders: the platform's own CRM log, which is
            what ``shoplab orders analyze`` should read (with every platform's
            orders it would count rivals' customers as the platform's).

        Raises
        ------
        ParameterError
            If the model was built without ``record_orders=True``.

        Examples
        --------
        >>> m = ShopperModel({"population": {"size": 500}}, rng=4, record_orders=True)
        >>> m.run(5)
        >>> log = m.orders()
        >>> focal = log[log["channel"] == m.focal.name]
        >>> daily = m.daily_metrics()
        >>> int(daily["orders"].sum()) == len(focal)
        True
        >>> bool(np.isclose(focal["amount"].sum(), daily["gmv"].sum(), rtol=1e-12))
        True
        """
        if self.order_log is None:
            raise ParameterError(
                "this model records no orders: build it with ShopperModel(..., record_orders=True)"
            )
        orders = self.order_log.to_order_frame(
            platforms=[p.name for p in self.params.platforms], segments=self.segment_names
        )
        if focal_only:
            orders = orders[orders["channel"] == self.focal.name].reset_index(drop=True)
        return orders
