"""``shoplab robustness``: which assumptions decide the ranking, and where each arm wins.

A Sobol design over the config's uncertain parameters (:mod:`.design`), run through
the experiment runner with common random numbers; Sobol indices of each arm's
uplift and of the identity of the best arm (:mod:`.analysis`); PRIM boxes of where
each arm is best or loses money (:mod:`.scenarios`, through the EMA Workbench
adapter :mod:`.prim`); plots (:mod:`.plots`); the whole run and its outputs
(:mod:`.runner`); the findings in words (:mod:`.report`); the command (:mod:`.cli`).
The method and how to read the outputs are in ``docs/robustness.md``.
"""
