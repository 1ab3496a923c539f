"""API: /orders, /deliveries, /assets — the whole flow, bad input as problem+json with nothing changed, scoping,
optimistic locking, and list query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Asset, Delivery, DeliveryLine, Order, OrderLine
from crm.sales.services.assets import asset_create
from crm.sales.tests.orders.factories import accepted_quote, catalog_setup, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


@pytest.fixture
def items(db: Any) -> dict[str, Any]:
    return catalog_setup()


def _counts() -> tuple[int, ...]:
    return (
        Order.all_objects.count(),
        OrderLine.objects.count(),
        Delivery.all_objects.count(),
        DeliveryLine.objects.count(),
        Asset.all_objects.count(),
    )


def test_order_to_assets_through_the_api(rep: Any, items: dict[str, Any]) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    response = api.post(
        "/api/v1/orders",
        {
            "account_id": account.pk,
            "customer_reference": "PO-9",
            "lines": [
                {"product_id": items["router"].pk, "quantity": "3"},
                {"description": "Set-up fee", "quantity": 1, "unit_price": "40.00"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    order = response.json()
    assert order["number"].startswith("SO-") and order["status"] == "confirmed"
    assert order["total"] == "403.00"
    assert [line["unit_price"] for line in order["lines"]] == ["100.00", "40.00"]
    router_line = order["lines"][0]["id"]

    response = api.post(
        "/api/v1/deliveries",
        {
            "order_id": order["id"],
            "lines": [{"order_line_id": router_line, "quantity": 2, "serial_numbers": ["A1", "A2"]}],
            "carrier": "DHL",
            "tracking_number": "JD0001",
        },
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["status"] == "pending" and first["lines"][0]["serial_numbers"] == ["A1", "A2"]
    assert api.post(f"/api/v1/deliveries/{first['id']}/ship", {"version": 1}).json()["status"] == "shipped"
    delivered = api.post(f"/api/v1/deliveries/{first['id']}/deliver", {"version": 2}).json()
    assert delivered["status"] == "delivered" and delivered["delivered_at"]
    body = api.get(f"/api/v1/orders/{order['id']}").json()
    assert body["status"] == "partially_delivered"
    assert body["lines"][0]["quantity_delivered"] == "2.000"
    assert [d["status"] for d in body["deliveries"]] == ["delivered"]

    second = api.post(
        "/api/v1/deliveries",
        {
            "order_id": order["id"],
            "lines": [
                {"order_line_id": router_line, "quantity": 1},
                {"order_line_id": order["lines"][1]["id"], "quantity": 1},
            ],
        },
    ).json()
    api.post(f"/api/v1/deliveries/{second['id']}/deliver", {})
    body = api.get(f"/api/v1/orders/{order['id']}").json()
    assert body["status"] == "delivered" and body["delivered_at"]

    assets = api.get("/api/v1/assets", {"account": account.pk, "sort": "created_at"}).json()["items"]
    assert [(a["serial_number"], a["quantity"]) for a in assets] == [
        ("A1", "1.000"),
        ("A2", "1.000"),
        ("", "1.000"),
    ]
    owners = api.get("/api/v1/assets/owners", {"product_id": items["router"].pk}).json()
    assert owners["items"] == [
        {
            "account_id": account.pk,
            "account_name": account.name,
            "quantity": "3.000",
            "assets": 3,
            "last_delivered_on": assets[0]["delivered_on"],
        }
    ]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "-2"}, "lines.0.quantity"),
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"quantity": "many"}, "lines.0.quantity"),
        ({"quantity": 1, "product_id": 999999}, "lines.0.product_id"),
        ({"quantity": 1, "unit_price": "-1"}, "lines.0.unit_price"),
    ],
)
def test_order_create_bad_lines_answer_422_and_store_nothing(
    rep: Any, items: Any, line: dict[str, Any], field: str
) -> None:
    account = AccountFactory(owner=rep)
    before = _counts()
    payload = {"account_id": account.pk, "lines": [{"product_id": items["router"].pk, **line}]}
    response = ApiClient(rep).post("/api/v1/orders", payload)
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert _counts() == before


def test_order_create_currency_mismatch_and_unknown_account(rep: Any, items: Any, make_user: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    response = api.post(
        "/api/v1/orders",
        {
            "account_id": account.pk,
            "currency": "USD",
            "lines": [{"product_id": items["router"].pk, "quantity": 1}],
        },
    )
    assert response.status_code == 422
    assert "USD" in problem_fields(response)["lines.0.unit_price"][0]
    hidden = AccountFactory(owner=make_user("sales_rep", team="South"))
    response = api.post(
        "/api/v1/orders",
        {"account_id": hidden.pk, "lines": [{"description": "X", "quantity": 1, "unit_price": 1}]},
    )
    assert response.status_code == 422 and "account_id" in problem_fields(response)
    assert _counts() == (0, 0, 0, 0, 0)


def test_order_from_quote(rep: Any) -> None:
    api = ApiClient(rep)
    quote = accepted_quote(owner=rep)
    response = api.post("/api/v1/orders/from-quote", {"quote_id": quote.pk, "customer_reference": "PO-3"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["quote_id"] == quote.pk and body["currency"] == "USD" and body["total"] == "1742.40"
    again = api.post("/api/v1/orders/from-quote", {"quote_id": quote.pk})
    assert again.status_code == 409 and again.json()["code"] == "quote_already_ordered"
    draft = accepted_quote(owner=rep, status="draft")
    refused = api.post("/api/v1/orders/from-quote", {"quote_id": draft.pk})
    assert refused.status_code == 409 and refused.json()["code"] == "quote_not_accepted"
    unknown = api.post("/api/v1/orders/from-quote", {"quote_id": 987654})
    assert unknown.status_code == 422 and "quote_id" in problem_fields(unknown)
    assert Order.objects.count() == 1


def test_order_patch_locking_and_cancel(rep: Any) -> None:
    api = ApiClient(rep)
    order = make_order(owner=rep)
    response = api.patch(f"/api/v1/orders/{order.pk}", {"notes": "Ring twice", "version": 1})
    assert response.status_code == 200 and response["ETag"] == '"2"'
    stale = api.patch(f"/api/v1/orders/{order.pk}", {"notes": "Overwrite"}, **{"If-Match": '"1"'})
    assert stale.status_code == 409
    assert api.patch(f"/api/v1/orders/{order.pk}", {"notes": "Overwrite", "version": 1}).status_code == 409
    assert api.patch(f"/api/v1/orders/{order.pk}", {"status": "delivered"}).status_code == 422
    order.refresh_from_db()
    assert order.notes == "Ring twice" and order.status == "confirmed"
    cancelled = api.post(f"/api/v1/orders/{order.pk}/cancel", {"reason": "Duplicate"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_delivery_over_quantity_is_422_naming_the_line(rep: Any) -> None:
    api = ApiClient(rep)
    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()
    before = _counts()
    response = api.post(
        "/api/v1/deliveries", {"order_id": order.pk, "lines": [{"order_line_id": router.pk, "quantity": 4}]}
    )
    assert response.status_code == 422
    assert "Only 3" in problem_fields(response)["lines.0.quantity"][0]
    response = api.post(
        "/api/v1/deliveries", {"order_id": order.pk, "lines": [{"order_line_id": 123456, "quantity": 1}]}
    )
    assert response.status_code == 422 and "lines.0.order_line_id" in problem_fields(response)
    assert _counts() == before


def test_delivery_state_conflicts(rep: Any) -> None:
    api = ApiClient(rep)
    order = make_order(owner=rep)
    router = order.lines.order_by("position").first()
    delivery = api.post(
        "/api/v1/deliveries", {"order_id": order.pk, "lines": [{"order_line_id": router.pk, "quantity": 1}]}
    ).json()
    assert api.post(f"/api/v1/deliveries/{delivery['id']}/ship", {"version": 9}).status_code == 409
    assert api.post(f"/api/v1/deliveries/{delivery['id']}/deliver", {}).status_code == 200
    refused = api.post(f"/api/v1/deliveries/{delivery['id']}/cancel", {})
    assert refused.status_code == 409 and refused.json()["code"] == "delivery_state"
    assert api.post(f"/api/v1/orders/{order.pk}/cancel", {}).status_code == 409


def test_other_teams_orders_are_not_found(rep: Any, make_user: Any) -> None:
    order = make_order(owner=make_user("sales_rep", team="South"))
    api = ApiClient(rep)
    assert api.get(f"/api/v1/orders/{order.pk}").status_code == 404
    assert api.get("/api/v1/orders").json()["items"] == []
    response = api.post(
        "/api/v1/deliveries",
        {"order_id": order.pk, "lines": [{"order_line_id": order.lines.first().pk, "quantity": 1}]},
    )
    assert response.status_code == 422 and "order_id" in problem_fields(response)


def test_assets_crud_and_filters(rep: Any, items: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    response = api.post(
        "/api/v1/assets",
        {
            "account_id": account.pk,
            "product_id": items["router"].pk,
            "serial_number": "OLD-7",
            "delivered_on": "2026-01-10",
        },
    )
    assert response.status_code == 201, response.content
    asset = response.json()
    assert asset["warranty_until"] == "2028-01-10" and asset["status"] == "active"
    bad = api.post(
        "/api/v1/assets", {"account_id": account.pk, "product_id": items["router"].pk, "quantity": "-1"}
    )
    assert bad.status_code == 422 and "quantity" in problem_fields(bad)
    bad = api.post("/api/v1/assets", {"account_id": account.pk, "product_id": 99999})
    assert bad.status_code == 422 and "product_id" in problem_fields(bad)
    assert Asset.objects.count() == 1
    patched = api.patch(f"/api/v1/assets/{asset['id']}", {"notes": "In the server room", "version": 1})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert api.patch(f"/api/v1/assets/{asset['id']}", {"notes": "x", "version": 1}).status_code == 409
    listed = api.get(
        "/api/v1/assets",
        {
            "product": items["router"].pk,
            "warranty_until__gte": "2028-01-01",
            "warranty_until__lte": "2028-01-31",
        },
    ).json()["items"]
    assert [a["id"] for a in listed] == [asset["id"]]
    ending = api.get("/api/v1/assets/warranty-ending", {"start": "2028-01-01", "end": "2028-01-31"}).json()
    assert [a["id"] for a in ending["items"]] == [asset["id"]]
    assert (
        api.get("/api/v1/assets/warranty-ending", {"start": "2028-02-01", "end": "2028-01-01"}).status_code
        == 400
    )
    assert api.get("/api/v1/assets", {"colour": "red"}).status_code == 400
    returned = api.post(f"/api/v1/assets/{asset['id']}/return", {})
    assert returned.json()["status"] == "returned"
    assert api.post(f"/api/v1/assets/{asset['id']}/return", {}).status_code == 409
    assert api.get("/api/v1/assets/owners", {"product_id": items["router"].pk}).json()["items"] == []


def _queries(api: ApiClient, path: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(path, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_do_not_grow_with_rows(rep: Any, items: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    make_order(owner=rep, account=account, lines=[{"product": items["router"], "quantity": 1}])
    asset_create(actor=None, account=account, product=items["router"], delivered_on=dt.date(2026, 1, 1))
    order = Order.objects.first()
    from crm.sales.services.deliveries import delivery_create

    delivery_create(actor=None, order=order, lines=[(order.lines.first(), 1, "")])
    _queries(api, "/api/v1/orders")  # warm up: the token's first use is recorded once
    few = [_queries(api, p) for p in ("/api/v1/orders", "/api/v1/deliveries", "/api/v1/assets")]
    few_owners = _queries(api, "/api/v1/assets/owners", {"product_id": items["router"].pk})
    for _ in range(6):
        other = AccountFactory(owner=rep)
        o = make_order(owner=rep, account=other, lines=[{"product": items["router"], "quantity": 2}])
        delivery_create(actor=None, order=o, lines=[(o.lines.first(), 1, "")])
        asset_create(actor=None, account=other, product=items["router"], delivered_on=dt.date(2026, 1, 1))
    many = [_queries(api, p) for p in ("/api/v1/orders", "/api/v1/deliveries", "/api/v1/assets")]
    assert many == few
    assert _queries(api, "/api/v1/assets/owners", {"product_id": items["router"].pk}) == few_owners
