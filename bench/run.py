"""`make bench`: builds the bench data set and measures the figures BENCHMARKS.md quotes.

    python bench/run.py --db sqlite|postgres [--contacts N] [--activities N] [--reuse]

Server-side times are measured in-process with Django's test client (no network, no browser): the time from
request to complete response, including middleware, permission scoping, queries and template rendering.
Each figure is compared with a baseline measured in the same run on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _setup(db: str, reuse: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("CRM_FAST_PASSWORD_HASHER", "1")
    if db == "postgres":
        import psycopg

        base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        if not reuse:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS crm_bench WITH (FORCE)")
                conn.execute("CREATE DATABASE crm_bench")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/crm_bench"
    else:
        path = ROOT / "var" / "bench.sqlite3"
        path.parent.mkdir(exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed(client: Any, url: str, n: int, **headers: Any) -> dict[str, float]:
    samples = []
    for i in range(n + 3):
        started = time.perf_counter()
        response = client.get(url, **headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if i >= 3:  # warm-up
            samples.append(elapsed)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(p95(samples), 2), "n": n}


def rps(client: Any, url: str, seconds: float, **headers: Any) -> float:
    for _ in range(3):
        client.get(url, **headers)
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        count += 1
    return round(count / (time.perf_counter() - started), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=5_000_000)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="measure an already generated database")
    args = parser.parse_args()
    _setup(args.db, args.reuse)

    from bench import scenario

    say = lambda msg: print(msg, flush=True)  # noqa: E731
    if not args.reuse:
        load = scenario.build(contacts=args.contacts, activities=args.activities, accounts=args.accounts, say=say)
    else:
        load = {}
    figures = scenario.measure(runs=args.runs, say=say, timed=timed, rps=rps)
    result = {
        "db": args.db,
        "contacts": args.contacts,
        "activities": args.activities,
        "accounts": args.accounts,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load": load,
        "figures": figures,
        "command": " ".join(["python", "bench/run.py", *sys.argv[1:]]),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"foundation-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(json.dumps(result["figures"], indent=2, default=str))
    say(f"written {out}")


if __name__ == "__main__":
    main()
