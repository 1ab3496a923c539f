"""The leads API: CRUD, funnel moves, conversion, problem+json errors, scoping."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.api.tests.client import ApiClient, problem_fields
from crm.leads.models import Lead
from crm.leads.services import lead_create

pytestmark = pytest.mark.django_db


def test_crud_round_trip(rep: Any) -> None:
    api = ApiClient(rep)
    created = api.post(
        "/api/v1/leads",
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "email": "ANA@x.example",
            "company": "Xeno",
            "phone": "612345678",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["email"] == "ana@x.example" and body["phone"] == "+34612345678"
    assert body["source"] == "api" and body["status"] == "new" and body["owner"]["id"] == rep.pk
    lead_id = body["id"]
    got = api.get(f"/api/v1/leads/{lead_id}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    patched = api.patch(f"/api/v1/leads/{lead_id}", {"job_title": "CTO", "version": 1})
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = api.patch(f"/api/v1/leads/{lead_id}", {"job_title": "CEO", "version": 1})
    assert stale.status_code == 409
    assert Lead.objects.get(pk=lead_id).job_title == "CTO"
    listed = api.get("/api/v1/leads", {"status": "new", "sort": "-created_at"})
    assert [i["id"] for i in listed.json()["items"]] == [lead_id]
    assert api.delete(f"/api/v1/leads/{lead_id}").status_code == 204
    assert api.get(f"/api/v1/leads/{lead_id}").status_code == 404


def test_bad_body_is_422_naming_the_field_and_stores_nothing(rep: Any) -> None:
    api = ApiClient(rep)
    response = api.post("/api/v1/leads", {"first_name": "Ana", "phone": "12"})
    assert response.status_code == 422
    assert "phone" in problem_fields(response)
    response = api.post("/api/v1/leads", {"first_name": "Ana", "status": "converted"})
    assert response.status_code == 422 and "status" in problem_fields(response)
    assert not Lead.all_objects.exists()


@pytest.mark.parametrize(
    "params", [{"colour": "red"}, {"status": "won"}, {"sort": "budget"}, {"cursor": "!!"}]
)
def test_bad_filter_or_sort_is_400(rep: Any, params: dict[str, str]) -> None:
    response = ApiClient(rep).get("/api/v1/leads", params)
    assert response.status_code == 400
    assert problem_fields(response)


def test_list_pages_with_a_cursor(rep: Any) -> None:
    for i in range(5):
        lead_create(actor=rep, first_name=f"Lead{i}")
    api = ApiClient(rep)
    first = api.get("/api/v1/leads", {"limit": 3, "sort": "name"}).json()
    second = api.get("/api/v1/leads", {"limit": 3, "sort": "name", "cursor": first["next_cursor"]}).json()
    names = [i["first_name"] for i in first["items"] + second["items"]]
    assert names == [f"Lead{i}" for i in range(5)] and second["next_cursor"] is None


def test_a_rep_cannot_see_another_teams_lead(rep: Any, other_rep: Any) -> None:
    lead = lead_create(actor=other_rep, first_name="Hidden")
    api = ApiClient(rep)
    assert api.get(f"/api/v1/leads/{lead.pk}").status_code == 404
    assert api.post(f"/api/v1/leads/{lead.pk}/qualify", {}).status_code == 404
    assert api.get("/api/v1/leads").json()["items"] == []


def test_qualify_disqualify_and_convert(rep: Any) -> None:
    api = ApiClient(rep)
    lead = lead_create(actor=rep, first_name="Ana", email="ana@x.example", company="Xeno")
    assert api.post(f"/api/v1/leads/{lead.pk}/qualify", {}).json()["status"] == "qualified"
    bad = api.post(f"/api/v1/leads/{lead.pk}/disqualify", {"reason": "bored"})
    assert bad.status_code == 422 and "reason" in problem_fields(bad)
    converted = api.post(f"/api/v1/leads/{lead.pk}/convert", {})
    assert converted.status_code == 200, converted.content
    body = converted.json()
    assert body["lead"]["status"] == "converted" and body["account"]["name"] == "Xeno"
    assert body["account_created"] and body["contact_created"]
    again = api.post(f"/api/v1/leads/{lead.pk}/convert", {})
    assert again.status_code == 409
    assert problem_fields(again) == {}


def test_convert_opens_an_opportunity_on_request(rep: Any) -> None:
    from crm.sales.tests.factories import make_pipeline

    api = ApiClient(rep)
    lead = lead_create(actor=rep, first_name="Ana", email="ana@x.example", company="Xeno")
    missing = api.post(f"/api/v1/leads/{lead.pk}/convert", {"create_opportunity": True})
    assert missing.status_code == 422 and "pipeline_id" in problem_fields(missing)
    assert Lead.objects.get(pk=lead.pk).status == "new"

    pipeline = make_pipeline()
    body = api.post(
        f"/api/v1/leads/{lead.pk}/convert", {"create_opportunity": True, "pipeline_id": pipeline.pk}
    ).json()

    assert body["opportunity"]["name"] == "Xeno"
    assert body["lead"]["converted_opportunity_id"] == body["opportunity"]["id"]
