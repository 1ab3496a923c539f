"""The per-account purchase summary (`AccountPurchases`): the standing orders' first and last date and their
number per account × order owner.

Every service that writes an order calls `account_purchases_refresh` with the rows the order was in before the
write (`purchase_keys`, from the locked row) and its id: the rows it left or joined are recomputed from their
orders, under a row lock taken in a fixed order (account, owner), so two writes of one row run one after the
other and the second reads what the first wrote (idempotent; a row left without orders is deleted), like the
forecast's cells (`services/forecast.py`). `account_purchases_rebuild` (`crm purchases rebuild`) recomputes the
whole summary set-based (existing data, bulk loads).

The order-line summary rides on this hook (`services/line_months.py`): `purchase_keys` also gives the order's
line group (tagged "lines"), and `account_purchases_refresh` recomputes the line groups after the purchase rows
(the locks are always taken in that order)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet

from crm.sales.enums import OrderStatus
from crm.sales.models import AccountPurchases, Order
from crm.sales.services.line_months import LINES, LineGroup, line_group_of, order_line_month_refresh

Key = tuple[int, int]  # account id, owner id
Figures = tuple[Any, Any, int]  # first order date, last order date, number of orders
_KEYS_PER_QUERY = 100  # OR-ed key filters per read (SQLite's expression depth)


def standing_orders() -> QuerySet[Order]:
    """The orders the summary adds up: live (not in the recycle bin) and not cancelled."""
    return Order.objects.exclude(status=OrderStatus.CANCELLED)


def purchase_keys(orders: Iterable[Order]) -> set[Key | LineGroup]:
    """The rows these orders count in (or may: a cancelled one too, recomputing a row is harmless), and their
    groups of the order-line summary, from their fields as read from the database (a locked row before a
    write)."""
    keys: set[Key | LineGroup] = set()
    for o in orders:
        keys |= {(o.account_id, o.owner_id), line_group_of(o)}
    return keys


@transaction.atomic
def account_purchases_refresh(*, order_ids: Iterable[int], before: Iterable[Key | LineGroup] = ()) -> int:
    """Recompute the rows these orders count in now and the rows `before` (where they counted before the
    write), from their orders; then the same for their groups of the order-line summary. Answers the number of
    purchase rows recomputed."""
    keys: set[Key] = set()
    groups: set[LineGroup] = set()
    for key in before:
        if key[0] == LINES:
            groups.add(key)  # type: ignore[arg-type]
        else:
            keys.add(key)  # type: ignore[arg-type]
    ids = sorted({int(pk) for pk in order_ids})
    for order in Order.all_objects.filter(pk__in=ids).only(
        "account_id", "owner_id", "ordered_on", "currency"
    ):
        keys.add((order.account_id, order.owner_id))
        groups.add(line_group_of(order))
    _refresh(keys)
    order_line_month_refresh(groups)
    return len(keys)


def _keys_q(keys: list[Key]) -> Q:
    q = Q()
    for account_id, owner_id in keys:
        q |= Q(account_id=account_id, owner_id=owner_id)
    return q


def _figures(orders: QuerySet[Order]) -> dict[Key, Figures]:
    rows = (
        orders.order_by()
        .values_list("account_id", "owner_id")
        .annotate(first=Min("ordered_on"), last=Max("ordered_on"), n=Count("id"))
    )
    return {(a, o): (first, last, n) for a, o, first, last, n in rows}


def _row(key: Key, figures: Figures = (None, None, 0)) -> AccountPurchases:
    return AccountPurchases(
        account_id=key[0], owner_id=key[1], first_on=figures[0], last_on=figures[1], orders=figures[2]
    )


def _refresh(keys: set[Key]) -> None:
    """Recompute these rows from their orders (inside the caller's transaction). The rows are created when
    missing and locked in a fixed order before their orders are read."""
    if not keys:
        return
    ordered = sorted(keys)
    locked: dict[Key, int] = {}
    missing = ordered
    while missing:  # a row deleted by a writer we waited for is created again, then locked
        AccountPurchases.objects.bulk_create([_row(k) for k in missing], ignore_conflicts=True)
        for start in range(0, len(missing), _KEYS_PER_QUERY):
            for pk, account_id, owner_id in (
                AccountPurchases.objects.select_for_update()
                .filter(_keys_q(missing[start : start + _KEYS_PER_QUERY]))
                .order_by("account_id", "owner_id")
                .values_list("pk", "account_id", "owner_id")
            ):
                locked[(account_id, owner_id)] = pk
        missing = [k for k in ordered if k not in locked]
    figures: dict[Key, Figures] = {}
    for start in range(0, len(ordered), _KEYS_PER_QUERY):
        figures.update(_figures(standing_orders().filter(_keys_q(ordered[start : start + _KEYS_PER_QUERY]))))
    kept = []
    for key in ordered:
        if key in figures:
            row = _row(key, figures[key])
            row.pk = locked[key]
            kept.append(row)
    AccountPurchases.objects.bulk_update(kept, ["first_on", "last_on", "orders"], batch_size=500)
    gone = [locked[k] for k in ordered if k not in figures]
    if gone:
        AccountPurchases.objects.filter(pk__in=gone).delete()


def account_purchases_rebuild() -> int:
    """Recompute the whole summary from the orders (one aggregate), then replace it in one transaction. Answers
    the number of rows."""
    figures = _figures(standing_orders())
    with transaction.atomic():
        AccountPurchases.objects.all().delete()
        AccountPurchases.objects.bulk_create(
            [_row(k, f) for k, f in sorted(figures.items())], batch_size=2_000
        )
    return len(figures)
