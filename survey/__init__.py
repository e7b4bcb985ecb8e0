"""Survey analysis: real satisfaction–loyalty questionnaires → statistics, report, targets.

The whole analysis is :func:`survey.analyze.analyze_survey` (``shoplab survey
analyze`` on the command line). Modules, one job each: ``io`` (read CSV / XLSX /
SPSS / platform exports), ``codebook``, ``cleaning``, ``scoring``, one module per
statistic family (``descriptives``, ``reliability``, ``validity``, ``correlation``,
``regression``, ``mediation``, ``segments``, ``nps``, ``curve``, ``pls``),
``targets`` (calibration targets), ``plots``, ``report``, ``export``, ``cli``.
This package imports nothing from ``sim`` or ``experiments``.
"""
