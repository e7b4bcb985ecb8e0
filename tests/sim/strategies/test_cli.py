import re

from experiments.cli import main
from sim.strategies import REGISTRY
from sim.strategies.cli import catalogue_text
from sim.strategies.targeting import Targeting


def test_shoplab_strategies_lists_every_strategy_and_exits_0(capsys):
    assert main(["strategies"]) == 0
    out = capsys.readouterr().out
    for kind, cls in REGISTRY.items():
        assert f"\n{kind}\n  {cls.summary}\n" in out


def test_the_listing_shows_every_parameter_with_unit_default_and_range():
    for kind, cls in REGISTRY.items():
        text = catalogue_text([kind])
        for name, field in cls.model_fields.items():
            if name in ("kind", "target"):
                continue
            unit = re.escape(field.json_schema_extra["unit"])
            default = re.escape(f"{field.default:g}")
            line = rf"\n  {name} +unit {unit} \| default {default} \| range [\[(].*[\])]\n"
            assert re.search(line, text), f"{kind}.{name}"
    assert "  discount  unit share | default 0.05 | range [0, 1)" in catalogue_text(["coupons"])


def test_the_listing_ends_with_the_targeting_options():
    text = catalogue_text(["baseline"])
    targeting = text[text.index("Targeting") :]
    for name in Targeting.model_fields:
        assert f"  {name}  " in targeting
    assert "everyone | segment | tier | at_risk" in targeting


def test_one_strategy_can_be_listed_and_an_unknown_one_is_a_user_error(capsys):
    assert main(["strategies", "winback"]) == 0
    out = capsys.readouterr().out
    assert "winback" in out and "coupons" not in out
    assert main(["strategies", "nope"]) == 2
    assert "unknown strategy kind" in capsys.readouterr().err


def test_the_listing_shows_each_effect_sizes_default_prior_and_its_source():
    text = catalogue_text(["recommendation", "coupons"])
    assert "prior: triangular(low 1, mode 1.1, high 1.2); assumed: from no effect (1)" in text
    assert text.count("prior:") == len(REGISTRY["recommendation"].priors()) == 2
