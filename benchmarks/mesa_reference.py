"""The shopper model written the idiomatic Mesa way, docked against :class:`sim.ShopperModel`.

One ``mesa.Agent`` per shopper, Python scalars per agent, ``AgentSet.shuffle_do``
for every pass over the population and ``mesa.DataCollector`` for the daily
metrics: the style of Mesa's examples. It implements the full daily rules of
``ShopperModel.step()`` (market entry and rivals' deal days, Bass adoption over the
social network, purchase, logit platform choice, group buying with friend shares and
listed groups, experience, satisfaction and negative word of mouth, loyalty, churn
and win-back, word of mouth, accounting) plus one strategy, coupons
(:class:`sim.strategies.coupons.Coupons`, targeting everyone, segments or value
tiers). It reads the same parameter blocks (:class:`sim.params.ModelParams`, from
the same config) and calls the same rule functions of :mod:`sim.rules` (on floats
or arrays of one element), so the two implementations share every formula; they
differ in how shoppers are held (objects against columns) and in the order of random
draws.

It serves two purposes:

* **Docking** (Axtell, Axelrod, Epstein & Cohen 1996, "Aligning simulation models",
  *Computational and Mathematical Organization Theory* 1(2), 123-141): at equal
  parameters the two agree in distribution on the run's outcomes;
  :func:`docking_table` is the test (``tests/benchmarks/test_mesa_reference.py``).
* **Speed reference**: :func:`compare_reference` times both at the same size in the
  same process (``python -m benchmarks.model --compare-reference --json``). Calling
  array rules on one element makes this reference 2.5-4 times slower than the same
  agents with hand-written scalar formulas (see :func:`compare_reference`).

Where the order of operations differs from the vectorised model (none changes a
rule's distribution):

* Per-stage passes are merged where a shopper's stages touch only their own state:
  ``morning`` runs market entry, listening to friends, adoption, purchase and
  platform choice for one shopper before the next; ``evening`` runs negative word of
  mouth, the group-deal bonus, loyalty, churn or win-back, accounting and publishing
  what the shopper tells friends. What a shopper hears from friends is read in the
  morning, from what they published the evening before, as the model's
  ``NeighbourExposure`` holds it: updates stay synchronous.
* Group buying is sequential: openers (in random order) open and share their group
  with friends, each friend accepting or not at once and only while the group has a
  free place; lookers (in random order) take a place in the listed group with the
  fewest places missing, else complete each other's groups. The vectorised rule
  draws every friend's answer first and then allocates the places in random order:
  each invitation is accepted with the same probability and a friend joins at most
  one group a day in both; only who takes a last free place wanted by two may differ.
* The shoppers' attributes, entry days and the social graph are drawn by the model's
  own generators (:func:`sim.shoppers.create_shoppers`,
  :class:`sim.rules.market_entry.EntrySchedule`, :func:`sim.network.build_network`),
  so both start from the same distribution of markets.

Run from the project root::

    python -m benchmarks.mesa_reference --shoppers 20000 --days 60 --json

Examples
--------
>>> model = ReferenceModel({"population": {"size": 300}}, rng=3)
>>> model.run(5)
>>> len(model.agents), len(model.datacollector.get_model_vars_dataframe())  # a year's entrants
(339, 5)
>>> sorted(DOCKED_METRICS) == sorted(model.summary().keys() & set(DOCKED_METRICS))
True
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Mapping, Sequence
from itertools import islice
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np
import pandas as pd
from scipy import stats

from benchmarks.results import peak_rss_mb, print_result
from sim import ShopperModel
from sim.errors import ParameterError
from sim.metrics import RETENTION_DAYS, metric_names, retention_at
from sim.model import seed_sequence, validate_params
from sim.network import build_network
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
    rival_deals,
    satisfaction,
    word_of_mouth,
)
from sim.shoppers import create_shoppers
from sim.states import (
    ACTIVE,
    ADS,
    CHURNED,
    GROUP_BUY,
    NEVER,
    OUTSIDE,
    PROSPECT,
    REFERRAL,
    STATE_NAMES,
    WON_BACK,
)

#: The run outcomes the docking test compares (keys of :meth:`ReferenceModel.summary`
#: and of ``ShopperModel.summary()``).
DOCKED_METRICS = (
    "active_end",
    "retention_90",
    "satisfaction_end",
    "revenue",
    "group_order_share",
)

_CURRENT = (ACTIVE, WON_BACK)


class Group:
    """An open group buy: its opener, the day it opened and who has paid how much.

    Examples
    --------
    >>> g = Group(opener=None, opened=0, size=2)
    >>> g.free
    2
    """

    def __init__(self, opener: Shopper | None, opened: int, size: int) -> None:
        self.opener = opener
        self.opened = opened
        self.size = size
        self.members: list[tuple[Shopper, float]] = []

    @property
    def free(self) -> int:
        """Places still free."""
        return self.size - len(self.members)

    def has(self, shopper: Shopper) -> bool:
        """Whether ``shopper`` has already paid into this group."""
        return any(member is shopper for member, _ in self.members)

    def join(self, shopper: Shopper, value: float) -> None:
        """``shopper`` pays ``value`` into the group; they join no other today."""
        self.members.append((shopper, value))
        shopper.busy = True


class Shopper(mesa.Agent):
    """One shopper: attributes and state as Python scalars, one method per part of a day.

    Parameters
    ----------
    model : ReferenceModel
    columns : dict of str to numpy.ndarray
        The population drawn by :func:`sim.shoppers.create_shoppers` plus ``entry_day``.
    i : int
        This shopper's row in ``columns`` (also its index in ``model.shoppers``).
    """

    def __init__(self, model: ReferenceModel, columns: dict[str, np.ndarray], i: int) -> None:
        super().__init__(model)
        self.index = i
        for name in (
            "segment",
            "price_sensitivity",
            "quality_expectation",
            "satisfaction",
            "loyalty",
            "perceived_quality",
            "purchase_rate",
            "order_value",
            "state",
            "channel",
            "acquired_day",
            "churn_frailty",
            "entry_day",
        ):
            setattr(self, name, columns[name][i].item())
        self.friends: list[Shopper] = []
        self.churned_day = self.first_order_day = self.last_order_day = NEVER
        self.orders = self.orders_elsewhere = self.defects = self.inter_purchase_days = 0
        self.spend = self.recent_spend = self.clv = 0.0
        self.tier = 0
        self.ltr = 0
        self.referral_signal = self.detractor_signal = 0.0  # published to friends
        self.heard_referral = self.heard_detractor = 0.0  # this morning, from friends
        self.discount = 0.0  # coupons reaching the shopper today
        self.order_prob = _scalar(purchase.order_probability(_one(self.purchase_rate), 1.0))
        self.new_day()

    def new_day(self) -> None:
        """Forget yesterday's orders."""
        self.orders_today = 0
        self.paid_today = 0.0
        self.group_rows = 0  # rows in groups that formed today (the deal bonus)
        self.busy = False  # has joined a group today

    @property
    def current(self) -> bool:
        """A current focal customer (active or won back)."""
        return self.state in _CURRENT

    # ------------------------------------------------------------- morning
    def morning(self) -> None:
        """Market entry, strategies' levers, hearing friends, adoption, purchase, choice."""
        m = self.model
        self.new_day()
        if self.state == OUTSIDE:
            if self.entry_day != m.day:
                return
            self.state = PROSPECT  # stage 0: an entrant of a growing market
            m.today["entrants"] += 1
        self.discount = m.coupon_discount(self)
        self.listen()
        if self.state == PROSPECT:
            self.consider_adopting()
        if self.current:
            self.shop()

    def listen(self) -> None:
        """What friends said yesterday evening: referral weight and detractor share."""
        m = self.model
        if m.fully_mixed:
            self.heard_referral, self.heard_detractor = m.population_signal
            return
        referral = detractor = 0.0
        for friend in self.friends:
            referral += friend.referral_signal
            detractor += friend.detractor_signal
        degree = max(len(self.friends), 1)
        self.heard_referral, self.heard_detractor = referral / degree, detractor / degree

    def consider_adopting(self) -> None:
        """Stage 1: Bass adoption through ads or a referral (:mod:`sim.rules.acquisition`)."""
        m, a = self.model, self.model.params.acquisition
        prob = float(
            acquisition.adoption_probability(
                self.heard_referral,
                self.heard_detractor,
                innovation_per_day=a.innovation_per_day,
                imitation_per_day=a.imitation_per_day,
                negative_weight=a.negative_wom_weight,
            )
        )
        hazard = -math.log1p(-prob)
        ad_share = a.innovation_per_day / hazard if hazard > 0 else 1.0
        u = self.random.random()
        if u < prob * ad_share:
            self.adopt(ADS)
            m.today["new_ads"] += 1
        elif u < prob:
            self.adopt(REFERRAL)
            m.today["new_referral"] += 1

    def adopt(self, channel: int) -> None:
        """Become a focal customer today."""
        self.state = ACTIVE
        self.channel = channel
        self.acquired_day = self.model.day
        self.satisfaction = self.model.params.satisfaction.initial

    def shop(self) -> None:
        """Stages 2-3: order today? on which platform? at the group price?"""
        m = self.model
        if self.random.random() >= self.order_prob:  # the rate is the shopper's own, fixed
            return
        v = choice.utilities(
            np.array([self.price_sensitivity]),
            np.array([self.loyalty]),
            0.0,
            m.params.choice,
            platforms=m.params.platforms,
            focal_discount=self.discount,
            focal_quality=m.focal.quality,
            focal_service=m.focal_service,
            prices=m.prices_today,
        )
        u = np.array([self.random.random()])
        platform = int(choice.choose(choice.choice_probabilities(v), u)[0])
        if platform > 0:
            self.orders_elsewhere += 1
            return
        gb = m.params.group_buy
        if gb.enabled and self.random.random() < gb.group_order_prob:
            m.seekers.append(self)
        else:
            self.orders_today += 1
            self.paid_today += self.order_value

    # ------------------------------------------------------------ the order
    def receive_order(self) -> None:
        """Stages 4-5: what the delivery brought, and satisfaction with it."""
        m, f, e = self.model, self.model.focal, self.model.params.experience
        r = self.random.random
        incidents = experience.draw_incidents(
            np.array([[r(), r(), r(), r()]]),
            defect_rate=f.defect_rate,
            late_rate=f.late_rate,
            resolution_rate=f.resolution_rate,
            complaint_if_defect=e.complaint_if_defect,
            complaint_if_late=e.complaint_if_late,
        )
        noise = np.array([self.random.gauss(0.0, 1.0)])
        perf = float(experience.perceived_performance(f.quality, incidents, noise, e)[0])
        self.defects += int(incidents.defect[0])
        s = m.params.satisfaction
        new_satisfaction, new_expectation = satisfaction.update_satisfaction(
            _one(self.satisfaction), _one(self.quality_expectation), _one(perf), s
        )
        self.satisfaction, self.quality_expectation = (
            _scalar(new_satisfaction),
            _scalar(new_expectation),
        )
        self.perceived_quality += s.learning_rate * (perf - self.perceived_quality)

    # ------------------------------------------------------------- evening
    def evening(self) -> None:
        """Negative word of mouth, the deal bonus, loyalty and churn, accounting, publishing."""
        s = self.model.params.satisfaction
        if self.current and s.negative_wom_effect > 0:
            self.satisfaction = _scalar(
                satisfaction.negative_word_of_mouth(
                    _one(self.satisfaction), self.heard_detractor, s.negative_wom_effect
                )
            )
        if self.group_rows:
            deal = self.model.params.group_buy.formed_value_bonus
            self.satisfaction = min(
                self.satisfaction + self.group_rows * s.learning_rate * deal, 1.0
            )
        if self.current:
            self.update_loyalty_or_churn()
        elif self.state == CHURNED:
            self.consider_coming_back()
        self.account()
        self.publish()

    def update_loyalty_or_churn(self) -> None:
        """Stage 6: loyalty moves toward its target; then the day's churn hazard."""
        m, lp = self.model, self.model.params.loyalty
        target = loyalty_churn.target_loyalty(
            _one(self.satisfaction), lp.curve_midpoint, lp.curve_steepness
        )
        self.loyalty = _scalar(loyalty_churn.update_loyalty(_one(self.loyalty), target, lp))
        if not m.params.churn_enabled:
            return
        gap = loyalty_churn.price_gap(m.focal.price_index * (1.0 - self.discount), m.best_offer)
        hazard = loyalty_churn.churn_hazard(
            _one(self.loyalty),
            0.0,
            _one(self.price_sensitivity),
            gap,
            params=lp,
            multiplier=self.churn_frailty,
        )
        if self.random.random() < _scalar(loyalty_churn.event_probability(hazard)):
            self.state = CHURNED
            self.loyalty = 0.0
            if self.churned_day == NEVER:
                self.churned_day = m.day
            m.today["churned_today"] += 1

    def consider_coming_back(self) -> None:
        """Stage 6: a churned shopper comes back unprompted."""
        lp = self.model.params.loyalty
        if self.random.random() < min(lp.winback_rate, 1.0):
            self.state = WON_BACK
            self.satisfaction = lp.winback_satisfaction
            self.model.today["won_back_today"] += 1

    def account(self) -> None:
        """Stage 8: the day's focal orders in money; lifetime value; recent spend."""
        m = self.model
        self.recent_spend *= m.recent_spend_decay
        if not self.orders_today:
            return
        revenue = m.params.accounting.take_rate * self.paid_today
        delay = m.day - self.acquired_day
        self.clv += revenue * accounting.discount_factors(delay, m.discount_factor)[delay]
        if self.last_order_day != NEVER:
            self.inter_purchase_days += m.day - self.last_order_day
        if self.first_order_day == NEVER:
            self.first_order_day = m.day
        self.last_order_day = m.day
        self.orders += self.orders_today
        self.spend += self.paid_today
        self.recent_spend += self.paid_today
        today = m.today
        today["orders"] += self.orders_today
        today["gmv"] += self.paid_today
        today["revenue"] += revenue
        today["strategy_cost"] += self.discount * self.paid_today

    def publish(self) -> None:
        """Stage 7: likelihood to recommend, and what the shopper tells friends tomorrow.

        Only current customers speak (:func:`sim.rules.word_of_mouth.customer_signals`
        gives everyone else nothing to say), so only their answer is recomputed.
        """
        if not self.current:
            self.referral_signal = self.detractor_signal = 0.0
            return
        a = self.model.params.accounting
        ltr = np.zeros(1, dtype=np.int8)
        signal = word_of_mouth.customer_signals(
            np.array([0]),
            _one(self.satisfaction),
            ltr,
            ltr_shift=a.ltr_shift,
            ltr_scale=a.ltr_scale,
            promoter_threshold=a.promoter_threshold,
            detractor_threshold=a.detractor_threshold,
            promoter_boost=self.model.params.acquisition.promoter_referral_boost,
        )
        self.ltr = int(ltr[0])
        self.referral_signal, self.detractor_signal = float(signal[0, 0]), float(signal[0, 1])


class ReferenceModel(mesa.Model):
    """The shopper model with one ``mesa.Agent`` per shopper (the docked reference).

    Parameters
    ----------
    params : ModelParams, dict or None
        The same parameters as :class:`sim.ShopperModel` (validated; None: defaults).
        Strategies: coupons only, targeting everyone, segments or tiers.
    rng : int or numpy.random.SeedSequence or None
        The run's seed. Child 0 of its SeedSequence is Mesa's ``model.rng`` (which
        seeds ``model.random``, the agents' stdlib generator), children 1-3 draw the
        population, the graph and the entry days.

    Attributes
    ----------
    shoppers : list of Shopper
        Shopper ``i`` at index ``i``, as in ``ShopperModel.shoppers``.
    groups : list of Group
        Open group buys.
    datacollector : mesa.DataCollector
        One row at the end of each day (:data:`DAILY`).

    Raises
    ------
    ParameterError
        For a strategy the reference does not implement.
    """

    #: The daily metrics collected: those of ``ShopperModel`` but the per-segment ones.
    DAILY = tuple(metric_names([]))

    def __init__(
        self,
        params: ModelParams | dict[str, Any] | None = None,
        rng: int | np.random.SeedSequence | None = None,
    ) -> None:
        children = seed_sequence(rng).spawn(4)
        super().__init__(rng=np.random.Generator(np.random.PCG64(children[0])))
        self.params = validate_params(params)
        self.segment_names = [s.name for s in self.params.population.segments]
        self.coupons = self._coupons()
        population, network, market = (np.random.default_rng(c) for c in children[1:])
        entry = market_entry.EntrySchedule.build(
            self.params.population.size,
            growth_per_year=self.params.market.growth_per_year,
            days=self.params.horizon_days or self.params.market.entrant_days,
            rng=market,
        )
        columns = vars(create_shoppers(self.params, population, entry_day=entry.entry_day))
        columns = {**columns, "entry_day": entry.entry_day}
        self.shoppers = [Shopper(self, columns, i) for i in range(entry.size)]
        graph = build_network(self.params, columns["segment"], network)
        self.fully_mixed = graph.fully_mixed
        if not self.fully_mixed:
            indptr, indices = graph.adjacency.indptr, graph.adjacency.indices.tolist()
            for i, shopper in enumerate(self.shoppers):
                shopper.friends = [self.shoppers[j] for j in indices[indptr[i] : indptr[i + 1]]]
        focal, *rivals = self.params.platforms
        self.focal = focal
        self.focal_service = float(choice.service_level(focal.late_rate, focal.resolution_rate))
        self.prices_today = np.array([p.price_index for p in self.params.platforms])
        self.best_offer = rival_deals.best_offer(self.prices_today[1:])
        self.discount_factor = accounting.daily_discount_factor(
            self.params.accounting.annual_discount_rate
        )
        self.recent_spend_decay = math.exp(-1.0 / accounting.RECENT_SPEND_DAYS)
        gb = self.params.group_buy
        self.group_rules = group_formation.GroupRules(
            group_size=gb.group_size,
            window_days=gb.window_days,
            shares_per_group=gb.shares_per_group,
            prospect_join_prob=gb.prospect_join_prob,
            customer_join_prob=gb.customer_join_prob,
            listing_match_prob=gb.listing_match_prob,
            price_factor=1.0 - focal.group_discount,
        )
        states = np.arange(len(STATE_NAMES))
        self.join_prob = group_formation.join_probability(states, self.group_rules).tolist()
        self.groups: list[Group] = []
        self.seekers: list[Shopper] = []
        self.day = -1
        self.population_signal = (0.0, 0.0)
        self.agents.do("publish")
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, key=name: m.today[key]) for name in self.DAILY}
        )

    def _coupons(self) -> list[Any]:
        strategies = self.params.strategies
        unsupported = sorted({s.kind for s in strategies if s.kind != "coupons"})
        if unsupported:
            raise ParameterError(
                f"the Mesa reference implements the coupons strategy only, not {unsupported}; "
                "run those with sim.ShopperModel"
            )
        for s in strategies:
            if s.target.needs_risk:
                raise ParameterError(
                    "the Mesa reference's coupons target everyone, segments or tiers, not "
                    "at_risk; run at-risk targeting with sim.ShopperModel"
                )
        return list(strategies)

    def coupon_discount(self, shopper: Shopper) -> float:
        """The coupons' discount on the shopper's focal price today (0 without coupons)."""
        discount = 0.0
        for coupon in self.coupons:
            reach = coupon.target.mask(
                np.array([shopper.segment]), np.array([shopper.tier]), None, self.segment_names
            )
            if reach is None or reach[0]:
                discount += coupon.discount
        return discount

    # ------------------------------------------------------------- running
    def run(self, days: int) -> None:
        """Advance ``days`` days (fewer if ``running`` turns False)."""
        for _ in range(days):
            if not self.running:
                break
            self.step()

    def step(self) -> None:
        """One day, in the stages of ``ShopperModel.step()``."""
        self.day = self.steps - 1
        room = self.params.horizon_days or self.params.market.entrant_days
        if self.day > room and self.params.market.growth_per_year > 0:
            raise ParameterError(
                f"the market holds entrants for {room} days and this is day {self.day}: set "
                "horizon_days (or market.entrant_days) to the days you run"
            )
        self.today = dict.fromkeys(self.DAILY, 0.0)
        self.today["day"] = self.day
        self.rival_deals()
        if self.fully_mixed:
            n = len(self.shoppers)
            self.population_signal = (
                sum(s.referral_signal for s in self.shoppers) / n,
                sum(s.detractor_signal for s in self.shoppers) / n,
            )
        self.seekers = []
        self.agents.shuffle_do("morning")
        self.group_buying()
        self.agents.select(lambda s: s.orders_today > 0).shuffle_do("receive_order")
        self.agents.shuffle_do("evening")
        if self.day % 7 == 0:
            self.update_tiers()
        self.close_books()
        self.datacollector.collect(self)
        horizon = self.params.horizon_days
        if horizon is not None and self.steps >= horizon:
            self.running = False

    def rival_deals(self) -> None:
        """Which rivals run a promotion today (:mod:`sim.rules.rival_deals`)."""
        rivals = self.params.platforms[1:]
        uniforms = np.array([self.random.random() for _ in rivals])
        on_deal = rival_deals.draw_deal_days(np.array([p.deal_frequency for p in rivals]), uniforms)
        self.prices_today[1:] = rival_deals.rival_prices_today(
            np.array([p.price_index for p in rivals]),
            on_deal=on_deal,
            depth=np.array([p.deal_depth for p in rivals]),
        )
        self.best_offer = rival_deals.best_offer(self.prices_today[1:])
        self.today["rival_deal"] = int(on_deal.any())

    # ---------------------------------------------------------- group buys
    def group_buying(self) -> None:
        """Stage 3½: seekers open or take groups, friends join, full groups form."""
        rules = self.group_rules
        self.random.shuffle(self.seekers)
        for seeker in self.seekers:
            seeker.busy = True
        lookers = []
        for seeker in self.seekers:
            if self.random.random() < rules.listing_match_prob:
                lookers.append(seeker)
            else:
                self.share(self.open_group(seeker))
        listing = [g for g in self.groups if g.free > 0]
        self.random.shuffle(listing)
        listing.sort(key=lambda g: g.free)  # fewest places missing first (stable)
        chunk, start = None, 0
        for looker in lookers:
            value = looker.order_value * rules.price_factor
            while start < len(listing) and listing[start].free == 0:
                start += 1  # the full groups at the head of the list
            open_places = (g for g in islice(listing, start, None) if g.free > 0)
            place = next((g for g in open_places if not g.has(looker)), None)
            if place is None:  # the list is exhausted: lookers complete each other's groups
                if chunk is None or chunk.free == 0:
                    chunk = self.open_group(looker)
                    continue
                place = chunk
            place.join(looker, value)
        if chunk is not None and chunk.free > 0:
            self.share(chunk)
        self.close_groups()

    def open_group(self, opener: Shopper) -> Group:
        """``opener`` opens a group and pays the group price."""
        group = Group(opener, self.day, self.group_rules.group_size)
        group.join(opener, opener.order_value * self.group_rules.price_factor)
        self.groups.append(group)
        return group

    def share(self, group: Group) -> None:
        """The opener shares the group with some friends; each may join and pay."""
        rules, opener = self.group_rules, group.opener
        if self.fully_mixed:
            contacts = max(int(round(self.params.network.mean_degree)), 1)
            ties = [self.random.choice(self.shoppers) for _ in range(contacts)]
        else:
            ties = opener.friends
        shares = rules.shares_per_group
        asked = ties if len(ties) <= shares else self.random.sample(ties, shares)
        for friend in asked:
            joins = self.random.random() < self.join_prob[friend.state]
            if joins and friend is not opener and not friend.busy and group.free > 0:
                group.join(friend, friend.order_value * rules.price_factor)

    def close_groups(self) -> None:
        """Full groups form (orders confirmed); groups whose window ends lapse (refunds)."""
        window = self.group_rules.window_days
        still_open = []
        for group in self.groups:
            if group.free <= 0:
                self.confirm(group)
                self.today["groups_formed"] += 1
            elif group.opened + window - 1 > self.day:
                still_open.append(group)
            else:
                self.today["groups_lapsed"] += 1
        self.groups = still_open

    def confirm(self, group: Group) -> None:
        """Every member's order at the group price; prospects adopt, the churned come back."""
        for member, value in group.members:
            if member.state == PROSPECT:
                member.adopt(GROUP_BUY)
                self.today["new_group_buy"] += 1
            elif member.state == CHURNED:
                member.state = WON_BACK
                member.satisfaction = self.params.loyalty.winback_satisfaction
                self.today["won_back_today"] += 1
            member.orders_today += 1
            member.paid_today += value
            member.group_rows += 1
            self.today["group_orders"] += 1
            self.today["group_gmv"] += value

    # ------------------------------------------------------------ the books
    def update_tiers(self) -> None:
        """Weekly value tiers from recent spend (:func:`sim.rules.accounting.value_tier`)."""
        acc = self.params.accounting
        fixed = acc.tier_thresholds is not None
        if fixed:
            cuts = list(acc.tier_thresholds)
        else:  # percentiles among current customers; the others are in tier 0
            recent = [s.recent_spend for s in self.shoppers if s.current]
            cuts = list(np.percentile(recent, acc.tier_percentiles)) if recent else []
        for s in self.shoppers:
            tiered = fixed or (s.current and cuts)
            s.tier = (
                int(accounting.value_tier(np.array([s.recent_spend]), cuts)[0]) if tiered else 0
            )

    def close_books(self) -> None:
        """The day's stocks and profit, for the DataCollector."""
        t, a = self.today, self.params.accounting
        t["new_customers"] = t["new_ads"] + t["new_referral"] + t["new_group_buy"]
        t["acquisition_cost"] = self.params.acquisition.cost_per_acquisition * t["new_ads"]
        t["profit"] = t["revenue"] - t["acquisition_cost"] - t["strategy_cost"]
        current = [s for s in self.shoppers if s.current]
        states = [s.state for s in self.shoppers]
        t["prospects"] = states.count(PROSPECT)
        t["churned"] = states.count(CHURNED)
        t["active"] = len(current)
        t["satisfaction"] = _mean([s.satisfaction for s in current])
        t["loyalty"] = _mean([s.loyalty for s in current])
        ltr = np.array([s.ltr for s in current])
        t["nps"] = word_of_mouth.net_promoter_score(
            ltr, a.promoter_threshold, a.detractor_threshold
        )

    # ------------------------------------------------------------- results
    def daily_metrics(self) -> pd.DataFrame:
        """One row per simulated day (columns :data:`DAILY`)."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame["day"] = frame["day"].astype(int)
        return frame

    def summary(self) -> dict[str, float]:
        """The run's outcomes, defined as in :func:`sim.metrics.run_summary`.

        Returns
        -------
        dict
            ``days``, ``customers``, ``active_end``, ``retention_90``/``_180``/``_365``
            (:func:`sim.metrics.retention_at`), ``satisfaction_end``, ``loyalty_end``,
            ``orders``, ``gmv``, ``revenue``, ``strategy_cost``, ``profit``,
            ``group_order_share`` (confirmed group orders over focal orders).
        """
        daily = self.daily_metrics()
        last_day = int(daily["day"].iloc[-1]) if len(daily) else -1
        days = SimpleNamespace(
            acquired_day=np.array([s.acquired_day for s in self.shoppers]),
            churned_day=np.array([s.churned_day for s in self.shoppers]),
        )
        current = [s for s in self.shoppers if s.current]
        orders = float(daily["orders"].sum())
        return {
            "days": last_day + 1,
            "customers": int(np.count_nonzero(days.acquired_day >= 0)),
            "active_end": len(current),
            **{f"retention_{h}": retention_at(days, h, last_day) for h in RETENTION_DAYS},
            "satisfaction_end": _mean([s.satisfaction for s in current]),
            "loyalty_end": _mean([s.loyalty for s in current]),
            "orders": orders,
            **{k: float(daily[k].sum()) for k in ("gmv", "revenue", "strategy_cost", "profit")},
            "group_order_share": float(daily["group_orders"].sum()) / orders
            if orders
            else float("nan"),
        }


def _one(value: float) -> np.ndarray:
    """A shopper's value as the one-element array the rules of :mod:`sim.rules` take."""
    return np.array([value], dtype=float)


def _scalar(values: np.ndarray) -> float:
    """The one element of a rule's result, as a Python float."""
    return float(values[0])


def _mean(values: Sequence[float]) -> float:
    return float(sum(values) / len(values)) if values else float("nan")


# ---------------------------------------------------------------- docking
def replicate_summaries(
    model_class: type, params: dict[str, Any], days: int, seeds: Sequence[int]
) -> pd.DataFrame:
    """Run ``model_class(params, rng=seed)`` for ``days`` days per seed; one summary row each.

    Parameters
    ----------
    model_class : type
        :class:`ReferenceModel` or :class:`sim.ShopperModel` (anything with
        ``run(days)`` and ``summary()``).
    params : dict
        Model parameters.
    days : int
        Days per run.
    seeds : sequence of int
        One run per seed.

    Returns
    -------
    pandas.DataFrame
        One row per run, the :data:`DOCKED_METRICS` columns and ``seed``.

    Examples
    --------
    >>> rows = replicate_summaries(ReferenceModel, {"population": {"size": 100}}, 3, [1, 2])
    >>> len(rows), list(rows.columns)[:2]
    (2, ['seed', 'active_end'])
    """
    rows = []
    for seed in seeds:
        model = model_class(params, rng=seed)
        model.run(days)
        summary = model.summary()
        rows.append({"seed": seed, **{k: summary[k] for k in DOCKED_METRICS}})
    return pd.DataFrame(rows)


def docking_table(
    reference: pd.DataFrame,
    model: pd.DataFrame,
    *,
    alpha: float = 0.01,
    rel_tol: float | Mapping[str, float] = 0.05,
    metrics: Sequence[str] = DOCKED_METRICS,
) -> pd.DataFrame:
    """Whether two implementations agree in distribution, metric by metric.

    Distributional equivalence in the sense of Axtell et al. (1996): the runs of the
    two are samples of one distribution. For each metric, two two-sample tests
    (Kolmogorov-Smirnov, exact; Mann-Whitney U, two-sided) must not reject at level
    ``alpha``, and the means must agree within ``rel_tol`` of the model's mean.

    Parameters
    ----------
    reference, model : pandas.DataFrame
        One row per replication (e.g. from :func:`replicate_summaries`).
    alpha : float, default 0.01
        Level of each test.
    rel_tol : float or mapping of str to float, default 0.05
        Largest allowed |mean(reference) − mean(model)| / |mean(model)|, for every
        metric or per metric. Choose it above the sampling error: about three
        standard errors of the difference, CV·sqrt(1/n_reference + 1/n_model), with
        CV the metric's coefficient of variation between runs.
    metrics : sequence of str
        Columns to compare.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric``, ``n_reference``, ``n_model`` (replications
        used, NaN values dropped), ``mean_reference``, ``mean_model``,
        ``rel_diff``, ``ks_p``, ``mw_p`` and ``agree`` (both p ≥ alpha and
        rel_diff ≤ rel_tol).

    Raises
    ------
    ValueError
        If a metric has fewer than 5 replications on either side (no test), or
        ``rel_tol`` is a mapping without the metric.

    References
    ----------
    Axtell, R., Axelrod, R., Epstein, J. M. & Cohen, M. D. (1996). Aligning
    simulation models: a case study and results. Computational and Mathematical
    Organization Theory 1(2), 123-141.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = pd.DataFrame({"x": rng.normal(10, 1, 30)})
    >>> b = pd.DataFrame({"x": rng.normal(10, 1, 30)})
    >>> c = pd.DataFrame({"x": rng.normal(13, 1, 30)})
    >>> bool(docking_table(a, b, metrics=["x"])["agree"][0])
    True
    >>> bool(docking_table(c, b, metrics=["x"])["agree"][0])
    False
    """
    rows = []
    for metric in metrics:
        ref = reference[metric].dropna().to_numpy(float)
        mod = model[metric].dropna().to_numpy(float)
        if min(ref.size, mod.size) < 5:
            raise ValueError(
                f"docking metric {metric!r} has {ref.size} reference and {mod.size} model "
                "replications with a value; at least 5 of each are needed"
            )
        if isinstance(rel_tol, Mapping) and metric not in rel_tol:
            raise ValueError(f"rel_tol has no tolerance for docking metric {metric!r}")
        tol = float(rel_tol[metric] if isinstance(rel_tol, Mapping) else rel_tol)
        mean_ref, mean_mod = float(ref.mean()), float(mod.mean())
        rel = abs(mean_ref - mean_mod) / abs(mean_mod) if mean_mod else float("inf")
        ks = float(stats.ks_2samp(ref, mod).pvalue)
        mw = float(stats.mannwhitneyu(ref, mod, alternative="two-sided").pvalue)
        rows.append(
            {
                "metric": metric,
                "n_reference": ref.size,
                "n_model": mod.size,
                "mean_reference": mean_ref,
                "mean_model": mean_mod,
                "rel_diff": rel,
                "rel_tol": tol,
                "cv_reference": float(ref.std(ddof=1) / abs(mean_ref)) if mean_ref else np.nan,
                "cv_model": float(mod.std(ddof=1) / abs(mean_mod)) if mean_mod else np.nan,
                "ks_p": ks,
                "mw_p": mw,
                "agree": bool(ks >= alpha and mw >= alpha and rel <= tol),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------- speed
def compare_reference(
    shoppers: int = 20_000,
    days: int = 60,
    seed: int = 1,
    params: dict[str, Any] | None = None,
) -> dict[str, float]:
    """Time the Mesa reference and the vectorised model at one size, in this process.

    Parameters
    ----------
    shoppers : int, default 20000
        Day-0 market (both also hold the entrants of the horizon).
    days : int, default 60
        Days simulated.
    seed : int, default 1
    params : dict, optional
        Other parameters (default: the defaults); ``population.size`` is ``shoppers``.

    Returns
    -------
    dict
        ``shoppers``, ``days``, ``reference_build_seconds``,
        ``reference_run_seconds``, ``model_build_seconds``, ``model_run_seconds``,
        ``reference_agent_days_per_s`` and ``model_agent_days_per_s`` (shoppers ×
        days over the run time, building excluded, as in ``benchmarks.model``),
        ``ratio`` (model over reference agent-days per second), the processor
        time of each run (``*_run_cpu_seconds``, steadier than the wall clock on a
        shared machine) and their ``cpu_ratio``, and ``peak_rss_mb``.

    Notes
    -----
    The reference calls the rule functions of :mod:`sim.rules` (written for
    arrays) on one-element arrays, so that the two implementations share every
    formula. That costs: the same agents with the formulas written out with the
    ``math`` module ran 2.5-4 times faster (processor time, 20,000 shoppers x 60
    days: 66,000-70,000 agent-days/s against 22,500-26,000; 2,000 x 30: 100,000-110,000
    against 26,000). A ratio against this reference is therefore 2.5-4 times the
    ratio against a hand-written scalar Mesa model of the same rules.

    Examples
    --------
    >>> result = compare_reference(shoppers=200, days=2)
    >>> result["ratio"] > 0
    True
    """
    settings = dict(params or {})
    settings["population"] = {**settings.get("population", {}), "size": shoppers}
    timings = {}
    for name, model_class in (("reference", ReferenceModel), ("model", ShopperModel)):
        # compile (or load) the kernels both share before timing (sim.jit)
        small = {**settings, "population": {**settings["population"], "size": 500}}
        model_class(small, rng=seed).run(2)
        start = time.perf_counter()
        model = model_class(settings, rng=seed)
        built, cpu = time.perf_counter(), time.process_time()
        model.run(days)
        done, cpu = time.perf_counter(), time.process_time() - cpu
        timings[name] = (built - start, done - built, cpu)
    agent_days = shoppers * days
    ref_rate = agent_days / timings["reference"][1]
    model_rate = agent_days / timings["model"][1]
    return {
        "shoppers": shoppers,
        "days": days,
        "reference_build_seconds": round(timings["reference"][0], 3),
        "reference_run_seconds": round(timings["reference"][1], 3),
        "reference_run_cpu_seconds": round(timings["reference"][2], 3),
        "model_build_seconds": round(timings["model"][0], 3),
        "model_run_seconds": round(timings["model"][1], 3),
        "model_run_cpu_seconds": round(timings["model"][2], 3),
        "reference_agent_days_per_s": round(ref_rate),
        "model_agent_days_per_s": round(model_rate),
        "ratio": round(model_rate / ref_rate, 1),
        "cpu_ratio": round(timings["reference"][2] / max(timings["model"][2], 1e-9), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Command line: ``python -m benchmarks.mesa_reference [--shoppers N] [--days D]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    result = compare_reference(args.shoppers, args.days, args.seed)
    print_result(result, as_json=args.json, width=28)
    return result


if __name__ == "__main__":
    main()
