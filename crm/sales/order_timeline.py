"""Orders and deliveries on the timeline (sources of `crm.activities.timeline`).

- `sales.orders`: an order placed, on its account's timeline;
- `sales.shipments` / `sales.deliveries`: a delivery shipped / delivered, on its account's and its order's
  timelines (the delivery's own page shows its audit trail, which has the same moves).

Each source is one query on an index whatever the history's length.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from crm.activities.timeline import Before, TimelineEntry
from crm.core.ui.formats import format_money
from crm.sales.selectors.orders import deliveries_moved_page, orders_placed_page


def orders_placed_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if object_type != "contacts.account":
        return []
    entries = []
    for order in orders_placed_page(user=user, account_id=object_id, before=before, limit=limit):
        title = _("Order %(number)s placed") % {"number": order.number}
        if order.quote_id:
            title = _("Order %(number)s placed from quote %(quote)s") % {
                "number": order.number,
                "quote": order.quote.label if order.quote else "",
            }
        entries.append(
            TimelineEntry(
                source="sales.orders",
                id=order.pk,
                at=order.created_at,
                kind="sales.order",
                channel="ui",
                icon="shopping-cart",
                title=title,
                actor=order.owner,
                actor_name=order.owner.full_name,
                link=order.get_absolute_url(),
                meta=format_money(order.total, order.currency),
                obj=order,
                tone="accent",
            )
        )
    return entries


def _delivery_source(
    *, key: str, field: str, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    if object_type == "contacts.account":
        rows = deliveries_moved_page(user=user, field=field, account_id=object_id, before=before, limit=limit)
    elif object_type == "sales.order":
        rows = deliveries_moved_page(user=user, field=field, order_id=object_id, before=before, limit=limit)
    else:
        return []
    entries = []
    for delivery in rows:
        values = {"number": delivery.number, "order": delivery.order.number}
        if field == "shipped_at":
            title = _("Delivery %(number)s of order %(order)s shipped") % values
            meta = " · ".join(p for p in (delivery.carrier, delivery.tracking_number) if p)
        else:
            title = _("Delivery %(number)s of order %(order)s delivered") % values
            meta = ""
        entries.append(
            TimelineEntry(
                source=key,
                id=delivery.pk,
                at=getattr(delivery, field),
                kind=f"sales.delivery.{field.removesuffix('_at')}",
                channel="ui",
                icon="truck" if field == "shipped_at" else "check-circle",
                title=title,
                link=delivery.get_absolute_url(),
                meta=meta,
                obj=delivery,
                tone="accent" if field == "shipped_at" else "success",
            )
        )
    return entries


def shipments_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    return _delivery_source(
        key="sales.shipments",
        field="shipped_at",
        user=user,
        object_type=object_type,
        object_id=object_id,
        before=before,
        limit=limit,
    )


def deliveries_source(
    *, user: Any, object_type: str, object_id: int, before: Before, limit: int
) -> list[TimelineEntry]:
    return _delivery_source(
        key="sales.deliveries",
        field="delivered_at",
        user=user,
        object_type=object_type,
        object_id=object_id,
        before=before,
        limit=limit,
    )
