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
_WORK_MEM = "256MB"  # one in-memory hash table of ~1M accounts instead of batches spilled to disk


@dataclass(frozen=True)
class OrderAccountTotals:
    account: np.ndarray  # int64, ascending
    first_day: np.ndarray  # int32 days since 1970-01-01: the first order ≥ 0 on or before the last cutoff
    last_day: np.ndarray  # int32 (k, n): the last order ≥ 0 on or before cutoff k; INT32_MIN when none
    purchases: np.ndarray  # int64 (k, n): orders ≥ 0 on or before cutoff k
    cents: np.ndarray  # int64 (k, n): their totals, in cents, summed exactly
    negatives: np.ndarray  # int64 (k,): orders < 0 on or before cutoff k (left out of the figures)


def order_account_totals(*, currency: str, cutoffs: Sequence[dt.date]) -> OrderAccountTotals:
    """The per-account totals of the orders in `currency` that stand, as of each of `cutoffs` (one scan of
    the orders, grouped by account in the database; on PostgreSQL with parallel workers). Company-wide, not
    scoped by a user, like `order_transactions`."""
    if not cutoffs:
        raise ValueError("order_account_totals needs at least one cutoff")
    latest = max(cutoffs)
    table = connection.ops.quote_name(Order._meta.db_table)
    postgres = connection.vendor == "postgresql"
    day = "(ordered_on - DATE '1970-01-01')" if postgres else "CAST(julianday(ordered_on) - 2440587.5 AS INTEGER)"
    cents = "(total * 100)::int8" if postgres else "CAST(ROUND(total * 100) AS INTEGER)"
    columns = [f"MIN(CASE WHEN total >= 0 THEN {day} END)"]
    params: list[Any] = []
    for cutoff in cutoffs:
        kept = "total >= 0 AND ordered_on <= %s"
        columns += [
            f"MAX(CASE WHEN {kept} THEN {day} END)",
            f"SUM(CASE WHEN {kept} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {kept} THEN {cents} ELSE 0 END)",
            "SUM(CASE WHEN total < 0 AND ordered_on <= %s THEN 1 ELSE 0 END)",
        ]
        params += [cutoff, cutoff, cutoff, cutoff]
    # only the table's own (quoted) name is formatted in; every value is a parameter
    sql = (
        f"SELECT account_id, {', '.join(columns)} FROM {table} "  # noqa: S608
        "WHERE deleted_at IS NULL AND status <> %s AND currency = %s AND ordered_on <= %s "
        "GROUP BY account_id ORDER BY account_id"
    )
    params += [OrderStatus.CANCELLED.value, currency, latest]
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _columns(rows, len(cutoffs))


def _columns(rows: list[tuple[Any, ...]], k: int) -> OrderAccountTotals:
    n = len(rows)
    none = np.iinfo(np.int32).min
    if n:
        raw = np.array(rows, dtype=object)
        raw[raw == None] = none  # noqa: E711 (an element-wise test)
        table = raw.astype(np.int64)
    else:
        table = np.zeros((0, 2 + 4 * k), dtype=np.int64)
    per_cutoff = table[:, 2:].reshape(n, k, 4)
    negatives = per_cutoff[:, :, 3].sum(axis=0)
    has_any = (per_cutoff[:, :, 1] > 0).any(axis=1)  # accounts with only negative orders are not customers
    per_cutoff = per_cutoff[has_any]
    return OrderAccountTotals(
        account=table[has_any, 0],
        first_day=table[has_any, 1].astype(np.int32),
        last_day=per_cutoff[:, :, 0].T.astype(np.int32),
        purchases=per_cutoff[:, :, 1].T.copy(),
        cents=per_cutoff[:, :, 2].T.copy(),
        negatives=negatives,
    )
