"""HTML pages of orders, deliveries and the installed base: forms with inline errors (nothing stored), the
order page's delivery form and buttons, the account panels, the installed-base queries, list query budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.contacts.tests.factories import AccountFactory
from crm.sales.models import Asset, Delivery, DeliveryLine, Order, OrderLine
from crm.sales.services.assets import asset_create
from crm.sales.services.deliveries import delivery_create, delivery_mark_delivered
from crm.sales.tests.orders.factories import accepted_quote, catalog_setup, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


@pytest.fixture
def items(db: Any) -> dict[str, Any]:
    return catalog_setup()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts() -> tuple[int, ...]:
    return (
        Order.all_objects.count(),
        OrderLine.objects.count(),
        Delivery.all_objects.count(),
        DeliveryLine.objects.count(),
        Asset.all_objects.count(),
    )


def test_new_order_form_creates_the_order(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    client = _client(rep)
    assert client.get(reverse("sales:order_create")).status_code == 200
    response = client.post(
        reverse("sales:order_create"),
        {
            "account": account.pk,
            "currency": "EUR",
            "customer_reference": "PO-42",
            "line-product": [str(items["router"].pk), "", ""],
            "line-description": ["", "Cabling", ""],
            "line-quantity": ["2", "1", ""],
            "line-unit_price": ["", "30", ""],
            "line-discount_percent": ["", "", ""],
        },
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert [(line.description, line.unit_price) for line in order.lines.all()] == [
        ("Router X1", Decimal("100.00")),
        ("Cabling", Decimal("30.00")),
    ]


def test_new_order_form_shows_the_line_error_and_stores_nothing(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    response = _client(rep).post(
        reverse("sales:order_create"),
        {
            "account": account.pk,
            "currency": "EUR",
            "line-product": ["", str(items["router"].pk)],
            "line-description": ["", ""],
            "line-quantity": ["", "-4"],
            "line-unit_price": ["", ""],
            "line-discount_percent": ["", ""],
        },
    )
    assert response.status_code == 422
    assert "Enter a quantity greater than zero." in response.content.decode()
    assert "order-form-line--error" in response.content.decode()
    assert _counts() == (0, 0, 0, 0, 0)


def test_order_from_quote_button(rep: Any) -> None:
    quote = accepted_quote(owner=rep)
    client = _client(rep)
    page = client.get(reverse("sales:order_create")).content.decode()
    assert "From an accepted quote" in page and quote.number in page
    response = client.post(reverse("sales:order_from_quote"), {"quote": quote.pk})
    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url() and order.quote == quote
    response = client.post(reverse("sales:order_from_quote"), {"quote": quote.pk}, follow=True)
    assert "Choose an accepted quote that has no order yet." in response.content.decode()
    assert Order.objects.count() == 1


def test_order_page_delivery_form_partial_then_full(rep: Any, items: Any) -> None:
    order = make_order(owner=rep)
    router, install = order.lines.order_by("position")
    client = _client(rep)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "New delivery" in page and "3 to deliver" in page and "Confirmed" in page
    response = client.post(
        reverse("sales:delivery_create", args=[order.pk]),
        {f"qty-{router.pk}": "5", f"qty-{install.pk}": "0", "carrier": "SEUR"},
    )
    assert response.status_code == 422
    assert "Only 3 of “Router X1” remain to deliver." in response.content.decode()
    assert _counts()[2:] == (0, 0, 0)
    response = client.post(
        reverse("sales:delivery_create", args=[order.pk]),
        {
            f"qty-{router.pk}": "2",
            f"serials-{router.pk}": "R-1\nR-2",
            f"qty-{install.pk}": "",
            "carrier": "SEUR",
        },
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    client.post(reverse("sales:delivery_move", args=[delivery.pk, "ship"]), {"version": 1})
    client.post(reverse("sales:delivery_move", args=[delivery.pk, "deliver"]), {"version": 2})
    order.refresh_from_db()
    assert order.status == "partially_delivered"
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Partially delivered" in page and "2 / 3" in page
    client.post(
        reverse("sales:delivery_create", args=[order.pk]), {f"qty-{router.pk}": "1", f"qty-{install.pk}": "1"}
    )
    second = Delivery.objects.exclude(pk=delivery.pk).get()
    client.post(reverse("sales:delivery_move", args=[second.pk, "deliver"]), {})
    order.refresh_from_db()
    assert order.status == "delivered"
    assert Asset.objects.filter(order=order).count() == 3
    stale = client.post(reverse("sales:delivery_move", args=[second.pk, "cancel"]), {}, follow=True)
    assert "cannot be cancelled" in stale.content.decode()
    assert client.post(reverse("sales:delivery_move", args=[second.pk, "explode"]), {}).status_code == 404


def test_order_cancel_button(rep: Any) -> None:
    order = make_order(owner=rep)
    client = _client(rep)
    client.post(reverse("sales:order_cancel", args=[order.pk]), {"version": order.version})
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert "New delivery" not in client.get(order.get_absolute_url()).content.decode()


def test_pages_of_other_teams_are_not_found(rep: Any, make_user: Any) -> None:
    other = make_user("sales_rep", team="South")
    order = make_order(owner=other)
    delivery = delivery_create(actor=None, order=order, lines=[(order.lines.first(), 1, "")])
    client = _client(rep)
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.get(delivery.get_absolute_url()).status_code == 404
    assert client.post(reverse("sales:delivery_move", args=[delivery.pk, "deliver"])).status_code == 404


def test_account_panels_show_orders_deliveries_and_assets(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    order = make_order(owner=rep, account=account, lines=[{"product": items["router"], "quantity": 2}])
    delivery = delivery_create(actor=rep, order=order, lines=[(order.lines.first(), 2, "S-1\nS-2")])
    delivery_mark_delivered(actor=rep, delivery=delivery)
    client = _client(rep)
    account_page = client.get(reverse("contacts:account_detail", args=[account.pk])).content.decode()
    assert reverse("sales:account_orders", args=[account.pk]) in account_page
    assert reverse("sales:account_assets", args=[account.pk]) in account_page
    panel = client.get(reverse("sales:account_orders", args=[account.pk])).content.decode()
    assert order.number in panel and delivery.number in panel and "Delivered" in panel
    panel = client.get(reverse("sales:account_assets", args=[account.pk])).content.decode()
    assert "S-1" in panel and "S-2" in panel
    timeline = client.get(
        reverse("activities:timeline", args=["contacts.account", account.pk])
    ).content.decode()
    assert f"Order {order.number} placed" in timeline
    assert f"Delivery {delivery.number} of order {order.number} delivered" in timeline


def test_installed_base_pages(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep, name="Acme Robotics")
    today = timezone.localdate()
    asset_create(
        actor=rep,
        account=account,
        product=items["router"],
        serial_number="W-1",
        delivered_on=today - dt.timedelta(days=30),
        warranty_until=today,
    )
    client = _client(rep)
    page = client.get(reverse("sales:asset_list")).content.decode()
    assert "W-1" in page and "1 asset" in page
    owners = client.get(reverse("sales:asset_owners"), {"product": items["router"].pk}).content.decode()
    assert "Acme Robotics" in owners
    nobody = client.get(reverse("sales:asset_owners"), {"product": items["install"].pk}).content.decode()
    assert "Nobody owns Installation yet" in nobody
    ending = client.get(reverse("sales:asset_warranty")).content.decode()
    assert "W-1" in ending
    bad = client.get(reverse("sales:asset_warranty"), {"start": "2027-02-01", "end": "2027-01-01"})
    assert bad.status_code == 400
    assert client.get(reverse("sales:asset_list"), {"colour": "red"}).status_code == 200


def test_asset_forms(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    client = _client(rep)
    response = client.post(
        reverse("sales:asset_create"),
        {"account": account.pk, "product": items["router"].pk, "quantity": "2", "serial_number": "X-9"},
    )
    assert response.status_code == 422
    assert "quantity is 1" in response.content.decode()
    assert not Asset.objects.exists()
    response = client.post(
        reverse("sales:asset_create"),
        {"account": account.pk, "product": items["router"].pk, "quantity": "1", "delivered_on": "2026-02-01"},
    )
    asset = Asset.objects.get()
    assert response["Location"] == asset.get_absolute_url()
    response = client.post(
        reverse("sales:asset_update", args=[asset.pk]),
        {
            "name": "Router X1",
            "quantity": "1",
            "warranty_until": "2025-01-01",
            "delivered_on": "2026-02-01",
            "version": 1,
        },
    )
    assert response.status_code == 422 and "cannot end before" in response.content.decode()
    asset.refresh_from_db()
    assert asset.version == 1
    client.post(reverse("sales:asset_return", args=[asset.pk]), {"version": 1})
    asset.refresh_from_db()
    assert asset.status == "returned"


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_query_count_does_not_grow(rep: Any, items: Any) -> None:
    client = _client(rep)
    urls = [reverse("sales:order_list"), reverse("sales:delivery_list"), reverse("sales:asset_list")]

    def add() -> None:
        account = AccountFactory(owner=rep)
        order = make_order(owner=rep, account=account, lines=[{"product": items["router"], "quantity": 1}])
        delivery_create(actor=None, order=order, lines=[(order.lines.first(), 1, "")])
        asset_create(actor=None, account=account, product=items["router"])

    add()
    _page_queries(client, urls[0])
    few = [_page_queries(client, url) for url in urls]
    for _ in range(5):
        add()
    assert [_page_queries(client, url) for url in urls] == few


def test_account_panels_query_count_does_not_grow(rep: Any, items: Any) -> None:
    account = AccountFactory(owner=rep)
    client = _client(rep)
    urls = [
        reverse("sales:account_orders", args=[account.pk]),
        reverse("sales:account_assets", args=[account.pk]),
    ]

    def add() -> None:
        order = make_order(owner=rep, account=account, lines=[{"product": items["router"], "quantity": 2}])
        delivery = delivery_create(actor=None, order=order, lines=[(order.lines.first(), 2, "A\nB")])
        delivery_mark_delivered(actor=None, delivery=delivery)

    add()
    _page_queries(client, urls[0])
    few = [_page_queries(client, url) for url in urls]
    for _ in range(4):
        add()
    assert [_page_queries(client, url) for url in urls] == few
