"""Per-account totals of the orders that stand, aggregated inside the database: what the RFM analysis needs of
the orders in one currency (the company's) without reading every order row out.

    totals = order_account_totals(currency="EUR", cutoffs=[as_of, six_months_before])
    totals.account, totals.first_day           # per account with an order ≥ 0 on or before the last cutoff
    totals.last_day[k], totals.purchases[k], totals.cents[k], totals.negatives[k]   # as of cutoffs[k]

The orders that stand are those of `order_transactions` (not cancelled, not deleted). Orders with a negative
total are left out of the figures and only counted (the analyses say how many they left out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from crm.sales.enums import OrderStatus
from crm.sales.models import Order

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class OrderAccountTotals:
    account: np.ndarray  # int64, ascending
    first_day: np.ndarray  # int32 days since 1970-01-01: the first order ≥ 0 on or before the last cutoff
    last_day: np.ndarray  # int32 (k, n): the last order ≥ 0 on or before cutoff k; INT32_MIN when none
    purchases: np.ndarray  # int64 (k, n): orders ≥ 0 on or before cutoff k
    cents: np.ndarray  # int64 (k, n): their totals, in cents, summed exactly
    negatives: np.ndarray  # int64 (k,): orders < 0 on or before cutoff k (left out of the figures)


def order_account_totals(*, currency: str, cutoffs: Sequence[dt.date]) -> OrderAccountTotals:
    """The per-account totals of the orders in `currency` that stand, as of each of `cutoffs`. One scan of the
    orders grouped in the database by account and "slice" (how many cutoffs the order comes after, and whether
    its total is negative: a handful of plain aggregates per group, no per-cutoff FILTER), the slices then
    added up per cutoff in NumPy. On PostgreSQL the scan runs with parallel workers. Company-wide, not scoped by
    a user, like `order_transactions`."""
    if not cutoffs:
        raise ValueError("order_account_totals needs at least one cutoff")
    ordered = sorted(set(cutoffs))
    table = connection.ops.quote_name(Order._meta.db_table)
    postgres = connection.vendor == "postgresql"
    after = " + ".join("CASE WHEN ordered_on > %s THEN 2 ELSE 0 END" for _c in ordered[:-1]) or "0"
    slice_sql = f"({after} + CASE WHEN total < 0 THEN 1 ELSE 0 END)"
    if postgres:
        first, last = "MIN(ordered_on) - DATE '1970-01-01'", "MAX(ordered_on) - DATE '1970-01-01'"
        cents = "SUM((total * 100)::int8)::int8"
    else:
        first, last = (f"CAST(julianday({f}(ordered_on)) - 2440587.5 AS INTEGER)" for f in ("MIN", "MAX"))
        cents = "SUM(CAST(ROUND(total * 100) AS INTEGER))"
    # only the table's own (quoted) name is formatted in; every value is a parameter
    sql = (
        f"SELECT account_id, {slice_sql}, {first}, {last}, COUNT(*), {cents} FROM {table} "  # noqa: S608
        "WHERE deleted_at IS NULL AND status <> %s AND currency = %s AND ordered_on <= %s GROUP BY 1, 2"
    )
    params: list[Any] = [*ordered[:-1], OrderStatus.CANCELLED.value, currency, ordered[-1]]
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            names = [name for name, _value in _POSTGRES_SETTINGS]
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            previous = list(zip(names, cursor.fetchone(), strict=True))
            _settings(cursor, _POSTGRES_SETTINGS)
            rows = _binary_rows(cursor.cursor.connection, sql, params)
            _settings(cursor, previous)  # the caller's transaction goes on with its own settings
        else:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    table_ = np.array(rows, dtype=np.int64) if rows else np.zeros((0, 6), dtype=np.int64)
    return _per_cutoff(table_, [ordered.index(c) for c in cutoffs])


# one in-memory hash table for ~1M accounts (not batches spilled to disk); no JIT compilation (seconds, for a
# query that runs once); parallel workers even though the planner overestimates what they send back
_POSTGRES_SETTINGS = (
    ("work_mem", "512MB"),
    ("jit", "off"),
    ("parallel_setup_cost", "0"),
    ("parallel_tuple_cost", "0"),
)


def _binary_rows(raw_connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """The rows in PostgreSQL's binary format (no number printed and parsed back): a server-side-binding
    cursor of its own, since Django's cursor binds on the client side."""
    import psycopg

    with psycopg.Cursor(raw_connection) as raw:
        raw.execute(sql, params, binary=True)
        return raw.fetchall()


def _settings(cursor: Any, settings: Sequence[tuple[str, str]]) -> None:
    for name, value in settings:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _per_cutoff(table: np.ndarray, positions: list[int]) -> OrderAccountTotals:
    """Rows (account, slice, first, last, count, cents) → per-account totals as of each cutoff, where
    `positions[k]` is the rank of cutoff k among the distinct cutoffs (slice // 2 ≤ rank: on or before it)."""
    account, part = table[:, 0], table[:, 1]
    after, negative = part // 2, (part % 2).astype(bool)
    kept = ~negative
    ids, index = np.unique(account[kept], return_inverse=True)
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    n, k = ids.shape[0], len(positions)
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, index, table[kept, 2].astype(np.int32))
    last_day = np.full((k, n), np.iinfo(np.int32).min, dtype=np.int32)
    purchases = np.zeros((k, n), dtype=np.int64)
    cents = np.zeros((k, n), dtype=np.int64)
    negatives = np.zeros(k, dtype=np.int64)
    for row, rank in enumerate(positions):
        upto = after[kept] <= rank
        np.maximum.at(last_day[row], index[upto], table[kept, 3][upto].astype(np.int32))
        purchases[row] = np.bincount(index[upto], weights=table[kept, 4][upto], minlength=n).astype(np.int64)
        np.add.at(cents[row], index[upto], table[kept, 5][upto])
        negatives[row] = int(table[negative & (after <= rank), 4].sum())
    return OrderAccountTotals(
        account=ids.astype(np.int64),
        first_day=first_day,
        last_day=last_day,
        purchases=purchases,
        cents=cents,
        negatives=negatives,
    )
