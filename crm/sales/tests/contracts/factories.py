"""Test data for contracts, built through the services like real ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crm.catalog import services as catalog_services
from crm.catalog.tests.factories import price_book, product, tax
from crm.contacts.tests.factories import AccountFactory, UserFactory
from crm.sales.services.contracts import contract_activate, contract_create

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)


def catalog_product(*, price: str = "100.00", code: str = "EUR", billing_period: str = "monthly") -> Any:
    """A subscription product priced in one `code` book, with IVA 21 %."""
    item = product(kind="subscription", billing_period=billing_period, tax=tax())
    book = price_book(code=code)
    catalog_services.price_set(actor=None, price_book=book, product=item, unit_price=Decimal(price))
    return item


def free_line(**fields: Any) -> dict[str, Any]:
    return {"description": "Support plan", "quantity": 1, "unit_price": "50.00", **fields}


def make_contract(
    *, owner: Any = None, account: Any = None, lines: list[dict[str, Any]] | None = None, **fields: Any
) -> Any:
    owner = owner or UserFactory()
    values: dict[str, Any] = {
        "title": "Hosting",
        "account": account or AccountFactory(owner=owner),
        "start_date": START,
        "end_date": END,
        "currency": "EUR",
    }
    values.update(fields)
    return contract_create(actor=None, owner=owner, lines=[free_line()] if lines is None else lines, **values)


def make_active_contract(**fields: Any) -> Any:
    contract = make_contract(**fields)
    return contract_activate(actor=None, contract=contract)
