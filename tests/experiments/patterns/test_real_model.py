"""The patterns on the real model at a small size (6,000 shoppers, 365 days, 2 replications).

The same checks as `shoplab patterns`, at a size the suite can afford: every pattern
gets a value and every required one holds on the default parameters.
"""

import math

import pytest

from experiments.patterns.checks import evaluate
from experiments.patterns.runs import PatternRun, run_patterns

SMALL = PatternRun(shoppers=6000, days=365, replications=2, seed=0)


@pytest.fixture(scope="module")
def small_run():
    return evaluate(run_patterns(None, SMALL))


def test_every_pattern_has_a_value_on_the_real_model(small_run):
    table = small_run
    missing = table[table["model value"].map(math.isnan)]
    assert missing.empty, missing[["pattern", "note"]].to_string()


def test_every_required_pattern_holds_on_the_real_model(small_run):
    table = small_run
    failing = table[table["required"] & ~table["in range"]]
    assert failing.empty, failing[["pattern", "range", "model value", "note"]].to_string()
