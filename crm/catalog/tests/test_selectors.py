"""Catalog reads: price selection, rate lookup by date, conversion, and permission scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm.catalog import selectors, services
from crm.catalog.errors import CompanyCurrencyMissing, ExchangeRateMissing, PriceNotFound
from crm.catalog.tests import factories as f
from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.models import Role, RolePermission

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 15)


def _priced(product: Any, book: Any, amount: str) -> None:
    services.price_set(actor=None, price_book=book, product=product, unit_price=amount)


# --- price_get -----------------------------------------------------------------------------------------------
def test_price_comes_from_the_book_in_the_currency() -> None:
    product = f.product(tax=f.tax(rate="21"))
    _priced(product, f.price_book("List EUR", code="EUR"), "100")
    _priced(product, f.price_book("List USD", code="USD"), "110")

    quote = selectors.price_get(product=product, currency="usd", on_date=DAY)

    assert (quote.unit_price, quote.currency, quote.price_book_name) == (Decimal("110.00"), "USD", "List USD")
    assert quote.tax_rate == Decimal("21")


def test_segment_book_beats_the_general_one_and_falls_back_to_it() -> None:
    product = f.product()
    _priced(product, f.price_book("General", code="EUR"), "100")
    _priced(product, f.price_book("Wholesale", code="EUR", segment="Wholesale"), "80")

    assert (
        selectors.price_get(product=product, currency="EUR", segment="wholesale", on_date=DAY).unit_price
        == 80
    )
    assert selectors.price_get(product=product, currency="EUR", segment="", on_date=DAY).unit_price == 100
    assert (
        selectors.price_get(product=product, currency="EUR", segment="retail", on_date=DAY).unit_price == 100
    )


def test_book_validity_and_activity_decide() -> None:
    product = f.product()
    _priced(product, f.price_book("2025", code="EUR", valid_until=dt.date(2025, 12, 31)), "90")
    _priced(product, f.price_book("2026", code="EUR", valid_from=dt.date(2026, 1, 1)), "100")
    _priced(product, f.price_book("Off", code="EUR", is_active=False, valid_from=dt.date(2026, 3, 1)), "1")

    assert selectors.price_get(product=product, currency="EUR", on_date=dt.date(2025, 6, 1)).unit_price == 90
    assert selectors.price_get(product=product, currency="EUR", on_date=DAY).unit_price == 100


def test_no_price_in_the_currency_is_a_clear_error() -> None:
    product = f.product()
    _priced(product, f.price_book(code="EUR"), "100")

    with pytest.raises(PriceNotFound):
        selectors.price_get(product=product, currency="GBP", on_date=DAY)


# --- rates and conversion --------------------------------------------------------------------------------------
def test_rate_lookup_takes_the_latest_on_or_before_the_day() -> None:
    money = f.eur_usd_gbp(usd="1.10", on=dt.date(2026, 1, 1))
    services.exchange_rate_set(actor=None, currency=money["USD"], valid_on=dt.date(2026, 3, 1), rate="1.20")
    services.exchange_rate_set(actor=None, currency=money["USD"], valid_on=dt.date(2026, 4, 1), rate="1.30")

    assert selectors.exchange_rate_on(currency=money["USD"], on_date=dt.date(2026, 2, 28)) == Decimal("1.10")
    assert selectors.exchange_rate_on(currency=money["USD"], on_date=dt.date(2026, 3, 1)) == Decimal("1.20")
    assert selectors.exchange_rate_on(currency=money["USD"], on_date=DAY) == Decimal("1.20")


def test_convert_through_the_company_currency_and_round_to_target_digits() -> None:
    f.eur_usd_gbp(usd="1.10", gbp="0.85")
    f.currency("JPY")
    services.exchange_rate_set(
        actor=None, currency=f.currency("JPY"), valid_on=dt.date(2026, 1, 1), rate="160.5"
    )

    assert selectors.money_convert(
        amount=Decimal("100"), from_currency="EUR", to_currency="USD", on_date=DAY
    ) == Decimal("110.00")
    assert selectors.money_convert(
        amount=Decimal("110"), from_currency="USD", to_currency="EUR", on_date=DAY
    ) == Decimal("100.00")
    # 100 USD → 90.909… EUR → 77.27 GBP
    assert selectors.money_convert(
        amount=Decimal("100"), from_currency="USD", to_currency="GBP", on_date=DAY
    ) == Decimal("77.27")
    assert selectors.money_convert(
        amount=Decimal("10.005"), from_currency="EUR", to_currency="JPY", on_date=DAY
    ) == Decimal("1606")


def test_convert_without_a_rate_on_that_day_is_a_clear_error() -> None:
    f.eur_usd_gbp(on=dt.date(2026, 1, 1))

    with pytest.raises(ExchangeRateMissing) as exc:
        selectors.money_convert(
            amount=Decimal("1"), from_currency="EUR", to_currency="USD", on_date=dt.date(2025, 12, 31)
        )

    assert "USD" in exc.value.message and "2025-12-31" in exc.value.message


def test_convert_needs_known_currencies_and_a_company_currency() -> None:
    f.currency("USD")
    f.currency("GBP")
    with pytest.raises(CompanyCurrencyMissing):
        selectors.money_convert(amount=Decimal("1"), from_currency="USD", to_currency="GBP", on_date=DAY)
    with pytest.raises(InvalidInput) as exc:
        selectors.money_convert(amount=Decimal("1"), from_currency="USD", to_currency="XYZ", on_date=DAY)
    assert "to_currency" in exc.value.field_errors


# --- permission scoping --------------------------------------------------------------------------------------------
def test_every_role_with_a_view_grant_reads_the_whole_catalog(rep: Any) -> None:
    product = f.product()

    page = selectors.product_list(user=rep, params={})

    assert [p.pk for p in page.items] == [product.pk]
    assert selectors.product_get(user=rep, pk=product.pk) == product


def test_a_role_denied_products_sees_none_and_gets_404(rep: Any) -> None:
    product = f.product()
    RolePermission.objects.create(
        role=Role.objects.get(key="sales_rep"), object_type="catalog.product", action="view", scope="none"
    )
    rep = type(rep).objects.get(pk=rep.pk)  # a fresh user: the grants are cached per request

    assert selectors.product_list(user=rep, params={}).items == []
    with pytest.raises(RecordNotFound):
        selectors.product_get(user=rep, pk=product.pk)


def test_deleted_products_are_not_listed(admin: Any) -> None:
    gone = f.product()
    services.product_delete(actor=admin, product=gone)

    with pytest.raises(RecordNotFound):
        selectors.product_get(user=admin, pk=gone.pk)
    assert selectors.product_list(user=admin, params={}).items == []


def test_list_filters_and_sorts(admin: Any) -> None:
    f.product(sku="B", name="Beta", kind="service")
    f.product(sku="A", name="Alpha")
    f.product(sku="C", name="Gamma", kind="service", is_active=False)

    names = lambda page: [p.name for p in page.items]  # noqa: E731
    assert names(selectors.product_list(user=admin, params={"kind": "service"})) == ["Beta", "Gamma"]
    assert names(selectors.product_list(user=admin, params={"is_active": "true"}, sort="-name")) == [
        "Beta",
        "Alpha",
    ]
    assert names(selectors.product_list(user=admin, params={"q": "gam"})) == ["Gamma"]
    first = selectors.product_list(user=admin, params={}, limit=2)
    assert names(first) == ["Alpha", "Beta"]
    assert names(selectors.product_list(user=admin, params={}, limit=2, cursor=first.next_cursor)) == [
        "Gamma"
    ]


def test_price_map_matches_price_get_for_every_product() -> None:
    a, b, c = f.product(tax=f.tax()), f.product(), f.product()
    general, wholesale = f.price_book("General"), f.price_book("Wholesale", segment="wholesale")
    _priced(a, general, "10")
    _priced(a, wholesale, "8")
    _priced(b, general, "20")

    quotes = selectors.price_map_get(products=[a, b, c], currency="EUR", segment="wholesale", on_date=DAY)

    assert set(quotes) == {a.pk, b.pk}
    for product in (a, b):
        assert quotes[product.pk] == selectors.price_get(
            product=product, currency="EUR", segment="wholesale", on_date=DAY
        )
    assert quotes[a.pk].unit_price == Decimal("8.00") and quotes[a.pk].tax_rate == Decimal("21")
