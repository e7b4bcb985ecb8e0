import numpy as np

from sim.rules.rival_deals import best_offer, draw_deal_days, rival_prices_today


def test_deal_days_occur_at_their_frequency():
    rng = np.random.default_rng(0)
    days = np.array([draw_deal_days(np.array([0.1, 0.4]), rng.random(2)) for _ in range(20_000)])
    # binomial SE of a share over 20,000 days is below 0.004
    np.testing.assert_allclose(days.mean(axis=0), [0.1, 0.4], atol=0.015)


def test_zero_frequency_never_deals_and_one_always_does():
    u = np.random.default_rng(1).random((1000, 2))
    on = np.array([draw_deal_days(np.array([0.0, 1.0]), row) for row in u])
    assert not on[:, 0].any() and on[:, 1].all()


def test_a_deal_cuts_only_the_rival_on_deal_by_its_depth():
    prices = rival_prices_today(
        np.array([1.0, 1.15]), on_deal=np.array([False, True]), depth=np.array([0.5, 0.2])
    )
    np.testing.assert_allclose(prices, [1.0, 0.92])
    assert best_offer(prices) == prices[1]
