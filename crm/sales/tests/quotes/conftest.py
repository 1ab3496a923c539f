"""People, catalog and deals the quote tests share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog import services as catalog_services
from crm.catalog.tests import factories as catalog
from crm.contacts.tests.factories import AccountFactory, ContactFactory, TeamFactory, user_with_role
from crm.sales.tests.factories import make_opportunity, make_pipeline
from tests.smtp import smtp_server  # noqa: F401 - a fixture: a real local SMTP server


@pytest.fixture
def north(db: Any) -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def rep(north: Any, manager: Any) -> Any:
    """Rita, a sales rep reporting to Mia (a sales manager changes what her reports own)."""
    return user_with_role(
        "sales_rep", team=north, manager=manager, email="rita@example.com", full_name="Rita Reyes"
    )


@pytest.fixture
def other_rep(db: Any) -> Any:
    return user_with_role("sales_rep", team=TeamFactory(name="South"), email="sam@example.com")


@pytest.fixture
def manager(north: Any) -> Any:
    return user_with_role("sales_manager", team=north, email="mia@example.com", full_name="Mia Manager")


@pytest.fixture
def admin(db: Any) -> Any:
    return user_with_role("administrator", email="ada@example.com")


@pytest.fixture
def account(rep: Any) -> Any:
    return AccountFactory(owner=rep, name="Acme Ibérica", email="buyer@acme.example")


@pytest.fixture
def contact(rep: Any) -> Any:
    return ContactFactory(owner=rep, full_name="Ana García", email="ana@acme.example", language="es")


@pytest.fixture
def priced(db: Any) -> dict[str, Any]:
    """EUR with a price book: a laptop at 1,000.00 with 21 % tax, a support service at 250.00 without tax."""
    catalog.currency("EUR", is_company=True)
    vat = catalog.tax("IVA 21 %", "21")
    laptop = catalog.product(sku="LAP-1", name="Laptop Pro", tax=vat)
    support = catalog.product(sku="SUP-1", name="Support plan")
    retired = catalog.product(sku="OLD-1", name="Old model", is_active=False)
    unpriced = catalog.product(sku="NOP-1", name="Not priced")
    book = catalog.price_book("General")
    for product, price in ((laptop, "1000.00"), (support, "250.00"), (retired, "10.00")):
        catalog_services.price_set(actor=None, price_book=book, product=product, unit_price=Decimal(price))
    return {"laptop": laptop, "support": support, "retired": retired, "unpriced": unpriced, "book": book}


@pytest.fixture
def pipeline(db: Any) -> Any:
    return make_pipeline()


@pytest.fixture
def opportunity(pipeline: Any, rep: Any, account: Any, contact: Any) -> Any:
    return make_opportunity(
        pipeline=pipeline, owner=rep, account=account, contacts=[contact], close_date=dt.date(2030, 1, 31)
    )


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Background jobs run at once, in the enqueuing thread (after commit, as in production)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    """The PDFs kept with sent quotes go to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
