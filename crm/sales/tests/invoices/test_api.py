"""API: /invoices and /payments — the cycle from draft to paid, credit notes, PDFs, scoping, and bad input as
problem+json naming the field with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Invoice, InvoiceLine, NumberSequence, Payment
from crm.sales.tests.invoices.factories import make_invoice, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _state() -> dict[str, Any]:
    return {
        "invoices": list(Invoice.all_objects.order_by("pk").values()),
        "lines": list(InvoiceLine.objects.order_by("pk").values()),
        "payments": list(Payment.all_objects.order_by("pk").values()),
        "sequences": list(NumberSequence.objects.order_by("pk").values()),
    }


def test_draft_issue_pay_in_two_parts(rep: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    response = api.post(
        "/api/v1/invoices",
        {
            "account_id": account.pk,
            "currency": "EUR",
            "payment_terms_days": 14,
            "lines": [
                {"description": "Consulting", "quantity": "10", "unit_price": "100.00", "tax_rate": "21"}
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    invoice_id = body["id"]
    assert body["status"] == "draft" and body["number"] is None and body["total"] == "1210.00"
    assert body["lines"][0]["net_amount"] == "1000.00"

    response = api.patch(f"/api/v1/invoices/{invoice_id}", {"notes": "PO 4711", "version": body["version"]})
    assert response.status_code == 200 and response.json()["notes"] == "PO 4711"
    assert response["ETag"] == '"2"'

    response = api.post(f"/api/v1/invoices/{invoice_id}/issue", {"version": 2})
    assert response.status_code == 200, response.content
    issued = response.json()
    assert issued["status"] == "issued" and issued["number"].startswith("INV-") and issued["due_date"]

    response = api.post("/api/v1/payments", {"invoice_id": invoice_id, "amount": "210.00", "method": "card"})
    assert response.status_code == 201, response.content
    assert api.get(f"/api/v1/invoices/{invoice_id}").json()["status"] == "partially_paid"
    response = api.post("/api/v1/payments", {"invoice_id": invoice_id, "amount": "1000.00"})
    assert response.status_code == 201
    detail = api.get(f"/api/v1/invoices/{invoice_id}").json()
    assert detail["status"] == "paid" and detail["amount_due"] == "0.00" and len(detail["payments"]) == 2

    payment_id = detail["payments"][1]["id"]
    assert api.get(f"/api/v1/payments/{payment_id}").json()["amount"] == "1000.00"
    assert api.delete(f"/api/v1/payments/{payment_id}").status_code == 204
    assert api.get(f"/api/v1/invoices/{invoice_id}").json()["status"] == "partially_paid"
    listed = api.get("/api/v1/payments", {"invoice": invoice_id}).json()
    assert [p["amount"] for p in listed["items"]] == ["210.00"]


def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(rep: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    before = _state()
    response = api.post(
        "/api/v1/invoices",
        {"account_id": account.pk, "lines": [{"description": "X", "quantity": "-2", "unit_price": "5"}]},
    )
    assert response.status_code == 422
    assert "lines.0.quantity" in problem_fields(response)
    assert _state() == before

    draft = make_invoice(owner=rep, lines=[])
    before = _state()
    response = api.post(f"/api/v1/invoices/{draft.pk}/issue", {})
    assert response.status_code == 422 and "lines" in problem_fields(response)
    assert _state() == before

    issued = make_invoice(owner=rep, issue=True)
    before = _state()
    for body, field in (
        ({"invoice_id": issued.pk, "amount": "5000.00"}, "amount"),
        ({"invoice_id": issued.pk, "amount": "0"}, "amount"),
        ({"invoice_id": issued.pk, "amount": "10", "currency": "USD"}, "currency"),
        ({"invoice_id": draft.pk, "amount": "10"}, "invoice_id"),
    ):
        response = api.post("/api/v1/payments", body)
        assert response.status_code == 422, (body, response.content)
        assert field in problem_fields(response), (body, response.content)
    assert _state() == before

    response = api.patch(f"/api/v1/invoices/{issued.pk}", {"notes": "late"})
    assert response.status_code == 409
    assert _state() == before


def test_stale_version_is_409(rep: Any) -> None:
    api = ApiClient(rep)
    draft = make_invoice(owner=rep)
    assert api.patch(f"/api/v1/invoices/{draft.pk}", {"notes": "one", "version": 1}).status_code == 200
    before = _state()
    response = api.patch(f"/api/v1/invoices/{draft.pk}", {"notes": "two"}, **{"If-Match": '"1"'})
    assert response.status_code == 409
    assert _state() == before


def test_from_order_credit_note_void_and_pdf(rep: Any) -> None:
    api = ApiClient(rep)
    order = make_order(owner=rep)
    widget = order.lines.get(position=1)
    response = api.post(
        "/api/v1/invoices/from-order",
        {"order_number": order.number, "lines": [{"order_line_id": widget.pk, "quantity": "11"}]},
    )
    assert response.status_code == 422 and "lines.0.quantity" in problem_fields(response)
    response = api.post("/api/v1/invoices/from-order", {"order_id": order.pk})
    assert response.status_code == 201, response.content
    invoice_id = response.json()["id"]
    assert response.json()["order_id"] == order.pk
    api.post(f"/api/v1/invoices/{invoice_id}/issue", {})
    line_id = response.json()["lines"][0]["id"]
    response = api.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        {"lines": [{"invoice_line_id": line_id, "quantity": "2"}], "reason": "Two broken"},
    )
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["kind"] == "credit_note" and note["number"].startswith("CN-") and note["total"] == "242.00"
    assert api.get(f"/api/v1/invoices/{invoice_id}").json()["amount_credited"] == "242.00"
    response = api.post(f"/api/v1/invoices/{invoice_id}/void", {"reason": "x"})
    assert response.status_code == 422 and "status" in problem_fields(response)
    pdf = api.get(f"/api/v1/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert api.get(f"/api/v1/invoices/{note['id']}/pdf").content.startswith(b"%PDF")
    listed = api.get("/api/v1/invoices", {"kind": "credit_note"}).json()["items"]
    assert [i["id"] for i in listed] == [note["id"]]


def test_from_delivery(rep: Any) -> None:
    from crm.sales.tests.invoices.factories import deliver

    api = ApiClient(rep)
    order = make_order(owner=rep)
    delivery = deliver(order, {1: "4"})
    response = api.post("/api/v1/invoices/from-delivery", {"delivery_id": delivery.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["delivery_id"] == delivery.pk and [line["quantity"] for line in body["lines"]] == ["4.000"]
    before = _state()
    response = api.post("/api/v1/invoices/from-delivery", {"delivery_id": delivery.pk})
    assert response.status_code == 422 and "delivery" in problem_fields(response)
    assert _state() == before


def test_other_peoples_invoices_are_404(rep: Any, make_user: Any) -> None:
    stranger = make_user("sales_rep", team="South")
    invoice = make_invoice(owner=stranger, issue=True)
    api = ApiClient(rep)
    assert api.get(f"/api/v1/invoices/{invoice.pk}").status_code == 404
    assert api.get(f"/api/v1/invoices/{invoice.pk}/pdf").status_code == 404
    response = api.post("/api/v1/payments", {"invoice_id": invoice.pk, "amount": "1"})
    assert response.status_code == 422 and "invoice_id" in problem_fields(response)
    assert api.get("/api/v1/invoices").json()["items"] == []


def test_list_query_count_does_not_grow_with_rows(rep: Any) -> None:
    api = ApiClient(rep)
    make_invoice(owner=rep)
    api.get("/api/v1/invoices")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/invoices").json()["items"]) == 1
    for _n in range(6):
        make_invoice(owner=rep, issue=True)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/invoices").json()["items"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    bad = api.get("/api/v1/invoices", {"status": "nope"})
    assert bad.status_code == 400
