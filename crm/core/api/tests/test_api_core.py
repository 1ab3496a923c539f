"""API plumbing: authentication and scopes, problem documents, idempotency, docs; and the core endpoints
(users, me, tokens, custom fields, audit)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from crm.core.api.idempotency import STALE_AFTER
from crm.core.api.models import IdempotencyKey
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.audit.context import audit_actor_set, audit_context, audit_context_get
from crm.core.audit.models import AuditEntry
from crm.core.customfields.selectors import custom_field_list
from crm.core.identity.models import AccessToken, Role, Team, User
from crm.core.identity.services import token_create

pytestmark = pytest.mark.django_db


def _user(role: str = "sales_rep", *, email: str | None = None, team: str = "North", **extra: Any) -> User:
    n = User.objects.count() + 1
    return User.objects.create_user(
        email or f"u{n}-{role}@example.com",
        "pw-123456-x",
        full_name=f"User {n}",
        role=Role.objects.get(key=role),
        team=Team.objects.get_or_create(name=team)[0],
        **extra,
    )


@pytest.fixture
def admin() -> User:
    return _user("administrator")


@pytest.fixture
def rep() -> User:
    return _user("sales_rep")


# --- authentication -----------------------------------------------------------------------------------------
def test_no_credentials_is_401_problem() -> None:
    response = Client().get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 401


def test_token_authenticates_and_records_last_use(rep: User) -> None:
    api = ApiClient(rep)

    response = api.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["email"] == rep.email
    assert AccessToken.objects.get(user=rep).last_used_at is not None


def test_revoked_and_expired_tokens_are_refused(rep: User) -> None:
    _token, secret = token_create(
        actor=None, user=rep, name="old", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    expired = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    api = ApiClient(rep)
    api.delete(f"/api/v1/me/tokens/{AccessToken.objects.get(name='tests').pk}")
    revoked = api.get("/api/v1/me")

    assert expired.status_code == 401
    assert revoked.status_code == 401


def test_read_scope_needed_for_get(rep: User) -> None:
    writer = ApiClient(rep, scopes=["write"])

    response = writer.get("/api/v1/me")

    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_session_with_csrf_token_may_write(rep: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    client.get("/api/v1/me")  # any page sets the CSRF cookie in the browser; here we read the token directly
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token

    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"job_title": "Boss"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200, response.content
    rep.refresh_from_db()
    assert rep.job_title == "Boss"


def test_token_actor_is_recorded_as_api(rep: User, admin: User) -> None:
    api = ApiClient(admin)

    response = api.post(
        "/api/v1/custom-fields",
        {"object_type": "contacts.account", "key": "region", "label": "Region", "field_type": "text"},
    )

    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(object_type="customfields.customfielddefinition", action="create")
    assert (entry.actor_id, entry.source) == (admin.pk, "api")


def test_audit_actor_set_replaces_the_actor_only_inside_the_context(rep: User) -> None:
    with audit_context(source="api"):
        audit_actor_set(rep)
        assert audit_context_get().actor == rep
        assert audit_context_get().source == "api"
    assert audit_context_get().actor is None


# --- problem documents -------------------------------------------------------------------------------------
def test_unknown_api_url_is_problem_404(rep: User) -> None:
    response = ApiClient(rep).get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_validation_errors_name_each_field(admin: User) -> None:
    response = ApiClient(admin).post(
        "/api/v1/custom-fields",
        {"object_type": "contacts.account", "key": "x", "field_type": "colour", "bogus": 1},
    )

    assert response.status_code == 422
    fields = problem_fields(response)
    assert set(fields) == {"label", "field_type", "bogus"}
    assert fields["label"] == ["This field is required."]
    assert len(custom_field_list(include_inactive=True)) == 0


def test_domain_field_errors_are_422_and_nothing_stored(admin: User) -> None:
    response = ApiClient(admin).post(
        "/api/v1/custom-fields",
        {"object_type": "contacts.nothing", "key": "Bad Key", "label": "L", "field_type": "text"},
    )

    assert response.status_code == 422
    assert set(problem_fields(response)) == {"object_type", "key"}
    assert len(custom_field_list(include_inactive=True)) == 0


def test_malformed_json_is_400(admin: User) -> None:
    response = ApiClient(admin).post("/api/v1/custom-fields", "{not json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_oversized_body_is_413(admin: User, settings: Any) -> None:
    settings.CRM_API_MAX_BODY_BYTES = 100

    response = ApiClient(admin).post("/api/v1/custom-fields", {"label": "x" * 500})

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_messages_follow_accept_language(rep: User) -> None:
    response = ApiClient(rep).get("/api/v1/users", {"sort": "shoe"}, **{"Accept-Language": "es"})

    assert response.status_code == 400
    assert response["Content-Language"] == "es"


# --- idempotency ---------------------------------------------------------------------------------------------
FIELD = {"object_type": "contacts.account", "key": "segment", "label": "Segment", "field_type": "text"}


def test_replay_returns_the_stored_answer(admin: User) -> None:
    api = ApiClient(admin)

    first = api.post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "abc"})
    second = api.post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "abc"})

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert len(custom_field_list(include_inactive=True)) == 1


def test_same_key_other_path_is_refused(admin: User) -> None:
    api = ApiClient(admin)
    api.post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "abc"})

    response = api.post("/api/v1/me/tokens", {"name": "t"}, **{"Idempotency-Key": "abc"})

    assert response.status_code == 422
    assert AccessToken.objects.filter(name="t").count() == 0


def test_duplicate_in_flight_is_409_and_does_not_run(admin: User) -> None:
    body = json.dumps(FIELD).encode()
    now = timezone.now()
    IdempotencyKey.objects.create(
        user=admin,
        key="busy",
        method="POST",
        path="/api/v1/custom-fields",
        request_hash=hashlib.sha256(body).hexdigest(),
        created_at=now,
        expires_at=now + dt.timedelta(hours=24),
    )

    response = ApiClient(admin).post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "busy"})

    assert response.status_code == 409
    assert len(custom_field_list(include_inactive=True)) == 0


def test_stale_or_expired_key_is_reused(admin: User) -> None:
    old = timezone.now() - STALE_AFTER - dt.timedelta(seconds=1)
    IdempotencyKey.objects.create(
        user=admin,
        key="crashed",
        method="POST",
        path="/elsewhere",
        request_hash="x",
        created_at=old,
        expires_at=old + dt.timedelta(hours=24),
    )

    response = ApiClient(admin).post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "crashed"})

    assert response.status_code == 201
    assert IdempotencyKey.objects.get(key="crashed").status_code == 201


def test_unauthenticated_post_with_key_stores_nothing() -> None:
    response = Client().post(
        "/api/v1/custom-fields",
        data=json.dumps(FIELD),
        content_type="application/json",
        headers={"Idempotency-Key": "anon"},
    )

    assert response.status_code == 401
    assert IdempotencyKey.objects.count() == 0


def test_forbidden_answers_are_not_stored(rep: User) -> None:
    api = ApiClient(rep)

    response = api.post("/api/v1/custom-fields", FIELD, **{"Idempotency-Key": "nope"})

    assert response.status_code == 403
    assert IdempotencyKey.objects.count() == 0


# --- users, me, tokens --------------------------------------------------------------------------------------
def test_users_list_get_and_filters(rep: User, admin: User) -> None:
    _user("sales_rep", team="South", is_active=False)
    api = ApiClient(rep)

    listed = api.get("/api/v1/users", {"is_active": "true", "sort": "email", "limit": 1})
    assert listed.status_code == 200, listed.content
    assert listed.json()["limit"] == 1 and listed.json()["next_cursor"]
    assert api.get(f"/api/v1/users/{admin.pk}").json()["role"]["key"] == "administrator"
    assert api.get("/api/v1/users/999999").status_code == 404
    assert api.get("/api/v1/users", {"shoe": "1"}).status_code == 400


def test_me_patch_refuses_other_fields(rep: User) -> None:
    api = ApiClient(rep)

    refused = api.patch("/api/v1/me", {"email": "new@example.com", "is_active": False})
    ok = api.patch("/api/v1/me", {"job_title": "Rep", "language": "es"})

    assert refused.status_code == 422
    assert set(problem_fields(refused)) == {"email", "is_active"}
    assert ok.status_code == 200
    rep.refresh_from_db()
    assert (rep.email.startswith("u"), rep.job_title, rep.language, rep.is_active) == (
        True,
        "Rep",
        "es",
        True,
    )


def test_token_create_shows_secret_once_and_lists(rep: User) -> None:
    api = ApiClient(rep)

    created = api.post("/api/v1/me/tokens", {"name": "CI", "scopes": ["read"]})
    listed = api.get("/api/v1/me/tokens").json()

    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("crm_")
    assert all("secret" not in t for t in listed)
    assert {t["name"] for t in listed} == {"tests", "CI"}
    new = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {created.json()['secret']}"})
    assert new.status_code == 200


def test_cannot_revoke_someone_elses_token(rep: User, admin: User) -> None:
    other, _secret = token_create(actor=None, user=admin, name="admin's")

    response = ApiClient(rep).delete(f"/api/v1/me/tokens/{other.pk}")

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


# --- custom fields ------------------------------------------------------------------------------------------
def test_custom_fields_admin_crud_and_everyone_reads(admin: User, rep: User) -> None:
    api = ApiClient(admin)
    created = api.post(
        "/api/v1/custom-fields",
        {**FIELD, "field_type": "choice", "choices": [{"value": "smb", "label": "SMB"}]},
    ).json()

    patched = api.patch(f"/api/v1/custom-fields/{created['id']}", {"label": "Market segment"})
    assert patched.status_code == 200
    assert patched.json()["label"] == "Market segment"
    reader = ApiClient(rep)
    assert [f["key"] for f in reader.get("/api/v1/custom-fields").json()["items"]] == ["segment"]
    assert reader.patch(f"/api/v1/custom-fields/{created['id']}", {"label": "Mine"}).status_code == 403
    assert reader.delete(f"/api/v1/custom-fields/{created['id']}").status_code == 403

    assert api.delete(f"/api/v1/custom-fields/{created['id']}").status_code == 204
    assert reader.get("/api/v1/custom-fields").json()["items"] == []
    assert (
        api.get("/api/v1/custom-fields", {"include_inactive": "true"}).json()["items"][0]["is_active"]
        is False
    )


# --- audit --------------------------------------------------------------------------------------------------
def test_audit_list_for_admins_and_per_record_for_others(admin: User, rep: User) -> None:
    api = ApiClient(admin)
    field_id = api.post("/api/v1/custom-fields", FIELD).json()["id"]
    api.patch(f"/api/v1/custom-fields/{field_id}", {"label": "Changed"})

    everything = api.get("/api/v1/audit", {"object_type__exact": "customfields.customfielddefinition"})
    assert everything.status_code == 200, everything.content
    assert [e["action"] for e in everything.json()["items"]] == ["update", "create"]
    entry_id = everything.json()["items"][0]["id"]
    assert api.get(f"/api/v1/audit/{entry_id}").json()["changes"][0]["field"] == "label"

    reader = ApiClient(rep)
    assert reader.get("/api/v1/audit").status_code == 400
    assert reader.get(f"/api/v1/audit/{entry_id}").status_code == 404
    assert api.get("/api/v1/audit", {"action": "exploded"}).status_code == 400


# --- docs ---------------------------------------------------------------------------------------------------
def test_openapi_and_docs_are_served_without_third_parties() -> None:
    schema = Client().get("/api/v1/openapi.json")
    docs = Client().get("/api/v1/docs")

    assert schema.status_code == 200
    assert "/api/v1/accounts" in schema.json()["paths"]
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html


def test_second_claim_of_a_key_loses_on_the_unique_constraint(admin: User) -> None:
    from crm.core.api.idempotency import idempotency_begin

    claim = {
        "user": admin,
        "key": "race",
        "method": "POST",
        "path": "/api/v1/custom-fields",
        "request_hash": "h",
    }
    first, no_answer = idempotency_begin(**claim)
    second, answer = idempotency_begin(**claim)

    assert first is not None and no_answer is None
    assert second is None and answer is not None and answer.status_code == 409
    assert IdempotencyKey.objects.filter(key="race").count() == 1
