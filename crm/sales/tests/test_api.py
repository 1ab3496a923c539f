"""API: pipelines, opportunity CRUD, moves, won/lost, scoping and bad input (problem+json, nothing changed)."""

from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.sales.models import Opportunity, StageChange
from crm.sales.tests.factories import make_opportunity, make_pipeline, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline() -> Any:
    return make_pipeline()


@pytest.fixture
def rep(make_user: Any) -> Any:
    return make_user("sales_rep", team="North")


def _row(pk: int) -> dict[str, Any]:
    row = Opportunity.objects.filter(pk=pk).values().get()
    row.pop("updated_at")
    return row


def test_pipelines_list_with_nested_stages(pipeline: Any, rep: Any) -> None:
    response = ApiClient(rep).get("/api/v1/pipelines")
    assert response.status_code == 200
    [body] = response.json()
    assert body["name"] == "New business"
    assert [s["name"] for s in body["stages"]] == ["Qualify", "Proposal", "Negotiation", "Won", "Lost"]
    assert body["stages"][1]["required_fields"] == ["amount", "next_step"]
    assert body["stages"][1]["playbook"][0] == {"title": "Send the proposal", "due_in_days": 3}
    assert ApiClient(rep).get(f"/api/v1/pipelines/{pipeline.pk}").json()["id"] == pipeline.pk


def test_crud(pipeline: Any, rep: Any) -> None:
    api = ApiClient(rep)
    account = AccountFactory(owner=rep)
    response = api.post(
        "/api/v1/opportunities",
        {
            "name": "Fleet renewal",
            "account_id": account.pk,
            "pipeline_id": pipeline.pk,
            "amount": "12000.50",
            "currency": "usd",
            "close_date": "2026-10-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["currency"] == "USD"
    assert body["probability"] == 10
    assert body["weighted_amount"] == "1200.05"
    assert body["owner"]["id"] == rep.pk
    assert body["account"] == {"id": account.pk, "name": account.name}
    pk = body["id"]

    got = api.get(f"/api/v1/opportunities/{pk}")
    assert got.status_code == 200 and got["ETag"] == '"1"'

    patched = api.patch(f"/api/v1/opportunities/{pk}", {"next_step": "Demo", "version": 1})
    assert patched.status_code == 200 and patched.json()["version"] == 2

    moved = api.post(
        f"/api/v1/opportunities/{pk}/move", {"stage_id": stage(pipeline, "Proposal").pk, "version": 2}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage_id"] == stage(pipeline, "Proposal").pk and moved.json()["probability"] == 50

    won = api.post(f"/api/v1/opportunities/{pk}/won", {})
    assert won.status_code == 200 and won.json()["status"] == "won"
    again = api.post(f"/api/v1/opportunities/{pk}/lost", {"reason": "x"})
    assert again.status_code == 409

    listed = api.get("/api/v1/opportunities", {"status": "won"})
    assert [o["id"] for o in listed.json()["items"]] == [pk]

    assert api.delete(f"/api/v1/opportunities/{pk}").status_code == 204
    assert api.get(f"/api/v1/opportunities/{pk}").status_code == 404
    restored = api.post(f"/api/v1/recycle-bin/sales.opportunity/{pk}/restore")
    assert restored.status_code == 200, restored.content
    assert api.get(f"/api/v1/opportunities/{pk}").status_code == 200


def test_move_without_required_fields_is_422_per_field_and_changes_nothing(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep, amount=None)
    before = _row(opportunity.pk)
    response = ApiClient(rep).post(
        f"/api/v1/opportunities/{opportunity.pk}/move", {"stage_id": stage(pipeline, "Proposal").pk}
    )
    assert response.status_code == 422
    fields = problem_fields(response)
    assert set(fields) == {"amount", "next_step"}
    assert "Proposal" in fields["amount"][0]
    assert _row(opportunity.pk) == before
    assert StageChange.objects.filter(opportunity=opportunity).count() == 1


def test_stale_version_is_409_and_changes_nothing(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep)
    api = ApiClient(rep)
    assert (
        api.patch(f"/api/v1/opportunities/{opportunity.pk}", {"name": "First", "version": 1}).status_code
        == 200
    )
    before = _row(opportunity.pk)
    response = api.patch(f"/api/v1/opportunities/{opportunity.pk}", {"name": "Second", "version": 1})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "changed this record" in response.json()["title"]
    assert _row(opportunity.pk) == before
    stale_header = api.patch(
        f"/api/v1/opportunities/{opportunity.pk}", {"name": "Third"}, **{"If-Match": '"1"'}
    )
    assert stale_header.status_code == 409
    assert _row(opportunity.pk) == before


def test_lost_without_reason_is_422(pipeline: Any, rep: Any) -> None:
    opportunity = make_opportunity(pipeline=pipeline, owner=rep)
    before = _row(opportunity.pk)
    response = ApiClient(rep).post(f"/api/v1/opportunities/{opportunity.pk}/lost", {"reason": ""})
    assert response.status_code == 422
    assert set(problem_fields(response)) == {"reason"}
    assert _row(opportunity.pk) == before


def test_create_bad_input_names_each_field(pipeline: Any, rep: Any) -> None:
    response = ApiClient(rep).post(
        "/api/v1/opportunities",
        {
            "name": "X",
            "account_id": 999999,
            "pipeline_id": pipeline.pk,
            "currency": "XYZ",
            "close_date": "2026-10-01",
        },
    )
    assert response.status_code == 422
    assert "account_id" in problem_fields(response)
    assert not Opportunity.objects.exists()
    account = AccountFactory(owner=rep)
    response = ApiClient(rep).post(
        "/api/v1/opportunities",
        {
            "name": "X",
            "account_id": account.pk,
            "pipeline_id": pipeline.pk,
            "currency": "XYZ",
            "close_date": "2026-10-01",
        },
    )
    assert response.status_code == 422
    assert set(problem_fields(response)) == {"currency"}
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("query", [{"bogus": "1"}, {"sort": "owner"}, {"status": "maybe"}, {"cursor": "!!"}])
def test_bad_filter_or_sort_is_400(pipeline: Any, rep: Any, query: dict[str, str]) -> None:
    response = ApiClient(rep).get("/api/v1/opportunities", query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_rep_cannot_see_another_teams_opportunity(pipeline: Any, rep: Any, make_user: Any) -> None:
    other = make_user("sales_rep", team="South")
    theirs = make_opportunity(pipeline=pipeline, owner=other, name="South deal")
    mine = make_opportunity(pipeline=pipeline, owner=rep, name="North deal")
    api = ApiClient(rep)
    assert api.get(f"/api/v1/opportunities/{theirs.pk}").status_code == 404
    assert api.patch(f"/api/v1/opportunities/{theirs.pk}", {"name": "x"}).status_code == 404
    assert api.post(f"/api/v1/opportunities/{theirs.pk}/won", {}).status_code == 404
    assert [o["id"] for o in api.get("/api/v1/opportunities").json()["items"]] == [mine.pk]


def test_list_paginates_by_cursor(pipeline: Any, rep: Any) -> None:
    account = AccountFactory(owner=rep)
    for i in range(5):
        make_opportunity(pipeline=pipeline, owner=rep, account=account, name=f"Deal {i}")
    api = ApiClient(rep)
    first = api.get("/api/v1/opportunities", {"limit": 2, "sort": "name"}).json()
    second = api.get(
        "/api/v1/opportunities", {"limit": 2, "sort": "name", "cursor": first["next_cursor"]}
    ).json()
    assert [o["name"] for o in first["items"] + second["items"]] == ["Deal 0", "Deal 1", "Deal 2", "Deal 3"]


def test_list_query_count_does_not_grow_with_the_page(pipeline: Any, rep: Any, make_user: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = ApiClient(rep)
    teammate = make_user("sales_rep", team="North")
    make_opportunity(pipeline=pipeline, owner=rep)
    api.get("/api/v1/opportunities")
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/opportunities").status_code == 200
    for i in range(12):
        make_opportunity(pipeline=pipeline, owner=teammate if i % 2 else rep, name=f"Deal {i}")
    with CaptureQueriesContext(connection) as many:
        body = api.get("/api/v1/opportunities").json()
    assert len(body["items"]) == 13
    assert len(many.captured_queries) == len(few.captured_queries)
