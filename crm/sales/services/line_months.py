"""The order-line summary (`OrderLineMonth`): the standing orders' lines added up per month × owner × currency
× product × account territory — what the revenue-by-product and revenue-by-territory widgets read.

It rides on the purchase summary's hook (`services/purchases.py`), like the opportunity cube on the forecast's:
`purchase_keys` also gives the order's group (`("lines", month, owner, currency)`), and
`account_purchases_refresh` recomputes the groups of the orders after the purchase rows, so every order service
keeps both with its one call. A group is recomputed whole (every product and territory: one owner's lines of one
month in one currency) under the lock of its head cell (no product, no territory), created when missing and
locked in a fixed order before the lines are read; cells left without lines are deleted (idempotent).
`order_line_month_refresh_accounts` follows an account's new territory (crm.contacts' AccountTerritoryChanged);
`order_line_month_refresh_all` recomputes every group in small transactions after a territory re-match run;
`order_line_month_rebuild` recomputes the whole summary set-based (`crm purchases rebuild`, bulk loads)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from crm.sales.enums import OrderStatus
from crm.sales.models import Order, OrderLine, OrderLineMonth
from crm.sales.selectors.periods import MonthStart

LINES = "lines"
LineGroup = tuple[str, dt.date, int, str]  # "lines", month, owner id, currency
# month, owner id, currency, product id, territory id
Cell = tuple[dt.date, int, str, int | None, int | None]
_GROUPS_PER_QUERY = 100  # OR-ed group filters per read (SQLite's expression depth)
_BATCH = 2_000


def _first_of_month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def line_group_of(order: Order) -> LineGroup:
    """The group an order's lines count in (or may: recomputing a group is harmless)."""
    return (LINES, _first_of_month(order.ordered_on), order.owner_id, order.currency)


def cell_key(cell: Cell) -> str:
    month, owner_id, currency, product_id, territory_id = cell
    product = product_id if product_id is not None else "-"
    territory = territory_id if territory_id is not None else "-"
    return f"{month:%Y-%m}:{owner_id}:{currency}:{product}:{territory}"


def _head(group: LineGroup) -> Cell:
    return (group[1], group[2], group[3], None, None)


def standing_lines() -> QuerySet[OrderLine]:
    """The lines the summary adds up: of live (not binned), not cancelled orders."""
    return OrderLine.objects.filter(order__deleted_at__isnull=True).exclude(
        order__status=OrderStatus.CANCELLED
    )


def _sums(lines: QuerySet[OrderLine]) -> dict[Cell, tuple[int, Decimal]]:
    rows = (
        lines.order_by()
        .values_list(
            MonthStart("order__ordered_on"),
            "order__owner_id",
            "order__currency",
            "product_id",
            "order__account__territory_id",
        )
        .annotate(n=Count("id"), net=Sum("net_amount"))
    )
    return {(m, o, c, p, t): (n, net or Decimal(0)) for m, o, c, p, t, n, net in rows}


def _row(cell: Cell, figures: tuple[int, Decimal] = (0, Decimal(0))) -> OrderLineMonth:
    month, owner_id, currency, product_id, territory_id = cell
    return OrderLineMonth(
        cell=cell_key(cell),
        month=month,
        owner_id=owner_id,
        currency=currency,
        product_id=product_id,
        territory_id=territory_id,
        lines=figures[0],
        net_amount=figures[1],
    )


def _group_q(group: LineGroup, prefix: str = "") -> Q:
    _kind, month, owner_id, currency = group
    if prefix:
        return Q(
            order__ordered_on__gte=month,
            order__ordered_on__lt=_next_month(month),
            order__owner_id=owner_id,
            order__currency=currency,
        )
    return Q(month=month, owner_id=owner_id, currency=currency)


def order_line_month_refresh(groups: Iterable[LineGroup]) -> None:
    """Recompute these groups from their lines (inside the caller's transaction)."""
    ordered = sorted(set(groups))
    if not ordered:
        return
    heads = {h.cell: h for h in (_row(_head(g)) for g in ordered)}
    missing = sorted(heads)
    while missing:  # a head deleted by a writer we waited for is created again, then locked
        OrderLineMonth.objects.bulk_create([heads[c] for c in missing], ignore_conflicts=True)
        held = set(
            OrderLineMonth.objects.select_for_update()
            .filter(cell__in=missing)
            .order_by("cell")
            .values_list("cell", flat=True)
        )
        missing = [c for c in missing if c not in held]
    figures: dict[Cell, tuple[int, Decimal]] = {}
    existing: dict[str, int] = {}
    for start in range(0, len(ordered), _GROUPS_PER_QUERY):
        chunk = ordered[start : start + _GROUPS_PER_QUERY]
        lines_q, cells_q = Q(), Q()
        for group in chunk:
            lines_q |= _group_q(group, "order__")
            cells_q |= _group_q(group)
        figures.update(_sums(standing_lines().filter(lines_q)))
        existing.update(OrderLineMonth.objects.filter(cells_q).values_list("cell", "pk"))
    kept, new = [], []
    for cell, values in figures.items():
        row = _row(cell, values)
        if row.cell in existing:
            row.pk = existing[row.cell]
            kept.append(row)
        else:
            new.append(row)
    OrderLineMonth.objects.bulk_update(kept, ["lines", "net_amount"], batch_size=500)
    OrderLineMonth.objects.bulk_create(new, batch_size=500)
    wanted = {cell_key(c) for c in figures}
    gone = [pk for key, pk in existing.items() if key not in wanted]
    if gone:
        OrderLineMonth.objects.filter(pk__in=gone).delete()


@transaction.atomic
def order_line_month_refresh_accounts(*, account_ids: Iterable[int]) -> int:
    """The accounts' territory changed: recompute the groups of their orders (every territory of a group is
    recomputed, so the cells under the old territory go too). Answers the number of groups."""
    ids = sorted({int(pk) for pk in account_ids})
    groups: set[LineGroup] = set()
    for start in range(0, len(ids), _BATCH):
        rows = (
            Order.objects.filter(account_id__in=ids[start : start + _BATCH])
            .order_by()
            .values_list(MonthStart("ordered_on"), "owner_id", "currency")
            .distinct()
        )
        groups |= {(LINES, m, o, c) for m, o, c in rows}
    order_line_month_refresh(groups)
    return len(groups)


def order_line_month_refresh_all() -> int:
    """Recompute every group, a few hundred per transaction, each under its own head-cell lock — what a whole
    territory re-match needs while orders keep being written (a set-based rebuild would read the lines first and
    then replace the cells, losing the cells written in between). Answers the number of groups."""
    months = set(
        Order.all_objects.order_by().values_list(MonthStart("ordered_on"), "owner_id", "currency").distinct()
    )
    months |= set(OrderLineMonth.objects.order_by().values_list("month", "owner_id", "currency").distinct())
    groups = sorted((LINES, m, o, c) for m, o, c in months)
    for start in range(0, len(groups), _GROUPS_PER_QUERY * 2):
        with transaction.atomic():
            order_line_month_refresh(groups[start : start + _GROUPS_PER_QUERY * 2])
    return len(groups)


def order_line_month_rebuild() -> int:
    """Recompute the whole summary from the lines (one GROUP BY), then replace it in one transaction — for
    maintenance (`crm purchases rebuild`): order writes made while it reads are lost from the summary until their
    group is written again. Answers the number of cells."""
    figures = _sums(standing_lines())
    with transaction.atomic():
        OrderLineMonth.objects.all().delete()
        batch: list[OrderLineMonth] = []
        for cell, values in figures.items():
            batch.append(_row(cell, values))
            if len(batch) >= _BATCH:
                OrderLineMonth.objects.bulk_create(batch)
                batch = []
        OrderLineMonth.objects.bulk_create(batch)
    return len(figures)
