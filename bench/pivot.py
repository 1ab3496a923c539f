"""The pivot builder's speed (issue 5): the pivot page over 1,000,000 opportunities, server p95 ≤ 300 ms.

    nice -n 19 python bench/pivot.py [--db sqlite|postgres|both] [--opportunities N] [--runs N] [--reuse | --rebuild]
        [--name DATA_SET]

The data set is bench/sales.py's (its builder functions, imported), without orders, built into its own databases:
PostgreSQL `crm_bench_pivot` and var/crm_bench_pivot.sqlite3 (never `crm_bench_sales`). 50 reps in 5 teams, 20,000
accounts, the deals spread over 2022–2026, 80 % EUR, 15 % USD, 5 % GBP.

Each pivot page (a few typical definitions, htmx's partial request as the builder makes it, and the API) is
timed in-process with Django's test client like bench/sales.py — request to response, permission scoping, the
GROUP BY, currency conversion, subtotals, rendering — next to a baseline measured in the same run: the raw SQL
GROUP BY the page needs, through the same connection. Results: bench/results/pivot-<db>.json.

`--name` measures another existing data set by its name (PostgreSQL database / var/<name>.sqlite3), e.g. a copy of
bench/sales.py's `crm_bench_sales` (1M opportunities, 2M orders): it is never built nor dropped, only migrated.
The pivot pages read the opportunity cube when a definition fits it: the migration fills it, and
`crm forecast rebuild --only cube` recomputes it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_pivot"


def _command(db: str, args: argparse.Namespace) -> str:
    name = f" --name {args.name} --reuse" if args.name != NAME else ""
    if args.baseline_runs is not None:
        name += f" --baseline-runs {args.baseline_runs}"
    return (
        f"nice -n 19 python bench/pivot.py --db {db} --opportunities {args.opportunities} --runs {args.runs}"
        f"{name}"
    )


def _pages(vendor: str) -> list[tuple[str, str, dict[str, str], str, list[Any]]]:
    """(label, who, builder fields, baseline SQL, params)."""
    pg = vendor == "postgresql"
    quarter = (
        "date_trunc('quarter', close_date)::date"
        if pg
        else "strftime('%Y', close_date) || ((CAST(strftime('%m', close_date) AS INTEGER) + 2) / 3)"
    )
    year = "date_trunc('year', close_date)::date" if pg else "strftime('%Y', close_date)"
    month = "date_trunc('month', close_date)::date" if pg else "strftime('%Y-%m', close_date)"
    live = "deleted_at IS NULL"
    return [
        (
            "stage × quarter, sum of amount, all deals, admin",
            "admin",
            {
                "object": "opportunities",
                "row": "stage",
                "column": "close_date:quarter",
                "aggregate": "sum",
                "field": "amount",
            },
            f"SELECT stage_id, {quarter}, currency, COUNT(*), SUM(amount), COUNT(amount) FROM sales_opportunity "
            f"WHERE {live} GROUP BY 1, 2, 3",
            [],
        ),
        (
            "owner × status, count, all deals, admin",
            "admin",
            {"object": "opportunities", "row": "owner", "column": "status", "aggregate": "count"},
            f"SELECT owner_id, status, COUNT(*) FROM sales_opportunity WHERE {live} GROUP BY 1, 2",
            [],
        ),
        (
            "team × year, sum of amount, admin",
            "admin",
            {
                "object": "opportunities",
                "row": "team",
                "column": "close_date:year",
                "aggregate": "sum",
                "field": "amount",
            },
            f"SELECT u.team_id, {year}, currency, COUNT(*), SUM(amount), COUNT(amount) FROM sales_opportunity o "
            f"JOIN identity_user u ON u.id = o.owner_id WHERE o.{live} GROUP BY 1, 2, 3",
            [],
        ),
        (
            "stage × month of 2026 (filtered), sum of amount, admin",
            "admin",
            {
                "object": "opportunities",
                "row": "stage",
                "column": "close_date:month",
                "aggregate": "sum",
                "field": "amount",
                "filters": "close_date__gte=2026-01-01\nclose_date__lte=2026-12-31",
            },
            f"SELECT stage_id, {month}, currency, COUNT(*), SUM(amount), COUNT(amount) FROM sales_opportunity "
            f"WHERE {live} AND close_date >= %s AND close_date <= %s GROUP BY 1, 2, 3",
            ["2026-01-01", "2026-12-31"],
        ),
        (
            "stage × quarter, sum of amount, rep (team scope)",
            "rep",
            {
                "object": "opportunities",
                "row": "stage",
                "column": "close_date:quarter",
                "aggregate": "sum",
                "field": "amount",
            },
            f"SELECT stage_id, {quarter}, currency, COUNT(*), SUM(amount), COUNT(amount) FROM sales_opportunity o "
            f"JOIN identity_user u ON u.id = o.owner_id WHERE o.{live} AND u.team_id = %s GROUP BY 1, 2, 3",
            ["TEAM"],
        ),
    ]


def _baseline(sql: str, params: list[Any], runs: int) -> dict[str, float]:
    """The raw GROUP BY timed `runs` times after one warm-up (SQLite's takes 15–35 s over 1M deals)."""
    from django.db import connection

    from bench.run import p95

    samples = []
    for n in range(runs + 1):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        if n:
            samples.append((time.perf_counter() - started) * 1000)
    return {"p95_ms": round(p95(samples), 2), "median_ms": round(sorted(samples)[len(samples) // 2], 2)}


def measure(*, runs: int, say: Any, baseline_runs: int | None = None) -> dict[str, Any]:
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from bench.run import timed
    from bench.sales import _raw
    from crm.analytics.pivot.cube import cube_for
    from crm.analytics.pivot.definition import definition_parse
    from crm.analytics.pivot.presenters import definition_from_query
    from crm.core.identity.models import User

    users = {
        "admin": User.objects.get(email="admin@bench.crm"),
        "rep": User.objects.get(email="rep0-0@bench.crm"),
    }
    clients = {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        clients[who] = client
    out = []
    for label, who, fields, sql, params in _pages(connection.vendor):
        params = [users["rep"].team_id if p == "TEAM" else p for p in params]
        url = "/analytics/pivot/?" + urlencode({**fields, "partial": "result"})
        page = timed(clients[who], url, runs, HTTP_HX_REQUEST="true")
        full = timed(clients[who], "/analytics/pivot/?" + urlencode(fields), max(5, runs // 4))
        baseline = _raw(sql, params, runs) if baseline_runs is None else _baseline(sql, params, baseline_runs)
        definition = definition_parse(definition_from_query(QueryDict(urlencode(fields))))
        from_cube = cube_for(user=users[who], definition=definition) is not None
        row = {
            "page": label,
            "url": url,
            "read_the_cube": from_cube,
            "htmx_result": page,
            "full_page": full,
            "raw_sql_baseline": baseline,
            "sql": sql,
        }
        say(
            f"  {label}: htmx p95 {page['p95_ms']} ms, full page p95 {full['p95_ms']} ms, "
            f"raw GROUP BY p95 {baseline['p95_ms']} ms ({'cube' if from_cube else 'GROUP BY'})"
        )
        out.append(row)
    # the API: the same pivot as JSON
    client = clients["admin"]
    body = json.dumps(
        {
            "object": "opportunities",
            "rows": ["stage"],
            "columns": ["close_date:quarter"],
            "measure": "sum:amount",
        }
    )
    samples = []
    from bench.run import p95

    for n in range(runs + 3):
        started = time.perf_counter()
        response = client.post("/api/v1/analytics/pivot", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        if n >= 3:
            samples.append((time.perf_counter() - started) * 1000)
    api = {"p95_ms": round(p95(samples), 2), "p50_ms": round(sorted(samples)[len(samples) // 2], 2)}
    say(f"  API POST /api/v1/analytics/pivot stage × quarter: p95 {api['p95_ms']} ms")
    return {"pages": out, "api_stage_by_quarter": api}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument(
        "--runs", type=int, default=20, help="timed requests per figure (after 3 warm-up ones)"
    )
    parser.add_argument("--reuse", action="store_true", help="measure the existing data set, never build it")
    parser.add_argument("--rebuild", action="store_true", help="build the data set even when it exists")
    parser.add_argument("--build-only", action="store_true", help="build the data set, measure nothing")
    parser.add_argument(
        "--name", default=NAME, help="measure this existing data set (database name) instead; implies --reuse"
    )
    parser.add_argument(
        "--baseline-runs",
        type=int,
        default=None,
        help="time the raw GROUP BY baseline this many times after one warm-up (default: --runs after three)",
    )
    args = parser.parse_args()
    if args.name != NAME:
        args.reuse = True
    if args.db == "both":
        from bench.run import _postgres_reachable

        status = 0
        for db in ("sqlite", "postgres"):
            if db == "postgres" and not _postgres_reachable():
                print("PostgreSQL is not reachable (BENCH_PG_URL): skipped", flush=True)
                continue
            status |= subprocess.call([sys.executable, __file__, *_command(db, args).split()[5:]], cwd=ROOT)
        sys.exit(status)

    from bench.run import _exists, _load_average, _setup

    load_file = RESULTS / f"pivot-load-{args.db}.json"
    previous = json.loads(load_file.read_text()) if load_file.exists() else {}
    if args.name != NAME:
        if not _exists(args.db, args.name):
            sys.exit(f"no data set named {args.name} on {args.db}")
        previous = {"data_set": args.name, "command": f"an existing data set: {args.name}"}
    reuse = args.reuse or (
        not args.rebuild and previous.get("opportunities") == args.opportunities and _exists(args.db, NAME)
    )
    _setup(args.db, reuse, args.name)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not reuse:
        from bench.sales import build

        started = time.perf_counter()
        load = build(
            opportunities=args.opportunities, orders=0, board=min(100_000, args.opportunities // 10), say=say
        )
        load.update(
            opportunities=args.opportunities,
            build_s=round(time.perf_counter() - started, 1),
            command=_command(args.db, args),
        )
        load_file.write_text(json.dumps(load, indent=2))
    else:
        load = previous
        say(f"[{args.db}] reusing the data set built by: {load.get('command', '?')}")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    if args.build_only:
        return
    before = _load_average()
    started = time.perf_counter()
    figures = measure(runs=args.runs, say=say, baseline_runs=args.baseline_runs)
    result = {
        "db": args.db,
        "opportunities": args.opportunities,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": _load_average(),
        },
        "measure_s": round(time.perf_counter() - started, 1),
        "load": load,
        **figures,
        "command": _command(args.db, args),
    }
    out = RESULTS / f"pivot-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(f"written {out}")


if __name__ == "__main__":
    main()
