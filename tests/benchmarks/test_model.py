"""The model benchmark reports speed, memory per shopper and, on request, time per stage."""

from dataclasses import fields

from benchmarks import model
from sim import ShopperModel


def test_profile_reports_seconds_for_every_stage_of_the_day(capsys):
    result = model.main(["--shoppers", "400", "--days", "3", "--json", "--profile"])
    stages = {key for key in result if key.startswith("stage_")}
    assert {"stage_acquire", "stage_purchase", "stage_word_of_mouth", "stage_metrics"} <= stages
    assert all(result[key] >= 0 for key in stages)
    assert '"stage_acquire"' in capsys.readouterr().out


def test_memory_is_reported_per_shopper():
    result = model.main(["--shoppers", "400", "--days", "1", "--json"])
    # one element of every state column per shopper: the sum of the columns' item sizes
    shoppers = ShopperModel({"population": {"size": 400}}, rng=1).shoppers
    row = sum(getattr(shoppers, f.name).itemsize for f in fields(shoppers))
    assert result["state_bytes_per_shopper"] == row
    # CSR: a float32 weight and an int32 index per tie end, plus the row pointers
    assert 8 * 8 < result["graph_bytes_per_shopper"] < 12 * 8 + 8
    assert "stage_acquire" not in result
