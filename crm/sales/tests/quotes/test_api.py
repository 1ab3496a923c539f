"""The quotes API: list, get, create, patch, lines, the approval, send, revise and the PDF, with problem+json
errors that name the field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.sales.enums import QuoteStatus
from crm.sales.models import Quote, QuoteLine
from crm.sales.services.quotes import quote_create, quote_deliver

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _problem(response: Any) -> dict[str, list[str]]:
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    out: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        out.setdefault(error["field"], []).append(error["message"])
    return out


def test_create_from_opportunity_and_get(rep: Any, opportunity: Any) -> None:
    client = _client(rep)
    response = _post(client, "/api/v1/quotes", {"opportunity_id": opportunity.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["number"] == "Q-00001"
        and body["status"] == "draft"
        and body["account"]["id"] == opportunity.account_id
    )
    got = client.get(f"/api/v1/quotes/{body['id']}")
    assert got.status_code == 200 and got["ETag"] == f'"{body["version"]}"'


def test_create_with_lines_then_list(rep: Any, account: Any, priced: Any) -> None:
    client = _client(rep)
    response = _post(
        client,
        "/api/v1/quotes",
        {
            "account_id": account.pk,
            "lines": [{"product_id": priced["laptop"].pk, "quantity": "3", "discount_percent": "5"}],
        },
    )
    assert response.status_code == 201, response.content
    line = response.json()["lines"][0]
    assert Decimal(line["unit_price"]) == Decimal("1000.00") and Decimal(line["net_amount"]) == Decimal(
        "2850.00"
    )
    assert Decimal(response.json()["total"]) == Decimal("3448.50")
    listed = client.get("/api/v1/quotes?status=draft")
    assert [q["number"] for q in listed.json()["items"]] == ["Q-00001"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "-1"}, "lines.0.quantity"),
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"discount_percent": "150"}, "lines.0.discount_percent"),
        ({"currency": "USD"}, "lines.0.currency"),
        ({"product_id": 424242}, "lines.0.product_id"),
    ],
)
def test_create_with_a_bad_line_answers_422_naming_the_field(
    rep: Any, account: Any, priced: Any, line: dict[str, Any], field: str
) -> None:
    data = {"product_id": priced["laptop"].pk, "quantity": "1", **line}
    response = _post(_client(rep), "/api/v1/quotes", {"account_id": account.pk, "lines": [data]})
    assert response.status_code == 422
    assert field in _problem(response)
    assert not Quote.all_objects.exists() and not QuoteLine.objects.exists()


def test_create_needs_an_opportunity_or_account(rep: Any) -> None:
    response = _post(_client(rep), "/api/v1/quotes", {})
    assert response.status_code == 422 and "opportunity_id" in _problem(response)


def test_patch_lines_and_stale_version(rep: Any, account: Any, priced: Any) -> None:
    quote = quote_create(actor=rep, account=account)
    client = _client(rep)
    patched = client.patch(
        f"/api/v1/quotes/{quote.pk}",
        json.dumps({"notes": "Delivery in May", "version": quote.version}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["notes"] == "Delivery in May"
    stale = client.put(
        f"/api/v1/quotes/{quote.pk}/lines",
        json.dumps(
            {"lines": [{"product_id": priced["support"].pk, "quantity": 1}], "version": quote.version}
        ),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert not QuoteLine.objects.filter(quote=quote).exists()
    ok = client.put(
        f"/api/v1/quotes/{quote.pk}/lines",
        json.dumps({"lines": [{"product_id": priced["support"].pk, "quantity": 2}]}),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{quote.version + 1}"',
    )
    assert ok.status_code == 200 and Decimal(ok.json()["total"]) == Decimal("500.00")
    bad = client.put(
        f"/api/v1/quotes/{quote.pk}/lines",
        json.dumps({"lines": [{"product_id": priced["support"].pk, "quantity": -2}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "lines.0.quantity" in _problem(bad)
    assert Quote.objects.get(pk=quote.pk).total == Decimal("500.00")


def test_approval_flow_over_the_api(rep: Any, manager: Any, account: Any, priced: Any) -> None:
    quote = quote_create(
        actor=rep,
        account=account,
        lines=[{"product_id": priced["laptop"].pk, "quantity": 1, "discount_percent": 40}],
    )
    rep_client, manager_client = _client(rep), _client(manager)
    refused = _post(rep_client, f"/api/v1/quotes/{quote.pk}/send", {"to": "ana@acme.example"})
    assert refused.status_code == 409 and refused.json()["code"] == "quote_approval_required"
    assert _post(rep_client, f"/api/v1/quotes/{quote.pk}/submit", {}).json()["status"] == "pending_approval"
    forbidden = _post(rep_client, f"/api/v1/quotes/{quote.pk}/approve", {})
    assert forbidden.status_code == 403
    approved = _post(manager_client, f"/api/v1/quotes/{quote.pk}/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    sent = _post(rep_client, f"/api/v1/quotes/{quote.pk}/send", {"to": "ana@acme.example"})
    assert sent.status_code == 202 and sent.json()["sent_to"] == "ana@acme.example"


def test_reject_over_the_api(rep: Any, manager: Any, account: Any, priced: Any) -> None:
    quote = quote_create(
        actor=rep,
        account=account,
        lines=[{"product_id": priced["laptop"].pk, "quantity": 1, "discount_percent": 40}],
    )
    _post(_client(rep), f"/api/v1/quotes/{quote.pk}/submit", {})
    rejected = _post(_client(manager), f"/api/v1/quotes/{quote.pk}/reject", {"reason": "Too much"})
    assert rejected.json()["status"] == "draft" and rejected.json()["approval_status"] == "rejected"


def test_revise_and_pdf(rep: Any, account: Any, priced: Any, mailoutbox: Any) -> None:
    quote = quote_create(
        actor=rep, account=account, lines=[{"product_id": priced["laptop"].pk, "quantity": 1}]
    )
    client = _client(rep)
    _post(client, f"/api/v1/quotes/{quote.pk}/send", {"to": "ana@acme.example"})
    quote_deliver(quote_id=quote.pk)
    revised = _post(client, f"/api/v1/quotes/{quote.pk}/revise", {})
    assert (
        revised.status_code == 201
        and revised.json()["revision"] == 2
        and revised.json()["label"] == "Q-00001 v2"
    )
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SUPERSEDED
    pdf = client.get(f"/api/v1/quotes/{quote.pk}/pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_other_team_gets_404(rep: Any, other_rep: Any, account: Any) -> None:
    quote = quote_create(actor=rep, account=account)
    client = _client(other_rep)
    assert client.get(f"/api/v1/quotes/{quote.pk}").status_code == 404
    assert client.get("/api/v1/quotes").json()["items"] == []


def test_list_query_count_does_not_grow_with_the_rows(rep: Any, account: Any) -> None:
    client = _client(rep)
    quote_create(actor=rep, account=account)
    client.get("/api/v1/quotes")  # warm caches (permissions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/quotes").status_code == 200
    for _ in range(5):
        quote_create(actor=rep, account=account)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/quotes").json()["items"]) == 6
    assert len(many) == len(few)
