"""Test data for the catalog, built through the public services (actor=None: the system)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from crm.catalog import services
from crm.catalog.models import Currency, PriceBook, Product, Tax

_n = itertools.count(1)


def currency(code: str = "EUR", *, is_company: bool = False) -> Currency:
    found = Currency.objects.filter(code=code).first()
    return found or services.currency_create(actor=None, code=code, is_company=is_company)


def eur_usd_gbp(*, usd: str = "1.10", gbp: str = "0.85", on: dt.date = dt.date(2026, 1, 1)) -> dict[str, Any]:
    """EUR as the company currency, USD and GBP with one rate each from `on`."""
    eur = currency("EUR", is_company=True)
    out = {"EUR": eur, "USD": currency("USD"), "GBP": currency("GBP")}
    services.exchange_rate_set(actor=None, currency=out["USD"], valid_on=on, rate=Decimal(usd))
    services.exchange_rate_set(actor=None, currency=out["GBP"], valid_on=on, rate=Decimal(gbp))
    return out


def tax(name: str = "IVA 21 %", rate: str = "21") -> Tax:
    found = Tax.objects.filter(name=name).first()
    return found or services.tax_create(actor=None, name=name, rate=Decimal(rate), country="ES")


def product(**fields: Any) -> Product:
    n = next(_n)
    data = {"sku": f"SKU-{n:04d}", "name": f"Product {n}", **fields}
    return services.product_create(actor=None, **data)


def price_book(name: str | None = None, *, code: str = "EUR", **fields: Any) -> PriceBook:
    return services.price_book_create(
        actor=None, name=name or f"Book {next(_n)}", currency=currency(code), **fields
    )
