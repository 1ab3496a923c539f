"""The activities API and the account/contact timeline endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.activities.models import Activity
from crm.activities.tests.factories import ActivityFactory, TaskFactory
from crm.contacts.tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def me(team: Any) -> Any:
    return UserFactory(team=team)


@pytest.fixture
def api(me: Any) -> ApiClient:
    return ApiClient(me)


@pytest.fixture
def account(me: Any) -> Any:
    return AccountFactory(owner=me, name="Acme")


def test_log_a_call_on_an_account(api: ApiClient, me: Any, account: Any) -> None:
    response = api.post(
        "/api/v1/activities",
        {
            "kind": "call",
            "account_id": account.pk,
            "direction": "outbound",
            "duration_seconds": 300,
            "outcome": "connected",
            "body": "<p>Talked <script>x</script>about renewal</p>",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == "api"
    assert body["owner"]["id"] == me.pk
    assert body["account"] == {"id": account.pk, "name": "Acme"}
    assert "<script>" not in body["body"]
    entry = AuditEntry.objects.get(object_type="activities.activity", object_id=body["id"], action="create")
    assert (entry.source, entry.actor_id) == ("api", me.pk)


def test_task_crud_and_complete(api: ApiClient, account: Any) -> None:
    due = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0).isoformat()
    created = api.post(
        "/api/v1/activities",
        {"kind": "task", "subject": "Send quote", "account_id": account.pk, "due_at": due},
    )
    assert created.status_code == 201, created.content
    task_id = created.json()["id"]
    assert created.json()["priority"] == "normal"

    patched = api.patch(f"/api/v1/activities/{task_id}", {"priority": "high"}, **{"If-Match": "1"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == 2

    done = api.post(f"/api/v1/activities/{task_id}/complete", {"is_done": True})
    assert done.status_code == 200
    assert done.json()["is_done"] is True and done.json()["done_at"]

    assert api.delete(f"/api/v1/activities/{task_id}").status_code == 204
    assert api.get(f"/api/v1/activities/{task_id}").status_code == 404


def test_invalid_activity_is_422_per_field_and_nothing_stored(api: ApiClient, account: Any) -> None:
    response = api.post(
        "/api/v1/activities", {"kind": "meeting", "account_id": account.pk, "due_at": "tomorrow"}
    )

    assert response.status_code == 422
    assert "due_at" in problem_fields(response)
    response = api.post("/api/v1/activities", {"kind": "meeting", "account_id": account.pk})
    assert response.status_code == 422
    assert {"starts_at", "ends_at"} <= set(problem_fields(response))
    assert Activity.all_objects.count() == 0


def test_stale_version_is_409_and_nothing_changes(api: ApiClient, me: Any, account: Any) -> None:
    note = ActivityFactory(owner=me, account=account, subject="Before")

    response = api.patch(f"/api/v1/activities/{note.pk}", {"subject": "After", "version": 3})

    assert response.status_code == 409
    note.refresh_from_db()
    assert note.subject == "Before"


def test_list_filters_and_rejects_unknown_parameters(api: ApiClient, me: Any, account: Any) -> None:
    TaskFactory(owner=me, account=account, subject="Late", due_at=timezone.now() - dt.timedelta(days=1))
    ActivityFactory(owner=me, account=account, subject="A note")

    tasks = api.get("/api/v1/activities", {"kind": "task", "owner": "me"}).json()
    overdue = api.get("/api/v1/activities", {"overdue": "true"}).json()

    assert [a["subject"] for a in tasks["items"]] == ["Late"]
    assert [a["subject"] for a in overdue["items"]] == ["Late"]
    bad = api.get("/api/v1/activities", {"mood": "happy"})
    assert bad.status_code == 400
    assert "mood" in problem_fields(bad)


def test_list_query_count_does_not_depend_on_page_size(api: ApiClient, me: Any, account: Any) -> None:
    contact = ContactFactory(owner=me)
    for _i in range(50):
        ActivityFactory(owner=me, account=account, contact=contact)
    api.get("/api/v1/activities", {"limit": 1})  # warm-up: the token's first use records last_used_at

    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert len(api.get("/api/v1/activities", {"limit": limit}).json()["items"]) == limit
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


def test_other_teams_activity_is_404_and_unchanged(api: ApiClient) -> None:
    outsider = UserFactory(team=TeamFactory(name="South"))
    theirs = ActivityFactory(owner=outsider, account=AccountFactory(owner=outsider), subject="Private")

    assert api.get(f"/api/v1/activities/{theirs.pk}").status_code == 404
    assert api.patch(f"/api/v1/activities/{theirs.pk}", {"subject": "Mine"}).status_code == 404
    assert api.delete(f"/api/v1/activities/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.subject, theirs.deleted_at) == ("Private", None)


def test_read_only_token_cannot_log_activities(me: Any, account: Any) -> None:
    reader = ApiClient(me, scopes=["read"])

    response = reader.post("/api/v1/activities", {"kind": "note", "account_id": account.pk, "body": "x"})

    assert response.status_code == 403
    assert Activity.all_objects.count() == 0


def test_account_timeline_merges_activities_and_changes(api: ApiClient, me: Any) -> None:
    account_id = api.post("/api/v1/accounts", {"name": "Timeline Co"}).json()["id"]
    api.post("/api/v1/activities", {"kind": "note", "account_id": account_id, "body": "First note"})
    api.patch(f"/api/v1/accounts/{account_id}", {"status": "on_hold"})

    response = api.get(f"/api/v1/accounts/{account_id}/timeline", {"limit": 2})

    assert response.status_code == 200, response.content
    page = response.json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    sources = {e["source"] for e in page["items"]}
    rest = api.get(
        f"/api/v1/accounts/{account_id}/timeline", {"limit": 2, "cursor": page["next_cursor"]}
    ).json()
    sources |= {e["source"] for e in rest["items"]}
    assert sources == {"activities", "audit"}


def test_contact_timeline_and_its_errors(api: ApiClient, me: Any) -> None:
    contact = ContactFactory(owner=me)
    ActivityFactory(owner=me, account=None, contact=contact, subject="Met at fair")
    hidden = ContactFactory(owner=UserFactory(team=TeamFactory(name="South")))

    ok = api.get(f"/api/v1/contacts/{contact.pk}/timeline").json()
    assert [e["title"] for e in ok["items"] if e["source"] == "activities"] == ["Met at fair"]
    assert api.get(f"/api/v1/contacts/{hidden.pk}/timeline").status_code == 404
    assert api.get(f"/api/v1/contacts/{contact.pk}/timeline", {"cursor": "garbage"}).status_code == 400
    assert api.get(f"/api/v1/contacts/{contact.pk}/timeline", {"limit": 0}).status_code == 400


def test_idempotent_activity_post_creates_once(api: ApiClient, account: Any) -> None:
    body = {"kind": "note", "account_id": account.pk, "body": "Only once"}

    first = api.post("/api/v1/activities", body, **{"Idempotency-Key": "note-1"})
    second = api.post("/api/v1/activities", body, **{"Idempotency-Key": "note-1"})

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert Activity.objects.count() == 1
