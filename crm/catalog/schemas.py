"""API schemas of the catalog. `*In` and `*Patch` list exactly what a client may write (never ids, timestamps
or `version`). Money and rates travel as decimal strings ("1234.50"), never floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Literal

from ninja import Field, Schema

from crm.catalog.enums import BillingPeriod, ProductKind, Unit
from crm.catalog.money import money_round
from crm.core.api.pagination import PageOut
from crm.core.api.schemas import InSchema, PatchSchema

Blank = Literal[""]


class TaxRefOut(Schema):
    id: int
    name: str
    rate: Decimal


# --- products ------------------------------------------------------------------------------------------------
class ProductOut(Schema):
    id: int
    sku: str
    name: str
    description: str
    kind: ProductKind
    unit: Unit
    billing_period: BillingPeriod | Blank
    tax: TaxRefOut | None = None
    cost: Decimal | None = Field(None, description="unit cost in the company currency (null: not known)")
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(PageOut[ProductOut]):
    pass


class ProductIn(InSchema):
    sku: str = Field(..., max_length=40)
    name: str = Field(..., max_length=200)
    description: str = ""
    kind: ProductKind = ProductKind.PRODUCT
    unit: Unit = Unit.UNIT
    billing_period: BillingPeriod | Blank = ""
    tax_id: int | None = None
    cost: Decimal | None = Field(None, description='unit cost in the company currency, e.g. "12.40"')
    is_active: bool = True


class ProductPatch(PatchSchema):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"tax_id", "cost"})

    sku: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=200)
    description: str = None  # type: ignore[assignment]
    kind: ProductKind = None  # type: ignore[assignment]
    unit: Unit = None  # type: ignore[assignment]
    billing_period: BillingPeriod | Blank = None  # type: ignore[assignment]
    tax_id: int | None = None
    cost: Decimal | None = None
    is_active: bool = None  # type: ignore[assignment]
    version: int | None = None


class ProductPriceOut(Schema):
    """The product's price in one price book."""

    price_book_id: int
    price_book_name: str
    currency: str
    segment: str
    unit_price: Decimal
    is_active: bool

    @staticmethod
    def resolve_unit_price(obj: Any) -> Decimal:
        """In the book currency's minor units ("50.00", "1500")."""
        return money_round(obj.unit_price, obj.price_book.currency.decimal_places)

    @staticmethod
    def resolve_price_book_id(obj: Any) -> int:
        return int(obj.price_book_id)

    @staticmethod
    def resolve_price_book_name(obj: Any) -> str:
        return str(obj.price_book.name)

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.price_book.currency.code)

    @staticmethod
    def resolve_segment(obj: Any) -> str:
        return str(obj.price_book.segment)

    @staticmethod
    def resolve_is_active(obj: Any) -> bool:
        return bool(obj.price_book.is_active)


class PriceQuoteOut(Schema):
    """The unit price chosen for a currency, segment and day (`GET /products/{id}/price`)."""

    unit_price: Decimal
    currency: str
    price_book_id: int
    price_book_name: str
    tax_rate: Decimal


# --- price books ---------------------------------------------------------------------------------------------
class PriceBookOut(Schema):
    id: int
    name: str
    currency: str
    segment: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    is_active: bool
    description: str

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.currency.code)


class PriceBookIn(InSchema):
    name: str = Field(..., max_length=120)
    currency: str = Field(..., max_length=3, description="ISO 4217 code of a catalog currency")
    segment: str = Field("", max_length=40, description="customer segment; empty: every customer")
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    is_active: bool = True
    description: str = ""


class PriceBookPatch(PatchSchema):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"valid_from", "valid_until"})

    name: str | None = Field(None, max_length=120)
    currency: str | None = Field(None, max_length=3)
    segment: str | None = Field(None, max_length=40)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    is_active: bool = None  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]


class BookPriceOut(Schema):
    """One price of a book."""

    product_id: int
    sku: str
    name: str
    unit_price: Decimal

    @staticmethod
    def resolve_unit_price(obj: Any) -> Decimal:
        """In the book currency's minor units ("50.00", "1500")."""
        return money_round(obj.unit_price, obj.price_book.currency.decimal_places)

    @staticmethod
    def resolve_product_id(obj: Any) -> int:
        return int(obj.product_id)

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.product.name)


class PriceIn(InSchema):
    unit_price: Decimal = Field(..., description='in the book\'s currency, e.g. "49.90"')


# --- taxes ---------------------------------------------------------------------------------------------------
class TaxOut(Schema):
    id: int
    name: str
    rate: Decimal
    country: str
    is_active: bool


class TaxIn(InSchema):
    name: str = Field(..., max_length=80)
    rate: Decimal = Field(..., description='percent, e.g. "21"')
    country: str = Field("", max_length=2)
    is_active: bool = True


class TaxPatch(PatchSchema):
    name: str | None = Field(None, max_length=80)
    rate: Decimal = None  # type: ignore[assignment]
    country: str | None = Field(None, max_length=2)
    is_active: bool = None  # type: ignore[assignment]


# --- currencies and rates ------------------------------------------------------------------------------------
class CurrencyOut(Schema):
    code: str
    name: str
    decimal_places: int
    is_company: bool
    is_active: bool


class CurrencyIn(InSchema):
    code: str = Field(..., max_length=3, description="ISO 4217, e.g. USD")
    name: str = Field("", max_length=80)
    is_company: bool = False
    is_active: bool = True


class CurrencyPatch(PatchSchema):
    name: str | None = Field(None, max_length=80)
    is_active: bool = None  # type: ignore[assignment]


class ExchangeRateOut(Schema):
    id: int
    currency: str
    valid_on: dt.date
    rate: Decimal

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(obj.currency.code)


class ExchangeRateIn(InSchema):
    valid_on: dt.date
    rate: Decimal = Field(..., description="units of this currency per one unit of the company currency")


class ConversionOut(Schema):
    amount: Decimal
    from_currency: str
    to_currency: str
    on_date: dt.date
    converted: Decimal
