"""Lifetime value at scale: 1,000,000 customers / ~10,000,000 transactions.

    nice -n 19 .venv/bin/python bench/clv.py [--customers 1000000] [--reference/--no-reference]

Simulates the customers from BG/NBD and Gamma-Gamma once (r=2, α=8 weeks, a=1.5, b=10; p=6, q=4, ν=15; three
years, first purchases in the first half) and writes them to var/bench/clv-<customers>.csv (kept for the next
run). Then, in one process, times the end-to-end path of `crm analytics clv --transactions`: file → per-customer
summary → BG/NBD fit → Gamma-Gamma fit → per-customer expected purchases, P(alive), expected order value and
discounted CLV; and the two fits alone against the reference implementation (lifetimes) on the same summary.
Every stage records wall-clock and CPU seconds (process time, all threads): on a shared, loaded machine a
nice'd run waits for a core, and the CPU time is the part that does not depend on the neighbours.
Writes bench/results/clv.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from crm.analytics.clv.analysis import ClvOptions  # noqa: E402
from crm.analytics.clv.bgnbd import bgnbd_fit  # noqa: E402
from crm.analytics.clv.gamma_gamma import gamma_gamma_fit  # noqa: E402
from crm.analytics.clv.simulation import simulate_transactions  # noqa: E402
from crm.analytics.clv.summary import summary_from_transactions  # noqa: E402
from crm.analytics.clv.valuation import customer_values  # noqa: E402
from crm.analytics.core.transaction_files import transactions_from_file  # noqa: E402

TRUTH = {"r": 2.0, "alpha": 8.0, "a": 1.5, "b": 10.0, "p": 6.0, "q": 4.0, "v": 15.0}
DAYS = 1095


class Clock:
    """`with clock("stage"):` records the stage's wall-clock and CPU seconds (this process, all threads)."""

    def __init__(self, wall: dict[str, float], cpu: dict[str, float]) -> None:
        self.wall, self.cpu = wall, cpu

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t, c = time.perf_counter(), time.process_time()
        yield
        self.wall[name] = time.perf_counter() - t
        self.cpu[name] = time.process_time() - c


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def build_csv(customers: int) -> Path:
    import duckdb
    import pandas as pd

    path = ROOT / "var" / "bench" / f"clv-{customers}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tx = simulate_transactions(customers=customers, days=DAYS, seed=2026, **TRUTH)
    frame = pd.DataFrame({"customer": tx.customer, "day": tx.day, "amount": np.round(tx.amount, 2)})
    con = duckdb.connect()
    con.register("frame", frame)
    tmp = path.with_suffix(".tmp")
    con.execute(
        "COPY (SELECT customer, DATE '1970-01-01' + day::INTEGER AS date, amount FROM frame) "
        f"TO '{tmp}' (HEADER, DELIMITER ',')"
    )
    tmp.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    t = time.perf_counter()
    path = build_csv(args.customers)
    build_s = time.perf_counter() - t
    load_before = _uptime()
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    clock = Clock(stages, cpu)
    t0, c0 = time.perf_counter(), time.process_time()
    with clock("read_file"):
        tx = transactions_from_file(path, customer_col="customer", date_col="date", amount_col="amount")
    with clock("summary"):
        calibration_end = int(tx.day.max())
        summary = summary_from_transactions(tx, calibration_end=calibration_end, time_unit="weeks")
    with clock("fit_bgnbd"):
        bg = bgnbd_fit(x=summary.frequency, t_x=summary.recency, T=summary.age)
    with clock("fit_gamma_gamma"):
        gg = gamma_gamma_fit(x=summary.frequency, m=summary.monetary)
    with clock("per_customer_clv"):
        options = ClvOptions()
        values = customer_values(
            summary=summary,
            bgnbd=bg,
            gamma_gamma=gg,
            horizon=options.horizon,
            discount_rate=options.discount_rate,
            time_unit=options.time_unit,
        )
    end_to_end = time.perf_counter() - t0
    end_to_end_cpu = time.process_time() - c0
    out: dict[str, Any] = {
        "customers": len(summary),
        "transactions": len(tx),
        "csv": str(path.relative_to(ROOT)),
        "csv_build_s": round(build_s, 2),
        "end_to_end_s": round(end_to_end, 3),
        "end_to_end_cpu_s": round(end_to_end_cpu, 3),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "stages_cpu_s": {k: round(v, 3) for k, v in cpu.items()},
        "fit_s": round(stages["fit_bgnbd"] + stages["fit_gamma_gamma"], 3),
        "bgnbd": bg.as_dict() | {"iterations": bg.iterations},
        "gamma_gamma": gg.as_dict() | {"iterations": gg.iterations},
        "truth": TRUTH,
        "mean_clv": float(values.clv.mean()),
        "load_before": load_before,
    }
    print(json.dumps(out, indent=2), flush=True)
    results = ROOT / "bench" / "results" / "clv.json"
    results.write_text(
        json.dumps(out, indent=2) + "\n"
    )  # the end-to-end figures, even if the reference is cut short
    if not args.no_reference:
        import warnings

        from lifetimes import BetaGeoFitter, GammaGammaFitter

        warnings.simplefilter("ignore")
        # our fit again, right next to the reference's, on the same summary
        with clock("ours_again"):
            bgnbd_fit(x=summary.frequency, t_x=summary.recency, T=summary.age)
            gamma_gamma_fit(x=summary.frequency, m=summary.monetary)
        ours, ours_cpu = stages["ours_again"], cpu["ours_again"]
        with clock("ref_bgnbd"):
            ref_bg = BetaGeoFitter().fit(summary.frequency, summary.recency, summary.age)
        repeat = summary.frequency > 0
        with clock("ref_gamma_gamma"):
            ref_gg = GammaGammaFitter().fit(summary.frequency[repeat], summary.monetary[repeat])
        ref_bg_s, ref_gg_s = stages["ref_bgnbd"], stages["ref_gamma_gamma"]
        ref_cpu = cpu["ref_bgnbd"] + cpu["ref_gamma_gamma"]
        out["reference"] = {
            "implementation": "lifetimes 0.11.3",
            "fit_s": round(ref_bg_s + ref_gg_s, 3),
            "fit_bgnbd_s": round(ref_bg_s, 3),
            "fit_gamma_gamma_s": round(ref_gg_s, 3),
            "ours_fit_s_same_run": round(ours, 3),
            "speedup": round((ref_bg_s + ref_gg_s) / ours, 2),
            "fit_cpu_s": round(ref_cpu, 3),
            "ours_fit_cpu_s_same_run": round(ours_cpu, 3),
            "speedup_cpu": round(ref_cpu / ours_cpu, 2),
            "max_param_rel_diff": float(
                max(
                    *(abs(getattr(bg, k) / ref_bg.params_[k] - 1) for k in ("r", "alpha", "a", "b")),
                    *(abs(getattr(gg, k) / ref_gg.params_[k] - 1) for k in ("p", "q", "v")),
                )
            ),
        }
    out["load_after"] = _uptime()
    results.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out.get("reference", {}), indent=2))


if __name__ == "__main__":
    main()
