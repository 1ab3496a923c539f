"""The catalog API end to end through the Django test client with real tokens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog.models import Currency, ExchangeRate, Price, Product, Tax
from crm.catalog.tests import factories as f
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.audit.models import AuditEntry
from crm.core.identity.models import Role, RolePermission

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(admin: Any) -> ApiClient:
    return ApiClient(admin)


@pytest.fixture
def rep_api(rep: Any) -> ApiClient:
    return ApiClient(rep)


def test_product_crud_is_audited_as_api(api: ApiClient, admin: Any) -> None:
    tax = f.tax()
    created = api.post(
        "/api/v1/products",
        {"sku": "cb-1", "name": "Cloud backup", "kind": "service", "unit": "month", "tax_id": tax.pk},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["sku"], body["tax"]["name"], body["tax"]["rate"]) == ("CB-1", tax.name, "21.0000")
    entry = AuditEntry.objects.get(object_type="catalog.product", object_id=body["id"], action="create")
    assert (entry.source, entry.actor_id) == ("api", admin.pk)

    got = api.get(f"/api/v1/products/{body['id']}")
    assert got.status_code == 200 and got["ETag"] == '"1"'

    patched = api.patch(f"/api/v1/products/{body['id']}", {"name": "Cloud backup 1 TB", "tax_id": None})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["name"], patched.json()["tax"], patched.json()["version"]) == (
        "Cloud backup 1 TB",
        None,
        2,
    )

    assert api.delete(f"/api/v1/products/{body['id']}").status_code == 204
    assert api.get(f"/api/v1/products/{body['id']}").status_code == 404
    assert Product.all_objects.get(pk=body["id"]).deleted_at is not None


def test_sku_clash_is_a_problem_naming_the_field_and_stores_nothing(api: ApiClient) -> None:
    f.product(sku="DUP", name="First")

    response = api.post("/api/v1/products", {"sku": "dup", "name": "Second"})

    assert response.status_code == 422
    assert "DUP" in problem_fields(response)["sku"][0]
    assert list(Product.objects.values_list("name", flat=True)) == ["First"]


def test_unknown_tax_and_stale_version_are_refused(api: ApiClient) -> None:
    product = f.product(name="Keep")

    bad_tax = api.patch(f"/api/v1/products/{product.pk}", {"tax_id": 999999})
    assert bad_tax.status_code == 422
    assert "tax_id" in problem_fields(bad_tax)
    stale = api.patch(f"/api/v1/products/{product.pk}", {"name": "New", "version": 7})
    assert stale.status_code == 409
    product.refresh_from_db()
    assert (product.name, product.version) == ("Keep", 1)


def test_list_filters_sorts_and_pages(api: ApiClient) -> None:
    f.product(sku="S1", name="Support", kind="service")
    f.product(sku="L1", name="Laptop")
    f.product(sku="H1", name="Hosting", kind="service")

    services_only = api.get("/api/v1/products", {"kind": "service", "sort": "-name"}).json()
    assert [p["name"] for p in services_only["items"]] == ["Support", "Hosting"]
    first = api.get("/api/v1/products", {"limit": 2}).json()
    assert [p["name"] for p in first["items"]] == ["Hosting", "Laptop"]
    rest = api.get("/api/v1/products", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [p["name"] for p in rest["items"]] == ["Support"] and rest["next_cursor"] is None


def test_bad_sort_or_filter_is_a_400_problem(api: ApiClient) -> None:
    bad_sort = api.get("/api/v1/products", {"sort": "price"})
    assert bad_sort.status_code == 400
    assert "sort" in problem_fields(bad_sort)
    bad_filter = api.get("/api/v1/products", {"colour": "red"})
    assert bad_filter.status_code == 400
    assert "colour" in problem_fields(bad_filter)


def test_rep_reads_but_cannot_write_and_denied_role_gets_404(rep_api: ApiClient, rep: Any) -> None:
    product = f.product(name="Visible")
    assert rep_api.get(f"/api/v1/products/{product.pk}").status_code == 200
    assert rep_api.post("/api/v1/products", {"sku": "X", "name": "X"}).status_code == 403
    assert rep_api.patch(f"/api/v1/products/{product.pk}", {"name": "Nope"}).status_code == 403
    assert rep_api.delete(f"/api/v1/products/{product.pk}").status_code == 403

    RolePermission.objects.create(
        role=Role.objects.get(key="sales_rep"), object_type="catalog.product", action="view", scope="none"
    )
    assert rep_api.get(f"/api/v1/products/{product.pk}").status_code == 404
    assert rep_api.get("/api/v1/products").json()["items"] == []
    product.refresh_from_db()
    assert (product.name, product.deleted_at) == ("Visible", None)


def test_price_books_prices_and_quote(api: ApiClient) -> None:
    f.currency("EUR", is_company=True)
    product = f.product()
    book = api.post("/api/v1/price-books", {"name": "Retail", "currency": "eur"})
    assert book.status_code == 201, book.content
    book_id = book.json()["id"]

    put = api.put(f"/api/v1/price-books/{book_id}/prices/{product.pk}", {"unit_price": "49.995"})
    assert put.status_code == 200, put.content
    assert put.json()["unit_price"] == "50.00"
    negative = api.put(f"/api/v1/price-books/{book_id}/prices/{product.pk}", {"unit_price": "-1"})
    assert negative.status_code == 422 and "unit_price" in problem_fields(negative)
    assert Price.objects.get().unit_price == Decimal("50")

    prices = api.get(f"/api/v1/products/{product.pk}/prices").json()
    assert [(p["price_book_name"], p["currency"], p["unit_price"]) for p in prices] == [
        ("Retail", "EUR", "50.00")
    ]
    quote = api.get(f"/api/v1/products/{product.pk}/price", {"currency": "EUR"}).json()
    assert (quote["unit_price"], quote["price_book_id"]) == ("50.00", book_id)
    missing = api.get(f"/api/v1/products/{product.pk}/price", {"currency": "USD"})
    assert missing.status_code == 404 and missing.json()["code"] == "price_not_found"


def test_price_book_with_unknown_currency_is_refused(api: ApiClient) -> None:
    response = api.post("/api/v1/price-books", {"name": "Yen", "currency": "JPY"})

    assert response.status_code == 422
    assert "currency" in problem_fields(response)


def test_currencies_rates_and_conversion(api: ApiClient) -> None:
    assert api.post("/api/v1/currencies", {"code": "EUR", "is_company": True}).status_code == 201
    usd = api.post("/api/v1/currencies", {"code": "usd"})
    assert usd.status_code == 201 and usd.json()["decimal_places"] == 2
    bad = api.post("/api/v1/currencies", {"code": "EURO"})
    assert bad.status_code == 422 and "code" in problem_fields(bad)

    rate = api.post("/api/v1/currencies/USD/rates", {"valid_on": "2026-01-01", "rate": "1.1"})
    assert rate.status_code == 201, rate.content
    assert api.get("/api/v1/currencies/USD/rates").json()[0]["rate"] == "1.10000000"

    converted = api.get(
        "/api/v1/currencies/convert",
        {"amount": "100", "from_currency": "EUR", "to_currency": "USD", "on_date": "2026-02-01"},
    )
    assert converted.status_code == 200 and converted.json()["converted"] == "110.00"
    no_rate = api.get(
        "/api/v1/currencies/convert",
        {"amount": "100", "from_currency": "EUR", "to_currency": "USD", "on_date": "2025-12-31"},
    )
    assert no_rate.status_code == 422 and no_rate.json()["code"] == "exchange_rate_missing"
    assert ExchangeRate.objects.count() == 1
    assert api.get("/api/v1/currencies/XYZ").status_code == 404


def test_taxes_crud_and_rep_cannot_manage_settings(api: ApiClient, rep_api: ApiClient) -> None:
    created = api.post("/api/v1/taxes", {"name": "IVA 21 %", "rate": "21", "country": "es"})
    assert created.status_code == 201 and created.json()["country"] == "ES"
    tax_id = created.json()["id"]
    assert api.patch(f"/api/v1/taxes/{tax_id}", {"rate": "101"}).status_code == 422
    assert Tax.objects.get().rate == Decimal("21")

    assert rep_api.get("/api/v1/taxes").status_code == 200
    assert rep_api.post("/api/v1/taxes", {"name": "Zero", "rate": "0"}).status_code == 403
    assert rep_api.post("/api/v1/currencies", {"code": "USD"}).status_code == 403
    assert Tax.objects.count() == 1 and not Currency.objects.exists()
    assert api.delete(f"/api/v1/taxes/{tax_id}").status_code == 204
    assert api.get(f"/api/v1/taxes/{tax_id}").status_code == 404


def test_rate_dates_are_validated(api: ApiClient) -> None:
    f.eur_usd_gbp(on=dt.date(2026, 1, 1))

    response = api.post("/api/v1/currencies/USD/rates", {"valid_on": "soon", "rate": "1.2"})

    assert response.status_code == 422
    assert "valid_on" in problem_fields(response)


def test_price_books_a_role_may_not_see_answer_404_and_stay_unchanged(rep_api: ApiClient) -> None:
    book = f.price_book("Secret")
    product = f.product()
    assert rep_api.get(f"/api/v1/price-books/{book.pk}").status_code == 200

    RolePermission.objects.create(
        role=Role.objects.get(key="sales_rep"), object_type="catalog.pricebook", action="view", scope="none"
    )

    assert rep_api.get(f"/api/v1/price-books/{book.pk}").status_code == 404
    assert (
        rep_api.put(f"/api/v1/price-books/{book.pk}/prices/{product.pk}", {"unit_price": "1"}).status_code
        == 404
    )
    assert rep_api.get("/api/v1/price-books").json() == []
    assert rep_api.get(f"/api/v1/products/{product.pk}/prices").json() == []
    assert not Price.objects.exists()
    book.refresh_from_db()
    assert book.name == "Secret"
