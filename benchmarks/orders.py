"""Speed and memory of ``shoplab orders analyze`` on a large generated order log.

Run from the repository root::

    python -m benchmarks.orders --orders 1000000 --customers 100000 --json

prints one JSON line with ``orders``, ``customers``, ``seconds`` (the whole command,
as ``shoplab orders analyze LOG --calibration-end ... --out DIR`` runs it: reading,
cleaning, summaries, BG/NBD and Gamma-Gamma fits with holdout tables, per-customer
predictions, targets with 200 bootstrap resamples, plots and report), one entry per
input format (``csv_seconds``, ``parquet_seconds``, each also by step: ``read``,
``clean``, ``analysis`` with the model fits, ``write`` with plots and report; and
``csv_cpu_seconds``, ``parquet_cpu_seconds``: the process's CPU time, steadier than the
wall clock on a shared machine) and ``peak_rss_mb``. Bar: 10 s.

The log follows the BG/NBD and Gamma-Gamma stories (Fader, Hardie & Lee 2005; Fader
& Hardie 2013): customers join over the first 90 days, buy at gamma-distributed
rates, drop out after each purchase with a beta-distributed probability, and spend
gamma amounts around a gamma-distributed mean, over two years.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.results import peak_rss_mb, print_result
from survey.orders.analyze import OrderSettings, run_order_analysis, write_order_outputs
from survey.orders.cleaning import clean_orders
from survey.orders.io import read_order_log

HORIZON_DAYS = 730
CALIBRATION_END = "2024-12-31"  # the log runs 2024-01-01 to 2025-12-30


def synthetic_orders(n_orders: int, n_customers: int, seed: int = 1) -> pd.DataFrame:
    """An order log of exactly ``n_orders`` orders of ``n_customers`` customers."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.8, 1.0, n_customers) * (n_orders / n_customers) / 250.0  # a day
    dropout = rng.beta(1.0, 12.0, n_customers)
    first = rng.integers(0, 90, n_customers).astype(float)
    days, who = [first], [np.arange(n_customers)]
    clock, alive = first.copy(), np.ones(n_customers, dtype=bool)
    while alive.any():  # one round per repeat purchase, over all customers at once
        alive &= rng.random(n_customers) >= dropout
        clock = clock + rng.exponential(1.0, n_customers) / rate
        alive &= clock < HORIZON_DAYS
        days.append(clock[alive])
        who.append(np.flatnonzero(alive))
    day, customer = np.concatenate(days), np.concatenate(who)
    repeat = np.flatnonzero(np.arange(day.size) >= n_customers)
    if day.size > n_orders:  # keep every first purchase and a random set of repeats
        keep = np.r_[np.arange(n_customers), rng.choice(repeat, n_orders - n_customers, False)]
        day, customer = day[np.sort(keep)], customer[np.sort(keep)]
    spend_mean = 1 / rng.gamma(3.7, 1 / 15.4, n_customers)  # nu ~ Gamma(q, gamma)
    amount = rng.gamma(6.25, spend_mean[customer] / 6.25).round(2)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.floor(day), unit="D")
    return pd.DataFrame(
        {"customer_id": np.char.add("c", customer.astype(str)), "date": dates, "amount": amount}
    )


def _timed_analysis(path: Path, out: Path, settings: OrderSettings) -> dict[str, float]:
    """``orders analyze`` step by step (as :func:`analyze_orders` runs it), each step timed."""
    times, start = {}, time.perf_counter()
    raw = read_order_log(path)
    times["read"] = time.perf_counter() - start
    cleaned = clean_orders(raw)
    times["clean"] = time.perf_counter() - start - sum(times.values())
    analysis = run_order_analysis(cleaned, settings)
    times["analysis"] = time.perf_counter() - start - sum(times.values())
    write_order_outputs(analysis, out)
    times["write"] = time.perf_counter() - start - sum(times.values())
    return {key: round(value, 3) for key, value in times.items()}


def run(n_orders: int, n_customers: int) -> dict[str, float | int]:
    """Time ``orders analyze`` on the log as CSV and as Parquet; return the measurements."""
    orders = synthetic_orders(n_orders, n_customers)
    result: dict[str, float | int] = {"orders": len(orders), "customers": n_customers}
    settings = OrderSettings(CALIBRATION_END)
    with tempfile.TemporaryDirectory() as folder:
        for kind in ("csv", "parquet"):
            path = Path(folder) / f"orders.{kind}"
            if kind == "csv":
                orders.assign(date=orders["date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
            else:
                orders.to_parquet(path, index=False)
            cpu = time.process_time()
            times = _timed_analysis(path, Path(folder) / f"out_{kind}", settings)
            result[f"{kind}_cpu_seconds"] = round(time.process_time() - cpu, 3)
            result[f"{kind}_seconds"] = round(sum(times.values()), 3)
            result.update({f"{kind}_{step}_seconds": value for step, value in times.items()})
    result["seconds"] = result["csv_seconds"]
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def main(argv: list[str] | None = None) -> dict[str, float | int]:
    """Parse arguments, run the benchmark, print the result and return it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args(argv)
    result = run(args.orders, args.customers)
    print_result(result, as_json=args.json, width=24)
    return result


if __name__ == "__main__":
    main()
