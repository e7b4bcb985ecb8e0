"""The patterns on the real model at a small size (3,000 shoppers, 365 days, 1 replication).

The summary fields the patterns read (gmv, take_rate, satisfied_defector_share, ...)
arrive with the grounded model; until then these tests are expected to fail.
"""

import math
import time

import pytest

from experiments.patterns.checks import evaluate
from experiments.patterns.runs import PatternRun, run_patterns

SMALL = PatternRun(shoppers=3000, days=365, replications=1, seed=0)


@pytest.fixture(scope="module")
def small_run():
    start = time.perf_counter()
    records = run_patterns(None, SMALL)
    return evaluate(records), time.perf_counter() - start


@pytest.mark.xfail(strict=False, reason="awaits grounded model")
def test_every_pattern_has_a_value_on_the_real_model_within_20_seconds(small_run):
    table, seconds = small_run
    assert seconds < 20
    missing = table[table["model value"].map(math.isnan)]
    assert missing.empty, missing[["pattern", "note"]].to_string()


@pytest.mark.xfail(strict=False, reason="awaits grounded model")
def test_every_required_pattern_holds_on_the_real_model(small_run):
    table, _ = small_run
    failing = table[table["required"] & ~table["in range"]]
    assert failing.empty, failing[["pattern", "range", "model value", "note"]].to_string()
