"""The unit cost a quote or order line keeps: copied from the catalog when the line is written (converted to the
document's currency), or typed in; later catalog changes never alter it; bad costs are refused naming the line's
field, and nothing is stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.catalog import services as catalog
from crm.catalog.tests.factories import eur_usd_gbp, price_book
from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.errors import InvalidInput
from crm.sales.enums import QuoteStatus
from crm.sales.models import Order, OrderLine, Quote, QuoteLine
from crm.sales.services.orders import order_create, order_create_from_quote
from crm.sales.services.quotes import quote_create
from crm.sales.tests.orders.factories import catalog_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


@pytest.fixture
def items(db: Any) -> dict[str, Any]:
    items = catalog_setup()
    catalog.product_update(actor=None, product=items["router"], cost="61.50")
    items["router"].refresh_from_db()
    return items


def _counts() -> tuple[int, int, int, int]:
    return (
        Order.all_objects.count(),
        OrderLine.objects.count(),
        Quote.all_objects.count(),
        QuoteLine.objects.count(),
    )


def test_order_lines_keep_the_cost_of_the_day_they_were_written(rep: Any, items: dict[str, Any]) -> None:
    account = AccountFactory(owner=rep)
    order = order_create(
        actor=rep,
        account=account,
        lines=[
            {"product": items["router"], "quantity": "3", "discount_percent": 10},
            {"product": items["install"], "quantity": 1},  # no cost in the catalog: not known
            {"description": "Cable kit", "quantity": 2, "unit_price": "12.50", "unit_cost": "4,20"},
        ],
    )
    router, install, cable = order.lines.order_by("position")
    assert (router.unit_cost, install.unit_cost, cable.unit_cost) == (Decimal("61.50"), None, Decimal("4.20"))
    assert router.margin == Decimal("270.00") - Decimal("184.50")
    assert install.margin is None
    assert order.cost_total == Decimal("184.50") + Decimal("8.40")
    assert order.margin_total == order.net_total - order.cost_total

    # the catalog changes later: the order taken keeps its costs, a new order takes the new one
    catalog.product_update(actor=None, product=items["router"], cost="70")
    catalog.price_set(
        actor=None, price_book=items["book"], product=items["router"], unit_price=Decimal("120")
    )
    router.refresh_from_db()
    order.refresh_from_db()
    assert router.unit_cost == Decimal("61.50") and router.unit_price == Decimal("100.00")
    assert order.cost_total == Decimal("192.90")
    items["router"].refresh_from_db()
    again = order_create(actor=rep, account=account, lines=[{"product": items["router"], "quantity": 1}])
    assert again.lines.get().unit_cost == Decimal("70.00")


def test_a_cost_is_converted_to_the_order_currency_at_the_rate_of_its_day(rep: Any, db: Any) -> None:
    eur_usd_gbp(usd="1.10", on=dt.date(2026, 1, 1))
    items = catalog_setup()
    book = price_book(code="USD")
    catalog.price_set(actor=None, price_book=book, product=items["router"], unit_price=Decimal("110"))
    catalog.product_update(actor=None, product=items["router"], cost="50")
    items["router"].refresh_from_db()
    order = order_create(
        actor=rep,
        account=AccountFactory(owner=rep),
        currency="USD",
        ordered_on=dt.date(2026, 3, 1),
        lines=[{"product": items["router"], "quantity": 2}],
    )
    assert order.lines.get().unit_cost == Decimal("55.00")
    assert order.cost_total == Decimal("110.00")


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN"])
def test_a_bad_line_cost_is_refused_naming_the_line_and_nothing_is_stored(
    rep: Any, items: dict[str, Any], bad: str
) -> None:
    before = _counts()
    with pytest.raises(InvalidInput) as caught:
        order_create(
            actor=rep,
            account=AccountFactory(owner=rep),
            lines=[
                {"product": items["router"], "quantity": 1},
                {"product": items["router"], "quantity": 1, "unit_cost": bad},
            ],
        )
    assert list(caught.value.field_errors) == ["lines.1.unit_cost"]
    assert "cost" in caught.value.field_errors["lines.1.unit_cost"][0]
    with pytest.raises(InvalidInput) as caught:
        quote_create(
            actor=rep,
            account=AccountFactory(owner=rep),
            lines=[{"description": "Day", "quantity": 1, "unit_price": "10", "unit_cost": bad}],
        )
    assert "lines.0.unit_cost" in caught.value.field_errors
    assert _counts() == before


def test_a_quote_keeps_the_catalog_cost_and_its_order_copies_it(rep: Any, items: dict[str, Any]) -> None:
    quote = quote_create(
        actor=rep,
        account=AccountFactory(owner=rep),
        lines=[
            {"product_id": items["router"].pk, "quantity": 2},
            {"description": "Set-up", "quantity": 1, "unit_price": "80", "unit_cost": "30"},
        ],
    )
    assert [line.unit_cost for line in quote.lines.order_by("position")] == [
        Decimal("61.50"),
        Decimal("30.00"),
    ]
    catalog.product_update(actor=None, product=items["router"], cost="99")  # after the quote was written
    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.ACCEPTED)
    order = order_create_from_quote(actor=rep, quote=quote)
    assert [line.unit_cost for line in order.lines.order_by("position")] == [
        Decimal("61.50"),
        Decimal("30.00"),
    ]
    assert order.cost_total == Decimal("153.00")
    assert order.margin_total == order.net_total - Decimal("153.00")


def test_api_takes_and_shows_line_costs_and_refuses_bad_ones(rep: Any, items: dict[str, Any]) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    before = _counts()
    for bad in ("abc", "-3"):
        response = api.post(
            "/api/v1/orders",
            {
                "account_id": account.pk,
                "lines": [{"product_id": items["router"].pk, "quantity": "1", "unit_cost": bad}],
            },
        )
        assert response.status_code in (400, 422)
        assert "lines.0.unit_cost" in problem_fields(response)
    assert _counts() == before
    response = api.post(
        "/api/v1/orders",
        {"account_id": account.pk, "lines": [{"product_id": items["router"].pk, "quantity": "2"}]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Decimal(body["lines"][0]["unit_cost"]) == Decimal("61.50")
    assert Decimal(body["lines"][0]["margin"]) == Decimal("200.00") - Decimal("123.00")
    assert Decimal(body["cost_total"]) == Decimal("123.00")
    assert Decimal(body["margin_total"]) == Decimal("77.00")


def test_order_form_takes_costs_shows_the_margin_and_refuses_bad_ones(
    rep: Any, items: dict[str, Any]
) -> None:
    account = AccountFactory(owner=rep)
    client = Client()
    client.force_login(rep)
    data = {
        "account": account.pk,
        "currency": "EUR",
        "line-product": [str(items["router"].pk), ""],
        "line-description": ["", "Cabling"],
        "line-quantity": ["2", "1"],
        "line-unit_price": ["", "30"],
        "line-unit_cost": ["", "-1"],
        "line-discount_percent": ["", ""],
    }
    before = _counts()
    bad = client.post(reverse("sales:order_create"), data)
    assert bad.status_code == 422 and "Enter a unit cost of zero or more." in bad.content.decode()
    assert _counts() == before
    data["line-unit_cost"] = ["", "12"]
    response = client.post(reverse("sales:order_create"), data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert [line.unit_cost for line in order.lines.all()] == [Decimal("61.50"), Decimal("12.00")]
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-margin="77.00"' in page and 'data-margin="18.00"' in page
    assert 'data-total="margin"' in page and "€95.00" in page
