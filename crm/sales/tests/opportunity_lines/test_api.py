"""API /opportunities/{id}/lines: list, create, patch, delete; 422 naming the field and nothing stored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Opportunity, OpportunityLine

pytestmark = pytest.mark.django_db


def _url(opportunity: Any, line: Any = None) -> str:
    base = f"/api/v1/opportunities/{opportunity.pk}/lines"
    return f"{base}/{line}" if line else base


def test_create_list_patch_delete(rep: Any, opportunity: Any, catalog_items: dict[str, Any]) -> None:
    api = ApiClient(rep)
    response = api.post(
        _url(opportunity),
        {"product_id": catalog_items["laptop"].pk, "quantity": "2", "discount_percent": "5"},
    )
    assert response.status_code == 201, response.content
    line = response.json()
    assert line["unit_price"] == "1000.00" and line["net_amount"] == "1900.00"
    assert line["product"]["name"] == "Laptop"
    listed = api.get(_url(opportunity)).json()
    assert listed["amount"] == "1900.00" and listed["currency"] == "EUR"
    assert [i["id"] for i in listed["items"]] == [line["id"]]
    patched = api.patch(_url(opportunity, line["id"]), {"quantity": "1", "version": listed["version"]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["net_amount"] == "950.00"
    assert api.get(f"/api/v1/opportunities/{opportunity.pk}").json()["amount"] == "950.00"
    assert api.delete(_url(opportunity, line["id"])).status_code == 204
    assert api.get(_url(opportunity)).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product_id": 987654, "quantity": "1"}, "product_id"),
        ({"product_key": "orphan", "quantity": "1"}, "product_id"),
        ({"product_key": "laptop", "quantity": "-1"}, "quantity"),
        ({"product_key": "laptop", "quantity": "0"}, "quantity"),
        ({"product_key": "laptop", "quantity": "1", "discount_percent": "120"}, "discount_percent"),
        ({"product_key": "laptop", "quantity": "1", "unit_price": "1"}, "unit_price"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    key = body.pop("product_key", None)
    if key:
        body["product_id"] = catalog_items[key].pk
    response = ApiClient(rep).post(_url(opportunity), body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in problem_fields(response)
    assert not OpportunityLine.objects.exists()
    assert Opportunity.objects.get(pk=opportunity.pk).amount == Decimal("500.00")


def test_stale_version_is_409_and_unknown_line_404(
    rep: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    api = ApiClient(rep)
    body = {"product_id": catalog_items["laptop"].pk, "quantity": "1", "version": opportunity.version + 5}
    assert api.post(_url(opportunity), body).status_code == 409
    assert not OpportunityLine.objects.exists()
    assert api.patch(_url(opportunity, 424242), {"quantity": "2"}).status_code == 404


def test_lines_of_a_deal_the_caller_cannot_see_are_404(
    make_user: Any, opportunity: Any, catalog_items: dict[str, Any]
) -> None:
    api = ApiClient(make_user("sales_rep", team="South"))
    assert api.get(_url(opportunity)).status_code == 404
    body = {"product_id": catalog_items["laptop"].pk, "quantity": "1"}
    assert api.post(_url(opportunity), body).status_code == 404
    assert not OpportunityLine.objects.exists()
