"""Writes on deliveries: a shipment of part or all of an order (`delivery_create`), shipped (`delivery_ship`),
delivered (`delivery_mark_delivered`: the order lines' delivered quantities, the order's status, the customer's
assets) or cancelled before delivery (`delivery_cancel`).

Locks are always taken in the same order — the order, then the delivery, then the order's lines — so two
deliveries of one order never deadlock and never deliver more than was ordered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.core.audit.context import audit_context
from crm.core.errors import ConcurrentEdit, InvalidInput, RecordNotFound
from crm.core.events import publish_on_commit
from crm.core.records import record_authorize
from crm.sales.enums import DeliveryStatus, OrderStatus
from crm.sales.errors import DeliveryStateInvalid, OrderNotOpen
from crm.sales.events import DeliveryDelivered, DeliveryShipped
from crm.sales.models import Delivery, DeliveryLine, Order, OrderLine
from crm.sales.selectors.orders import quantities_in_transit
from crm.sales.services.assets import assets_create_for_delivery
from crm.sales.services.numbering import number_next
from crm.sales.services.orders import quantity_clean
from crm.sales.services.values import text_clean

DELIVERY_SERIES = "delivery"
DELIVERY_PREFIX = "DL-"
OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SHIPPED)

# (order line, quantity, serial numbers: a list, or text with one per line)
DeliveryLineInput = tuple[OrderLine | int, Any, Any]


def serial_numbers_clean(value: Any) -> list[str]:
    """Serial numbers from a list or from text (one per line, or separated by commas), blanks dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace(",", "\n").splitlines()
    return [s for s in (" ".join(str(item).split())[:100] for item in items) if s]


def _order_locked(order: Order, *, actor: Any) -> Order:
    locked = Order.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    return locked


@transaction.atomic
def delivery_create(
    *,
    actor: Any,
    order: Order,
    lines: Sequence[DeliveryLineInput],
    carrier: str = "",
    tracking_number: str = "",
    notes: str = "",
) -> Delivery:
    """A pending delivery of (part of) `order`: for each line, how many and, for products tracked one by one,
    their serial numbers (one per unit). More than what remains to deliver — ordered, minus delivered, minus
    what other open deliveries carry — is refused naming the line (`lines.<n>.quantity`); nothing is stored."""
    locked = _order_locked(order, actor=actor)
    if locked.status not in (OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_DELIVERED):
        raise OrderNotOpen()
    errors: dict[str, list[str]] = {}
    if not lines:
        raise InvalidInput(field_errors={"lines": [_("Choose at least one line to deliver.")]})
    order_lines = {line.pk: line for line in OrderLine.objects.select_for_update().filter(order_id=locked.pk)}
    in_transit = quantities_in_transit(order_id=locked.pk)
    requested: dict[int, Decimal] = {}
    rows: list[tuple[OrderLine, Decimal, list[str]]] = []
    for i, (raw_line, raw_quantity, raw_serials) in enumerate(lines):
        prefix = f"lines.{i}."
        line_id = getattr(raw_line, "pk", raw_line)
        line = order_lines.get(line_id) if isinstance(line_id, int) else None
        if line is None:
            errors[prefix + "order_line"] = [_("Choose a line of this order.")]
            continue
        quantity = quantity_clean(raw_quantity, field=prefix + "quantity", errors=errors)
        if quantity is None:
            continue
        remaining = (
            line.quantity
            - line.quantity_delivered
            - in_transit.get(line.pk, Decimal(0))
            - requested.get(line.pk, Decimal(0))
        )
        if quantity > remaining:
            errors[prefix + "quantity"] = [
                _("Only %(n)s of “%(line)s” remain to deliver.")
                % {"n": _quantity_text(max(remaining, Decimal(0))), "line": line.description}
            ]
            continue
        serials = serial_numbers_clean(raw_serials)
        if serials:
            if quantity != quantity.to_integral_value() or len(serials) != int(quantity):
                errors[prefix + "serial_numbers"] = [
                    _("Give one serial number per unit: %(n)s for “%(line)s”.")
                    % {"n": _quantity_text(quantity), "line": line.description}
                ]
                continue
            if len(set(serials)) != len(serials):
                errors[prefix + "serial_numbers"] = [_("Each serial number may appear only once.")]
                continue
        requested[line.pk] = requested.get(line.pk, Decimal(0)) + quantity
        rows.append((line, quantity, serials))
    if errors:
        raise InvalidInput(field_errors=errors)
    delivery = Delivery(
        order=locked,
        account_id=locked.account_id,
        owner_id=locked.owner_id,
        carrier=text_clean(carrier, 100),
        tracking_number=text_clean(tracking_number, 100),
        notes=str(notes or "").strip()[:10000],
    )
    with audit_context(actor=actor):
        delivery.number = number_next(series=DELIVERY_SERIES, prefix=DELIVERY_PREFIX)
        delivery.save()
        for line, quantity, serials in rows:
            DeliveryLine.objects.create(
                delivery=delivery, order_line=line, quantity=quantity, serial_numbers="\n".join(serials)
            )
    return delivery


def _quantity_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _delivery_locked(delivery: Delivery, *, actor: Any, expected_version: int | None) -> Delivery:
    locked = Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    if locked is None:
        raise RecordNotFound()
    record_authorize(actor=actor, record=locked, action="change")
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEdit()
    return locked


@transaction.atomic
def delivery_ship(
    *,
    actor: Any,
    delivery: Delivery,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> Delivery:
    """A pending delivery leaves: `shipped_at` (now, or `at`), optionally its carrier and tracking number.
    Publishes DeliveryShipped after commit."""
    locked = _delivery_locked(delivery, actor=actor, expected_version=expected_version)
    if locked.status != DeliveryStatus.PENDING:
        raise DeliveryStateInvalid(_("Only a pending delivery can be shipped."))
    if carrier is not None:
        locked.carrier = text_clean(carrier, 100)
    if tracking_number is not None:
        locked.tracking_number = text_clean(tracking_number, 100)
    locked.status = DeliveryStatus.SHIPPED
    locked.shipped_at = at or timezone.now()
    locked.version += 1
    with audit_context(actor=actor):
        locked.save()
    publish_on_commit(
        DeliveryShipped(delivery_id=locked.pk, order_id=locked.order_id, actor_id=getattr(actor, "pk", None))
    )
    return locked


@transaction.atomic
def delivery_mark_delivered(
    *, actor: Any, delivery: Delivery, expected_version: int | None = None, at: dt.datetime | None = None
) -> Delivery:
    """The customer received the delivery (pending or shipped): `delivered_at`, each order line's delivered
    quantity (under row locks), the order's status — partially delivered, or delivered with `delivered_at`
    once every line is complete — and the installed base: each product line becomes the customer's assets.
    Publishes DeliveryDelivered (and DeliveryShipped when it was not marked shipped) after commit."""
    head = Delivery.objects.filter(pk=delivery.pk).values_list("order_id", flat=True).first()
    if head is None:
        raise RecordNotFound()
    order = _order_locked(Order(pk=head), actor=actor)
    locked = _delivery_locked(delivery, actor=actor, expected_version=expected_version)
    if locked.status not in OPEN_STATUSES:
        raise DeliveryStateInvalid(_("Only a pending or shipped delivery can be marked delivered."))
    now = at or timezone.now()
    was_shipped = locked.status == DeliveryStatus.SHIPPED
    delivery_lines = list(DeliveryLine.objects.filter(delivery_id=locked.pk).order_by("id"))
    order_lines = {
        line.pk: line
        for line in OrderLine.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(order_id=order.pk)
        .order_by("position", "id")
    }
    with audit_context(actor=actor):
        for dline in delivery_lines:
            oline = order_lines[dline.order_line_id]
            if oline.quantity_delivered + dline.quantity > oline.quantity:
                raise DeliveryStateInvalid(
                    _("“%(line)s” would be delivered beyond the ordered quantity.")
                    % {"line": oline.description}
                )
            oline.quantity_delivered += dline.quantity
            oline.save(update_fields=["quantity_delivered"])
        locked.status = DeliveryStatus.DELIVERED
        locked.shipped_at = locked.shipped_at or now
        locked.delivered_at = now
        locked.version += 1
        locked.save()
        is_complete = all(line.quantity_delivered >= line.quantity for line in order_lines.values())
        order.status = OrderStatus.DELIVERED if is_complete else OrderStatus.PARTIALLY_DELIVERED
        order.delivered_at = now if is_complete else None
        order.version += 1
        order.save()
        assets_create_for_delivery(
            order=order,
            delivery_lines=delivery_lines,
            order_lines=order_lines,
            delivered_on=timezone.localdate(now),
        )
    actor_id = getattr(actor, "pk", None)
    if not was_shipped:
        publish_on_commit(DeliveryShipped(delivery_id=locked.pk, order_id=order.pk, actor_id=actor_id))
    publish_on_commit(
        DeliveryDelivered(
            delivery_id=locked.pk, order_id=order.pk, is_order_complete=is_complete, actor_id=actor_id
        )
    )
    return locked


@transaction.atomic
def delivery_cancel(
    *, actor: Any, delivery: Delivery, expected_version: int | None = None, reason: str = ""
) -> Delivery:
    """Cancel a pending or shipped delivery (never a delivered one): its quantities are free to deliver
    again."""
    locked = _delivery_locked(delivery, actor=actor, expected_version=expected_version)
    if locked.status not in OPEN_STATUSES:
        raise DeliveryStateInvalid(_("A delivered or cancelled delivery cannot be cancelled."))
    locked.status = DeliveryStatus.CANCELLED
    locked.version += 1
    with audit_context(actor=actor, reason=text_clean(reason, 300) or None):
        locked.save()
    return locked
