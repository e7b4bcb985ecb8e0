"""The same daily rules written the idiomatic Mesa way: one Agent object per shopper.

This is the comparison point for the vectorised model. Each shopper is a
``mesa.Agent`` whose ``step()`` applies the day's rules with Python scalars, and the
model calls ``self.agents.shuffle_do("step")``: the Boltzmann-wealth style of Mesa's
examples. It covers acquisition (fully mixed Bass), purchase, platform choice,
experience, satisfaction, loyalty and churn with the same formulas and default
parameters as :mod:`sim` (no network, no group buys, no entrants, no rivals' deal
days, no strategies; churn without the price gap and the per-shopper frailty), so
the timing is a lower bound on what the object version of the full model would cost.

Run from the project root::

    python -m benchmarks.mesa_agents --shoppers 20000 --days 60 --json
"""

from __future__ import annotations

import argparse
import math
import time

import mesa

from benchmarks.results import peak_rss_mb, print_result
from sim import ModelParams, ShopperModel
from sim.rules.choice import service_level


class Shopper(mesa.Agent):
    """One shopper as a Python object."""

    def __init__(
        self, model: ObjectModel, price_sensitivity: float, rate: float, expectation: float
    ) -> None:
        super().__init__(model)
        self.price_sensitivity = price_sensitivity
        self.rate = rate
        self.expectation = expectation
        self.satisfaction = 0.0
        self.loyalty = 0.0
        self.state = "prospect"

    def step(self) -> None:
        m, p = self.model, self.model.params
        rnd = m.random.random
        if self.state == "prospect":
            share = m.active_share
            a = p.acquisition
            p_day, q_day = a.innovation_per_day, a.imitation_per_day
            mid = share + 0.5 * (p_day + q_day * share) * (1 - share)
            if rnd() < 1 - math.exp(-(p_day + q_day * mid)):
                self.state = "active"
                self.satisfaction = p.satisfaction.initial
            return
        if self.state != "active":
            return
        if rnd() < 1 - math.exp(-self.rate):
            weights = [math.exp(u) for u in m.utilities(self)]
            pick, cumulative, draw = 0, 0.0, rnd() * sum(weights)
            for pick, w in enumerate(weights):  # noqa: B007
                cumulative += w
                if draw < cumulative:
                    break
            if pick == 0:
                f, e, s = m.focal, p.experience, p.satisfaction
                defect = rnd() < f.defect_rate
                late = rnd() < f.late_rate
                complaint = rnd() < 1 - (1 - e.complaint_if_defect * defect) * (
                    1 - e.complaint_if_late * late
                )
                resolved = complaint and rnd() < f.resolution_rate
                perf = (
                    f.quality
                    + e.performance_noise * m.random.gauss(0, 1)
                    - e.defect_penalty * defect
                    - e.late_penalty * late
                    - e.unresolved_penalty * (complaint and not resolved)
                    + e.recovery_bonus * resolved
                )
                perf = min(max(perf, 0.0), 1.0)
                order_sat = min(
                    max(perf + s.disconfirmation_weight * (perf - self.expectation), 0), 1
                )
                self.satisfaction += s.learning_rate * (order_sat - self.satisfaction)
                self.expectation += s.expectation_adaptation * (perf - self.expectation)
        lp = p.loyalty
        target = 1 / (1 + math.exp(-lp.curve_steepness * (self.satisfaction - lp.curve_midpoint)))
        rate = lp.growth_rate if target > self.loyalty else lp.decay_rate
        self.loyalty += rate * (target - self.loyalty)
        hazard = lp.base_churn_hazard * math.exp(-lp.loyalty_effect * self.loyalty)
        if rnd() < 1 - math.exp(-hazard):
            self.state = "churned"


class ObjectModel(mesa.Model):
    """A Mesa model with one Agent object per shopper."""

    def __init__(self, params: ModelParams, seed: int) -> None:
        super().__init__(rng=seed)
        self.params = params
        self.focal = params.platforms[0]
        self.active_share = 0.0
        self.platform_base = [
            params.choice.quality_weight * pl.quality
            + params.choice.service_weight * service_level(pl.late_rate, pl.resolution_rate)
            + params.choice.assortment_weight * pl.assortment
            for pl in params.platforms
        ]
        pop = params.population
        for segment in pop.segments:
            for _ in range(round(segment.share * pop.size)):
                Shopper(
                    self,
                    segment.price_sensitivity.mean,
                    pop.purchase_rate_scale * segment.purchase_rate.mean,
                    segment.quality_expectation.mean,
                )
        lp, initial = params.loyalty, params.satisfaction.initial
        loyalty = 1 / (1 + math.exp(-lp.curve_steepness * (initial - lp.curve_midpoint)))
        agents = list(self.agents)
        for shopper in self.random.sample(agents, round(pop.initial_active_share * len(agents))):
            shopper.state, shopper.satisfaction, shopper.loyalty = "active", initial, loyalty

    def utilities(self, shopper: Shopper) -> list[float]:
        c = self.params.choice
        out = [
            base - c.price_weight * shopper.price_sensitivity * math.log(pl.price_index)
            for base, pl in zip(self.platform_base, self.params.platforms, strict=True)
        ]
        out[0] += c.loyalty_weight * shopper.loyalty
        return out

    def step(self) -> None:
        n = len(self.agents)
        self.active_share = sum(a.state == "active" for a in self.agents) / n
        self.agents.shuffle_do("step")


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = {
        "population": {"size": args.shoppers, "initial_active_share": 0.3},
        "network": {"kind": "fully_mixed"},
        "group_buy": {"enabled": False},
        "market": {"growth_per_year": 0.0},
    }
    params = ModelParams.model_validate(settings)

    start = time.perf_counter()
    objects = ObjectModel(params, seed=1)
    for _ in range(args.days):
        objects.step()
    object_seconds = time.perf_counter() - start

    start = time.perf_counter()
    ShopperModel(settings, rng=1).run(args.days)
    vector_seconds = time.perf_counter() - start

    agent_days = args.shoppers * args.days
    result = {
        "shoppers": args.shoppers,
        "days": args.days,
        "mesa_agents_seconds": round(object_seconds, 3),
        "vectorised_seconds": round(vector_seconds, 3),
        "mesa_agents_agent_days_per_s": round(agent_days / object_seconds),
        "vectorised_agent_days_per_s": round(agent_days / vector_seconds),
        "speedup": round(object_seconds / vector_seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print_result(result, as_json=args.json, width=30)
    return result


if __name__ == "__main__":
    main()
