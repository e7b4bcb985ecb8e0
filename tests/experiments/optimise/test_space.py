import json

import optuna

from experiments.optimise.config import parse_optimise_config
from experiments.optimise.space import SearchSpace, describe_mix, mix_key

DATA = {
    "name": "x",
    "strategies": {
        "coupons": [{"kind": "coupons", "target": {"kind": "at_risk", "predictor": "oracle"}}],
        "winback": [{"kind": "winback"}],
        "points": [{"kind": "loyalty_points"}],
    },
    "optimise": {
        "ranges": {
            "coupons": {"target.risk_threshold": [0.05, 0.4]},
            "winback": {"contact_interval_days": [7, 60]},
            "points": {
                "target": {"choices": [{"kind": "everyone"}, {"kind": "tier", "tiers": [2]}]}
            },
        }
    },
}


def space() -> SearchSpace:
    return SearchSpace.from_config(parse_optimise_config(json.loads(json.dumps(DATA))))


def test_a_whole_number_parameter_is_searched_over_whole_numbers():
    found = space()
    assert found.integers == {"winback.contact_interval_days"}
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    values = [found.suggest(study.ask())["winback.contact_interval_days"] for _ in range(20)]
    assert all(isinstance(v, int) and 7 <= v <= 60 for v in values)


def test_a_choice_is_returned_as_the_value_and_set_in_the_mix():
    found = space()
    point = found.suggest(
        optuna.trial.FixedTrial(
            {
                "coupons": False,
                "coupons.target.risk_threshold": 0.2,
                "winback": False,
                "winback.contact_interval_days": 30,
                "points": True,
                "points.target": 1,
            }
        )
    )
    assert point["points.target"] == {"kind": "tier", "tiers": [2]}
    mix = found.mix(point)
    assert list(mix) == ["points"]  # the levers off are left out
    assert mix["points"][0]["target"]["tiers"] == [2]


def test_a_row_leaves_the_parameters_of_levers_off_empty_and_writes_values_as_json():
    found = space()
    row = found.row(
        {
            "coupons": False,
            "coupons.target.risk_threshold": 0.2,
            "winback": True,
            "winback.contact_interval_days": 30,
            "points": True,
            "points.target": {"kind": "everyone"},
        }
    )
    assert row["coupons.target.risk_threshold"] is None
    assert row["winback.contact_interval_days"] == 30
    assert json.loads(row["points.target"]) == {"kind": "everyone"}
    assert list(row) == found.columns


def test_equal_mixes_have_equal_keys_and_a_mix_reads_as_its_levers():
    a = {"x": [{"kind": "coupons", "discount": 0.1}], "y": []}
    assert mix_key(a) == mix_key(dict(reversed(a.items())))
    assert describe_mix(a) == "x + y"
