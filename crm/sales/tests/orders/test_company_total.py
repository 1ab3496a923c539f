"""Each order's total in the company currency at the rate of its order date (`Order.company_total`): set when
the order is created (directly or from a quote) and when its date changes; recomputed, set-based, when a rate
is set, changed or deleted (the catalog's ExchangeRatesChanged event), and only for the orders that rate
covers; the migration's fill gives the same values; refused writes change nothing."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps

from crm.catalog import services as catalog
from crm.catalog.selectors import exchange_rate_list
from crm.catalog.tests.factories import currency
from crm.contacts.tests.factories import AccountFactory
from crm.core.audit.services import record_restore
from crm.core.errors import InvalidInput
from crm.sales.models import Order
from crm.sales.services.order_company_totals import order_company_totals_refresh
from crm.sales.services.orders import order_create, order_update

pytestmark = pytest.mark.django_db
JAN, JUN = dt.date(2026, 1, 1), dt.date(2026, 6, 1)


def _world(make_user: Any) -> dict[str, Any]:
    eur, usd = currency("EUR", is_company=True), currency("USD")
    currency("GBP")  # no rate at all
    catalog.exchange_rate_set(actor=None, currency=usd, valid_on=JAN, rate=Decimal("1.0831"))
    catalog.exchange_rate_set(actor=None, currency=usd, valid_on=JUN, rate=Decimal("1.1177"))
    return {"eur": eur, "usd": usd, "owner": make_user("sales_rep")}


def _order(world: dict[str, Any], code: str, day: dt.date, price: str = "123.45") -> Order:
    return order_create(
        actor=None,
        account=AccountFactory(owner=world["owner"]),
        owner=world["owner"],
        currency=code,
        ordered_on=day,
        lines=[{"description": "Work", "quantity": 1, "unit_price": price, "tax_rate": "0"}],
    )


def _rate(world: dict[str, Any], day: dt.date) -> Any:
    return next(r for r in exchange_rate_list(currency=world["usd"]) if r.valid_on == day)


def _stored(order: Order) -> float | None:
    return Order.all_objects.values_list("company_total", flat=True).get(pk=order.pk)


def test_created_orders_store_their_total_at_the_rate_of_their_day(make_user: Any) -> None:
    world = _world(make_user)
    own = _order(world, "EUR", dt.date(2026, 2, 1), "10.10")
    early = _order(world, "USD", dt.date(2026, 5, 31))
    late = _order(world, "USD", JUN)
    before = _order(world, "USD", dt.date(2025, 12, 31))
    pounds = _order(world, "GBP", JUN)
    assert _stored(own) == float(Decimal("10.10"))
    assert _stored(early) == float(Decimal("123.45")) / float(Decimal("1.0831"))
    assert _stored(late) == float(Decimal("123.45")) / float(Decimal("1.1177"))
    assert _stored(before) is None and _stored(pounds) is None  # no rate on or before the day


def test_a_new_order_date_recomputes_it_and_a_refused_edit_changes_nothing(make_user: Any) -> None:
    world = _world(make_user)
    order = _order(world, "USD", dt.date(2026, 3, 1))
    order_update(actor=None, order=order, ordered_on=dt.date(2026, 7, 1))
    assert _stored(order) == float(Decimal("123.45")) / float(Decimal("1.1177"))
    with pytest.raises(InvalidInput):
        order_update(actor=None, order=order, ordered_on="not a day")
    assert _stored(order) == float(Decimal("123.45")) / float(Decimal("1.1177"))
    assert Order.objects.get(pk=order.pk).ordered_on == dt.date(2026, 7, 1)


def test_a_rate_set_changed_or_deleted_recomputes_the_orders_it_covers(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = _world(make_user)
    march, july, own = (
        _order(world, "USD", dt.date(2026, 3, 1)),
        _order(world, "USD", dt.date(2026, 7, 1)),
        _order(world, "EUR", dt.date(2026, 3, 1)),
    )
    with django_capture_on_commit_callbacks(execute=True):  # a new rate from March 1st until June
        catalog.exchange_rate_set(actor=None, currency=world["usd"], valid_on=dt.date(2026, 3, 1), rate="2")
    assert _stored(march) == float(Decimal("123.45")) / 2.0
    assert _stored(july) == float(Decimal("123.45")) / float(Decimal("1.1177"))
    assert _stored(own) == 123.45
    with django_capture_on_commit_callbacks(execute=True):  # the June rate changed
        catalog.exchange_rate_set(actor=None, currency=world["usd"], valid_on=JUN, rate="1.25")
    assert (
        _stored(july) == float(Decimal("123.45")) / 1.25 and _stored(march) == float(Decimal("123.45")) / 2.0
    )
    with django_capture_on_commit_callbacks(execute=True):  # back to the January rate in March
        catalog.exchange_rate_delete(actor=None, rate=_rate(world, dt.date(2026, 3, 1)))
    assert _stored(march) == float(Decimal("123.45")) / float(Decimal("1.0831"))
    with django_capture_on_commit_callbacks(execute=True):  # no rate left before June
        catalog.exchange_rate_delete(actor=None, rate=_rate(world, JAN))
    assert _stored(march) is None and _stored(july) == float(Decimal("123.45")) / 1.25


def test_a_refused_rate_changes_no_stored_total(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = _world(make_user)
    order = _order(world, "USD", dt.date(2026, 3, 1))
    for bad in ("0", "-1", "abc"):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
            catalog.exchange_rate_set(actor=None, currency=world["usd"], valid_on=JAN, rate=bad)
    assert _stored(order) == float(Decimal("123.45")) / float(Decimal("1.0831"))
    assert _rate(world, JAN).rate == Decimal("1.0831")


def test_a_deleted_currency_leaves_its_orders_without_a_company_total(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = _world(make_user)
    order = _order(world, "USD", dt.date(2026, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        catalog.currency_delete(actor=make_user("administrator"), currency=world["usd"])
    assert _stored(order) is None


def test_the_migration_fill_equals_the_services_values(make_user: Any) -> None:
    world = _world(make_user)
    orders = [
        _order(world, code, day, price)
        for code, day, price in (
            ("EUR", dt.date(2026, 2, 1), "0.10"),
            ("EUR", dt.date(2026, 2, 1), "99999.99"),
            ("USD", dt.date(2025, 12, 31), "5.00"),
            ("USD", JAN, "1.00"),
            ("USD", dt.date(2026, 5, 31), "777.77"),
            ("USD", JUN, "0.01"),
            ("USD", dt.date(2027, 1, 1), "31.41"),
            ("GBP", JUN, "2.00"),
        )
    ]
    Order.all_objects.filter(pk=orders[1].pk).update(total=Decimal("-12.34"))  # a negative total
    order_company_totals_refresh(order_ids=[orders[1].pk])
    expected = dict(Order.all_objects.values_list("pk", "company_total"))
    assert expected[orders[1].pk] == -12.34
    Order.all_objects.update(company_total=None)
    migration = importlib.import_module("crm.sales.migrations.0013_order_company_total")
    migration.fill_company_totals(apps, None)
    assert dict(Order.all_objects.values_list("pk", "company_total")) == expected
    order_company_totals_refresh()
    assert dict(Order.all_objects.values_list("pk", "company_total")) == expected


def test_a_rate_or_currency_back_from_the_recycle_bin_converts_its_orders_again(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = _world(make_user)
    order = _order(world, "USD", dt.date(2026, 3, 1))
    january = _rate(world, JAN)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.exchange_rate_delete(actor=None, rate=january)
    assert _stored(order) is None
    with django_capture_on_commit_callbacks(execute=True):
        record_restore(object_type="catalog.exchangerate", object_id=january.pk, actor=None)
    assert _stored(order) == float(Decimal("123.45")) / float(Decimal("1.0831"))
    with django_capture_on_commit_callbacks(execute=True):
        catalog.currency_delete(actor=make_user("administrator"), currency=world["usd"])
    assert _stored(order) is None
    with django_capture_on_commit_callbacks(execute=True):
        record_restore(object_type="catalog.currency", object_id=world["usd"].pk, actor=None)
    assert _stored(order) == float(Decimal("123.45")) / float(Decimal("1.0831"))
