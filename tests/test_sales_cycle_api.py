"""One customer through the whole sales cycle, through the API only (and the two public doors a customer uses: the
web-to-lead form and the quote's signed link): lead → qualified → converted into account, contact and opportunity →
quote sent by the background job through a real SMTP server → accepted through the emailed link → order → a partial
delivery shipped and delivered, then the rest → invoice from the order, issued, paid → the deal won → the installed
base → the lifecycle's milestones. Every status change is asserted on the way, and the final state at the end.

Not a browser test, so it runs on SQLite and on PostgreSQL. `transactional_db`: the events that keep the lifecycle
table (and the email job) run after commit, as in production.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from crm.catalog import services as catalog_services
from crm.catalog.tests import factories as catalog
from crm.contacts.tests.factories import TeamFactory, user_with_role
from crm.core.identity.services import token_create
from crm.sales.models import DealLifecycle, Delivery
from crm.sales.models.lifecycle import MILESTONES
from crm.sales.tests.factories import make_pipeline


class Api:
    """A client that talks JSON to /api/v1 with a personal access token (no session, no CSRF)."""

    def __init__(self, secret: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str, status: int = 200) -> Any:
        response = self.client.get(f"/api/v1{path}")
        assert response.status_code == status, response.content
        return response.json()

    def send(self, method: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        call = getattr(self.client, method)
        response = call(f"/api/v1{path}", json.dumps(body or {}), content_type="application/json")
        assert response.status_code == status, response.content
        return response.json()

    def post(self, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        return self.send("post", path, body, status)


@pytest.fixture
def seller(transactional_db: Any) -> Any:
    """Ada, the administrator: with no assignment rule she owns what arrives through the web form."""
    return user_with_role(
        "administrator",
        email="ada@example.com",
        full_name="Ada Admin",
        team=TeamFactory(name="North"),
        is_superuser=True,
    )


@pytest.fixture
def router_product(transactional_db: Any) -> Any:
    """EUR, and a router at 400.00 with 21 % tax in the price book."""
    catalog.currency("EUR", is_company=True)
    router = catalog.product(sku="RTR-1", name="Router X1", tax=catalog.tax("IVA 21 %", "21"))
    catalog_services.price_set(
        actor=None, price_book=catalog.price_book("General"), product=router, unit_price=Decimal("400")
    )
    return router


def test_one_customer_through_the_whole_sales_cycle_by_api(
    seller: Any, router_product: Any, smtp_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CRM_PUBLIC_URL = "https://crm.example.com"
    pipeline = make_pipeline()
    _token, secret = token_create(actor=None, user=seller, name="sales cycle")
    api = Api(secret)
    visitor = Client()

    # 1. A visitor fills in the public web-to-lead form
    response = visitor.post(
        "/forms/lead/",
        {
            "first_name": "Lucía",
            "last_name": "Martín",
            "email": "lucia@nubes.example",
            "company": "Nubes Ibéricas S.L.",
            "need": "Routers for our three offices",
            "consent": "on",
            "homepage": "",
        },
    )
    assert response.status_code == 302, response.content
    [lead] = api.get("/leads?q=lucia@nubes.example")["items"]
    assert lead["status"] == "new" and lead["source"] == "web_form" and lead["owner"]["id"] == seller.pk

    # 2. Ada fills in the budget and qualifies it
    lead = api.send("patch", f"/leads/{lead['id']}", {"budget_amount": "1200", "budget_currency": "EUR"})
    lead = api.post(f"/leads/{lead['id']}/qualify", {"version": lead["version"]})
    assert lead["status"] == "qualified" and lead["qualified_at"]

    # 3. She converts it into an account, a contact and an opportunity
    converted = api.post(
        f"/leads/{lead['id']}/convert",
        {"version": lead["version"], "create_opportunity": True, "pipeline_id": pipeline.pk},
    )
    assert converted["lead"]["status"] == "converted"
    assert converted["account_created"] and converted["contact_created"]
    account_id, contact_id = converted["account"]["id"], converted["contact"]["id"]
    opportunity_id = converted["opportunity"]["id"]
    opportunity = api.get(f"/opportunities/{opportunity_id}")
    assert opportunity["account"]["id"] == account_id and opportunity["pipeline_id"] == pipeline.pk
    assert opportunity["status"] == "open" and Decimal(opportunity["amount"]) == Decimal("1200.00")
    assert [c["id"] for c in opportunity["contacts"]] == [contact_id]
    board = api.get(f"/opportunities?pipeline={pipeline.pk}&status=open")
    assert [o["id"] for o in board["items"]] == [opportunity_id]

    # 4. A quote from the opportunity: three routers
    quote = api.post(
        "/quotes",
        {
            "opportunity_id": opportunity_id,
            "contact_id": contact_id,
            "lines": [{"product_id": router_product.pk, "quantity": "3"}],
        },
        status=201,
    )
    assert quote["status"] == "draft" and quote["account"]["id"] == account_id
    assert Decimal(quote["total"]) == Decimal("1452.00")  # 3 × 400 + 21 %

    # 5. Sent: the job emails the PDF and the signed link through the SMTP server
    sent = api.post(f"/quotes/{quote['id']}/send", {"to": "lucia@nubes.example"}, status=202)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "lucia@nubes.example"
    assert any(p.get_content_type() == "application/pdf" for p in message.iter_attachments())
    link = re.search(
        r"https://crm\.example\.com(/q/\S+/)", message.get_body(preferencelist=("plain",)).get_content()
    )
    assert link is not None
    quote = api.get(f"/quotes/{sent['id']}")
    assert quote["status"] == "sent" and quote["sent_at"]

    # 6. The customer opens the link (no login) and accepts
    customer = Client()
    assert customer.get(link.group(1)).status_code == 200
    accepted = customer.post(f"{link.group(1)}accept/", {"name": "Lucía Martín"})
    assert accepted.status_code == 200, accepted.content
    quote = api.get(f"/quotes/{quote['id']}")
    assert quote["status"] == "accepted" and quote["accepted_at"]

    # 7. The order from the accepted quote
    order = api.post("/orders/from-quote", {"quote_id": quote["id"]}, status=201)
    assert order["status"] == "confirmed" and order["account"]["id"] == account_id
    [line] = order["lines"]
    assert Decimal(line["quantity"]) == 3 and Decimal(order["total"]) == Decimal("1452.00")

    # 8. A partial delivery (two routers, with their serial numbers): shipped, then delivered
    first = api.post(
        "/deliveries",
        {
            "order_id": order["id"],
            "lines": [{"order_line_id": line["id"], "quantity": "2", "serial_numbers": ["RX-001", "RX-002"]}],
            "carrier": "SEUR",
            "tracking_number": "TRK-1",
        },
        status=201,
    )
    assert first["status"] == "pending"
    first = api.post(f"/deliveries/{first['id']}/ship", {"version": first["version"]})
    assert first["status"] == "shipped" and first["shipped_at"]
    first = api.post(f"/deliveries/{first['id']}/deliver", {"version": first["version"]})
    assert first["status"] == "delivered" and first["delivered_at"]
    order = api.get(f"/orders/{order['id']}")
    assert order["status"] == "partially_delivered"
    assert Decimal(order["lines"][0]["quantity_delivered"]) == 2

    # 9. The rest
    rest = api.post(
        "/deliveries",
        {"order_id": order["id"], "lines": [{"order_line_id": line["id"], "quantity": "1"}]},
        status=201,
    )
    rest = api.post(f"/deliveries/{rest['id']}/ship", {"version": rest["version"]})
    rest = api.post(f"/deliveries/{rest['id']}/deliver", {"version": rest["version"]})
    assert rest["status"] == "delivered"
    order = api.get(f"/orders/{order['id']}")
    assert order["status"] == "delivered" and Decimal(order["lines"][0]["quantity_delivered"]) == 3

    # 10. The invoice from the order, issued
    invoice = api.post("/invoices/from-order", {"order_id": order["id"]}, status=201)
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert Decimal(invoice["total"]) == Decimal("1452.00")
    invoice = api.post(f"/invoices/{invoice['id']}/issue", {"version": invoice["version"]})
    assert invoice["status"] == "issued" and re.fullmatch(r"INV-\d{4}-00001", invoice["number"])
    assert Decimal(invoice["amount_due"]) == Decimal("1452.00")

    # 11. Paid in two transfers
    api.post("/payments", {"invoice_id": invoice["id"], "amount": "452.00", "reference": "TRF-1"}, status=201)
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert invoice["status"] == "partially_paid" and Decimal(invoice["amount_due"]) == Decimal("1000.00")
    api.post(
        "/payments", {"invoice_id": invoice["id"], "amount": "1000.00", "reference": "TRF-2"}, status=201
    )
    invoice = api.get(f"/invoices/{invoice['id']}")
    assert invoice["status"] == "paid" and Decimal(invoice["amount_due"]) == 0

    # 12. The deal is won
    opportunity = api.get(f"/opportunities/{opportunity_id}")
    won = api.post(f"/opportunities/{opportunity_id}/won", {"version": opportunity["version"]})
    assert won["status"] == "won" and won["closed_on"]

    # 13. What the customer owns: three active routers, two with their serial numbers
    assets = api.get(f"/assets?account={account_id}")["items"]
    assert len(assets) == 3
    assert {a["status"] for a in assets} == {"active"}
    assert {a["product"]["id"] for a in assets} == {router_product.pk}
    assert sorted(a["serial_number"] or "" for a in assets) == ["", "RX-001", "RX-002"]
    [owner] = api.get(f"/assets/owners?product_id={router_product.pk}")["items"]
    assert owner["account_id"] == account_id and Decimal(owner["quantity"]) == 3 and owner["assets"] == 3

    # 14. The lifecycle: the deal reached every milestone of pre-sale, transaction and delivery
    period = timezone.localdate().strftime("%Y-%m")
    lifecycle = api.get(f"/lifecycle?period={period}")
    stages = {s["key"]: s for s in lifecycle["total"]["stages"]}
    reached = [
        "lead_created",
        "lead_qualified",
        "opportunity_opened",
        "quote_sent",
        "quote_accepted",
        "ordered",
        "shipped",
        "delivered",
    ]
    assert (lifecycle["total"]["deals"], lifecycle["total"]["won"], lifecycle["total"]["lost"]) == (1, 1, 0)
    assert [key for key in reached if stages[key]["count"] == 1] == reached
    assert all(stages[key]["converted"] == 1 for key in reached[:-1])
    assert stages["first_service"]["count"] == 0

    # … in the order they happened
    row = DealLifecycle.objects.get(opportunity_id=opportunity_id)
    stamps = [getattr(row, name) for name in MILESTONES if name != "first_service_at"]
    assert None not in stamps and stamps == sorted(stamps)
    assert row.won_at is not None and row.won_at >= row.delivered_at and row.lost_at is None
    first_delivery = Delivery.objects.get(pk=first["id"])  # the first shipment and delivery, not the last
    assert (row.shipped_at, row.delivered_at) == (first_delivery.shipped_at, first_delivery.delivered_at)

    # Final state: the order delivered, the invoice paid, the assets active, the lead converted
    assert api.get(f"/orders/{order['id']}")["status"] == "delivered"
    assert api.get(f"/invoices/{invoice['id']}")["status"] == "paid"
    assert api.get(f"/leads/{lead['id']}")["status"] == "converted"
    assert api.get(f"/opportunities/{opportunity_id}")["status"] == "won"
