"""Per-account totals of the orders that stand, aggregated inside the database in one scan: what the RFM
analysis needs without reading every order row out.

    totals = order_account_totals(currencies=["EUR", "USD"], rates={"USD": (days, rates)}, cutoffs=[as_of, …])
    totals.account, totals.first_day           # per account with an order ≥ 0 on or before the latest cutoff
    totals.last_day[k], totals.purchases[k], totals.cents[k], totals.converted[k], totals.negatives[k]

Two scans: the orders with a stored company total (`Order.company_total`, the float the conversion below
gives, kept by `crm.sales.services.order_company_totals`) are summed as they are — no per-row numeric work;
the few without one (NULL: no rate on their day, an unknown currency), found through a partial index, are
converted in the query as follows. `currencies[0]` is the company currency: its totals are summed exactly, in
cents. An order in another currency is converted in the query at the rate in force on its day (`rates[code]`: the days each rate is valid from,
ascending, and the rates as floats: total ÷ rate, the same float division as `transactions_load`), and summed
as a float. The orders that stand are those of `order_transactions` (not cancelled, not deleted), up to the
latest cutoff; orders with a negative total are left out of the figures and only counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from crm.sales.enums import OrderStatus
from crm.sales.models import Order

_ROW = np.dtype(  # one group, as the query packs it: big-endian fixed-width fields
    [
        ("account", ">i8"),
        ("part", ">i4"),
        ("first", ">i4"),
        ("last", ">i4"),
        ("count", ">i8"),
        ("cents", ">i8"),
        ("amount", ">f8"),
        ("rated", ">i8"),
    ]
)
_PACK = (  # the expressions that pack a group's columns (g.*) into _ROW's bytes
    "int8send(g.a) || int4send(g.p) || int4send(g.f) || int4send(g.l) || int8send(g.c) || int8send(g.s)"
    " || float8send(g.m) || int8send(g.r)"
)
_INTEGERS = ("account", "part", "first", "last", "count", "cents", "rated")
Rates = Mapping[str, tuple[Sequence[dt.date], Sequence[float]]]


@dataclass(frozen=True)
class OrderAccountTotals:
    account: np.ndarray  # int64, ascending
    first_day: np.ndarray  # int32 days since 1970-01-01: the first order ≥ 0 on or before the last cutoff
    last_day: np.ndarray  # int32 (k, n): the last order ≥ 0 on or before cutoff k; INT32_MIN when none
    purchases: np.ndarray  # int64 (k, n): orders ≥ 0 on or before cutoff k
    cents: np.ndarray  # int64 (k, n): their totals in the company currency, in cents, summed exactly
    converted: np.ndarray  # float64 (k, n): their totals in other currencies, converted, summed
    negatives: np.ndarray  # int64 (k,): orders < 0 on or before cutoff k (left out of the figures)
    unknown_currency: bool  # some order is in a currency not in `currencies` (left out)
    unconverted: bool  # some order's currency has no rate on or before its day (left out)


def order_account_totals(
    *, currencies: Sequence[str], rates: Rates, cutoffs: Sequence[dt.date]
) -> OrderAccountTotals:
    """The per-account totals of the orders that stand, as of each of `cutoffs`. One scan, grouped in the
    database by account and "part" (the currency's index, how many cutoffs the order comes after, negative or
    not) with a handful of plain aggregates per group, no per-cutoff FILTER; NumPy then adds the parts up per
    cutoff. On PostgreSQL the scan runs with parallel workers, the rate is found by `width_bucket` over the
    rate's days, and the groups come back as a binary COPY. Company-wide, not scoped by a user, like
    `order_transactions`. The rates must be above zero."""
    if not cutoffs or not currencies:
        raise ValueError("order_account_totals needs a currency and at least one cutoff")
    ordered = sorted(set(cutoffs))
    k = len(ordered)
    table = connection.ops.quote_name(Order._meta.db_table)
    postgres = connection.vendor == "postgresql"
    params: list[Any] = []
    whens = " ".join(f"WHEN %s THEN {i + 1}" for i in range(len(currencies)))
    params += currencies
    after = "".join(" + CASE WHEN ordered_on > %s THEN 2 ELSE 0 END" for _c in ordered[:-1])
    params += ordered[:-1]
    part = f"(CASE currency {whens} ELSE 0 END * {2 * k}{after} + CASE WHEN total < 0 THEN 1 ELSE 0 END)"
    conversions = ""
    for code in currencies[1:]:
        valid, values = rates.get(code, ((), ()))
        if not valid:  # no rate at all: every order in it stays unconverted
            conversions += " WHEN %s THEN 'NaN'::float8" if postgres else ""
            params += [code] if postgres else []
            continue
        if postgres:  # no rate yet on the order's day: NaN, which makes the group's sum NaN
            rate = "COALESCE((%s::float8[])[width_bucket(ordered_on, %s::date[])], 'NaN'::float8)"
            conversions += f" WHEN %s THEN total::float8 / {rate}"
            params += [code, [float(v) for v in values], list(valid)]
        else:  # the latest rate on or before the order's day
            steps = " ".join("WHEN ordered_on >= %s THEN %s" for _v in valid)
            conversions += f" WHEN %s THEN CAST(total AS REAL) / CASE {steps} END"
            params += [code, *(x for pair in reversed(list(zip(valid, values, strict=True))) for x in pair)]
    converted = f"CASE currency{conversions} END" if conversions else "CAST(NULL AS REAL)"
    if postgres:
        first, last = "MIN(ordered_on) - DATE '1970-01-01'", "MAX(ordered_on) - DATE '1970-01-01'"
        columns = (
            f"account_id::int8, {part}::int4, {first}, {last}, COUNT(*)::int8, "
            f"SUM((total * 100)::int8)::int8, COALESCE(SUM({converted}), 0)::float8, COUNT(*)::int8"
        )
    else:
        first, last = (f"CAST(julianday({f}(ordered_on)) - 2440587.5 AS INTEGER)" for f in ("MIN", "MAX"))
        columns = (
            f"account_id, {part}, {first}, {last}, COUNT(*), SUM(CAST(ROUND(total * 100) AS INTEGER)), "
            f"COALESCE(SUM({converted}), 0.0), COUNT({converted})"
        )
    if not postgres:  # the conversion again, for COUNT(...)
        params += params[len(currencies) + len(ordered) - 1 :]
    # only the table's own (quoted) name is formatted in; every value is a parameter
    sql = (
        f"SELECT {columns} FROM {table} "  # noqa: S608
        "WHERE deleted_at IS NULL AND status <> %s AND ordered_on <= %s AND company_total IS NULL GROUP BY 1, 2"
    )
    params += [OrderStatus.CANCELLED.value, ordered[-1]]
    integers, amounts = _rows(sql, params)
    stored_integers, stored_amounts = _stored_rows(ordered, len(currencies) + 1)
    integers = np.concatenate([integers, stored_integers])
    amounts = np.concatenate([amounts, stored_amounts])
    return _per_cutoff(integers, amounts, k, [ordered.index(c) for c in cutoffs])


def _stored_rows(ordered: list[dt.date], index: int) -> tuple[np.ndarray, np.ndarray]:
    """The groups of the orders with a stored company total (`Order.company_total`, the float the conversion
    would give), as converted groups of a currency `index` past the real ones: the scan does no per-row numeric
    work but a float sum."""
    k = len(ordered)
    table = connection.ops.quote_name(Order._meta.db_table)
    after = "".join(" + CASE WHEN ordered_on > %s THEN 2 ELSE 0 END" for _c in ordered[:-1])
    params: list[Any] = list(ordered[:-1])
    part = f"({(index + 1) * 2 * k}{after} + CASE WHEN company_total < 0 THEN 1 ELSE 0 END)"
    if connection.vendor == "postgresql":
        first, last = "MIN(ordered_on) - DATE '1970-01-01'", "MAX(ordered_on) - DATE '1970-01-01'"
        columns = (
            f"account_id::int8, {part}::int4, {first}, {last}, COUNT(*)::int8, 0::int8, "
            "SUM(company_total)::float8, COUNT(*)::int8"
        )
    else:
        first, last = (f"CAST(julianday({f}(ordered_on)) - 2440587.5 AS INTEGER)" for f in ("MIN", "MAX"))
        columns = f"account_id, {part}, {first}, {last}, COUNT(*), 0, SUM(company_total), COUNT(*)"
    sql = (
        f"SELECT {columns} FROM {table} WHERE deleted_at IS NULL AND status <> %s AND ordered_on <= %s "  # noqa: S608
        "AND company_total IS NOT NULL GROUP BY 1, 2"
    )
    return _rows(sql, [*params, OrderStatus.CANCELLED.value, ordered[-1]])


def _rows(sql: str, params: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The groups (account, part, first, last, count, cents, rated) as int64 and the summed amounts."""
    if connection.vendor == "postgresql":
        rows = _postgres_rows(sql, params)
        integers = np.column_stack([rows[name].astype(np.int64) for name in _INTEGERS]).reshape(-1, 7)
        amounts = rows["amount"].astype(np.float64)
        integers[np.isnan(amounts), 6] = 0  # an order without a rate: the group is not converted
        return integers, amounts
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    integers = np.array([[r[i] for i in (0, 1, 2, 3, 4, 5, 7)] for r in found], dtype=np.int64).reshape(-1, 7)
    return integers, np.array([r[6] for r in found], dtype=np.float64)


# one in-memory hash table for ~1M accounts (not batches spilled to disk); JIT compilation of the expressions and
# the row decoding where the server has it, but without LLVM's inlining and optimisation passes (seconds, for a
# query that runs once; measured faster than no JIT, bench/rfm.py); parallel workers although the planner
# overestimates the groups they send back
_POSTGRES_SETTINGS = (
    ("work_mem", "512MB"),
    ("jit_inline_above_cost", "-1"),
    ("jit_optimize_above_cost", "-1"),
    ("parallel_setup_cost", "0"),
    ("parallel_tuple_cost", "0"),
)


def _postgres_rows(sql: str, params: list[Any]) -> np.ndarray:
    """The groups packed by the server into one bytea of fixed-width records (one value to read, instead of a
    message per group: reading ~1M COPY rows costs seconds of Python), under the settings above, restored
    afterwards for the caller's transaction. One bytea holds up to 1 GB: ~24M groups."""
    import psycopg

    names = [name for name, _value in _POSTGRES_SETTINGS]
    packed = f"SELECT string_agg({_PACK}, ''::bytea) FROM ({sql}) AS g(a, p, f, l, c, s, m, r)"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
        previous = list(zip(names, cursor.fetchone(), strict=True))
        _settings(cursor, _POSTGRES_SETTINGS)
        with psycopg.Cursor(cursor.cursor.connection) as raw:  # binary results: the bytes as they are
            raw.execute(packed, params, binary=True)
            found = raw.fetchone()
            blob = found[0] if found else None
        _settings(cursor, previous)
    return np.frombuffer(blob or b"", dtype=_ROW)


def _settings(cursor: Any, settings: Sequence[tuple[str, str]]) -> None:
    for name, value in settings:
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _per_cutoff(table: np.ndarray, amounts: np.ndarray, k: int, positions: list[int]) -> OrderAccountTotals:
    """Rows (account, part, first, last, count, cents, rated) and the converted amounts → per-account totals
    as of each cutoff (`positions[j]`: the rank of cutoff j among the distinct ones; an order is on or before
    it when the number of cutoffs it comes after ≤ that rank)."""
    account, part, count = table[:, 0], table[:, 1], table[:, 4]
    currency = part // (2 * k) - 1
    after, negative = (part % (2 * k)) // 2, (part % 2).astype(bool)
    known = currency >= 0
    own = currency == 0
    unconverted = bool(((table[:, 6] < count) & known & ~own).any())
    kept = known & ~negative
    ids, index = np.unique(account[kept], return_inverse=True)
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    n, j = ids.shape[0], len(positions)
    first_day = np.full(n, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first_day, index, table[kept, 2].astype(np.int32))
    last_day = np.full((j, n), np.iinfo(np.int32).min, dtype=np.int32)
    purchases = np.zeros((j, n), dtype=np.int64)
    cents = np.zeros((j, n), dtype=np.int64)
    converted = np.zeros((j, n), dtype=np.float64)
    negatives = np.zeros(j, dtype=np.int64)
    kept_after, kept_own = after[kept], own[kept]
    kept_last, kept_count, kept_cents, kept_amount = (
        table[kept, 3],
        count[kept],
        table[kept, 5],
        amounts[kept],
    )
    for row, rank in enumerate(positions):
        upto = kept_after <= rank
        np.maximum.at(last_day[row], index[upto], kept_last[upto].astype(np.int32))
        purchases[row] = np.bincount(index[upto], weights=kept_count[upto], minlength=n).astype(np.int64)
        mine, theirs = upto & kept_own, upto & ~kept_own
        np.add.at(cents[row], index[mine], kept_cents[mine])
        np.add.at(converted[row], index[theirs], kept_amount[theirs])
        negatives[row] = int(count[known & negative & (after <= rank)].sum())
    return OrderAccountTotals(
        account=ids.astype(np.int64),
        first_day=first_day,
        last_day=last_day,
        purchases=purchases,
        cents=cents,
        converted=converted,
        negatives=negatives,
        unknown_currency=bool((~known).any()),
        unconverted=unconverted,
    )
