"""The order-log pipeline: published CDNOW estimates end to end; three formats, one result."""

import json

import numpy as np
import pandas as pd
import pytest

from survey.errors import DataError
from survey.orders.analyze import OrderSettings, analyze_orders, analyze_raw_orders
from survey.orders.cdnow import load_cdnow
from survey.orders.io import RawOrders

SETTINGS = OrderSettings("1997-09-30", n_boot=20, seed=3)
OUTPUTS = [
    "summary.csv",
    "cohorts.csv",
    "bgnbd.csv",
    "gammagamma.csv",
    "holdout.csv",
    "tracking.csv",
    "cleaning_log.csv",
]


def _messy_log():
    """The CDNOW sample as a CRM export: numeric and text ids, d.m.Y dates, order ids,
    a bad date and a refund."""
    cdnow = load_cdnow()
    n = len(cdnow)
    log = pd.DataFrame(
        {
            "client": cdnow["customer_id"].astype(int).astype(object),
            "day": cdnow["date"].dt.strftime("%d.%m.%Y"),
            "total": cdnow["amount"],
            "ref": [f"o{i}" for i in range(n)],
            "grp": np.where(np.arange(n) % 3 == 0, "yes", "no"),
        }
    )
    log.loc[::7, "client"] = log.loc[::7, "client"].astype(str)  # ids as texts in some rows
    log.loc[3, "day"] = "32.13.1997"  # unparsable
    refund = log.iloc[[10]].assign(total=-5.0, day="30.12.1997")  # refunds order o10
    return pd.concat([log, refund], ignore_index=True)


def test_cdnow_reproduces_the_published_estimates(tmp_path):
    raw = RawOrders(load_cdnow(), "CDNOW_sample.txt")
    analysis = analyze_raw_orders(raw, tmp_path, SETTINGS, plots=False)
    bgnbd = pd.read_csv(tmp_path / "bgnbd.csv").set_index("parameter")["estimate"]
    # Fader, Hardie & Lee (2005), sec. 5: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
    # LL = -9582.4 on the CDNOW sample, calibration period to 1997-09-30 (39 weeks)
    assert bgnbd[["r", "alpha", "a", "b"]].round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    assert round(bgnbd["loglik"], 1) == -9582.4
    gamma = pd.read_csv(tmp_path / "gammagamma.csv").set_index("parameter")["estimate"]
    # Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": p, q, gamma =
    # 6.25, 3.74, 15.44
    assert gamma[["p", "q", "gamma"]].round(2).tolist() == [6.25, 3.74, 15.44]
    customers = pd.read_parquet(tmp_path / "customers.parquet")
    assert len(customers) == 2357 and customers["p_alive"].between(0, 1).all()
    assert (customers["clv"] >= 0).all() and customers["expected_purchases"].notna().all()
    assert set(customers.columns) >= {"customer_id", "p_alive", "expected_purchases", "clv"}
    holdout = pd.read_csv(tmp_path / "holdout.csv")
    assert holdout["n"].sum() == 2357
    assert analysis.cleaned.log["what"].tolist() == ["exact duplicate rows", "zero amount"]


def test_the_same_log_as_csv_xlsx_and_parquet_gives_identical_outputs(tmp_path):
    log = _messy_log()
    log.to_csv(tmp_path / "log.csv", index=False)
    log.to_excel(tmp_path / "log.xlsx", index=False)
    log.astype({"client": str}).to_parquet(tmp_path / "log.parquet")
    from survey.orders.mapping import ColumnMapping

    mapping = ColumnMapping(
        customer_id="client", date="day", amount="total", order_id="ref", group_order="grp",
        date_format="%d.%m.%Y",
    )  # fmt: skip
    settings = SETTINGS
    outputs = {}
    for suffix in ("csv", "xlsx", "parquet"):
        out = tmp_path / suffix
        analysis = analyze_orders(
            tmp_path / f"log.{suffix}", out, settings, mapping=mapping, plots=False
        )
        assert len(analysis.cleaned.orders) == 6918  # 6920 rows - a bad date - the refund row
        outputs[suffix] = {name: (out / name).read_bytes() for name in OUTPUTS}
        outputs[suffix]["customers"] = pd.read_parquet(out / "customers.parquet")
        outputs[suffix]["targets"] = json.loads((out / "targets.json").read_text())["targets"]
    for suffix in ("xlsx", "parquet"):
        for name in OUTPUTS:
            assert outputs[suffix][name] == outputs["csv"][name], (suffix, name)
        pd.testing.assert_frame_equal(outputs[suffix]["customers"], outputs["csv"]["customers"])
        assert outputs[suffix]["targets"] == outputs["csv"]["targets"]
    log_entries = pd.read_csv(tmp_path / "csv" / "cleaning_log.csv").set_index("what")["count"]
    assert log_entries["unparsable date"] == 1 and log_entries["refund matched"] == 1


def test_calibration_end_outside_the_log_is_one_line(tmp_path):
    raw = RawOrders(load_cdnow(), "CDNOW_sample.txt")
    with pytest.raises(
        DataError,
        match=r"CDNOW_sample.txt: calibration end 1999-01-01 is outside the log; allowed: 1997",
    ):
        analyze_raw_orders(raw, tmp_path, OrderSettings("1999-01-01"), plots=False)


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        (OrderSettings("1997-09-30", period="M"), "period 'M'"),
        (OrderSettings("not a date"), "calibration end 'not a date' is not a date"),
        (OrderSettings("1997-09-30", margin=0), "margin 0"),
        (OrderSettings("1997-09-30", horizon_days=0), "horizon 0 days"),
        (OrderSettings("1997-09-30", annual_discount_rate=1.5), "discount rate 1.5"),
    ],
)
def test_bad_settings_are_one_line_errors(settings, fragment):
    with pytest.raises(DataError, match=fragment):
        settings.check()


def test_a_log_without_repeat_buyers_reports_no_model_and_says_why(tmp_path):
    orders = pd.DataFrame(
        {
            "customer_id": [str(i) for i in range(30)],
            "date": pd.date_range("2024-01-01", periods=30),
            "amount": 5.0,
        }
    )
    analysis = analyze_raw_orders(
        RawOrders(orders, "one-off.csv"),
        tmp_path,
        OrderSettings("2024-01-20", n_boot=0),
        plots=False,
    )
    assert analysis.bgnbd is None and pd.read_csv(tmp_path / "bgnbd.csv").empty
    assert any(note.startswith("BG/NBD not reported: ") for note in analysis.notes)
    assert pd.read_parquet(tmp_path / "customers.parquet")["clv"].isna().all()


def test_formula_text_in_the_log_is_neutralised_in_the_csv_outputs(tmp_path):
    # issue 15: formula cells must be neutralised in every CSV output; the order outputs
    # were written with a plain to_csv
    from survey.orders.mapping import ColumnMapping

    log = _messy_log()
    log.loc[3, "day"] = '=HYPERLINK("http://evil.example","x")'
    log.to_csv(tmp_path / "log.csv", index=False)
    mapping = ColumnMapping(
        customer_id="client", date="day", amount="total", order_id="ref", group_order="grp",
        date_format="%d.%m.%Y",
    )  # fmt: skip
    out = tmp_path / "out"
    analyze_orders(tmp_path / "log.csv", out, OrderSettings("1997-09-30", n_boot=0),
                   mapping=mapping, plots=False)  # fmt: skip
    text = (out / "cleaning_log.csv").read_text(encoding="utf-8")
    assert "=HYPERLINK" in text and ",=HYPERLINK" not in text and "'=HYPERLINK" in text
    assert not list(out.glob(".*partial*"))
