"""The demo catalog loads through the catalog's public services and prices and converts like the real thing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from crm.catalog import selectors
from crm.contacts.tests.factories import user_with_role
from crm.demo.catalog import PRODUCTS, demo_catalog_load

pytestmark = pytest.mark.django_db


def test_demo_catalog_is_complete_and_priced() -> None:
    lines: list[str] = []
    demo_catalog_load(actor=None, say=lines.append)
    admin = user_with_role("administrator")
    today = timezone.localdate()

    page = selectors.product_list(user=admin, params={}, limit=200)
    assert len(page.items) == len(PRODUCTS) == 40
    assert {p.kind for p in page.items} == {"product", "service", "subscription"}
    laptop = next(p for p in page.items if p.sku == "HW-LAP-14")
    assert selectors.price_get(product=laptop, currency="EUR", on_date=today).unit_price == Decimal("1149.00")
    wholesale = selectors.price_get(product=laptop, currency="EUR", segment="wholesale", on_date=today)
    assert wholesale.unit_price == Decimal("976.65") and wholesale.tax_rate == Decimal("21")
    assert selectors.price_get(product=laptop, currency="GBP", on_date=today).currency == "GBP"
    assert selectors.money_convert(
        amount=Decimal("100"), from_currency="EUR", to_currency="USD", on_date=today
    ) == Decimal("113.90")
    assert selectors.company_currency_get().code == "EUR"
    assert [t.rate for t in selectors.tax_list()] == [Decimal("21"), Decimal("10"), Decimal("4")]
