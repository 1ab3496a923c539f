"""API schemas for orders and deliveries.

Statuses change only through their own operations: `POST /orders/{id}/cancel`, `POST /deliveries/{id}/ship`,
`/deliver` and `/cancel`, which enforce the rules (what remains to deliver, nothing delivered before a cancel).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from crm.contacts.schemas import AccountRefOut, ContactRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import DeliveryStatus, OrderStatus


class ProductRefOut(Schema):
    id: int
    sku: str
    name: str


class OrderLineOut(Schema):
    id: int
    position: int
    product: ProductRefOut | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    unit_cost: Decimal | None = Field(None, description="copied from the catalog when the line was written")
    margin: Decimal | None = Field(
        None, description="net amount − quantity × unit cost (null: cost not known)"
    )
    quantity_delivered: Decimal
    quantity_invoiced: Decimal


class DeliveryRefOut(Schema):
    id: int
    number: str
    status: DeliveryStatus
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None


class OrderOut(Schema):
    id: int
    number: str
    account: AccountRefOut
    owner: UserRefOut
    contact_id: int | None
    opportunity_id: int | None
    quote_id: int | None
    status: OrderStatus
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    cost_total: Decimal = Field(description="quantity × unit cost over the lines whose cost is known")
    margin_total: Decimal = Field(description="net total − cost total")
    ordered_on: dt.date
    customer_reference: str
    delivered_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class OrderDetailOut(OrderOut):
    contact: ContactRefOut | None
    shipping_address: str
    notes: str
    lines: list[OrderLineOut]
    deliveries: list[DeliveryRefOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_deliveries(obj: Any) -> list[Any]:
        return list(getattr(obj, "delivery_rows", []))


class OrderPage(PageOut[OrderOut]):
    pass


class OrderLineIn(InSchema):
    """A catalog product (its price in the order's currency and its tax come from the catalog unless given),
    or a free description with a unit price."""

    product_id: int | None = None
    description: str = Field("", max_length=300)
    quantity: Decimal
    unit_price: Decimal | None = None
    unit_cost: Decimal | None = Field(None, description="default: the product's catalog cost, if known")
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal | None = None


class OrderIn(InSchema):
    account_id: int
    contact_id: int | None = None
    owner_id: int | None = None
    opportunity_id: int | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    ordered_on: dt.date | None = None
    customer_reference: str = Field("", max_length=100)
    shipping_address: str = Field("", max_length=2000)
    notes: str = Field("", max_length=10000)
    lines: list[OrderLineIn]


class OrderFromQuoteIn(InSchema):
    quote_id: int
    ordered_on: dt.date | None = None
    customer_reference: str = Field("", max_length=100)
    shipping_address: str = Field("", max_length=2000)
    notes: str = Field("", max_length=10000)


class OrderPatch(PatchSchema):
    """Only the fields sent change. `version` (or If-Match) refuses a stale write with 409."""

    NULLABLE = frozenset({"contact_id", "version"})

    contact_id: int | None = None
    owner_id: int | None = None
    ordered_on: dt.date | None = None
    customer_reference: str | None = Field(None, max_length=100)
    shipping_address: str | None = Field(None, max_length=2000)
    notes: str | None = Field(None, max_length=10000)
    version: int | None = None


class CancelIn(InSchema):
    version: int | None = None
    reason: str = Field("", max_length=300)


# --- deliveries --------------------------------------------------------------------------------------------
class DeliveryLineOut(Schema):
    id: int
    order_line_id: int
    description: str
    product_id: int | None
    quantity: Decimal
    serial_numbers: list[str]

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.order_line.description)

    @staticmethod
    def resolve_product_id(obj: Any) -> int | None:
        return obj.order_line.product_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_serial_numbers(obj: Any) -> list[str]:
        return [s for s in str(obj.serial_numbers).splitlines() if s]


class OrderRefOut(Schema):
    id: int
    number: str


class DeliveryOut(Schema):
    id: int
    number: str
    order: OrderRefOut
    account: AccountRefOut
    owner: UserRefOut
    status: DeliveryStatus
    carrier: str
    tracking_number: str
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DeliveryDetailOut(DeliveryOut):
    notes: str
    lines: list[DeliveryLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class DeliveryPage(PageOut[DeliveryOut]):
    pass


class DeliveryLineIn(InSchema):
    order_line_id: int
    quantity: Decimal
    serial_numbers: list[str] = []


class DeliveryIn(InSchema):
    order_id: int
    lines: list[DeliveryLineIn]
    carrier: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=100)
    notes: str = Field("", max_length=10000)


class ShipIn(InSchema):
    version: int | None = None
    shipped_at: dt.datetime | None = None
    carrier: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=100)


class DeliverIn(InSchema):
    version: int | None = None
    delivered_at: dt.datetime | None = None
