"""API /pipelines writes (administrators): create, patch, reorder; stages add, patch, reorder, delete."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Pipeline, Stage
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db

STAGES = [
    {"name": "Discover", "name_es": "Descubrir", "probability": 20, "required_fields": ["contacts"]},
    {"name": "Won", "probability": 100, "forecast_category": "closed", "is_won": True},
    {"name": "Lost", "probability": 0, "forecast_category": "omitted", "is_lost": True},
]


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("administrator")


def test_admin_creates_and_edits_a_pipeline(admin: Any) -> None:
    make_pipeline()
    api = ApiClient(admin)
    response = api.post(
        "/api/v1/pipelines",
        {
            "name": "Partners",
            "name_es": "Socios",
            "stages": [*STAGES[:1], {**STAGES[0], "name": "Deal"}, *STAGES[1:]],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["position"] == 1 and body["is_active"] is True
    assert [s["name"] for s in body["stages"]] == ["Discover", "Deal", "Won", "Lost"]
    pk = body["id"]
    deal = body["stages"][1]["id"]
    patched = api.patch(
        f"/api/v1/pipelines/{pk}/stages/{deal}",
        {"probability": 70, "playbook": [{"title": "Call", "due_in_days": 1}]},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["probability"] == 70
    added = api.post(f"/api/v1/pipelines/{pk}/stages", {"name": "Trial", "probability": 50})
    assert added.status_code == 201
    assert [s["name"] for s in api.get(f"/api/v1/pipelines/{pk}").json()["stages"]] == [
        "Discover",
        "Deal",
        "Trial",
        "Won",
        "Lost",
    ]
    ids = [s["id"] for s in api.get(f"/api/v1/pipelines/{pk}").json()["stages"]]
    reordered = api.post(
        f"/api/v1/pipelines/{pk}/stages/order", {"stage_ids": [ids[2], ids[0], ids[1], *ids[3:]]}
    )
    assert [s["name"] for s in reordered.json()["stages"]][:3] == ["Trial", "Discover", "Deal"]
    assert api.delete(f"/api/v1/pipelines/{pk}/stages/{ids[2]}").status_code == 204
    assert api.patch(f"/api/v1/pipelines/{pk}", {"is_active": False}).json()["is_active"] is False
    assert pk not in [p["id"] for p in api.get("/api/v1/pipelines").json()]
    assert pk in [p["id"] for p in api.get("/api/v1/pipelines?include_inactive=true").json()]
    order = api.post(
        "/api/v1/pipelines/order", {"pipeline_ids": [pk, *[p.pk for p in Pipeline.objects.exclude(pk=pk)]]}
    )
    assert order.json()[0]["id"] == pk


def test_bad_pipeline_is_422_and_nothing_stored(admin: Any) -> None:
    response = ApiClient(admin).post("/api/v1/pipelines", {"name": "Half", "stages": STAGES[:2]})
    assert response.status_code == 422
    assert problem_fields(response)["stages"] == ["A pipeline needs a won stage and a lost stage."]
    bad_field = ApiClient(admin).post(
        "/api/v1/pipelines",
        {"name": "X", "stages": [{**STAGES[0], "required_fields": ["owner"]}, *STAGES[1:]]},
    )
    assert bad_field.status_code == 422
    assert not Pipeline.objects.exists()


def test_stage_holding_opportunities_is_409(admin: Any, make_user: Any) -> None:
    pipeline = make_pipeline()
    make_opportunity(pipeline=pipeline, owner=make_user())
    qualify = stage(pipeline, "Qualify")
    response = ApiClient(admin).delete(f"/api/v1/pipelines/{pipeline.pk}/stages/{qualify.pk}")
    assert response.status_code == 409
    assert "Move it to another stage first" in response.json()["detail"]
    assert Stage.objects.filter(pk=qualify.pk).exists()


def test_non_admins_may_read_but_not_write(make_user: Any) -> None:
    pipeline = make_pipeline()
    api = ApiClient(make_user("sales_manager"))
    assert api.get("/api/v1/pipelines").status_code == 200
    assert api.post("/api/v1/pipelines", {"name": "Mine", "stages": STAGES}).status_code == 403
    assert api.patch(f"/api/v1/pipelines/{pipeline.pk}", {"name": "Renamed"}).status_code == 403
    qualify = stage(pipeline, "Qualify")
    assert api.delete(f"/api/v1/pipelines/{pipeline.pk}/stages/{qualify.pk}").status_code == 403
    assert Pipeline.objects.get().name == "New business"
    assert Stage.objects.filter(pk=qualify.pk).exists()
