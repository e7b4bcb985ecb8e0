"""The best mix of retention strategies within a yearly budget (``shoplab optimise``).

The strategies named in a config are levers, each on or off, with some of their
parameters searched over ranges (:mod:`.config`, :mod:`.space`); a seeded optuna
study proposes mixes in batches (:mod:`.search`), each simulated against the
baseline on common random numbers (:mod:`.evaluate`), with the budget as a
constraint on the strategy cost a year. The best mixes are re-evaluated on fresh
replications (:mod:`.reevaluate`) and written out (:mod:`.report`, :mod:`.plots`).
"""
