"""Permission-scoped reads of orders and deliveries (lists, record pages, the account panel, the API, the
timeline)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from crm.core.assignment.selectors import territory_choices
from crm.core.errors import RecordNotFound
from crm.core.listing import FilterField, ListSpec, Page, SortField, capped_count
from crm.sales.enums import DeliveryStatus, OrderStatus, QuoteStatus
from crm.sales.models import Delivery, DeliveryLine, Order, OrderLine, Quote
from crm.sales.selectors.common import attach_owners, record_pk

ORDER_OBJECT_TYPE = "sales.order"
DELIVERY_OBJECT_TYPE = "sales.delivery"


def _order_product_q(values: list[str]) -> Q:
    """Orders with a line of any of these products (a subquery: an order is listed once)."""
    ids = [int(v) for v in values if v.isdigit()]
    if len(ids) != len(values):
        raise ValueError(_("Enter a whole number."))
    return Q(pk__in=OrderLine.objects.filter(product_id__in=ids).values("order_id"))


ORDER_LIST = ListSpec(
    object_type=ORDER_OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(OrderStatus.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        # the account's stored territory (crm.contacts keeps it from the primary address)
        FilterField("territory", "account__territory", "fk", _("Territory"), options=territory_choices),
        FilterField("opportunity", "opportunity", "fk", _("Opportunity")),
        FilterField("quote", "quote", "fk", _("Quote")),
        FilterField("currency", "currency", "text", _("Currency")),
        FilterField("ordered_on", "ordered_on", "date", _("Order date")),
        FilterField("product", "lines__product", "tag", _("Product"), tag_q=_order_product_q),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("ordered_on", "ordered_on", _("Order date")),
        SortField("number", "number", _("Number")),
        SortField("total", "total", _("Total")),
        SortField("created_at", "created_at", _("Created")),
    ),
    default_sort="-ordered_on",
    search_paths=("number", "customer_reference", "account__name"),
)

DELIVERY_LIST = ListSpec(
    object_type=DELIVERY_OBJECT_TYPE,
    filters=(
        FilterField("status", "status", "choice", _("Status"), tuple(DeliveryStatus.choices)),
        FilterField("owner", "owner", "user", _("Owner")),
        FilterField("account", "account", "fk", _("Account")),
        FilterField("order", "order", "fk", _("Order")),
        FilterField("carrier", "carrier", "text", _("Carrier")),
        FilterField("shipped_at", "shipped_at", "datetime", _("Shipped")),
        FilterField("delivered_at", "delivered_at", "datetime", _("Delivered")),
        FilterField("created_at", "created_at", "datetime", _("Created")),
    ),
    sorts=(
        SortField("created_at", "created_at", _("Created")),
        SortField("number", "number", _("Number")),
    ),
    default_sort="-created_at",
    search_paths=("number", "tracking_number", "account__name"),
)

_ORDER_ROW_FIELDS = (
    *(f.name for f in Order._meta.concrete_fields if f.name not in {"shipping_address", "notes"}),
    "account__id",
    "account__name",
)


# --- orders -------------------------------------------------------------------------------------------------
def order_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Order]:
    qs: QuerySet[Order] = Order.objects.visible_to(user, action)
    if params:
        qs = ORDER_LIST.apply(qs, params, user=user)
    return qs


def order_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    """One keyset page of the orders `user` may see (filters: see ORDER_LIST); three queries at most."""
    qs = order_query(user=user, params=params).select_related("account").only(*_ORDER_ROW_FIELDS)
    page = ORDER_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def order_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(order_query(user=user, params=params))


def order_get(*, user: Any, pk: int | str, action: str = "view") -> Order:
    """An order with its lines (and their products), account, contact, owner, quote and opportunity."""
    lines = Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("position", "id"))
    order = (
        Order.objects.visible_to(user, action)
        .select_related("account", "contact", "owner", "quote", "opportunity")
        .prefetch_related(lines)
        .filter(pk=record_pk(pk))
        .first()
    )
    if order is None:
        raise RecordNotFound()
    return order


def order_exists_visible(*, user: Any, pk: int) -> bool:
    return Order.objects.visible_to(user).filter(pk=pk).exists()


def quote_visible(*, user: Any, pk: int | str) -> Quote | None:
    """Quote `pk` when `user` may see it (the "from quote" door of orders), else None."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return Quote.objects.visible_to(user).filter(pk=key).first()


def accepted_quote_choices(*, user: Any, limit: int = 200) -> list[tuple[int, str]]:
    """(id, "number · account") of the accepted quotes `user` may see that have no order yet."""
    qs = (
        Quote.objects.visible_to(user)
        .filter(status=QuoteStatus.ACCEPTED)
        .exclude(pk__in=Order.all_objects.filter(quote_id__isnull=False).values("quote_id"))
        .select_related("account")
        .order_by("-accepted_at", "-id")
    )
    return [(q.pk, f"{q.label} · {q.account.name}") for q in qs[:limit]]


def order_for_quote(*, user: Any, quote_id: int) -> Order | None:
    """The order made from quote `quote_id`, when `user` may see it."""
    return Order.objects.visible_to(user).filter(quote_id=quote_id).first()


def opportunity_orders(*, user: Any, opportunity_id: int, limit: int = 10) -> list[Order]:
    """The orders of opportunity `opportunity_id` that `user` may see, newest first (the opportunity page)."""
    return list(
        Order.objects.visible_to(user)
        .filter(opportunity_id=opportunity_id)
        .order_by("-ordered_on", "-id")[:limit]
    )


def quantities_in_transit(*, order_id: int) -> dict[int, Decimal]:
    """{order line id: quantity} on the order's pending and shipped deliveries (promised, not yet delivered)."""
    qs = DeliveryLine.objects.filter(
        delivery__order_id=order_id, delivery__status__in=(DeliveryStatus.PENDING, DeliveryStatus.SHIPPED)
    )
    return {
        row["order_line_id"]: row["total"] or Decimal(0)
        for row in qs.values("order_line_id").annotate(total=Sum("quantity")).order_by()
    }


def order_line_choices(*, order: Order) -> list[OrderLine]:
    """The order's lines with what remains to deliver (`remaining`), for the new-delivery form."""
    in_transit = quantities_in_transit(order_id=order.pk)
    lines = list(order.lines.all())
    for line in lines:
        line.in_transit = in_transit.get(line.pk, 0)  # type: ignore[attr-defined]
        line.remaining = max(line.quantity - line.quantity_delivered - line.in_transit, 0)  # type: ignore[attr-defined]
    return lines


def account_orders(*, user: Any, account_id: int, limit: int = 10) -> list[Order]:
    """The account's latest orders `user` may see (the account page's panel)."""
    qs = (
        Order.objects.visible_to(user)
        .filter(account_id=account_id)
        .only(*(f.name for f in Order._meta.concrete_fields if f.name not in {"shipping_address", "notes"}))
        .order_by("-ordered_on", "-id")
    )
    return list(qs[:limit])


# --- deliveries --------------------------------------------------------------------------------------------
def delivery_query(
    *, user: Any, params: Mapping[str, Any] | None = None, action: str = "view"
) -> QuerySet[Delivery]:
    qs: QuerySet[Delivery] = Delivery.objects.visible_to(user, action)
    if params:
        qs = DELIVERY_LIST.apply(qs, params, user=user)
    return qs


def delivery_list(
    *,
    user: Any,
    params: Mapping[str, Any],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int | str | None = None,
) -> Page:
    qs = delivery_query(user=user, params=params).select_related("account", "order")
    page = DELIVERY_LIST.paginate(qs, sort=sort, cursor=cursor, limit=limit)
    attach_owners(page.items)
    return page


def delivery_count(*, user: Any, params: Mapping[str, Any]) -> tuple[int, bool]:
    return capped_count(delivery_query(user=user, params=params))


def delivery_get(*, user: Any, pk: int | str, action: str = "view") -> Delivery:
    """A delivery with its lines (each with its order line and product), order, account and owner."""
    lines = Prefetch(
        "lines",
        queryset=DeliveryLine.objects.select_related("order_line", "order_line__product").order_by("id"),
    )
    delivery = (
        Delivery.objects.visible_to(user, action)
        .select_related("order", "account", "owner")
        .prefetch_related(lines)
        .filter(pk=record_pk(pk))
        .first()
    )
    if delivery is None:
        raise RecordNotFound()
    return delivery


def delivery_exists_visible(*, user: Any, pk: int) -> bool:
    return Delivery.objects.visible_to(user).filter(pk=pk).exists()


def order_deliveries(*, user: Any, order: Order) -> list[Delivery]:
    """The order's deliveries `user` may see, oldest first, with their lines (two queries)."""
    return list(
        Delivery.objects.visible_to(user)
        .filter(order_id=order.pk)
        .prefetch_related(Prefetch("lines", queryset=DeliveryLine.objects.order_by("id")))
        .order_by("id")
    )


def account_deliveries(*, user: Any, account_id: int, limit: int = 10) -> list[Delivery]:
    """The account's latest deliveries `user` may see, open ones first (the account page's panel)."""
    qs = (
        Delivery.objects.visible_to(user)
        .filter(account_id=account_id)
        .exclude(status=DeliveryStatus.CANCELLED)
        .select_related("order")
        .only(
            "id",
            "number",
            "status",
            "carrier",
            "tracking_number",
            "shipped_at",
            "delivered_at",
            "created_at",
            "order__id",
            "order__number",
            "owner_id",
            "account_id",
        )
        .order_by("-created_at", "-id")
    )
    return list(qs[:limit])


# --- the timeline ------------------------------------------------------------------------------------------
def _before(qs: QuerySet[Any], field: str, before: tuple[Any, int] | None) -> QuerySet[Any]:
    if before is None:
        return qs
    at, last_id = before
    return qs.filter(Q(**{f"{field}__lt": at}) | Q(**{field: at, "id__lt": last_id}), **{f"{field}__lte": at})


def orders_placed_page(
    *, user: Any, account_id: int, before: tuple[Any, int] | None, limit: int
) -> list[Order]:
    """The account's orders as timeline entries (newest first, keyset on created_at)."""
    qs = Order.objects.visible_to(user).filter(account_id=account_id).select_related("owner", "quote")
    return list(_before(qs, "created_at", before).order_by("-created_at", "-id")[:limit])


def deliveries_moved_page(
    *,
    user: Any,
    field: str,
    account_id: int | None = None,
    order_id: int | None = None,
    before: tuple[Any, int] | None,
    limit: int,
) -> list[Delivery]:
    """Deliveries of an account or an order by the moment `field` (shipped_at / delivered_at), newest first."""
    qs = Delivery.objects.visible_to(user).filter(**{f"{field}__isnull": False}).select_related("order")
    qs = qs.filter(account_id=account_id) if account_id is not None else qs.filter(order_id=order_id)
    return list(_before(qs, field, before).order_by(f"-{field}", "-id")[:limit])


def order_transactions(
    *, until: dt.date | None = None, chunk_size: int = 20_000
) -> Iterator[tuple[Any, ...]]:
    """Every order that stands (not cancelled, not deleted) as `(account_id, ordered_on, total, currency)`,
    streamed in id order: the purchase transactions the customer analyses read. Company-wide, not scoped by a
    user: analytics computes over the whole base and scopes what it shows."""
    qs = Order.objects.exclude(status=OrderStatus.CANCELLED)
    if until is not None:
        qs = qs.filter(ordered_on__lte=until)
    yield from (
        qs.order_by("pk")
        .values_list("account_id", "ordered_on", "total", "currency")
        .iterator(chunk_size=chunk_size)
    )


# --- the customer analyses' bulk read -----------------------------------------------------------------------
# the amounts a bulk read may take: a fixed SQL expression per measure (never the caller's text)
TRANSACTION_MEASURES = {"revenue": "total", "margin": "(net_total - cost_total)"}


def _copy_row(measures: Sequence[str]) -> np.dtype:
    fields = [
        ("fields", ">i2"),
        ("len_account", ">i4"),
        ("account", ">i8"),
        ("len_day", ">i4"),
        ("day", ">i4"),
    ]
    for measure in measures:
        fields += [(f"len_{measure}", ">i4"), (measure, ">f8")]
    return np.dtype([*fields, ("len_currency", ">i4"), ("currency", ">i2")])


_COPY_HEADER = 19  # PGCOPY signature (11) + flags (4) + header extension length (4, always 0 here)
_COPY_CHUNK = 16 << 20


def order_transaction_columns(
    *, until: dt.date | None = None, currencies: Sequence[str], measures: Sequence[str] = ("revenue",)
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """The same orders as `order_transactions`, as NumPy columns in no particular order: account ids (int64),
    order days since 1970-01-01 (int32), `{measure: amounts}` (float64, the order's currency: "revenue" is the
    total, "margin" the net total − cost total; several measures come from the same single read) and the
    currency as its index in `currencies` (int16; -1 for a code not listed). PostgreSQL streams a binary COPY
    straight into arrays; other databases read one plain cursor."""
    values = [TRANSACTION_MEASURES[m] for m in measures]  # KeyError for anything else
    # only the table's own (quoted) name and the fixed expressions are formatted in; every value is a parameter
    table = connection.ops.quote_name(Order._meta.db_table)
    where = "deleted_at IS NULL AND status <> %s" + (" AND ordered_on <= %s" if until is not None else "")
    params: list[Any] = [OrderStatus.CANCELLED.value] + ([until] if until is not None else [])
    if connection.vendor == "postgresql":
        currency_sql = "(COALESCE(array_position(%s::text[], currency::text), 0) - 1)::int2"
        amounts = "".join(f"{v}::float8, " for v in values)
        columns = f"account_id::int8, (ordered_on - DATE '1970-01-01')::int4, {amounts}{currency_sql}"
        sql = f"COPY (SELECT {columns} FROM {table} WHERE {where}{{}}) TO STDOUT (FORMAT binary)"  # noqa: S608
        return _copy_columns(sql, [list(currencies), *params], measures)
    whens = "".join(f"WHEN %s THEN {i} " for i in range(len(currencies)))
    currency_sql = f"CASE currency {whens}ELSE -1 END" if currencies else "-1"
    amounts = "".join(f"CAST({v} AS REAL), " for v in values)
    columns = f"account_id, CAST(julianday(ordered_on) - 2440587.5 AS INTEGER), {amounts}{currency_sql}"
    sql = f"SELECT {columns} FROM {table} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*currencies, *params])
        rows = cursor.fetchall()
    table_ = np.array(rows, dtype=np.float64).reshape(len(rows), 3 + len(values))
    return (
        table_[:, 0].astype(np.int64),
        table_[:, 1].astype(np.int32),
        {m: np.ascontiguousarray(table_[:, 2 + i]) for i, m in enumerate(measures)},
        table_[:, -1].astype(np.int16),
    )


_PARALLEL_FROM_ROWS = 2_000_000  # from this many orders (the planner's estimate) two id ranges stream at once


def _copy_columns(
    sql: str, params: list[Any], measures: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """`sql` has a `{}` where an id range may be added. PostgreSQL does not parallelise `COPY (query)`, so a
    large table is read as two id ranges over two connections at once (each its own backend)."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        estimate = int(cursor.fetchone()[0] or 0)
        bounds = None
        if estimate >= _PARALLEL_FROM_ROWS and not connection.in_atomic_block:
            cursor.execute(f"SELECT min(id), max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            bounds = cursor.fetchone()
        if not bounds or bounds[0] is None:
            rows = _copy_rows(cursor.cursor, sql.format(""), params, measures)
    if bounds and bounds[0] is not None:
        low, high = int(bounds[0]), int(bounds[1]) + 1
        middle = (low + high) // 2
        ranged = sql.format(" AND id >= %s AND id < %s")

        def part(limits: tuple[int, int]) -> np.ndarray:
            raw = connection.get_new_connection(connection.get_connection_params())
            try:
                with raw.cursor() as own:
                    return _copy_rows(own, ranged, [*params, *limits], measures)
            finally:
                raw.close()

        with ThreadPoolExecutor(max_workers=2) as pool:
            rows = np.concatenate(list(pool.map(part, [(low, middle), (middle, high)])))
    return (
        rows["account"].astype(np.int64),
        rows["day"].astype(np.int32),
        {m: rows[m].astype(np.float64) for m in measures},
        rows["currency"].astype(np.int16),
    )


def _copy_rows(cursor: Any, sql: str, params: list[Any], measures: Sequence[str]) -> np.ndarray:
    """One binary COPY read into a structured array (fixed-width rows: no NULLs in these columns)."""
    row = _copy_row(measures)
    parts: list[np.ndarray] = []
    pending = bytearray()
    skip = _COPY_HEADER

    def take(final: bool) -> None:
        nonlocal pending, skip
        start = skip
        usable = (
            len(pending) - start - (2 if final else 0)
        ) // row.itemsize  # the trailer: a field count of -1
        if usable > 0:
            end = start + usable * row.itemsize
            parts.append(np.frombuffer(bytes(pending[start:end]), dtype=row))
            start = end
        pending = pending[start:]
        skip = 0

    with cursor.copy(sql, params) as copy:
        for data in copy:
            pending += data
            if len(pending) >= _COPY_CHUNK:
                take(False)
    take(True)
    return np.concatenate(parts) if parts else np.empty(0, dtype=row)


def order_line_query(*, user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[OrderLine]:
    """The lines of the orders `user` may see, the orders filtered like the order list (`params`): what the
    revenue-by-product figures sum."""
    return OrderLine.objects.filter(order__in=order_query(user=user, params=params).values("pk"))
