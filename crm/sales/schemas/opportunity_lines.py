"""API schemas of an opportunity's line items. Prices and taxes come from the catalog, never from the client."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema

from crm.core.api.schemas import InSchema, PatchSchema


class LineProductOut(Schema):
    id: int
    sku: str
    name: str


class OpportunityLineOut(Schema):
    id: int
    position: int
    product: LineProductOut | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal


class OpportunityLinesOut(Schema):
    """The lines and what they make: the opportunity's amount (the sum of the net amounts) and version."""

    opportunity_id: int
    currency: str
    amount: Decimal | None
    version: int
    items: list[OpportunityLineOut]


class OpportunityLineIn(InSchema):
    """A product of the catalog: its unit price (in the opportunity's currency) and tax are looked up."""

    product_id: int
    quantity: Decimal
    discount_percent: Decimal = Decimal(0)
    description: str = Field("", max_length=300)
    version: int | None = None


class OpportunityLinePatch(PatchSchema):
    NULLABLE = frozenset({"version"})

    quantity: Decimal | None = None
    discount_percent: Decimal | None = None
    description: str | None = Field(None, max_length=300)
    version: int | None = None
