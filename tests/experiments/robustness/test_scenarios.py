import numpy as np
import pandas as pd
import pytest

from experiments.robustness.scenarios import SCENARIO_COLUMNS, scenario_boxes


def _outcomes(design: pd.DataFrame) -> pd.DataFrame:
    """Arm a is best where x > 0.6 and loses money where y < 0.25; the baseline elsewhere."""
    a_best = (design["x"] > 0.6).to_numpy()
    rows = {
        "a": {"profit_uplift": np.where(design["y"] < 0.25, -1.0, 1.0), "is_best": a_best},
        "baseline": {"profit_uplift": np.zeros(len(design)), "is_best": ~a_best},
    }
    return pd.concat(
        pd.DataFrame(
            {
                "scenario": "base",
                "strategy": arm,
                "design_point": design.index,
                "profit_uplift": v["profit_uplift"],
                "is_best": v["is_best"].astype(float),
            }
        )
        for arm, v in rows.items()
    )


def test_boxes_locate_where_each_arm_is_best_and_where_it_loses_money():
    rng = np.random.default_rng(2)
    design = pd.DataFrame({"x": rng.random(800), "y": rng.random(800)})
    boxes = scenario_boxes(_outcomes(design), design).set_index(["strategy", "question"])
    assert list(boxes.columns) == list(SCENARIO_COLUMNS[:1] + SCENARIO_COLUMNS[3:])
    best = boxes.loc[("a", "best")]
    assert best["parameter"] == "x" and best["low"] == pytest.approx(0.6, abs=0.03)
    loses = boxes.loc[("a", "loses_money")]
    assert loses["parameter"] == "y" and loses["high"] == pytest.approx(0.25, abs=0.03)
    assert loses["range_low"] == design["y"].min() and loses["range_high"] == design["y"].max()
    assert ("baseline", "loses_money") not in boxes.index  # the baseline's uplift is 0


def test_an_arm_never_best_has_one_row_saying_so():
    design = pd.DataFrame({"x": np.linspace(0, 1, 50)})
    outcomes = pd.DataFrame(
        {
            "scenario": "base",
            "strategy": "a",
            "design_point": range(50),
            "profit_uplift": 1.0,
            "is_best": 0.0,
        }
    )
    boxes = scenario_boxes(outcomes, design)
    best = boxes[boxes["question"] == "best"]
    assert len(best) == 1 and best["note"].iloc[0].startswith("never")
    assert best["parameter"].isna().all() and (best["points"] == 50).all()
