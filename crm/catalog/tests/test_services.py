"""Catalog writes: validation, uniqueness, money rounding, permissions and audit — and that a refused write
changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog import services
from crm.catalog.errors import RecordInUse
from crm.catalog.models import Currency, ExchangeRate, Price, Product, Tax
from crm.catalog.tests import factories as f
from crm.core.audit.models import AuditEntry
from crm.core.audit.services import record_restore
from crm.core.errors import InvalidInput, PermissionDenied, RestoreConflict

pytestmark = pytest.mark.django_db


def test_create_product_normalises_sku_and_is_audited(admin: Any) -> None:
    product = services.product_create(actor=admin, sku=" cx 100 ", name="  Cloud  backup ")

    assert product.sku == "CX100"
    assert product.name == "Cloud backup"
    entry = AuditEntry.objects.get(object_type="catalog.product", object_id=product.pk, action="create")
    assert entry.actor_id == admin.pk


def test_sku_clash_is_refused_and_nothing_changes(admin: Any) -> None:
    f.product(sku="CX-1", name="First")

    with pytest.raises(InvalidInput) as exc:
        services.product_create(actor=admin, sku="cx-1", name="Second")

    assert "CX-1" in exc.value.field_errors["sku"][0]
    assert list(Product.objects.values_list("name", flat=True)) == ["First"]


def test_sku_clash_on_update_keeps_the_stored_values(admin: Any) -> None:
    f.product(sku="A-1")
    other = f.product(sku="B-1", name="Other")

    with pytest.raises(InvalidInput) as exc:
        services.product_update(actor=admin, product=other, sku="A-1", name="Renamed")

    assert "sku" in exc.value.field_errors
    other.refresh_from_db()
    assert (other.sku, other.name, other.version) == ("B-1", "Other", 1)


def test_sku_of_a_deleted_product_is_free_again(admin: Any) -> None:
    old = f.product(sku="REUSE")
    services.product_delete(actor=admin, product=old)

    new = services.product_create(actor=admin, sku="REUSE", name="New")

    assert new.pk != old.pk


def test_restoring_a_product_whose_sku_was_taken_is_refused_and_changes_nothing(
    admin: Any, client: Any
) -> None:
    book = f.price_book(code="EUR")
    old = f.product(sku="REUSE", name="Old")
    services.price_set(actor=admin, price_book=book, product=old, unit_price="10")
    services.product_delete(actor=admin, product=old)
    services.product_create(actor=admin, sku="REUSE", name="New")

    with pytest.raises(RestoreConflict) as refused:
        record_restore(object_type="catalog.product", object_id=old.pk, actor=admin)

    assert "SKU" in refused.value.message and "Old" in refused.value.message
    old.refresh_from_db()
    assert old.deleted_at is not None  # still in the bin, and so is its price
    assert not Price.objects.filter(product=old).exists()
    # the recycle bin page says why (not a 500), in htmx and without
    client.force_login(admin)
    url = f"/recycle-bin/catalog.product/{old.pk}/restore/"
    htmx = client.post(url, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and htmx.headers["HX-Reswap"] == "none"
    assert "cannot be restored" in htmx.headers["HX-Trigger"]
    page = client.post(url, follow=True)
    assert "cannot be restored" in page.content.decode()
    old.refresh_from_db()
    assert old.deleted_at is not None


def test_subscription_needs_a_billing_period(admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.product_create(actor=admin, sku="SUB", name="Sub", kind="subscription")

    assert "billing_period" in exc.value.field_errors
    assert not Product.objects.exists()


def test_unknown_field_and_bad_choice_are_refused(admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.product_create(actor=admin, sku="X", name="X", version=9, kind="gadget")

    assert "version" in exc.value.field_errors
    assert not Product.objects.exists()


def test_rep_may_read_but_not_create_products(rep: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.product_create(actor=rep, sku="X", name="X")
    product = f.product()
    with pytest.raises(PermissionDenied):
        services.product_update(actor=rep, product=product, name="Hacked")

    product.refresh_from_db()
    assert product.name != "Hacked"
    assert Product.objects.count() == 1


def test_delete_product_bins_its_prices_and_restore_brings_them_back(admin: Any) -> None:
    book = f.price_book(code="EUR")
    product = f.product()
    services.price_set(actor=admin, price_book=book, product=product, unit_price="10")

    services.product_delete(actor=admin, product=product)
    assert not Price.objects.exists()

    record_restore(object_type="catalog.product", object_id=product.pk, actor=admin)
    assert Price.objects.get(product=product).unit_price == Decimal("10")


# --- prices ----------------------------------------------------------------------------------------------------
def test_price_is_rounded_to_the_currency_minor_units(admin: Any) -> None:
    product = f.product()
    eur_book = f.price_book(code="EUR")
    jpy_book = f.price_book(code="JPY")

    eur = services.price_set(actor=admin, price_book=eur_book, product=product, unit_price="19.995")
    jpy = services.price_set(actor=admin, price_book=jpy_book, product=product, unit_price="1500.5")

    assert eur.unit_price == Decimal("20.00")
    assert jpy.unit_price == Decimal("1501")


def test_setting_a_price_again_changes_the_one_price(admin: Any) -> None:
    product, book = f.product(), f.price_book()
    services.price_set(actor=admin, price_book=book, product=product, unit_price="10")
    services.price_set(actor=admin, price_book=book, product=product, unit_price="12.5")

    assert list(Price.objects.values_list("unit_price", flat=True)) == [Decimal("12.50")]


@pytest.mark.parametrize("bad", ["-1", "-0.01", "abc", 1.5, None])
def test_negative_or_bad_price_is_refused_and_nothing_changes(admin: Any, bad: Any) -> None:
    product, book = f.product(), f.price_book()
    services.price_set(actor=admin, price_book=book, product=product, unit_price="10")

    with pytest.raises(InvalidInput) as exc:
        services.price_set(actor=admin, price_book=book, product=product, unit_price=bad)

    assert "unit_price" in exc.value.field_errors
    assert list(Price.objects.values_list("unit_price", flat=True)) == [Decimal("10.00")]


def test_rep_cannot_set_prices(rep: Any) -> None:
    product, book = f.product(), f.price_book()

    with pytest.raises(PermissionDenied):
        services.price_set(actor=rep, price_book=book, product=product, unit_price="1")

    assert not Price.objects.exists()


def test_price_book_end_before_start_is_refused(admin: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        f.price_book(valid_from=dt.date(2026, 5, 1), valid_until=dt.date(2026, 4, 1))

    assert "valid_until" in exc.value.field_errors


def test_price_book_with_prices_keeps_its_currency(admin: Any) -> None:
    book = f.price_book(code="EUR")
    services.price_set(actor=admin, price_book=book, product=f.product(), unit_price="1")

    with pytest.raises(InvalidInput) as exc:
        services.price_book_update(actor=admin, price_book=book, currency=f.currency("USD"))

    assert "currency" in exc.value.field_errors
    book.refresh_from_db()
    assert book.currency.code == "EUR"


# --- currencies, rates, taxes ------------------------------------------------------------------------------------
def test_currency_takes_its_minor_units_from_cldr(admin: Any) -> None:
    jpy = services.currency_create(actor=admin, code="jpy")

    assert (jpy.code, jpy.decimal_places, jpy.name) == ("JPY", 0, "Japanese Yen")


@pytest.mark.parametrize("code", ["XXX1", "EUROS", "ZZZ", ""])
def test_unknown_currency_code_is_refused(admin: Any, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.currency_create(actor=admin, code=code)

    assert "code" in exc.value.field_errors
    assert not Currency.objects.exists()


def test_same_currency_twice_is_refused(admin: Any) -> None:
    f.currency("USD")

    with pytest.raises(InvalidInput):
        services.currency_create(actor=admin, code="usd")

    assert Currency.objects.count() == 1


def test_only_one_company_currency(admin: Any) -> None:
    eur = f.currency("EUR", is_company=True)
    usd = services.currency_create(actor=admin, code="USD", is_company=True)

    eur.refresh_from_db()
    assert (eur.is_company, usd.is_company) == (False, True)


def test_company_currency_cannot_change_once_rates_exist(admin: Any) -> None:
    money = f.eur_usd_gbp()

    with pytest.raises(InvalidInput):
        services.currency_set_company(actor=admin, currency=money["USD"])

    assert Currency.objects.get(is_company=True).code == "EUR"


def test_rate_is_one_per_day_and_must_be_positive(admin: Any) -> None:
    money = f.eur_usd_gbp(usd="1.10")
    services.exchange_rate_set(actor=admin, currency=money["USD"], valid_on=dt.date(2026, 1, 1), rate="1.2")

    for bad in ("0", "-1", "x"):
        with pytest.raises(InvalidInput) as exc:
            services.exchange_rate_set(
                actor=admin, currency=money["USD"], valid_on=dt.date(2026, 2, 1), rate=bad
            )
        assert "rate" in exc.value.field_errors

    rates = list(ExchangeRate.objects.filter(currency=money["USD"]).values_list("valid_on", "rate"))
    assert rates == [(dt.date(2026, 1, 1), Decimal("1.2"))]


def test_company_currency_has_no_rate(admin: Any) -> None:
    money = f.eur_usd_gbp()

    with pytest.raises(InvalidInput) as exc:
        services.exchange_rate_set(actor=admin, currency=money["EUR"], valid_on=dt.date(2026, 1, 1), rate="1")

    assert "currency" in exc.value.field_errors
    assert not ExchangeRate.objects.filter(currency=money["EUR"]).exists()


def test_currency_used_by_a_price_book_cannot_be_deleted(admin: Any) -> None:
    f.currency("EUR", is_company=True)
    book = f.price_book(code="USD")

    with pytest.raises(RecordInUse):
        services.currency_delete(actor=admin, currency=book.currency)

    assert Currency.objects.filter(code="USD").exists()


def test_settings_are_for_administrators(rep: Any, manager: Any) -> None:
    for actor in (rep, manager):
        with pytest.raises(PermissionDenied):
            services.currency_create(actor=actor, code="USD")
        with pytest.raises(PermissionDenied):
            services.tax_create(actor=actor, name="IVA", rate="21")

    assert not Currency.objects.exists()
    assert not Tax.objects.exists()


@pytest.mark.parametrize("rate", ["-1", "100.5", "abc"])
def test_tax_rate_must_be_a_percentage(admin: Any, rate: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.tax_create(actor=admin, name="Bad", rate=rate)

    assert "rate" in exc.value.field_errors
    assert not Tax.objects.exists()


def test_tax_used_by_a_product_cannot_be_deleted(admin: Any) -> None:
    tax = f.tax()
    f.product(tax=tax)

    with pytest.raises(RecordInUse):
        services.tax_delete(actor=admin, tax=tax)

    assert Tax.objects.filter(pk=tax.pk).exists()


def test_sales_manager_maintains_products_and_prices_but_not_settings(manager: Any) -> None:
    product = services.product_create(actor=manager, sku="MGR-1", name="By the manager")
    services.product_update(actor=manager, product=product, name="Renamed by the manager")
    services.price_set(actor=manager, price_book=f.price_book(), product=product, unit_price="3")

    product.refresh_from_db()
    assert product.name == "Renamed by the manager"
    assert Price.objects.get(product=product).unit_price == Decimal("3")
    with pytest.raises(PermissionDenied):
        services.currency_create(actor=manager, code="CHF")
