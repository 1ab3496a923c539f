"""Test data for orders, deliveries and assets: a small catalog with EUR prices, an accepted quote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crm.catalog import services as catalog
from crm.catalog.tests.factories import currency, price_book, product, tax
from crm.contacts.tests.factories import AccountFactory
from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote, QuoteLine
from crm.sales.services.orders import order_create


def catalog_setup() -> dict[str, Any]:
    """EUR (company currency), IVA 21 %, a router (product, 100 EUR), installation (service, 50 EUR)."""
    currency("EUR", is_company=True)
    vat = tax()
    book = price_book()  # a new book each time: a test may set up the catalog twice
    router = product(name="Router X1", tax=vat)
    install = product(name="Installation", kind="service", tax=vat)
    catalog.price_set(actor=None, price_book=book, product=router, unit_price=Decimal("100.00"))
    catalog.price_set(actor=None, price_book=book, product=install, unit_price=Decimal("50.00"))
    return {"router": router, "install": install, "book": book, "tax": vat}


def make_order(
    *, owner: Any, account: Any = None, lines: list[dict[str, Any]] | None = None, **fields: Any
) -> Any:
    items = catalog_setup() if lines is None else {}
    return order_create(
        actor=None,
        account=account or AccountFactory(owner=owner),
        owner=owner,
        lines=lines
        if lines is not None
        else [
            {"product": items["router"], "quantity": 3},
            {"product": items["install"], "quantity": 1},
        ],
        **fields,
    )


def accepted_quote(*, owner: Any, account: Any = None, status: str = QuoteStatus.ACCEPTED) -> Quote:
    account = account or AccountFactory(owner=owner)
    quote = Quote.objects.create(
        number=f"QT-{Quote.objects.count() + 1:05d}",
        account=account,
        owner=owner,
        status=status,
        currency="USD",
        valid_until=dt.date(2030, 1, 1),
    )
    lines = [
        QuoteLine(
            quote=quote,
            position=1,
            description="Consulting day",
            quantity=Decimal(2),
            unit_price=Decimal("800.00"),
            discount_percent=Decimal(10),
            tax_rate=Decimal(21),
        )
    ]
    for line in lines:
        line.net_amount, line.tax_amount = line.line_amounts()
        line.save()
    quote.totals_from(list(lines))
    quote.save()
    return quote
