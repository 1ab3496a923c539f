"""Permission-scoped reads of order lines, the orders filtered like the order list: what the revenue widgets sum
over a period that is not made of whole months (whole months read the order-line summary:
`selectors/line_months.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.db.models import Q, QuerySet

from crm.core.identity.permissions import scope_q
from crm.core.listing import ListSpec
from crm.sales.models import OrderLine
from crm.sales.selectors.orders import ORDER_LIST, ORDER_OBJECT_TYPE, product_ids_parse


def _line_product_q(values: list[str]) -> Q:
    """The lines of the orders with a line of any of these products (the order list's `product` filter)."""
    ids = product_ids_parse(values)
    return Q(order_id__in=OrderLine.objects.filter(product_id__in=ids).values("order_id"))


# The order list's filters on the lines, through their order: a join, not `order_id IN (SELECT id FROM orders
# …)`, which SQLite materialises (hundreds of thousands of ids for a year of orders).
ORDER_LINE_FILTERS = ListSpec(
    object_type="sales.orderline",
    filters=tuple(
        replace(f, path=f"order__{f.path}")
        if f.name != "product"
        else replace(f, path="product", tag_q=_line_product_q)
        for f in ORDER_LIST.filters
    ),
    sorts=(),
    default_sort="",
    search_paths=tuple(f"order__{p}" for p in ORDER_LIST.search_paths),
)


def order_line_query(*, user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[OrderLine]:
    """The lines of the live orders `user` may see, the orders filtered like the order list (`params`; not its
    custom fields)."""
    scope = scope_q(user, ORDER_OBJECT_TYPE, "view", "order__owner")
    if scope is None:
        return OrderLine.objects.none()
    qs = OrderLine.objects.filter(scope, order__deleted_at__isnull=True)
    if params:
        qs = ORDER_LINE_FILTERS.apply(qs, params, user=user)
    return qs
