from __future__ import annotations

import io

import numpy as np
import pytest

from experiments.dashboard import plots
from experiments.dashboard.network_sample import NetworkSample
from sim import ShopperModel
from sim.states import ACTIVE, CHURNED, PROSPECT


@pytest.fixture(scope="module")
def model() -> ShopperModel:
    model = ShopperModel({"population": {"size": 600}, "strategies": [{"kind": "coupons"}]}, rng=3)
    model.run(10)
    return model


@pytest.fixture(scope="module")
def frame(model):
    return model.datacollector.get_model_vars_dataframe()


def _line(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def test_the_customer_plot_shows_active_and_churned_from_the_initial_state(frame):
    ax = plots.plot_customers(frame)
    assert _line(ax, "active customers").get_xdata()[0] == -1  # the state before day 0
    np.testing.assert_array_equal(_line(ax, "active customers").get_ydata(), frame["active"])
    np.testing.assert_array_equal(_line(ax, "churned (lost)").get_ydata(), frame["churned"])


def test_money_is_summed_from_day_0_and_profit_is_revenue_less_costs(frame):
    ax = plots.plot_money(frame)
    revenue, costs, profit = (
        _line(ax, name).get_ydata()
        for name in ("revenue", "costs (acquisition + strategies)", "profit")
    )
    np.testing.assert_allclose(revenue, frame["revenue"].cumsum())
    np.testing.assert_allclose(profit, revenue - costs)
    assert costs[-1] > 0  # coupons and acquisition cost money


def test_experience_and_nps_are_drawn_on_their_scales(frame):
    ax = plots.plot_experience(frame)
    assert ax.get_ylim() == (0, 1)
    np.testing.assert_array_equal(_line(ax, "loyalty").get_ydata(), frame["loyalty"])
    ax = plots.plot_nps(frame)
    assert ax.get_ylim() == (-100, 100)


def test_the_segment_view_has_one_line_per_segment(model, frame):
    ax = plots.plot_segments(frame, model.segment_names, "satisfaction")
    assert [line.get_label() for line in ax.get_lines()] == model.segment_names
    with pytest.raises(ValueError, match="measure must be one of"):
        plots.plot_segments(frame, model.segment_names, "revenue")


def test_the_network_view_colours_each_shopper_by_state_and_counts_them():
    sample = NetworkSample(nodes=np.array([0, 2, 3]), edges=np.array([[0, 1], [1, 2]]))
    states = np.array([ACTIVE, PROSPECT, CHURNED, ACTIVE])
    ax = plots.plot_network(sample, np.array([[0, 0], [1, 0], [0, 1]]), states)
    colours = ax.collections[-1].get_facecolors()
    expected = [plots.STATE_COLOURS[s] for s in (ACTIVE, CHURNED, ACTIVE)]
    np.testing.assert_allclose(colours[:, :3], [_rgb(c) for c in expected])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["active (2)", "churned (1)"]


def _rgb(hex_colour: str) -> list[float]:
    return [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]


def test_chinese_segment_names_are_drawn_with_glyphs(frame, recwarn, caplog):
    # a segment a user names in Chinese: without a CJK font matplotlib warns that the
    # glyphs are missing from the font (tests/survey/test_fonts.py checks the warning)
    renamed = frame.rename(columns={"active_rural": "active_农村", "active_young": "active_年轻人"})
    ax = plots.plot_segments(renamed, ["农村", "年轻人"], "active")
    ax.figure.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in recwarn] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "missing from font" in m]
