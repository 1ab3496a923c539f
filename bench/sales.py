"""The sales cycle's speed (issue 4): the kanban board of a pipeline holding 100,000 open opportunities, and the
forecast and lifecycle views over 1,000,000 opportunities and 2,000,000 orders.

    nice -n 19 python bench/sales.py [--db sqlite|postgres|both] [--opportunities N] [--orders N]
                                     [--board N] [--runs N] [--reuse | --rebuild]

The data set is built once into the PostgreSQL database `crm_bench_sales` (COPY) and var/crm_bench_sales.sqlite3
(batched executemany), secondary indexes dropped for the load and rebuilt after, and reused by later runs with the
same sizes. 50 reps in 5 teams; 20,000 accounts; the "Board" pipeline holds the `--board` open deals; the rest are
spread over five years (2022–2026) in two pipelines — 40 % won, 35 % lost, 25 % open; 80 % EUR, 15 % USD, 5 % GBP —
with a quota per rep and month; the orders belong to won deals (and some to none). The lifecycle table is loaded
as `lifecycle_rebuild` leaves it (60 % of the deals came from a lead, then quote, acceptance, order, shipping and
delivery for the won ones).

Server-side times are measured in-process with Django's test client, like bench/run.py: request to complete
response, including middleware, permission scoping, queries and template rendering. Each page's figure is
compared with a baseline measured in the same run: the raw SQL of the aggregate the page needs, through the
same connection. Results: bench/results/sales-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_sales"
TEAMS, REPS_PER_TEAM, ACCOUNTS = 5, 10, 20_000
FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 5 * 365
STAGES: list[dict[str, Any]] = [
    {"name": "Qualify", "probability": 10},
    {"name": "Proposal", "probability": 50, "forecast_category": "best_case"},
    {"name": "Negotiation", "probability": 80, "forecast_category": "commit"},
    {"name": "Won", "probability": 100, "forecast_category": "closed", "is_won": True},
    {"name": "Lost", "probability": 0, "forecast_category": "omitted", "is_lost": True},
]


def _command(db: str, args: argparse.Namespace) -> str:
    return (
        f"nice -n 19 python bench/sales.py --db {db} --opportunities {args.opportunities} --orders {args.orders} "
        f"--board {args.board} --runs {args.runs}"
    )


# --- the data set -------------------------------------------------------------------------------------------------
def _at(day: dt.date, minutes: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)


def build(*, opportunities: int, orders: int, board: int, say: Callable[[str], None]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import bulk_load
    from bench.scenario import _LoadMode
    from crm.catalog.services.currencies import currency_create, exchange_rate_set
    from crm.contacts.models import Account
    from crm.core.identity.models import Role, Team, User
    from crm.sales.models import DealLifecycle, Opportunity, Order, Quota
    from crm.sales.services import pipeline_create

    call_command("migrate", verbosity=0)
    say(
        f"[{connection.vendor}] building {opportunities:,} opportunities ({board:,} open on one board), {orders:,} orders"
    )
    timings: dict[str, Any] = {"vendor": connection.vendor}
    rep_role, manager_role = Role.objects.get(key="sales_rep"), Role.objects.get(key="sales_manager")
    owners: list[int] = []
    team_of: dict[int, int] = {}
    for t in range(TEAMS):
        team = Team.objects.create(name=f"Team {t}")
        manager = User.objects.create_user(
            f"manager{t}@bench.crm", "bench-pass-1", full_name=f"Manager {t}", role=manager_role, team=team
        )
        for r in range(REPS_PER_TEAM):
            rep = User.objects.create_user(
                f"rep{t}-{r}@bench.crm",
                "bench-pass-1",
                full_name=f"Rep {t}-{r}",
                role=rep_role,
                team=team,
                manager=manager,
            )
            owners.append(rep.pk)
            team_of[rep.pk] = team.pk
    User.objects.create_superuser(
        "admin@bench.crm", "bench-pass-1", full_name="Bench Admin", role=Role.objects.get(key="administrator")
    )
    currency_create(actor=None, code="EUR", is_company=True)
    for code, rate in (("USD", "1.08"), ("GBP", "0.86")):
        currency = currency_create(actor=None, code=code)
        exchange_rate_set(actor=None, currency=currency, valid_on=FIRST_DAY, rate=Decimal(rate))
    board_pipeline = pipeline_create(actor=None, name="Board", stages=STAGES)
    pipelines = [pipeline_create(actor=None, name=n, stages=STAGES) for n in ("New business", "Renewals")]
    stages = {p.pk: {s.name: s.pk for s in p.stages.all()} for p in [board_pipeline, *pipelines]}

    started = time.perf_counter()
    bulk_load(
        Account,
        (
            {
                "name": f"Account {i:06d}",
                "owner_id": owners[i % len(owners)],
                "account_type": "customer",
                "status": "active",
            }
            for i in range(ACCOUNTS)
        ),
        total=ACCOUNTS,
        say=say,
    )
    accounts = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    timings["accounts_s"] = round(time.perf_counter() - started, 1)

    currencies = ["EUR"] * 16 + ["USD"] * 3 + ["GBP"]

    def deal(i: int, rng: random.Random) -> dict[str, Any]:
        owner = owners[i % len(owners)]
        amount = Decimal(rng.randrange(500, 200_000))
        if i < board:
            pipeline = board_pipeline.pk
            stage = ("Qualify", "Proposal", "Negotiation")[i % 3]
            created = FIRST_DAY + dt.timedelta(days=DAYS - 1 - i % 365)
            close = created + dt.timedelta(days=30 + i % 120)
            status, closed = "open", None
        else:
            pipeline = pipelines[i % 2].pk
            created = FIRST_DAY + dt.timedelta(days=(i * DAYS) // opportunities)
            close = created + dt.timedelta(days=rng.randrange(7, 120))
            roll = i % 20
            status = "won" if roll < 8 else ("lost" if roll < 15 else "open")
            stage = {"won": "Won", "lost": "Lost"}.get(status) or ("Qualify", "Proposal", "Negotiation")[
                i % 3
            ]
            closed = close if status != "open" else None
        probability = {"Qualify": 10, "Proposal": 50, "Negotiation": 80, "Won": 100, "Lost": 0}[stage]
        return {
            "name": f"Deal {i:07d}",
            "account_id": accounts[i % len(accounts)],
            "owner_id": owner,
            "pipeline_id": pipeline,
            "stage_id": stages[pipeline][stage],
            "status": status,
            "amount": amount,
            "currency": currencies[i % len(currencies)],
            "close_date": close,
            "probability": probability,
            "closed_on": closed,
            "lost_reason": "Price" if status == "lost" else "",
            "stage_entered_at": _at(created),
            "created_at": _at(created, i % 600),
            "updated_at": _at(created, i % 600),
        }

    def deal_rows() -> Iterator[dict[str, Any]]:
        rng = random.Random(4)
        for i in range(opportunities):
            yield deal(i, rng)

    with _LoadMode([Opportunity, Order, DealLifecycle], say) as load:
        started = time.perf_counter()
        bulk_load(Opportunity, deal_rows(), total=opportunities, say=say)
        timings["opportunities_s"] = round(time.perf_counter() - started, 1)
        say(f"    opportunities loaded in {timings['opportunities_s']}s")
        first = Opportunity.objects.order_by("pk").values_list("pk", flat=True).first()
        assert first is not None
        won = [i for i in range(board, opportunities) if i % 20 < 8]

        def order_rows() -> Iterator[dict[str, Any]]:
            rng = random.Random(5)
            for n in range(orders):
                i = won[n % len(won)] if n % 10 else None  # one order in ten without a deal
                base = deal(i if i is not None else board + n % (opportunities - board), rng)
                day = base["close_date"] + dt.timedelta(days=n % 5)
                yield {
                    "number": f"SO-{n:08d}",
                    "account_id": base["account_id"],
                    "owner_id": base["owner_id"],
                    "opportunity_id": first + i if i is not None else None,
                    "status": "delivered" if n % 3 else "confirmed",
                    "ordered_on": day,
                    "currency": base["currency"],
                    "net_total": base["amount"],
                    "total": base["amount"],
                    "created_at": _at(day, n % 600),
                    "updated_at": _at(day, n % 600),
                }

        started = time.perf_counter()
        bulk_load(Order, order_rows(), total=orders, say=say)
        timings["orders_s"] = round(time.perf_counter() - started, 1)
        say(f"    orders loaded in {timings['orders_s']}s")

        def lifecycle_rows() -> Iterator[dict[str, Any]]:
            rng = random.Random(4)
            for i in range(opportunities):
                d = deal(i, rng)
                opened = d["created_at"]
                has_lead = i % 5 < 3
                quoted = d["status"] == "won" or i % 10 < 6
                accepted = d["status"] == "won" or (quoted and i % 4 == 0)
                is_won = d["status"] == "won"
                step = 1 + i % 7
                yield {
                    "opportunity_id": first + i,
                    "account_id": d["account_id"],
                    "owner_id": d["owner_id"],
                    "team_id": team_of[d["owner_id"]],
                    "pipeline_id": d["pipeline_id"],
                    "started_at": opened - dt.timedelta(days=3 + step) if has_lead else opened,
                    "lead_created_at": opened - dt.timedelta(days=3 + step) if has_lead else None,
                    "lead_qualified_at": opened - dt.timedelta(days=1) if has_lead else None,
                    "opportunity_opened_at": opened,
                    "quote_sent_at": opened + dt.timedelta(days=step) if quoted else None,
                    "quote_accepted_at": opened + dt.timedelta(days=2 * step) if accepted else None,
                    "ordered_at": opened + dt.timedelta(days=2 * step + 1) if is_won else None,
                    "shipped_at": opened + dt.timedelta(days=3 * step + 1) if is_won else None,
                    "delivered_at": opened + dt.timedelta(days=3 * step + 3) if is_won and i % 3 else None,
                    "won_at": _at(d["closed_on"]) if is_won else None,
                    "lost_at": _at(d["closed_on"]) if d["status"] == "lost" else None,
                }

        started = time.perf_counter()
        _load_with_pk(DealLifecycle, lifecycle_rows(), total=opportunities, say=say)
        timings["lifecycle_s"] = round(time.perf_counter() - started, 1)
        say(f"    lifecycle rows loaded in {timings['lifecycle_s']}s")
        timings.update(load.rebuild())
    timings.update(_summary_build(say))
    timings.update(_forecast_summary_build(say))
    timings.update(_cube_build(say))

    months = [dt.date(y, m, 1) for y in range(2022, 2027) for m in range(1, 13)]
    Quota.objects.bulk_create(
        [
            Quota(user_id=o, month=m, amount=Decimal(100_000 + (o % 7) * 10_000))
            for o in owners
            for m in months
        ],
        batch_size=2_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["board_pipeline_id"] = board_pipeline.pk
    return timings


def _summary_build(say: Callable[[str], None]) -> dict[str, Any]:
    """The lifecycle summary (`DealLifecycleMonth`) of the loaded rows, as `lifecycle_rebuild` leaves it."""
    from crm.sales.services.lifecycle import lifecycle_summary_rebuild

    started = time.perf_counter()
    cells = lifecycle_summary_rebuild()
    seconds = round(time.perf_counter() - started, 1)
    say(f"    lifecycle summary: {cells:,} cells in {seconds}s")
    return {"lifecycle_summary_s": seconds, "lifecycle_summary_cells": cells}


def _forecast_summary_build(say: Callable[[str], None]) -> dict[str, Any]:
    """The forecast summary (`ForecastMonth`) of the loaded rows, as `forecast_summary_rebuild` leaves it."""
    from crm.sales.services.forecast import forecast_summary_rebuild

    started = time.perf_counter()
    cells = forecast_summary_rebuild()
    seconds = round(time.perf_counter() - started, 1)
    say(f"    forecast summary: {cells:,} cells in {seconds}s")
    return {"forecast_summary_s": seconds, "forecast_summary_cells": cells}


def _cube_build(say: Callable[[str], None]) -> dict[str, Any]:
    """The opportunity cube (`OpportunityCube`, the pivot's) of the loaded rows, as `crm forecast rebuild` leaves
    it (the migration that creates it fills it only for the rows already there)."""
    from crm.sales.services.opportunity_cube import opportunity_cube_rebuild

    started = time.perf_counter()
    cells = opportunity_cube_rebuild()
    seconds = round(time.perf_counter() - started, 1)
    say(f"    opportunity cube: {cells:,} cells in {seconds}s")
    return {"opportunity_cube_s": seconds, "opportunity_cube_cells": cells}


def _load_with_pk(
    model: Any, rows: Iterator[dict[str, Any]], *, total: int, say: Callable[[str], None]
) -> float:
    """bulk_load for a table whose primary key is a foreign key (the lifecycle: one row per opportunity)."""
    from bench import generate

    original = generate._plan

    def plan(m: Any, vendor: str) -> Any:
        columns, template, position, convert = original(m, vendor)
        pk = m._meta.pk
        return (
            [pk.column, *columns],
            [None, *template],
            {pk.attname: 0, **{k: v + 1 for k, v in position.items()}},
            [None, *convert],
        )

    generate._plan = plan  # type: ignore[assignment]
    try:
        return generate.bulk_load(model, rows, total=total, say=say)
    finally:
        generate._plan = original  # type: ignore[assignment]


# --- the measurements -----------------------------------------------------------------------------------------------
def _raw(sql: str, params: list[Any], runs: int) -> dict[str, float]:
    from django.db import connection

    from bench.run import p95

    samples = []
    for n in range(runs + 3):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        if n >= 3:
            samples.append((time.perf_counter() - started) * 1000)
    return {"p95_ms": round(p95(samples), 2), "median_ms": round(sorted(samples)[len(samples) // 2], 2)}


def measure(*, runs: int, board_pipeline: int, say: Callable[[str], None]) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from bench.run import timed
    from crm.core.identity.models import User

    admin = User.objects.get(email="admin@bench.crm")
    rep = User.objects.get(email="rep0-0@bench.crm")
    manager = User.objects.get(email="manager0@bench.crm")
    clients = {}
    for who, user in (("admin", admin), ("rep", rep), ("manager", manager)):
        client = Client()
        client.force_login(user)
        clients[who] = client
    date = (  # the month the forecast groups by (`MonthStart`)
        "date_trunc('month', close_date)::date"
        if connection.vendor == "postgresql"
        else "(substr(close_date, 1, 7) || '-01')"
    )
    days = (
        "EXTRACT(EPOCH FROM ({c} - started_at)) / 86400.0"
        if connection.vendor == "postgresql"
        else "julianday({c}) - julianday(started_at)"
    )
    q2 = ["2026-04-01", "2026-07-01"]
    pages: list[tuple[str, str, str, str, list[Any]]] = [
        (
            "board (100,000 open deals), admin",
            "admin",
            f"/pipeline/{board_pipeline}/",
            "SELECT stage_id, currency, COUNT(*), SUM(amount) FROM sales_opportunity WHERE pipeline_id = %s "
            "AND deleted_at IS NULL AND status = 'open' GROUP BY stage_id, currency",
            [board_pipeline],
        ),
        (
            "board (100,000 open deals), rep (team scope)",
            "rep",
            f"/pipeline/{board_pipeline}/",
            "SELECT stage_id, currency, COUNT(*), SUM(amount) FROM sales_opportunity WHERE pipeline_id = %s "
            "AND deleted_at IS NULL AND status = 'open' GROUP BY stage_id, currency",
            [board_pipeline],
        ),
    ]
    forecast_sql = (
        f"SELECT owner_id, stage_id, currency, {date}, SUM(amount), SUM(amount * probability), COUNT(*) "
        "FROM sales_opportunity WHERE deleted_at IS NULL AND status = 'open' AND close_date >= %s "
        f"AND close_date < %s GROUP BY owner_id, stage_id, currency, {date}"
    )
    for label, who, url in (
        ("forecast 2026-Q2 by owner and month, admin", "admin", "/forecast/?period=2026-Q2&group_by=owner"),
        (
            "forecast 2026 by team and quarter, admin",
            "admin",
            "/forecast/?period=2026&group_by=team&interval=quarter",
        ),
        ("forecast 2026-Q2 by pipeline, manager", "manager", "/forecast/?period=2026-Q2&group_by=pipeline"),
        ("forecast 2026-Q2, rep (team scope)", "rep", "/forecast/?period=2026-Q2"),
        ("API /api/v1/forecast 2026-Q2, admin", "admin", "/api/v1/forecast?period=2026-Q2&group_by=team"),
    ):
        params = ["2026-01-01", "2027-01-01"] if "period=2026&" in url else q2
        pages.append((label, who, url, forecast_sql, params))
    cols = ", ".join(
        days.format(c=c)
        for c in (
            "lead_created_at",
            "lead_qualified_at",
            "opportunity_opened_at",
            "quote_sent_at",
            "quote_accepted_at",
            "ordered_at",
            "shipped_at",
            "delivered_at",
            "first_service_at",
            "won_at",
            "lost_at",
        )
    )
    lifecycle_sql = (
        f"SELECT owner_id, {cols} FROM sales_deallifecycle WHERE started_at >= %s AND started_at < %s"
    )
    for label, who, url, span in (
        (
            "lifecycle 2026-05 by owner, admin",
            "admin",
            "/lifecycle/?period=2026-05&group_by=owner",
            ["2026-05-01", "2026-06-01"],
        ),
        ("lifecycle 2026-Q2 by owner, admin", "admin", "/lifecycle/?period=2026-Q2&group_by=owner", q2),
        ("lifecycle 2026-Q2 by month, manager", "manager", "/lifecycle/?period=2026-Q2&group_by=month", q2),
        ("lifecycle 2026-Q2, rep (team scope)", "rep", "/lifecycle/?period=2026-Q2", q2),
        (
            "API /api/v1/lifecycle 2026-Q2, admin",
            "admin",
            "/api/v1/lifecycle?period=2026-Q2&group_by=team",
            q2,
        ),
    ):
        pages.append((label, who, url, lifecycle_sql, span))
    figures = []
    for label, who, url, sql, params in pages:
        got = timed(clients[who], url, runs)
        base = _raw(sql, params, runs)
        figure = {
            "what": label,
            "url": url,
            **got,
            "baseline_sql_p95_ms": base["p95_ms"],
            "ratio_to_baseline": round(got["p95_ms"] / base["p95_ms"], 1) if base["p95_ms"] else None,
        }
        figures.append(figure)
        say(f"  {label:<50} p95 {got['p95_ms']:>8.1f} ms   (raw SQL {base['p95_ms']:.1f} ms)")
    return {"figures": figures}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=2_000_000)
    parser.add_argument("--board", type=int, default=100_000, help="open deals on the board's pipeline")
    parser.add_argument(
        "--runs", type=int, default=40, help="timed requests per figure (after 3 warm-up ones)"
    )
    parser.add_argument("--reuse", action="store_true", help="measure the existing data set, never build it")
    parser.add_argument("--rebuild", action="store_true", help="build the data set even when it exists")
    parser.add_argument("--build-only", action="store_true", help="build the data set, measure nothing")
    args = parser.parse_args()
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

    sizes = {"opportunities": args.opportunities, "orders": args.orders, "board": args.board}
    load_file = RESULTS / f"sales-load-{args.db}.json"
    previous = json.loads(load_file.read_text()) if load_file.exists() else {}
    same = all(previous.get(k) == v for k, v in sizes.items())
    reuse = args.reuse or (not args.rebuild and same and _exists(args.db, NAME))
    _setup(args.db, reuse, NAME)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not reuse:
        load = build(say=say, **sizes)
        load.update(sizes, command=_command(args.db, args))
        load_file.write_text(json.dumps(load, indent=2))
    else:
        load = previous
        say(f"[{args.db}] reusing the data set built by: {load.get('command', '?')}")
        from django.core.management import call_command

        from crm.sales.models import DealLifecycleMonth, ForecastMonth, Opportunity, OpportunityCube

        call_command("migrate", verbosity=0)  # a data set built before a migration (the summaries)
        if not DealLifecycleMonth.objects.exists():
            load.update(_summary_build(say))
            load_file.write_text(json.dumps(load, indent=2))
        if not ForecastMonth.objects.exists():
            load.update(_forecast_summary_build(say))
            load_file.write_text(json.dumps(load, indent=2))
        if not OpportunityCube.objects.exists() and Opportunity.objects.exists():
            load.update(_cube_build(say))
            load_file.write_text(json.dumps(load, indent=2))
    if args.build_only:
        return
    before = _load_average()
    started = time.perf_counter()
    figures = measure(runs=args.runs, board_pipeline=load["board_pipeline_id"], say=say)
    result = {
        "db": args.db,
        **sizes,
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
    out = RESULTS / f"sales-{args.db}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    say(f"written {out}")


if __name__ == "__main__":
    main()
