"""API schemas for invoices, credit notes and payments.

Money is sent and answered as decimal strings. Status, number, dates and money move only through the actions
(`/issue`, `/void`, `/credit-notes`, `POST /payments`), which enforce the rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from crm.contacts.schemas import AccountRefOut, ContactRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import InvoiceKind, InvoiceStatus, PaymentMethod


class InvoiceLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    order_line_id: int | None
    credited_line_id: int | None


class PaymentOut(Schema):
    id: int
    invoice_id: int
    account_id: int
    amount: Decimal
    currency: str
    method: PaymentMethod
    paid_on: dt.date
    reference: str
    created_at: dt.datetime


class PaymentPage(PageOut[PaymentOut]):
    pass


class InvoiceRefOut(Schema):
    id: int
    kind: InvoiceKind
    number: str | None
    status: InvoiceStatus
    total: Decimal
    issue_date: dt.date | None


class InvoiceOut(Schema):
    id: int
    kind: InvoiceKind
    number: str | None
    status: InvoiceStatus
    account: AccountRefOut
    owner: UserRefOut
    contact_id: int | None
    order_id: int | None
    delivery_id: int | None
    credited_invoice_id: int | None
    currency: str
    language: str
    issue_date: dt.date | None
    due_date: dt.date | None
    payment_terms_days: int
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    amount_paid: Decimal
    amount_credited: Decimal
    amount_due: Decimal
    reminders_sent: int
    last_reminder_at: dt.datetime | None
    voided_at: dt.datetime | None
    notes: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class InvoiceDetailOut(InvoiceOut):
    contact: ContactRefOut | None
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]
    credit_notes: list[InvoiceRefOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_payments(obj: Any) -> list[Any]:
        return list(obj.payments.all())

    @staticmethod
    def resolve_credit_notes(obj: Any) -> list[Any]:
        return list(obj.credit_notes.all())


class InvoicePage(PageOut[InvoiceOut]):
    pass


class InvoiceLineIn(InSchema):
    """A catalog product (its price in the invoice's currency and its tax are taken from the catalog unless
    given) or a free description, with a quantity."""

    product_id: int | None = None
    description: str = Field("", max_length=300)
    quantity: Decimal
    unit_price: Decimal | None = None
    discount_percent: Decimal | None = None
    tax_rate: Decimal | None = None


class InvoiceIn(InSchema):
    account_id: int
    contact_id: int | None = None
    owner_id: int | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    language: str | None = Field(None, max_length=10)
    payment_terms_days: int | None = None
    notes: str = Field("", max_length=5000)
    lines: list[InvoiceLineIn] = []


class InvoicePatch(PatchSchema):
    """A draft's fields. `lines` replaces every line (not for an invoice made from an order). `version` (or
    If-Match) refuses a stale write with 409."""

    NULLABLE = frozenset({"contact_id", "version"})

    contact_id: int | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    language: str | None = Field(None, max_length=10)
    payment_terms_days: int | None = None
    notes: str | None = Field(None, max_length=5000)
    lines: list[InvoiceLineIn] | None = None
    version: int | None = None


class OrderLinePickIn(InSchema):
    order_line_id: int
    quantity: Decimal


class FromOrderIn(InSchema):
    """`order_id` or `order_number`. Without `lines`: what was delivered and not invoiced yet, or the whole
    order when nothing waits there."""

    order_id: int | None = None
    order_number: str | None = Field(None, max_length=30)
    lines: list[OrderLinePickIn] | None = None


class FromDeliveryIn(InSchema):
    delivery_id: int


class IssueIn(InSchema):
    version: int | None = None
    issue_date: dt.date | None = None


class VoidIn(InSchema):
    version: int | None = None
    reason: str = Field("", max_length=500)


class CreditLineIn(InSchema):
    invoice_line_id: int
    quantity: Decimal


class CreditNoteIn(InSchema):
    """Without `lines`: every line's quantity not credited yet."""

    lines: list[CreditLineIn] | None = None
    reason: str = Field("", max_length=1000)


class PaymentIn(InSchema):
    invoice_id: int
    amount: Decimal
    currency: str | None = Field(None, min_length=3, max_length=3)
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    paid_on: dt.date | None = None
    reference: str = Field("", max_length=100)
