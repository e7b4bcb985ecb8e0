"""Order-log analysis: real (or simulated) CRM order logs → summaries, BTYD models, targets.

The whole analysis is :func:`survey.orders.analyze.analyze_orders` (``shoplab orders
analyze`` on the command line). Modules, one job each: ``frame`` (the order-frame
schema and its checker), ``mapping`` (which file column is which field), ``io`` (read
CSV / XLSX / Parquet), ``cleaning`` (duplicates, refunds, bad dates and amounts, with a
log), one module per summary family (``repeat``, ``interpurchase``, ``cohorts``,
``concentration``, ``order_value``), the buy-till-you-die models (``rfm``, ``bgnbd``,
``gammagamma``, ``holdout``, ``btyd_plots``), ``targets`` (behavioural calibration
targets), ``plots``, ``report``, ``cli``. This package imports nothing from ``sim`` or
``experiments``.
"""
