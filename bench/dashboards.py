"""The dashboards' speed (issue 5): every widget of the built-in home dashboards, and each whole page (the shell
and all its htmx widget fragments, fetched in turn), over 1,000,000 opportunities.

    nice -n 19 python bench/dashboards.py [--db sqlite|postgres] [--opportunities N] [--orders N]
                                          [--runs N] [--period P] [--reuse | --rebuild] [--build-only]
                                          [--name NAME]

The data set is bench/sales.py's (its builder imported as is: 50 reps in 5 teams, 20,000 accounts, deals over
2022–2026, quotas, orders, the lifecycle and its monthly summary), built into its OWN database `crm_bench_dash`
(PostgreSQL) / var/crm_bench_dash.sqlite3, never the sales benchmark's; `--name NAME` measures an existing data
set of that name instead (PostgreSQL database NAME / var/NAME.sqlite3, migrated first, never built or dropped). It has no activities and no order lines:
those widgets are timed over empty tables (said in the results).

Server-side times are in-process with Django's test client (request to complete response: middleware,
permission scoping, queries, SVG and template rendering), per widget fragment and per page (sum of its fetches),
for the admin (everything), a manager (all, by role) and a rep (team scope, "only mine" widgets). Each widget is
compared with the raw SQL of its main aggregate through the same connection. Results:
bench/results/dashboards-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_dash"

# the main aggregate each widget needs (its raw SQL baseline); %(start)s / %(end)s: the period
_OPEN = (
    "SELECT stage_id, currency, COUNT(*), SUM(amount) FROM sales_opportunity WHERE deleted_at IS NULL "
    "AND status = 'open' AND close_date >= %s AND close_date < %s GROUP BY stage_id, currency"
)
_CLOSED = (
    "SELECT status, owner_id, currency, COUNT(*), SUM(amount) FROM sales_opportunity WHERE deleted_at IS NULL "
    "AND status IN ('won', 'lost') AND closed_on >= %s AND closed_on < %s GROUP BY status, owner_id, currency"
)
_ORDERS = (
    "SELECT COUNT(*) FROM (SELECT account_id, MIN(ordered_on), MAX(ordered_on) FROM sales_order "
    "WHERE deleted_at IS NULL AND status <> 'cancelled' AND ordered_on < %s AND ordered_on >= %s "
    "GROUP BY account_id) t"
)
BASELINES = {
    "pipeline_by_stage": _OPEN,
    "won_lost": _CLOSED,
    "win_rate": _CLOSED,
    "average_deal_size": _CLOSED,
    "sales_cycle": _CLOSED,
    "forecast_vs_quota": _OPEN,
    "customers": _ORDERS,
    "lifecycle_durations": "SELECT COUNT(*) FROM sales_deallifecyclemonth WHERE month >= %s AND month < %s",
    "activities_by_owner": "SELECT owner_id, kind, COUNT(*) FROM activities_activity WHERE occurred_at >= %s "
    "AND occurred_at < %s GROUP BY owner_id, kind",
    "revenue_by_product": "SELECT COUNT(*) FROM sales_orderline l JOIN sales_order o ON o.id = l.order_id "
    "WHERE o.ordered_on >= %s AND o.ordered_on < %s",
}
BASELINES["revenue_by_territory"] = BASELINES["revenue_by_product"]


def _command(db: str, args: argparse.Namespace) -> str:
    named = (f" --name {args.name}" if args.name else "") + ("" if args.gc_freeze else " --no-gc-freeze")
    return (
        f"nice -n 19 python bench/dashboards.py --db {db} --opportunities {args.opportunities} "
        f"--orders {args.orders} --runs {args.runs} --period {args.period}{named}"
    )


def measure(*, runs: int, period: str, say: Any) -> dict[str, Any]:
    from django.test import Client

    from bench.run import timed
    from bench.sales import _raw
    from crm.analytics.dashboards import selectors
    from crm.analytics.dashboards.filters import dashboard_filters_parse
    from crm.analytics.dashboards.services import dashboard_builtins_install
    from crm.core.identity.models import User

    dashboard_builtins_install()
    people = {
        "admin": User.objects.get(email="admin@bench.crm"),
        "manager": User.objects.get(email="manager0@bench.crm"),
        "rep": User.objects.get(email="rep0-0@bench.crm"),
    }
    widgets, pages = [], []
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        home = selectors.dashboard_home(user=user)
        assert home is not None
        filters = dashboard_filters_parse(user=user, params={"period": period})
        span = [filters.period.start.isoformat(), filters.period.end.isoformat()]
        query = f"?period={period}"
        urls = [f"/dashboards/{home.pk}/{query}"]
        for placed in selectors.dashboard_widgets(dashboard=home):
            url = f"/dashboards/{home.pk}/widgets/{placed.index}/{query}"
            urls.append(url)
            got = timed(client, url, runs)
            sql = BASELINES[placed.widget.key]
            params = span[::-1] if placed.widget.key == "customers" else span
            base = _raw(sql, params, runs)
            row = {
                "who": who,
                "widget": placed.widget.key,
                "settings": placed.settings,
                "url": url,
                **got,
                "baseline_sql_p95_ms": base["p95_ms"],
                "ratio_to_baseline": round(got["p95_ms"] / base["p95_ms"], 1) if base["p95_ms"] else None,
            }
            widgets.append(row)
            say(
                f"  {who:<8} {placed.widget.key:<22} p95 {got['p95_ms']:>8.1f} ms   (raw SQL {base['p95_ms']:.1f} ms)"
            )
        shell = timed(client, urls[0], runs)
        whole = timed(client, urls, max(5, runs // 4))
        pages.append(
            {"who": who, "dashboard": home.name, "shell": shell, "page_with_all_widgets": whole, "urls": urls}
        )
        say(
            f"  {who:<8} page shell p95 {shell['p95_ms']:.1f} ms; shell + {len(urls) - 1} widgets p95 {whole['p95_ms']:.1f} ms"
        )
    return {"widgets": widgets, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument(
        "--runs", type=int, default=20, help="timed requests per figure (after 3 warm-up ones)"
    )
    parser.add_argument("--period", default="2026", help="the dashboards' period filter")
    parser.add_argument("--reuse", action="store_true", help="measure the existing data set, never build it")
    parser.add_argument("--rebuild", action="store_true", help="build the data set even when it exists")
    parser.add_argument("--build-only", action="store_true", help="build the data set, measure nothing")
    parser.add_argument(
        "--name",
        default="",
        help="measure this existing data set (e.g. a copy of bench/sales.py's crm_bench_sales): implies --reuse",
    )
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="leave start-up's objects to the garbage collector (the server freezes them: config/wsgi.py)",
    )
    args = parser.parse_args()
    global NAME
    if args.name:
        if args.rebuild or args.build_only:
            parser.error(
                "--name measures an existing data set: it cannot be combined with --rebuild/--build-only"
            )
        NAME, args.reuse = args.name, True

    from bench.run import _exists, _load_average, _setup

    sizes = {"opportunities": args.opportunities, "orders": args.orders, "board": 100_000}
    load_file = RESULTS / f"dashboards-load-{args.db}.json"
    previous = json.loads(load_file.read_text()) if load_file.exists() else {}
    if args.name:
        previous = {"command": f"an existing data set: {args.name} (the sizes given are not checked)"}
    same = all(previous.get(k) == v for k, v in sizes.items())
    reuse = args.reuse or (not args.rebuild and same and _exists(args.db, NAME))
    if args.name and not _exists(args.db, NAME):
        parser.error(f"no data set named {NAME} for --db {args.db}")
    _setup(args.db, reuse, NAME)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    from bench.sales import build

    if not reuse:
        load = build(say=say, **sizes)
        load.update(sizes, command=_command(args.db, args))
        load_file.write_text(json.dumps(load, indent=2))
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        load = previous
        say(f"[{args.db}] reusing the data set built by: {load.get('command', '?')}")
    if args.build_only:
        return
    if args.gc_freeze:  # as the server does once Django is loaded (config/wsgi.py)
        import gc

        gc.collect()
        gc.freeze()
    before = _load_average()
    started = time.perf_counter()
    figures = measure(runs=args.runs, period=args.period, say=say)
    result = {
        "db": args.db,
        **sizes,
        "period": args.period,
        "gc_freeze": args.gc_freeze,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": _load_average(),
        },
        "measure_s": round(time.perf_counter() - started, 1),
        "load": load,
        "note": "no activities and no order lines in this data set: those widgets ran over empty tables",
        **figures,
        "command": _command(args.db, args),
    }
    out = RESULTS / f"dashboards-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(f"written {out}")


if __name__ == "__main__":
    main()
