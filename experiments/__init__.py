"""Strategy experiments: strategies x scenarios x replications on the shopper model.

The spec is data (a YAML config validated by :mod:`experiments.config`); one runner
(:func:`experiments.runner.run_experiment`) executes it on local processes or Dask,
and one results object (:class:`experiments.results.ExperimentResults`) turns it into
tables (``.to_df()``, ``.compare()``, ``.rank()``, ``.segments()``, ``.ranked()``) and
plots (``.plot()``).

Modules: ``config`` (spec), ``loader`` (YAML and includes), ``overrides`` (dotted
paths, ``--set``), ``sweeps`` (grid / Latin / Sobol / Morris designs), ``design``
(the runs and their parameters), ``seeds`` (common random numbers), ``executors``
(local processes, Dask), ``worker`` (one run), ``store`` (files), ``manifest``,
``runner``, ``analysis`` (paired comparisons), ``ranking`` (expected uplift, P(best),
regret), ``segments`` (paired comparisons per segment), ``sensitivity`` (sweep indices),
``plots``, ``results``, ``commands`` (``shoplab run / validate / plot``).

Examples
--------
>>> from experiments.config import load_config
>>> from experiments.runner import run_experiment
>>> config = load_config("experiments/configs/quickstart.yaml", ["replications=2"])
>>> results = run_experiment(config, "results/demo")  # doctest: +SKIP
>>> results.ranked()  # doctest: +SKIP
"""
