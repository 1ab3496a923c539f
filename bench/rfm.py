"""Issue 5 — RFM over 10,000,000 orders from PostgreSQL, end to end as the product runs it: per-customer totals
grouped inside PostgreSQL in one scan (`customer_totals_load`: per account as of the day and six months before,
company-currency totals in exact cents, the foreign-currency orders converted in the query at their dated rate)
plus the report and scores (`rfm_report`), as one figure. In the same run, interleaved with it so that both see
the same load: the previous path (every order row read with `transactions_load`, then NumPy). Then the NumPy RFM
compute over those rows against a hand-written DuckDB query over the same arrays; all must give the same scores.

    nice -n 10 python bench/rfm.py [--orders N] [--accounts N] [--runs N] [--reuse | --rebuild] [--name DB]

The data set is built once into the PostgreSQL database `crm_bench_rfm` (or `--name`; server from
BENCH_PG_URL): the accounts and the orders loaded with COPY (the orders' secondary indexes dropped for the load and rebuilt after), orders
spread over 2021-01-01 … 2026-06-30, 90 % EUR (the company currency) and 10 % USD (converted at a dated rate),
0.5 % cancelled (left out). Results: bench/results/rfm.json.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
NAME = "crm_bench_rfm"
FIRST_DAY = dt.date(2021, 1, 1)
AS_OF = dt.date(2026, 6, 30)
CHUNK = 250_000

DUCKDB_RFM = """
WITH c AS (
  SELECT customer, max(day) AS last_day, count(*) AS f, round(sum(amount), 2) AS m
  FROM t WHERE day <= $as_of AND amount >= 0 GROUP BY customer
), r AS (
  SELECT customer, $as_of - last_day AS recency, f, m,
         row_number() OVER (ORDER BY last_day, customer) AS rr,
         row_number() OVER (ORDER BY f, customer) AS rf,
         row_number() OVER (ORDER BY m, customer) AS rm,
         count(*) OVER () AS n
  FROM c
)
SELECT customer, recency, f, m,
       greatest(1, ceil((rr - 1) * 5.0 / (n - 1)))::TINYINT AS r_score,
       greatest(1, ceil((rf - 1) * 5.0 / (n - 1)))::TINYINT AS f_score,
       greatest(1, ceil((rm - 1) * 5.0 / (n - 1)))::TINYINT AS m_score
FROM r ORDER BY customer
"""


def _command(args: argparse.Namespace) -> str:
    nice = f"nice -n {os.nice(0)} " if os.nice(0) > 0 else ""
    reuse = " --reuse" if args.reuse else ""
    name = f" --name {args.name}" if args.name != "crm_bench_rfm" else ""
    return (
        f"{nice}python bench/rfm.py --orders {args.orders} --accounts {args.accounts} --runs {args.runs}"
        f"{reuse}{name}"
    )


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def build(*, orders: int, accounts: int, say: Any) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import _plan, bulk_load
    from crm.catalog.services.currencies import currency_create, exchange_rate_set
    from crm.contacts.models import Account
    from crm.core.identity.models import Role, User
    from crm.sales.models import Order
    from crm.sales.services.order_company_totals import order_company_totals_refresh

    call_command("migrate", verbosity=0)
    say(f"building {accounts:,} accounts and {orders:,} orders into {NAME}")
    owner = User.objects.create_superuser(
        "admin@bench.crm", "bench-pass-1", full_name="Bench Admin", role=Role.objects.get(key="administrator")
    )
    currency_create(actor=None, code="EUR", is_company=True)
    usd = currency_create(actor=None, code="USD")
    exchange_rate_set(actor=None, currency=usd, valid_on=FIRST_DAY, rate=Decimal("1.10"))
    exchange_rate_set(actor=None, currency=usd, valid_on=dt.date(2024, 1, 1), rate=Decimal("1.08"))
    timings: dict[str, Any] = {}
    started = time.perf_counter()
    bulk_load(
        Account,
        (
            {"name": f"Account {i:07d}", "owner_id": owner.pk, "account_type": "customer"}
            for i in range(accounts)
        ),
        total=accounts,
        say=say,
    )
    timings["accounts_s"] = round(time.perf_counter() - started, 1)
    low, high = (
        Account.objects.order_by("pk").values_list("pk", flat=True)[:1][0],
        Account.objects.order_by("-pk").values_list("pk", flat=True)[:1][0],
    )

    table = Order._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('u', 'f', 'c')",
            [table],
        )
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute(  # what is left once the constraints (and their indexes) are gone
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
            [table, "%_pkey"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    columns, template, position, _convert = _plan(Order, "postgresql")
    varying = [
        "number",
        "account_id",
        "owner_id",
        "ordered_on",
        "currency",
        "subtotal",
        "net_total",
        "total",
        "status",
    ]
    const_cols = [c for c, attname in zip(columns, position, strict=True) if attname not in varying]
    const_tail = "\t".join(_copy_text(template[position[a]]) for a in position if a not in varying)
    col_sql = (
        ", ".join(f'"{Order._meta.get_field(a).column}"' for a in varying)
        + ", "
        + ", ".join(f'"{c}"' for c in const_cols)
    )
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    span = (AS_OF - FIRST_DAY).days + 1
    epoch = np.datetime64(FIRST_DAY.isoformat())
    # skewed customers: a few buy often (Pareto-like), most rarely
    weights = rng.pareto(1.2, accounts) + 0.05
    weights /= weights.sum()
    with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({col_sql}) FROM STDIN') as copy:
        for start in range(0, orders, CHUNK):
            n = min(CHUNK, orders - start)
            account = low + rng.choice(accounts, n, p=weights)
            days = (epoch + rng.integers(0, span, n)).astype(str)
            total = np.round(rng.lognormal(5, 1.1, n), 2)
            usd_mask = rng.random(n) < 0.10
            cancelled = rng.random(n) < 0.005
            lines = [
                f"SO{start + i:09d}\t{a}\t{owner.pk}\t{d}\t{'USD' if u else 'EUR'}\t{x:.2f}\t{x:.2f}\t{x:.2f}\t"
                f"{'cancelled' if c else 'confirmed'}\t{const_tail}\n"
                for i, (a, d, x, u, c) in enumerate(
                    zip(
                        account.tolist(),
                        days.tolist(),
                        total.tolist(),
                        usd_mask.tolist(),
                        cancelled.tolist(),
                        strict=True,
                    )
                )
            ]
            copy.write("".join(lines))
            if (start // CHUNK) % 8 == 7:
                say(
                    f"    orders: {start + n:,}/{orders:,} ({(start + n) / (time.perf_counter() - started):,.0f} rows/s)"
                )
    timings["orders_s"] = round(time.perf_counter() - started, 1)
    assert high - low + 1 == accounts
    started = time.perf_counter()
    order_company_totals_refresh()  # what the migration fills on an existing base (indexes still dropped)
    timings["company_totals_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f'VACUUM ANALYZE "{table}"') if connection.get_autocommit() else cursor.execute(
            f'ANALYZE "{table}"'
        )
    timings["indexes_s"] = round(time.perf_counter() - started, 1)
    say(f"    built: {timings}")
    return timings


def _median(samples: list[float]) -> float:
    return round(statistics.median(samples), 3)


def measure(*, runs: int, say: Any) -> dict[str, Any]:
    """What the product does (the `rfm` run and `crm analytics rfm` without the storing): per-customer totals
    grouped in PostgreSQL as of the day and six months before (`customer_totals_load`), then the report and the
    scores (`rfm_report`), timed as one figure; each run followed by the previous path (every order row read
    with `transactions_load`, then `rfm_report` over the rows). Then the NumPy RFM compute over those rows
    against a hand-written DuckDB query over the same arrays, and whether all give the same scores."""
    import duckdb

    from crm.analytics.core.customer_totals import customer_totals_load
    from crm.analytics.core.transactions import day_number, transactions_load
    from crm.analytics.customers.reports import rfm_cutoffs, rfm_report
    from crm.analytics.customers.rfm import rfm_scores

    end_to_end: list[float] = []
    aggregate: list[float] = []
    cpu: list[float] = []
    previous: list[float] = []
    previous_extraction: list[float] = []
    report = scores = old_report = old_scores = tx = None
    for i in range(runs):  # the two paths interleaved, so that both see the same load on a shared machine
        started, cpu_started = time.perf_counter(), time.process_time()
        totals = customer_totals_load(cutoffs=rfm_cutoffs(as_of=AS_OF, compare_months=6))
        read = time.perf_counter()
        report, scores = rfm_report(totals, as_of=AS_OF, compare_months=6)
        done = time.perf_counter()
        end_to_end.append(done - started)
        aggregate.append(read - started)
        cpu.append(time.process_time() - cpu_started)
        tx = None
        started = time.perf_counter()
        tx = transactions_load(until=AS_OF)
        extracted = time.perf_counter()
        old_report, old_scores = rfm_report(tx, as_of=AS_OF, compare_months=6)
        previous.append(time.perf_counter() - started)
        previous_extraction.append(extracted - started)
        say(
            f"    run {i + 1}: totals from PostgreSQL + RFM report {end_to_end[-1]:.2f}s (reading {aggregate[-1]:.2f}s)"
            f" · previous path {previous[-1]:.2f}s (extraction {extracted - started:.2f}s), load {os.getloadavg()[0]:.1f}"
        )
    assert report is not None and scores is not None and tx is not None and old_scores is not None
    compute: list[float] = []
    for i in range(runs):
        started = time.perf_counter()
        reference = rfm_scores(tx, as_of=AS_OF)
        compute.append(time.perf_counter() - started)
        say(f"    run {i + 1}: NumPy RFM compute over the rows {compute[-1]:.2f}s")
    con = duckdb.connect()
    t = {"customer": tx.customer, "day": tx.day, "amount": tx.amount}  # noqa: F841 (DuckDB reads it by name)
    duck: list[float] = []
    for i in range(runs):
        started = time.perf_counter()
        out = con.execute(DUCKDB_RFM, {"as_of": day_number(AS_OF)}).fetchnumpy()
        duck.append(time.perf_counter() - started)
        say(f"    run {i + 1}: DuckDB query {duck[-1]:.2f}s")
    same_as_duckdb = bool(
        np.array_equal(out["customer"], scores.summary.ids)
        and np.array_equal(out["r_score"], scores.r)
        and np.array_equal(out["f_score"], scores.f)
        and np.array_equal(out["m_score"], scores.m)
        and np.array_equal(out["recency"], scores.recency)
    )
    same_as_rows = (
        report == old_report
        and all(
            np.array_equal(getattr(scores, name), getattr(old_scores, name))
            for name in ("recency", "r", "f", "m", "segment")
        )
        and np.array_equal(scores.summary.revenue, reference.summary.revenue)
    )
    return {
        "orders": int(scores.summary.purchases.sum()),
        "customers": len(scores.summary),
        "end_to_end_s": {
            "median": _median(end_to_end),
            "runs": [round(x, 3) for x in end_to_end],
            "budget": 10.0,
            "python_cpu_s": [round(x, 3) for x in cpu],
        },
        "reading_totals_s": {"median": _median(aggregate), "runs": [round(x, 3) for x in aggregate]},
        "previous_path_s": {
            "median": _median(previous),
            "runs": [round(x, 3) for x in previous],
            "extraction_runs": [round(x, 3) for x in previous_extraction],
        },
        "end_to_end_vs_previous": round(statistics.median(end_to_end) / statistics.median(previous), 2),
        "compute_over_rows_s": {"median": _median(compute), "runs": [round(x, 3) for x in compute]},
        "duckdb_query_s": {"median": _median(duck), "runs": [round(x, 3) for x in duck]},
        "compute_vs_duckdb": round(statistics.median(compute) / statistics.median(duck), 2),
        "end_to_end_vs_duckdb_query": round(statistics.median(end_to_end) / statistics.median(duck), 2),
        "compute_budget_ratio": 1.2,
        "same_scores_as_duckdb": same_as_duckdb,
        "same_report_and_scores_as_previous_path": bool(same_as_rows),
        "duckdb_threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
    }


def main() -> None:
    global NAME
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--name", default=NAME, help="the PostgreSQL database (default %(default)s)")
    args = parser.parse_args()
    NAME = args.name
    from bench.run import _exists, _load_average, _setup

    load_file = RESULTS / "rfm-load.json"
    previous = json.loads(load_file.read_text()) if load_file.exists() else {}
    same = previous.get("orders") == args.orders and previous.get("accounts") == args.accounts
    reuse = args.reuse or (not args.rebuild and same and _exists("postgres", NAME))
    _setup("postgres", reuse, NAME)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not reuse:
        load = build(orders=args.orders, accounts=args.accounts, say=say)
        load.update(orders=args.orders, accounts=args.accounts, command=_command(args))
        load_file.write_text(json.dumps(load, indent=2))
    else:
        load = previous
        say(f"reusing {NAME} built by: {load.get('command', '?')}")
    if args.build_only:
        return
    before = _load_average()
    figures = measure(runs=args.runs, say=say)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_before": before,
            "load_average_after": _load_average(),
        },
        "load": load,
        **figures,
        "command": _command(args),
    }
    (RESULTS / "rfm.json").write_text(json.dumps(result, indent=2, default=str))
    print(json.dumps(result, indent=2, default=str), flush=True)


if __name__ == "__main__":
    main()
