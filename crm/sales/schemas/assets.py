"""API schemas for the installed base (assets)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from crm.contacts.schemas import AccountRefOut
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema, UserRefOut
from crm.sales.enums import AssetStatus
from crm.sales.schemas.orders import ProductRefOut


class AssetOut(Schema):
    id: int
    name: str
    account: AccountRefOut
    owner: UserRefOut
    product: ProductRefOut
    quantity: Decimal
    serial_number: str
    status: AssetStatus
    delivered_on: dt.date | None
    warranty_until: dt.date | None
    order_id: int | None
    delivery_line_id: int | None
    contract_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetDetailOut(AssetOut):
    notes: str


class AssetPage(PageOut[AssetOut]):
    pass


class AssetIn(InSchema):
    """Something the customer owns that no delivery in the CRM brought (bought before it)."""

    account_id: int
    product_id: int
    name: str = Field("", max_length=200)
    quantity: Decimal = Decimal(1)
    serial_number: str = Field("", max_length=100)
    delivered_on: dt.date | None = None
    warranty_until: dt.date | None = None
    notes: str = Field("", max_length=10000)


class AssetPatch(PatchSchema):
    NULLABLE = frozenset({"delivered_on", "warranty_until", "version"})

    name: str | None = Field(None, max_length=200)
    quantity: Decimal | None = None
    serial_number: str | None = Field(None, max_length=100)
    delivered_on: dt.date | None = None
    warranty_until: dt.date | None = None
    notes: str | None = Field(None, max_length=10000)
    owner_id: int | None = None
    version: int | None = None


class ReturnIn(InSchema):
    version: int | None = None
    reason: str = Field("", max_length=300)


class ProductOwnerOut(Schema):
    account_id: int
    account_name: str
    quantity: Decimal
    assets: int
    last_delivered_on: dt.date | None


class ProductOwnerPage(PageOut[ProductOwnerOut]):
    pass
