"""The catalog's pages: lists, record page, forms with inline errors, and who may open the settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.catalog.models import Currency, ExchangeRate, Price, PriceBook, Product, Tax
from crm.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client: Client, admin: Any) -> Client:
    client.force_login(admin)
    return client


@pytest.fixture
def as_rep(client: Client, rep: Any) -> Client:
    client.force_login(rep)
    return client


def test_product_list_shows_products_with_their_list_price(as_admin: Client) -> None:
    f.currency("EUR", is_company=True)
    product = f.product(name="Cloud backup", sku="CB-1")
    f.product(name="Laptop", sku="LP-1", kind="product")
    from crm.catalog import services

    services.price_set(actor=None, price_book=f.price_book("Retail"), product=product, unit_price="49.9")

    response = as_admin.get(reverse("catalog:product_list"), {"q": "cloud"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Cloud backup" in body and "Laptop" not in body
    assert "€49.90" in body


def test_product_list_bad_sort_shows_the_message_not_a_500(as_admin: Client) -> None:
    response = as_admin.get(reverse("catalog:product_list"), {"sort": "colour"})

    assert response.status_code == 200
    assert "Cannot sort by" in response.content.decode()


def test_create_product_form_redirects_to_the_product(as_admin: Client) -> None:
    tax = f.tax()
    response = as_admin.post(
        reverse("catalog:product_create"),
        {
            "sku": "new-1",
            "name": "New thing",
            "kind": "product",
            "unit": "unit",
            "tax": tax.pk,
            "is_active": "on",
        },
    )

    product = Product.objects.get()
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert (product.sku, product.tax_id, product.is_active) == ("NEW-1", tax.pk, True)


def test_create_product_with_taken_sku_shows_the_error_inline_and_stores_nothing(as_admin: Client) -> None:
    f.product(sku="TAKEN", name="Original")

    response = as_admin.post(
        reverse("catalog:product_create"), {"sku": "taken", "name": "Copy", "kind": "product", "unit": "unit"}
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert "TAKEN" in form.errors["sku"][0]
    assert 'id="id_sku_error"' in response.content.decode()
    assert list(Product.objects.values_list("name", flat=True)) == ["Original"]


def test_product_page_lists_prices_and_sets_a_price(as_admin: Client) -> None:
    f.currency("EUR", is_company=True)
    product = f.product(name="Hosting")
    retail, usd = f.price_book("Retail"), f.price_book("US list", code="USD")
    from crm.catalog import services

    services.price_set(actor=None, price_book=retail, product=product, unit_price="10")

    page = as_admin.get(product.get_absolute_url())
    assert page.status_code == 200
    assert "Retail" in page.content.decode() and "€10.00" in page.content.decode()

    saved = as_admin.post(
        reverse("catalog:product_price_set", args=[product.pk]), {"price_book": usd.pk, "unit_price": "12.5"}
    )
    assert saved.status_code == 302
    assert Price.objects.get(price_book=usd).unit_price == Decimal("12.50")


def test_negative_price_shows_an_inline_error_and_changes_nothing(as_admin: Client) -> None:
    product, book = f.product(), f.price_book()

    response = as_admin.post(
        reverse("catalog:product_price_set", args=[product.pk]), {"price_book": book.pk, "unit_price": "-3"}
    )

    assert response.status_code == 422
    assert response.context["price_form"].errors["unit_price"]
    assert not Price.objects.exists()


@pytest.mark.parametrize(("language", "typed"), [("es", "1234,5"), ("en", "1234.5")])
def test_price_is_read_in_the_users_language(as_admin: Client, admin: Any, language: str, typed: str) -> None:
    admin.language = language
    admin.save(update_fields=["language"])
    product, book = f.product(), f.price_book()

    response = as_admin.post(
        reverse("catalog:product_price_set", args=[product.pk]), {"price_book": book.pk, "unit_price": typed}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Price.objects.get().unit_price == Decimal("1234.50")


def test_rep_sees_products_but_no_edit_and_gets_403_on_create(as_rep: Client) -> None:
    product = f.product(name="Readable")

    page = as_rep.get(product.get_absolute_url())
    assert page.status_code == 200
    assert reverse("catalog:product_update", args=[product.pk]) not in page.content.decode()
    assert as_rep.get(reverse("catalog:product_create")).status_code == 403
    assert as_rep.post(reverse("catalog:product_delete", args=[product.pk])).status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_settings_pages_are_for_administrators(as_rep: Client) -> None:
    for name in ("price_book_list", "currency_list", "tax_list", "tax_create", "currency_create"):
        assert as_rep.get(reverse(f"catalog:{name}")).status_code == 403


def test_settings_pages_render_and_save(as_admin: Client) -> None:
    for name in (
        "price_book_list",
        "currency_list",
        "tax_list",
        "tax_create",
        "currency_create",
        "price_book_create",
    ):
        assert as_admin.get(reverse(f"catalog:{name}")).status_code == 200

    assert (
        as_admin.post(reverse("catalog:currency_create"), {"code": "eur", "is_company": "on"}).status_code
        == 302
    )
    assert as_admin.post(reverse("catalog:currency_create"), {"code": "usd"}).status_code == 302
    eur = Currency.objects.get(code="EUR")
    assert eur.is_company
    rate = as_admin.post(
        reverse("catalog:exchange_rate_add", args=["USD"]), {"valid_on": "2026-01-01", "rate": "1.1"}
    )
    assert rate.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal("1.1")
    assert as_admin.get(reverse("catalog:currency_detail", args=["USD"])).status_code == 200
    book = as_admin.post(
        reverse("catalog:price_book_create"), {"name": "Retail", "currency": eur.pk, "is_active": "on"}
    )
    assert book.status_code == 302
    assert PriceBook.objects.get().currency_id == eur.pk
    tax = as_admin.post(
        reverse("catalog:tax_create"), {"name": "IVA 21 %", "rate": "21", "country": "ES", "is_active": "on"}
    )
    assert tax.status_code == 302
    assert Tax.objects.get().rate == Decimal("21")


def test_bad_settings_input_is_shown_inline_and_nothing_is_stored(as_admin: Client) -> None:
    bad_code = as_admin.post(reverse("catalog:currency_create"), {"code": "EURO"})
    assert bad_code.status_code == 422 and bad_code.context["form"].errors["code"]
    bad_tax = as_admin.post(reverse("catalog:tax_create"), {"name": "Too much", "rate": "150"})
    assert bad_tax.status_code == 422 and bad_tax.context["form"].errors["rate"]
    f.currency("EUR", is_company=True)
    f.currency("USD")
    bad_rate = as_admin.post(
        reverse("catalog:exchange_rate_add", args=["USD"]), {"valid_on": "2026-01-01", "rate": "0"}
    )
    assert bad_rate.status_code == 422 and bad_rate.context["rate_form"].errors["rate"]
    assert not Tax.objects.exists() and not ExchangeRate.objects.exists()
    assert list(Currency.objects.values_list("code", flat=True).order_by("code")) == ["EUR", "USD"]


def test_navigation_has_products_for_everyone_and_settings_for_admins(as_rep: Client, admin: Any) -> None:
    body = as_rep.get("/").content.decode()
    assert reverse("catalog:product_list") in body
    assert reverse("catalog:tax_list") not in body
    as_rep.force_login(admin)
    admin_body = as_rep.get("/").content.decode()
    assert reverse("catalog:tax_list") in admin_body and reverse("catalog:currency_list") in admin_body


def test_roles_screen_offers_the_catalog_object_types(as_admin: Client) -> None:
    response = as_admin.get(reverse("identity:role_create"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="perm:catalog.product:view"' in body and 'name="perm:catalog.pricebook:change"' in body


def test_product_list_query_count_does_not_grow_with_the_page(
    as_admin: Client, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.catalog import services

    f.currency("EUR", is_company=True)
    book, tax = f.price_book("Retail"), f.tax()
    for _i in range(3):
        services.price_set(actor=None, price_book=book, product=f.product(tax=tax), unit_price="5")
    with CaptureQueriesContext(connection) as small:
        as_admin.get(reverse("catalog:product_list"))
    for _i in range(30):
        services.price_set(actor=None, price_book=book, product=f.product(tax=tax), unit_price="5")

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = as_admin.get(reverse("catalog:product_list"))
    assert response.content.decode().count("€5.00") == 33


def test_product_page_query_count_does_not_grow_with_prices(
    as_admin: Client, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.catalog import services

    product = f.product()
    services.price_set(actor=None, price_book=f.price_book(), product=product, unit_price="1")
    with CaptureQueriesContext(connection) as small:
        as_admin.get(product.get_absolute_url())
    for _i in range(10):
        services.price_set(actor=None, price_book=f.price_book(), product=product, unit_price="1")

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert as_admin.get(product.get_absolute_url()).status_code == 200
