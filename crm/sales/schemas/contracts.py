"""API schemas for contracts and their recurring lines.

`ContractIn` / `ContractPatch` list exactly what a client may write; the status changes only through
`POST /contracts/{id}/activate` and `/cancel`. Line prices default to the catalog's (contract currency, start
date) when `unit_price` is left out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from crm.catalog.enums import BillingPeriod
from crm.contacts.schemas import AccountRefOut, ContactRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import ContractStatus


class ContractLineIn(InSchema):
    product_id: int | None = None
    description: str = Field("", max_length=300)
    quantity: Decimal = Field(Decimal(1), max_digits=12, decimal_places=3)
    unit_price: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    discount_percent: Decimal = Field(Decimal(0), max_digits=5, decimal_places=2)
    tax_rate: Decimal | None = Field(None, max_digits=7, decimal_places=4)
    billing_period: BillingPeriod | None = None


class ContractLineOut(Schema):
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
    billing_period: BillingPeriod
    next_invoice_on: dt.date | None


class ContractOut(Schema):
    id: int
    number: str
    title: str
    account: AccountRefOut
    contact: ContactRefOut | None
    owner: UserRefOut
    status: ContractStatus
    start_date: dt.date
    end_date: dt.date
    auto_renew: bool
    renewal_term_months: int
    renewal_notice_days: int
    payment_terms_days: int
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    renewal_opportunity_id: int | None
    renewed_from_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ContractDetailOut(ContractOut):
    terms: str
    lines: list[ContractLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ContractPage(PageOut[ContractOut]):
    pass


class ContractIn(InSchema):
    title: str = Field(..., max_length=200)
    account_id: int
    contact_id: int | None = None
    owner_id: int | None = None
    start_date: dt.date
    end_date: dt.date
    auto_renew: bool = False
    renewal_term_months: int = Field(12, ge=1, le=120)
    renewal_notice_days: int = Field(60, ge=0, le=3650)
    payment_terms_days: int = Field(30, ge=0, le=365)
    terms: str = Field("", max_length=20000)
    currency: str = Field("EUR", min_length=3, max_length=3)
    lines: list[ContractLineIn] = []


class ContractPatch(PatchSchema):
    """Only the fields sent change; `lines` replaces every line (drafts only). `version` (or If-Match) refuses
    a stale write with 409."""

    NULLABLE = frozenset({"contact_id", "version"})

    title: str | None = Field(None, max_length=200)
    account_id: int | None = None
    contact_id: int | None = None
    owner_id: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    auto_renew: bool | None = None
    renewal_term_months: int | None = Field(None, ge=1, le=120)
    renewal_notice_days: int | None = Field(None, ge=0, le=3650)
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    terms: str | None = Field(None, max_length=20000)
    currency: str | None = Field(None, min_length=3, max_length=3)
    lines: list[ContractLineIn] | None = None
    version: int | None = None


class ContractActionIn(InSchema):
    version: int | None = None
    reason: str = Field("", max_length=500)


class ContractInvoiceOut(Schema):
    id: int
    number: str | None
    status: str
    currency: str
    total: Decimal
    created_at: dt.datetime


class ContractGenerateOut(Schema):
    invoices: list[ContractInvoiceOut]
