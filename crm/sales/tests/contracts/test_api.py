"""API: /api/v1/contracts — CRUD, lines, activate/cancel, generation, scoping, problem+json on bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Contract, ContractLine, Invoice
from crm.sales.tests.contracts.factories import catalog_product, make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _state() -> dict[str, Any]:
    return {
        "contracts": list(Contract.all_objects.order_by("id").values()),
        "lines": list(ContractLine.objects.order_by("id").values()),
        "invoices": Invoice.all_objects.count(),
    }


def _body(account: Any, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Managed hosting",
        "account_id": account.pk,
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "currency": "EUR",
        "lines": [{"description": "Hosting", "quantity": "2", "unit_price": "40.00", "tax_rate": "21"}],
        **extra,
    }


def test_create_get_patch_activate_generate_cancel(rep: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    item = catalog_product(price="25.00", billing_period="quarterly")
    created = api.post(
        "/api/v1/contracts",
        _body(
            account,
            lines=[{"product_id": item.pk, "quantity": "1"}, {"description": "Support", "unit_price": "10"}],
        ),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("CT-") and body["status"] == "draft"
    assert [line["billing_period"] for line in body["lines"]] == ["quarterly", "monthly"]
    assert body["lines"][0]["unit_price"] == "25.00" and body["lines"][0]["tax_rate"] == "21.0000"
    assert body["total"] == "40.25"
    pk = body["id"]

    got = api.get(f"/api/v1/contracts/{pk}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    patched = api.patch(f"/api/v1/contracts/{pk}", {"title": "Hosting 2026", "version": 1})
    assert patched.status_code == 200 and patched.json()["version"] == 2

    activated = api.post(f"/api/v1/contracts/{pk}/activate", {"version": 2})
    assert activated.status_code == 200, activated.content
    assert activated.json()["status"] == "active"
    lines = api.get(f"/api/v1/contracts/{pk}/lines").json()
    assert {line["next_invoice_on"] for line in lines} == {"2026-01-01"}

    generated = api.post(f"/api/v1/contracts/{pk}/invoices", {})
    assert generated.status_code == 200, generated.content
    [invoice] = generated.json()["invoices"]
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert api.post(f"/api/v1/contracts/{pk}/invoices", {}).json() == {"invoices": []}

    cancelled = api.post(f"/api/v1/contracts/{pk}/cancel", {"reason": "Moved away"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/contracts/{pk}/cancel", {})
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"end_date": "2025-06-30"}, "end_date"),
        ({"lines": [{"description": "Hosting", "quantity": "-1", "unit_price": "5"}]}, "lines.0.quantity"),
        ({"currency": "ZZZ"}, "currency"),
        ({"owner_id": 999999}, "owner_id"),
    ],
)
def test_create_bad_input_is_422_naming_the_field_and_stores_nothing(
    rep: Any, extra: dict[str, Any], field: str
) -> None:
    account = AccountFactory(owner=rep)
    before = _state()
    response = ApiClient(rep).post("/api/v1/contracts", _body(account, **extra))
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert _state() == before


def test_currency_mismatch_names_the_product_line(rep: Any) -> None:
    item = catalog_product(code="EUR")
    account = AccountFactory(owner=rep)
    before = _state()
    response = ApiClient(rep).post(
        "/api/v1/contracts", _body(account, currency="GBP", lines=[{"product_id": item.pk}])
    )
    assert response.status_code == 422
    assert "GBP" in problem_fields(response)["lines.0.product_id"][0]
    assert _state() == before


def test_activate_without_lines_is_422_and_stale_patch_is_409(rep: Any) -> None:
    api = ApiClient(rep)
    contract = make_contract(owner=rep, lines=[])
    before = _state()
    response = api.post(f"/api/v1/contracts/{contract.pk}/activate", {})
    assert response.status_code == 422 and "lines" in problem_fields(response)
    stale = api.patch(f"/api/v1/contracts/{contract.pk}", {"title": "X"}, **{"If-Match": '"7"'})
    assert stale.status_code == 409
    assert _state() == before


def test_contracts_of_others_answer_404(rep: Any, make_user: Any) -> None:
    stranger = make_user("sales_rep", team="South")
    contract = make_contract(owner=stranger)
    api = ApiClient(rep)
    assert api.get(f"/api/v1/contracts/{contract.pk}").status_code == 404
    assert api.post(f"/api/v1/contracts/{contract.pk}/activate", {}).status_code == 404
    assert api.get("/api/v1/contracts").json()["items"] == []


def test_list_filters_and_query_count_does_not_grow(rep: Any) -> None:
    api = ApiClient(rep)
    make_contract(owner=rep)
    api.get("/api/v1/contracts")
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/contracts").status_code == 200
    for i in range(8):
        make_contract(owner=rep, title=f"Plan {i}")
    with CaptureQueriesContext(connection) as many:
        body = api.get("/api/v1/contracts").json()
    assert len(body["items"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)
    assert api.get("/api/v1/contracts", {"status": "active"}).json()["items"] == []
    assert api.get("/api/v1/contracts", {"sort": "bogus"}).status_code == 400
