"""A product's unit cost (company currency): set and shown through the service, the form, the record page and
the API; a negative or non-numeric cost is refused naming the field, and nothing stored changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from crm.catalog import services
from crm.catalog.models import Product
from crm.catalog.tests import factories as f
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_cost_is_rounded_to_the_company_currency_and_may_be_unknown(db: Any) -> None:
    f.currency("JPY", is_company=True)
    product = f.product(cost="1234.5")
    assert product.cost == Decimal("1235")
    services.product_update(actor=None, product=product, cost=None)
    product.refresh_from_db()
    assert product.cost is None
    assert f.product().cost is None


@pytest.mark.parametrize(
    ("bad", "message"), [("-0.01", "not negative"), ("abc", "Enter a number"), (1.5, "Enter a number")]
)
def test_a_bad_cost_is_refused_naming_the_field_and_nothing_changes(db: Any, bad: Any, message: str) -> None:
    product = f.product(cost="10")
    with pytest.raises(InvalidInput) as caught:
        services.product_update(actor=None, product=product, cost=bad)
    assert list(caught.value.field_errors) == ["cost"]
    assert message in caught.value.field_errors["cost"][0]
    with pytest.raises(InvalidInput):
        f.product(sku="NEW-COST", cost=bad)
    product.refresh_from_db()
    assert (product.cost, product.version) == (Decimal("10.0000"), 1)
    assert not Product.objects.filter(sku="NEW-COST").exists()


def test_form_takes_the_cost_shows_it_and_refuses_bad_ones_inline(client: Client, admin: Any) -> None:
    f.currency("EUR", is_company=True)
    client.force_login(admin)
    data = {"sku": "c-1", "name": "Costed", "kind": "product", "unit": "unit", "is_active": "on"}
    for bad in ("abc", "-5"):
        response = client.post(reverse("catalog:product_create"), {**data, "cost": bad})
        assert response.status_code == 422
        assert response.context["form"].errors["cost"]
        assert 'id="id_cost_error"' in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(reverse("catalog:product_create"), {**data, "cost": "12.40"})
    product = Product.objects.get()
    assert response.status_code == 302 and product.cost == Decimal("12.40")
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'data-field="cost"' in page and "€12.40" in page
    edit = client.get(reverse("catalog:product_update", args=[product.pk])).content.decode()
    assert 'name="cost"' in edit and "12.4" in edit


def test_api_reads_and_writes_the_cost_and_refuses_bad_ones(admin: Any) -> None:
    f.currency("EUR", is_company=True)
    api = ApiClient(admin)
    for bad in ("abc", "-1"):
        response = api.post("/api/v1/products", {"sku": "A-1", "name": "A", "cost": bad})
        assert response.status_code in (400, 422)
        assert "cost" in problem_fields(response)
    assert not Product.objects.exists()
    created = api.post("/api/v1/products", {"sku": "A-1", "name": "A", "cost": "7.25"})
    assert created.status_code == 201, created.content
    assert Decimal(created.json()["cost"]) == Decimal("7.25")
    pk = created.json()["id"]
    response = api.patch(f"/api/v1/products/{pk}", {"cost": "-2"})
    assert response.status_code == 422 and "cost" in problem_fields(response)
    assert Product.objects.get().cost == Decimal("7.25")
    assert api.patch(f"/api/v1/products/{pk}", {"cost": None}).json()["cost"] is None
