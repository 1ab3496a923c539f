"""Order lines for an existing sales data set (bench/sales.py's has none), then the order-line summary
(`OrderLineMonth`) they need, timed — so bench/dashboards.py measures the revenue widgets over real lines.

    nice -n 10 python bench/order_lines.py --db sqlite|postgres --name NAME [--products 120]

NAME is an existing data set (PostgreSQL database NAME / var/NAME.sqlite3: work on a COPY, never the lead's).
About two lines per order (one, two or three), products from the catalogue (120 products and services are
created through the catalog's service when it has fewer), the order's net total split among its lines (so
the lines add up to the order), loaded by COPY (PostgreSQL) / batched executemany (SQLite) through
bench/generate.py's `bulk_load`. A data set that already has lines gets none added (the summary is rebuilt
anyway). Results: bench/results/order-lines-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from array import array
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
_CENT = Decimal("0.01")


def _products(wanted: int, say: Any) -> list[tuple[int, str]]:
    """[(product id, name)] of the catalogue, topped up to `wanted` through the catalog's services."""
    from crm.catalog.models import Product
    from crm.catalog.services.products import product_create
    from crm.catalog.services.taxes import tax_create

    have = list(Product.objects.order_by("pk").values_list("pk", "name"))
    if len(have) < wanted:
        from crm.catalog.models import Tax

        tax = Tax.objects.first() or tax_create(actor=None, name="Bench VAT 21", rate=Decimal("21"))
        for n in range(len(have), wanted):
            kind = "service" if n % 4 == 0 else "product"
            product_create(actor=None, sku=f"BENCH-{n:04d}", name=f"Bench {kind} {n:04d}", kind=kind, tax=tax)
        have = list(Product.objects.order_by("pk").values_list("pk", "name"))
        say(f"    catalogue topped up to {len(have)} products")
    return have


def _orders() -> tuple[array, array]:
    """The orders' ids and net totals (in cents), read once (the COPY then has the connection to itself)."""
    from django.db import connection

    ids, cents = array("q"), array("q")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, net_total FROM sales_order ORDER BY id")
        while rows := cursor.fetchmany(100_000):
            for pk, net in rows:
                ids.append(pk)
                cents.append(int(Decimal(net or 0) * 100))
    return ids, cents


def line_rows(ids: array, cents: array, products: list[tuple[int, str]]) -> Iterator[dict[str, Any]]:
    """One to three lines per order (two on average), a product or service of the catalogue each (a few
    popular ones sell most: a skewed pick), the order's net total split among them."""
    rng = random.Random(7)
    weights = [1 / (1 + i) for i in range(len(products))]
    for pk, total in zip(ids, cents, strict=True):
        n = rng.choice((1, 2, 2, 3))
        picks = rng.choices(products, weights=weights, k=n)
        shares = sorted(rng.randrange(0, max(total, 1) + 1) for _ in range(n - 1))
        bounds = [0, *shares, max(total, 0)]
        for position, (product_id, name) in enumerate(picks):
            net = Decimal(bounds[position + 1] - bounds[position]) / 100
            quantity = Decimal(rng.randrange(1, 6))
            yield {
                "order_id": pk,
                "position": position,
                "product_id": product_id,
                "description": name,
                "quantity": quantity,
                "unit_price": (net / quantity).quantize(_CENT),
                "net_amount": net,
                "tax_rate": Decimal(21),
                "tax_amount": (net * Decimal("0.21")).quantize(_CENT),
            }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--name", required=True, help="the existing data set (a copy of crm_bench_sales)")
    parser.add_argument("--products", type=int, default=120)
    args = parser.parse_args()

    from bench.run import _exists, _load_average, _setup

    if not _exists(args.db, args.name):
        parser.error(f"no data set named {args.name} for --db {args.db}")
    _setup(args.db, True, args.name)
    say = lambda msg: print(msg, flush=True)  # noqa: E731
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import bulk_load
    from crm.sales.models import OrderLine
    from crm.sales.services.line_months import order_line_month_rebuild

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    result: dict[str, Any] = {
        "db": args.db,
        "name": args.name,
        "command": f"nice -n 10 python bench/order_lines.py --db {args.db} --name {args.name}",
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "load_average_before": _load_average(),
        "migrate_s": round(time.perf_counter() - started, 1),
    }
    if OrderLine.objects.exists():
        say(f"[{args.db}] {args.name} has order lines already: none added")
    else:
        products = _products(args.products, say)
        ids, cents = _orders()
        say(f"[{args.db}] {len(ids):,} orders: adding about {2 * len(ids):,} lines")
        seconds = bulk_load(OrderLine, line_rows(ids, cents, products), total=2 * len(ids), say=say)
        result["lines_load_s"] = round(seconds, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result["lines"] = OrderLine.objects.count()
    started = time.perf_counter()
    result["summary_cells"] = order_line_month_rebuild()
    result["summary_rebuild_s"] = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sales_orderlinemonth")
    result["load_average_after"] = _load_average()
    say(
        f"[{args.db}] {result['lines']:,} lines; order-line summary: {result['summary_cells']:,} cells in "
        f"{result['summary_rebuild_s']} s"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"order-lines-{args.db}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
