"""Issue 5 (margin) — what the Pareto run's margin view costs in reading the orders: one binary COPY carrying
both amounts (revenue and net − cost) against the revenue-only read the run did before, and against two separate
reads, alternated in the same run on the same PostgreSQL data set.

    nice -n 10 python bench/margin.py [--orders N] [--accounts N] [--runs N] [--reuse]

The data set is built like bench/rfm.py's (same generator) into the database `crm_bench_margin`; from 2,000,000
orders the read is split over two connections, as in production. Results: bench/results/margin.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_margin"
AS_OF = dt.date(2026, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=2_500_000)
    parser.add_argument("--accounts", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    from bench.run import _load_average, _setup

    _setup("postgres", args.reuse, NAME)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    from bench import rfm
    from crm.analytics.core.transactions import transactions_load, transactions_load_measures

    load = {} if args.reuse else rfm.build(orders=args.orders, accounts=args.accounts, say=say)
    before = _load_average()
    samples: dict[str, list[float]] = {"revenue_only": [], "revenue_and_margin_one_read": [], "two_reads": []}
    for i in range(args.runs):  # alternated, so load changes on the shared machine hit all three alike
        started = time.perf_counter()
        revenue = transactions_load(until=AS_OF)
        samples["revenue_only"].append(time.perf_counter() - started)
        started = time.perf_counter()
        both = transactions_load_measures(until=AS_OF, measures=("revenue", "margin"))
        samples["revenue_and_margin_one_read"].append(time.perf_counter() - started)
        started = time.perf_counter()
        transactions_load(until=AS_OF)
        transactions_load(until=AS_OF, measure="margin")
        samples["two_reads"].append(time.perf_counter() - started)
        say(f"    run {i + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in samples.items()))
    assert len(both["revenue"]) == len(revenue) and (both["revenue"].amount.sum() == revenue.amount.sum())
    medians = {k: round(statistics.median(v), 3) for k, v in samples.items()}
    command = (
        f"nice -n 10 python bench/margin.py --orders {args.orders} --accounts {args.accounts} --runs {args.runs}"
        + (" --reuse" if args.reuse else "")
    )
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": _load_average(),
        },
        "load": load,
        "orders_read": len(revenue),
        "seconds": {k: {"median": medians[k], "runs": [round(x, 3) for x in v]} for k, v in samples.items()},
        "one_read_vs_revenue_only": round(
            medians["revenue_and_margin_one_read"] / medians["revenue_only"], 2
        ),
        "two_reads_vs_revenue_only": round(medians["two_reads"] / medians["revenue_only"], 2),
        "command": command,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "margin.json").write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str), flush=True)


if __name__ == "__main__":
    main()
