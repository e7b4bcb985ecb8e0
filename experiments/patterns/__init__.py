"""Pattern-oriented validation of the shopper model (``shoplab patterns``).

Grimm et al. (2005, Science 310: 987-991) ask of an agent-based model that it
reproduce several patterns observed at different levels at once, each judged
against evidence from outside the model. This package runs the model at a stated
size, measures each pattern and checks it against a range taken from a published
source:

* :mod:`experiments.patterns.checks`: the patterns (definition, range, source) and
  their measurements on one replication's results;
* :mod:`experiments.patterns.runs`: running the replications (and the paired
  lower-churn counterparts) sequentially or in worker processes;
* :mod:`experiments.patterns.report`: the table, ``patterns.csv`` and the page
  ``docs/validation.md``;
* :mod:`experiments.patterns.cli`: the ``shoplab patterns`` command.

Examples
--------
>>> from experiments.patterns import PATTERNS
>>> PATTERNS[0].name
'satisfied defectors'
"""

from experiments.patterns.checks import PATTERNS, Measurement, Pattern, RunRecord, evaluate
from experiments.patterns.runs import PatternRun, run_patterns

__all__ = [
    "PATTERNS",
    "Measurement",
    "Pattern",
    "PatternRun",
    "RunRecord",
    "evaluate",
    "run_patterns",
]
