"""Administrator-defined custom fields on leads: written through the API and forms, validated by the service,
shown and filtered in the list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.customfields.services import custom_field_create
from crm.leads.models import Lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(admin: Any) -> Any:
    return custom_field_create(
        actor=admin, object_type="leads.lead", key="seats", label="Seats", field_type="number"
    )


def test_custom_values_are_stored_shown_and_filtered(admin: Any, seats: Any) -> None:
    api = ApiClient(admin)
    created = api.post("/api/v1/leads", {"first_name": "Anabela", "custom": {"seats": 25}})
    assert created.status_code == 201, created.content
    assert created.json()["custom"] == {"seats": 25}
    lead_id = created.json()["id"]
    client = Client()
    client.force_login(admin)
    page = client.get(f"/leads/{lead_id}/").content.decode()
    assert "Seats" in page and "25" in page
    listed = client.get("/leads/", {"custom.seats__gte": "20", "columns": "custom.seats"}).content.decode()
    assert "Anabela" in listed
    assert "Anabela" not in client.get("/leads/", {"custom.seats__gte": "30"}).content.decode()


def test_a_bad_custom_value_names_the_field_and_stores_nothing(admin: Any, seats: Any) -> None:
    response = ApiClient(admin).post("/api/v1/leads", {"first_name": "Ana", "custom": {"seats": "many"}})
    assert response.status_code == 422
    assert "custom.seats" in problem_fields(response)
    response = ApiClient(admin).post("/api/v1/leads", {"first_name": "Ana", "custom": {"colour": "red"}})
    assert response.status_code == 422 and "custom.colour" in problem_fields(response)
    assert not Lead.all_objects.exists()
