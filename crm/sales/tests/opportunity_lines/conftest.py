from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crm.catalog import services as catalog
from crm.catalog.tests.factories import currency, price_book, product, tax
from crm.sales.tests.factories import make_opportunity, make_pipeline


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


@pytest.fixture
def catalog_items(db: Any) -> dict[str, Any]:
    """Two products priced in EUR (one with IVA 21 %), one without any EUR price, and an inactive one."""
    currency("EUR", is_company=True)
    book = price_book("General")
    iva = tax()
    laptop = product(name="Laptop", tax=iva)
    support = product(name="Support hours")
    orphan = product(name="Only in USD")
    retired = product(name="Old model", is_active=False)
    catalog.price_set(actor=None, price_book=book, product=laptop, unit_price=Decimal("1000.00"))
    catalog.price_set(actor=None, price_book=book, product=support, unit_price=Decimal("80.00"))
    catalog.price_set(actor=None, price_book=book, product=retired, unit_price=Decimal("10.00"))
    usd = price_book("US", code="USD")
    catalog.price_set(actor=None, price_book=usd, product=orphan, unit_price=Decimal("5.00"))
    return {"laptop": laptop, "support": support, "orphan": orphan, "retired": retired}


@pytest.fixture
def opportunity(rep: Any) -> Any:
    return make_opportunity(pipeline=make_pipeline(), owner=rep, amount=Decimal("500.00"))
