"""Per-account totals of the orders that stand, aggregated inside the database in one scan: what the RFM
analysis needs without reading every order row out.

    totals = order_account_totals(currencies=["EUR", "USD"], cutoffs=[as_of, six_months_before])
    totals.account, totals.first_day           # per account with an order ≥ 0 in currencies[0] (the company's)
    totals.last_day[k], totals.purchases[k], totals.cents[k], totals.negatives[k]   # as of cutoffs[k]
    totals.other                               # the orders in any other currency, one row each

The orders that stand are those of `order_transactions` (not cancelled, not deleted), up to the latest cutoff.
Orders in the first currency with a negative total are left out of the figures and only counted (the analyses
say how many they left out). The orders in other currencies come back row by row (account, day, total, the
currency's index in `currencies` or -1): the caller converts them at the rate of their day.
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

_ROW = [  # one binary COPY row: six fixed-width fields, none NULL (every group has an order)
    ("fields", ">i2"),
    ("len_account", ">i4"),
    ("account", ">i8"),
    ("len_part", ">i4"),
    ("part", ">i4"),
    ("len_first", ">i4"),
    ("first", ">i4"),
    ("len_last", ">i4"),
    ("last", ">i4"),
    ("len_count", ">i4"),
    ("count", ">i8"),
    ("len_cents", ">i4"),
    ("cents", ">i8"),
]


@dataclass(frozen=True)
class OtherCurrencyOrders:
    account: np.ndarray  # int64
    day: np.ndarray  # int32 days since 1970-01-01
    total: np.ndarray  # float64, in the order's currency (the float nearest to the stored total)
    currency: np.ndarray  # int16: index in `currencies`; -1 for a code not listed


@dataclass(frozen=True)
class OrderAccountTotals:
    account: np.ndarray  # int64, ascending
    first_day: np.ndarray  # int32 days since 1970-01-01: the first order ≥ 0 on or before the last cutoff
    last_day: np.ndarray  # int32 (k, n): the last order ≥ 0 on or before cutoff k; INT32_MIN when none
    purchases: np.ndarray  # int64 (k, n): orders ≥ 0 on or before cutoff k
    cents: np.ndarray  # int64 (k, n): their totals, in cents, summed exactly
    negatives: np.ndarray  # int64 (k,): orders < 0 on or before cutoff k (left out of the figures)
    other: OtherCurrencyOrders


def order_account_totals(*, currencies: Sequence[str], cutoffs: Sequence[dt.date]) -> OrderAccountTotals:
    """The per-account totals of the orders in `currencies[0]` that stand, as of each of `cutoffs`, and the
    orders in other currencies one by one. One scan, grouped in the database by account, "part" (the
    currency's index, how many cutoffs the order comes after, negative or not) and, for another currency than
    the first, the order itself: a handful of plain aggregates per group, no per-cutoff FILTER. NumPy then adds
    the parts up per cutoff. On PostgreSQL the scan runs with parallel workers and the groups come back as a
    binary COPY. Company-wide, not scoped by a user, like `order_transactions`."""
    if not cutoffs or not currencies:
        raise ValueError("order_account_totals needs a currency and at least one cutoff")
    ordered = sorted(set(cutoffs))
    k = len(ordered)
    table = connection.ops.quote_name(Order._meta.db_table)
    postgres = connection.vendor == "postgresql"
    whens = " ".join(f"WHEN %s THEN {i + 1}" for i in range(len(currencies)))
    after = "".join(" + CASE WHEN ordered_on > %s THEN 2 ELSE 0 END" for _c in ordered[:-1])
    part = f"(CASE currency {whens} ELSE 0 END * {2 * k}{after} + CASE WHEN total < 0 THEN 1 ELSE 0 END)"
    alone = "CASE WHEN currency = %s THEN 0 ELSE id END"
    if postgres:
        first, last = "MIN(ordered_on) - DATE '1970-01-01'", "MAX(ordered_on) - DATE '1970-01-01'"
        columns = (
            f"account_id::int8, {part}::int4, {first}, {last}, COUNT(*)::int8, SUM((total * 100)::int8)::int8"
        )
    else:
        first, last = (f"CAST(julianday({f}(ordered_on)) - 2440587.5 AS INTEGER)" for f in ("MIN", "MAX"))
        columns = f"account_id, {part}, {first}, {last}, COUNT(*), SUM(CAST(ROUND(total * 100) AS INTEGER))"
    # only the table's own (quoted) name is formatted in; every value is a parameter
    sql = (
        f"SELECT {columns} FROM {table} "  # noqa: S608
        "WHERE deleted_at IS NULL AND status <> %s AND ordered_on <= %s "
        f"GROUP BY 1, 2, {alone}"
    )
    params: list[Any] = [
        *currencies,
        *ordered[:-1],
        OrderStatus.CANCELLED.value,
        ordered[-1],
        currencies[0],
    ]
    if postgres:
        rows = _postgres_rows(sql, params)
        table_ = np.column_stack(
            [rows[name].astype(np.int64) for name in ("account", "part", "first", "last", "count", "cents")]
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        table_ = np.array(found, dtype=np.int64) if found else np.zeros((0, 6), dtype=np.int64)
    return _per_cutoff(table_, k, [ordered.index(c) for c in cutoffs])


# one in-memory hash table for ~2M groups (not batches spilled to disk); no JIT compilation (seconds, for a
# query that runs once); parallel workers although the planner overestimates what they send back
_POSTGRES_SETTINGS = (
    ("work_mem", "512MB"),
    ("jit", "off"),
    ("parallel_setup_cost", "0"),
    ("parallel_tuple_cost", "0"),
)


def _postgres_rows(sql: str, params: list[Any]) -> np.ndarray:
    """The groups as a binary COPY read straight into a structured array (COPY of a query runs it with
    parallel workers too), under the settings above, restored afterwards for the caller's transaction."""
    from crm.sales.selectors.orders import copy_rows

    names = [name for name, _value in _POSTGRES_SETTINGS]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        previous = list(zip(names, cursor.fetchone(), strict=True))
        _settings(cursor, _POSTGRES_SETTINGS)
        rows = copy_rows(cursor.cursor, f"COPY ({sql}) TO STDOUT (FORMAT binary)", params, row=_ROW)
        _settings(cursor, previous)
    return rows


def _settings(cursor: Any, settings: Sequence[tuple[str, str]]) -> None:
    for name, value in settings:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _per_cutoff(table: np.ndarray, k: int, positions: list[int]) -> OrderAccountTotals:
    """Rows (account, part, first, last, count, cents) → per-account totals of the first currency as of each
    cutoff (`positions[j]`: the rank of cutoff j among the distinct ones; an order is on or before it when
    the number of cutoffs it comes after ≤ that rank), and the other currencies' orders."""
    account, part = table[:, 0], table[:, 1]
    currency = part // (2 * k) - 1
    after, negative = (part % (2 * k)) // 2, (part % 2).astype(bool)
    own = currency == 0
    kept = own & ~negative
    ids, index = np.unique(account[kept], return_inverse=True)
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    n = ids.shape[0]
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, index, table[kept, 2].astype(np.int32))
    last_day = np.full((len(positions), n), np.iinfo(np.int32).min, dtype=np.int32)
    purchases = np.zeros((len(positions), n), dtype=np.int64)
    cents = np.zeros((len(positions), n), dtype=np.int64)
    negatives = np.zeros(len(positions), dtype=np.int64)
    kept_after, kept_last, kept_count, kept_cents = (table[kept, c] for c in (1, 3, 4, 5))
    kept_after = after[kept]
    for row, rank in enumerate(positions):
        upto = kept_after <= rank
        np.maximum.at(last_day[row], index[upto], kept_last[upto].astype(np.int32))
        np.add.at(purchases[row], index[upto], kept_count[upto])
        np.add.at(cents[row], index[upto], kept_cents[upto])
        negatives[row] = int(table[own & negative & (after <= rank), 4].sum())
    other = ~own
    return OrderAccountTotals(
        account=ids.astype(np.int64),
        first_day=first_day,
        last_day=last_day,
        purchases=purchases,
        cents=cents,
        negatives=negatives,
        other=OtherCurrencyOrders(
            account=account[other],
            day=table[other, 2].astype(np.int32),
            total=table[other, 5] / 100,  # one order per group: its total, exactly, in cents
            currency=currency[other].astype(np.int16),
        ),
    )
