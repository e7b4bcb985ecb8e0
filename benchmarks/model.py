"""Speed and memory of the shopper model.

Run from the project root::

    python -m benchmarks.model --shoppers 1000000 --days 365 --json

prints one JSON line: shoppers, days, mean degree, network build seconds, simulation
seconds, agent-days per second, peak resident memory (MB), state and graph bytes
(in total and per shopper). Threads of numerical libraries are pinned to one, so the
figure is for one core; ``run_cpu_seconds`` is the processor time the run took,
steadier than the wall-clock ``run_seconds`` on a machine other work shares.
``--profile`` adds the processor seconds spent in each stage of the day (``stage_<name>``,
see ``ShopperModel.stages``). ``--compare-reference`` instead times the docked Mesa
reference and the model at 20,000 shoppers x 60 days (``benchmarks.mesa_reference``).
Compiled kernels are loaded (or compiled) before any timing starts (:func:`warm_up`).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402

from benchmarks.results import peak_rss_mb, print_result  # noqa: E402
from sim import ShopperModel  # noqa: E402


def warm_up() -> None:
    """Compile (or load from the disk cache) the model's kernels, outside any timed region.

    A few days of a small market call every kernel of a default run once, so that a
    timing that follows measures the simulation, not Numba's compiler (:mod:`sim.jit`).

    Examples
    --------
    >>> warm_up()
    """
    ShopperModel({"population": {"size": 2_000}}, rng=0).run(3)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--degree", type=float, default=10.0, help="mean degree")
    parser.add_argument("--network", default="small_world")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--profile", action="store_true", help="also print the seconds spent in each stage"
    )
    parser.add_argument(
        "--compare-reference",
        action="store_true",
        help="time the Mesa reference and the model at 20,000 shoppers x 60 days instead",
    )
    args = parser.parse_args(argv)
    if args.compare_reference:
        from benchmarks.mesa_reference import compare_reference

        result = compare_reference(shoppers=20_000, days=60, seed=args.seed)
        print_result(result, as_json=args.json, width=28)
        return result

    warm_up()
    start = time.perf_counter()
    model = ShopperModel(
        {
            "population": {"size": args.shoppers},
            "network": {"kind": args.network, "mean_degree": args.degree},
        },
        rng=args.seed,
    )
    seconds = model.profile_stages() if args.profile else {}
    built, cpu = time.perf_counter(), time.process_time()
    model.run(args.days)
    done, cpu = time.perf_counter(), time.process_time() - cpu
    result = {
        "shoppers": args.shoppers,
        "days": args.days,
        "mean_degree": args.degree,
        "network": args.network,
        "build_seconds": round(built - start, 3),
        "run_seconds": round(done - built, 3),
        "run_cpu_seconds": round(cpu, 3),
        "agent_days_per_s": round(args.shoppers * args.days / (done - built)),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "state_mb": round(model.shoppers.nbytes() / 1e6, 1),
        "graph_mb": round(model.network.nbytes() / 1e6, 1),
        # per shopper the model holds (the day-0 market and the entrants to come)
        "state_bytes_per_shopper": round(model.shoppers.nbytes() / model.shoppers.size, 1),
        "graph_bytes_per_shopper": round(model.network.nbytes() / model.shoppers.size, 1),
        "active_end": int(model.shoppers.active_mask().sum()),
    }
    result.update({f"stage_{name}": round(s, 3) for name, s in seconds.items()})
    print_result(result, as_json=args.json, width=24)
    return result


if __name__ == "__main__":
    main()
