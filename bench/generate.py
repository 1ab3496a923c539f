"""Bench data: 1,000,000 contacts and 5,000,000 activities, loaded set-based.

PostgreSQL: COPY FROM STDIN through psycopg 3. SQLite: batched executemany in one transaction.
Rows are built from the models' own field list (so a new column with a default never breaks the generator).
Indexes are dropped for the load and rebuilt after, as a bulk import would.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

FIRST = [
    "Lucía",
    "Martín",
    "Sofía",
    "Hugo",
    "Oliver",
    "Amelia",
    "Harry",
    "Paula",
    "Daniel",
    "Carmen",
    "Javier",
    "Elena",
    "Pablo",
    "Marta",
    "Grace",
    "Noah",
    "Isla",
    "Diego",
    "Irene",
    "Jack",
]
LAST = [
    "García",
    "Fernández",
    "González",
    "Smith",
    "Jones",
    "López",
    "Martínez",
    "Taylor",
    "Brown",
    "Pérez",
    "Gómez",
    "Wilson",
    "Ruiz",
    "Moreno",
    "Walker",
    "Navarro",
    "Torres",
    "Hall",
    "Castro",
    "Ortega",
]


def _plan(model: type[models.Model], vendor: str) -> tuple[list[str], list[Any], dict[str, int], list[Any]]:
    """Columns, a template row of defaults (already in wire form), attname → position, per-position converter."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns, template, convert = [], [], []
    position: dict[str, int] = {}
    for i, f in enumerate(fields):
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            default: Any = now
        elif f.has_default():
            default = f.get_default()
        else:
            default = None
        if isinstance(f, models.JSONField):
            conv: Any = json.dumps
        elif vendor == "sqlite" and isinstance(f, models.DateTimeField):
            conv = connection.ops.adapt_datetimefield_value  # what Django itself stores (naive UTC text)
        else:
            conv = None
        columns.append(f.column)
        position[f.attname] = i
        convert.append(conv)
        template.append(conv(default) if conv is not None and default is not None else default)
    return columns, template, position, convert


def _wire_rows(
    model: type[models.Model], rows: Iterator[dict[str, Any]], vendor: str
) -> tuple[list[str], Iterator[list[Any]]]:
    columns, template, position, convert = _plan(model, vendor)

    def gen() -> Iterator[list[Any]]:
        for row in rows:
            out = template.copy()
            for key, value in row.items():
                i = position[key]
                conv = convert[i]
                out[i] = conv(value) if conv is not None and value is not None else value
            yield out

    return columns, gen()


def bulk_load(
    model: type[models.Model],
    rows: Iterator[dict[str, Any]],
    *,
    total: int,
    say: Callable[[str], None] = print,
) -> float:
    """Insert rows (dicts of attname → value, the rest defaulted); returns seconds.

    PostgreSQL: one COPY FROM STDIN. SQLite: executemany in batches of 20,000 rows, one transaction each.
    """
    vendor = connection.vendor
    cols, wire = _wire_rows(model, rows, vendor)
    table = model._meta.db_table
    col_sql = ", ".join(f'"{c}"' for c in cols)
    started = time.perf_counter()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({col_sql}) FROM STDIN') as copy:
                for n, values in enumerate(wire, 1):
                    copy.write_row(values)
                    if n % 500_000 == 0:
                        say(
                            f"    {table}: {n:,}/{total:,} ({n / (time.perf_counter() - started):,.0f} rows/s)"
                        )
    else:
        placeholders = ", ".join(["%s"] * len(cols))
        sql = f'INSERT INTO "{table}" ({col_sql}) VALUES ({placeholders})'
        batch: list[list[Any]] = []
        with connection.cursor() as cursor:
            for n, values in enumerate(wire, 1):
                batch.append(values)
                if len(batch) >= 20_000:
                    with transaction.atomic():
                        cursor.executemany(sql, batch)
                    batch.clear()
                if n % 500_000 == 0:
                    say(f"    {table}: {n:,}/{total:,} ({n / (time.perf_counter() - started):,.0f} rows/s)")
            if batch:
                with transaction.atomic():
                    cursor.executemany(sql, batch)
    return time.perf_counter() - started


def contact_rows(
    n: int, *, owners: list[int], accounts: list[int], seed: int = 1
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    base = timezone.now() - dt.timedelta(days=1500)
    consents = ["granted", "unknown", "withdrawn"]
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = base + dt.timedelta(minutes=i * 2)
        yield {
            "first_name": first,
            "last_name": last,
            "full_name": f"{first} {last} {i:07d}",
            "email": f"c{i}@example{i % 997}.com",
            "phone": f"+3491{i:07d}",
            "owner_id": owners[i % len(owners)],
            "primary_account_id": accounts[i % len(accounts)],
            "email_consent": consents[i % 3],
            "created_at": created,
            "updated_at": created,
        }


def activity_rows(
    n: int,
    *,
    owners: list[int],
    contacts: tuple[int, int],
    contact_account: Callable[[int], int],
    hot_account: int,
    hot_entries: int,
    seed: int = 2,
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    lo, hi = contacts
    now = timezone.now()
    kinds = ["note", "task", "call", "meeting"]
    for i in range(n):
        if i < hot_entries:
            account_id, contact_id = hot_account, None
        else:
            contact_id = rng.randint(lo, hi)
            account_id = contact_account(contact_id)
        when = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 1000))
        kind = kinds[(i // len(owners)) % 4]  # independent of the owner: every rep has every kind
        yield {
            "kind": kind,
            "subject": f"{kind} {i}",
            "body": "Interesados en ampliar el contrato el próximo trimestre.",
            "owner_id": owners[i % len(owners)],
            "account_id": account_id,
            "contact_id": contact_id,
            "occurred_at": when,
            "due_at": when if kind == "task" else None,
            "is_done": kind == "task" and i % 3 == 0,
            "created_at": when,
            "updated_at": when,
        }
