"""Test data for invoicing: orders and deliveries written straight to their tables (their own services belong
to another part of the sales cycle), invoices built through the invoicing services."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from crm.contacts.tests.factories import AccountFactory
from crm.sales.models import Delivery, DeliveryLine, Order, OrderLine
from crm.sales.services.invoices import invoice_create, invoice_issue

_numbers = count(1)


def make_order(
    *,
    owner: Any,
    account: Any = None,
    lines: list[tuple[str, str, str, str]] | None = None,
    currency: str = "EUR",
) -> Order:
    """An order with lines (description, quantity, unit price, tax rate)."""
    account = account or AccountFactory(owner=owner)
    order = Order.objects.create(
        number=f"ORD-T-{next(_numbers):05d}", account=account, owner=owner, currency=currency
    )
    built = []
    for position, (description, quantity, price, tax) in enumerate(
        lines or [("Widget", "10", "100.00", "21"), ("Setup", "1", "250.00", "21")], start=1
    ):
        line = OrderLine(
            order=order,
            position=position,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Decimal(price),
            tax_rate=Decimal(tax),
        )
        line.net_amount, line.tax_amount = line.line_amounts()
        built.append(line)
    OrderLine.objects.bulk_create(built)
    order.totals_from(built)
    order.save()
    return order


def deliver(order: Order, quantities: dict[int, str], *, status: str = "shipped") -> Delivery:
    """A delivery of `quantities` ({order line position: quantity}); the order lines count them delivered."""
    delivery = Delivery.objects.create(
        number=f"DEL-T-{next(_numbers):05d}",
        order=order,
        account=order.account,
        owner=order.owner,
        status=status,
    )
    for line in order.lines.all():
        if line.position in quantities:
            q = Decimal(quantities[line.position])
            DeliveryLine.objects.create(delivery=delivery, order_line=line, quantity=q)
            OrderLine.objects.filter(pk=line.pk).update(quantity_delivered=line.quantity_delivered + q)
    return delivery


def make_invoice(
    *,
    owner: Any,
    account: Any = None,
    lines: list[dict[str, Any]] | None = None,
    issue: bool = False,
    **fields: Any,
) -> Any:
    account = account or AccountFactory(owner=owner)
    invoice = invoice_create(
        actor=None,
        account=account,
        owner=owner,
        lines=lines
        if lines is not None
        else [{"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_rate": "21"}],
        **fields,
    )
    if issue:
        invoice = invoice_issue(actor=None, invoice=invoice)
    return invoice
