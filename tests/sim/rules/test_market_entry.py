import numpy as np

from sim.rules.market_entry import EntrySchedule, entrants_by_day


def test_entrants_grow_the_market_by_the_yearly_rate():
    # 13% a year of a 100,000-shopper market: 13,000 entrants in 365 days, to rounding
    cum = entrants_by_day(100_000, growth_per_year=0.13, days=365)
    assert cum[0] == 0 and cum[-1] == 13_000
    assert np.all(np.diff(cum) >= 0)
    assert np.diff(cum).max() - np.diff(cum).min() <= 1  # spread evenly over the days


def test_every_shopper_enters_exactly_once_on_the_scheduled_day():
    s = EntrySchedule.build(5000, growth_per_year=0.5, days=100, rng=np.random.default_rng(3))
    seen = np.concatenate([s.entering(d) for d in range(101)])
    assert np.array_equal(np.sort(seen), np.arange(s.size))
    for d in (0, 1, 57, 100):
        assert np.all(s.entry_day[s.entering(d)] == d)
    assert s.entering(101).size == 0 and s.entering(10_000).size == 0


def test_entrants_are_spread_over_all_positions():
    s = EntrySchedule.build(10_000, growth_per_year=1.0, days=365, rng=np.random.default_rng(4))
    late = np.flatnonzero(s.entry_day > 0)
    # positions of entrants are uniform over the index range, not a block at the end
    assert abs(late.mean() / s.size - 0.5) < 0.02


def test_no_growth_means_everyone_is_there_on_day_zero():
    s = EntrySchedule.build(300, growth_per_year=0.0, days=30, rng=np.random.default_rng(0))
    assert s.size == 300 and s.entering(0).size == 300 and s.entering(5).size == 0
