"""The accounts and contacts API, end to end through the Django test client with real tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from crm.contacts.models import Account, Address, Contact, ContactAccount
from crm.contacts.tests.factories import (
    AccountFactory,
    AddressFactory,
    ContactAccountFactory,
    ContactFactory,
    TeamFactory,
    user_with_role,
)
from crm.core.api.tests.client import ApiClient, problem_fields
from crm.core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def rep(team: Any) -> Any:
    return user_with_role("sales_rep", team=team)


@pytest.fixture
def api(rep: Any) -> ApiClient:
    return ApiClient(rep)


@pytest.fixture
def admin() -> Any:
    return user_with_role("administrator")


# --- accounts: CRUD ----------------------------------------------------------------------------------------
def test_create_account_defaults_owner_to_caller_and_audits_as_api(api: ApiClient, rep: Any) -> None:
    response = api.post("/api/v1/accounts", {"name": "Acme  Ltd", "email": "SALES@ACME.COM", "tags": ["vip"]})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Acme Ltd"
    assert body["email"] == "sales@acme.com"
    assert body["owner"]["id"] == rep.pk
    assert body["tags"] == ["vip"]
    assert body["version"] == 1
    entry = AuditEntry.objects.get(object_type="contacts.account", object_id=body["id"], action="create")
    assert entry.source == "api"
    assert entry.actor_id == rep.pk


def test_get_patch_delete_account(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Old name")

    got = api.get(f"/api/v1/accounts/{account.pk}")
    assert got.status_code == 200
    assert got["ETag"] == '"1"'

    patched = api.patch(f"/api/v1/accounts/{account.pk}", {"name": "New name", "status": "on_hold"})
    assert patched.status_code == 200, patched.content
    assert patched.json()["name"] == "New name"
    assert patched.json()["version"] == 2

    deleted = api.delete(f"/api/v1/accounts/{account.pk}")
    assert deleted.status_code == 204
    assert api.get(f"/api/v1/accounts/{account.pk}").status_code == 404
    assert Account.all_objects.get(pk=account.pk).deleted_at is not None


def test_create_account_with_parent_and_explicit_owner(api: ApiClient, rep: Any, team: Any) -> None:
    parent = AccountFactory(owner=rep)
    colleague = user_with_role("sales_rep", team=team)

    response = api.post("/api/v1/accounts", {"name": "Child", "parent_id": parent.pk, "owner_id": rep.pk})

    assert response.status_code == 201, response.content
    assert response.json()["parent"] == {"id": parent.pk, "name": parent.name}
    # A sales rep may create only for themselves: another owner is refused and nothing is stored.
    refused = api.post("/api/v1/accounts", {"name": "Not mine", "owner_id": colleague.pk})
    assert refused.status_code == 403
    assert not Account.objects.filter(name="Not mine").exists()


def test_create_account_invalid_fields_are_422_per_field_and_nothing_stored(api: ApiClient) -> None:
    before = Account.all_objects.count()

    response = api.post("/api/v1/accounts", {"name": "", "email": "not-an-email", "account_type": "alien"})

    assert response.status_code == 422
    fields = problem_fields(response)
    assert "account_type" in fields
    assert response.json()["status"] == 422
    # the schema accepted name/email; the service names them once the type is fixed
    response = api.post("/api/v1/accounts", {"name": "", "email": "not-an-email"})
    assert response.status_code == 422
    fields = problem_fields(response)
    assert set(fields) >= {"name", "email"}
    assert Account.all_objects.count() == before


def test_create_account_refuses_fields_outside_the_allow_list(api: ApiClient) -> None:
    response = api.post("/api/v1/accounts", {"name": "X", "id": 5, "version": 9, "created_at": "2020-01-01"})

    assert response.status_code == 422
    assert set(problem_fields(response)) == {"id", "version", "created_at"}
    assert not Account.objects.filter(name="X").exists()


def test_parent_not_visible_is_a_field_error(api: ApiClient) -> None:
    hidden = AccountFactory(owner=user_with_role("sales_rep", team=TeamFactory(name="South")))

    response = api.post("/api/v1/accounts", {"name": "Child", "parent_id": hidden.pk})

    assert response.status_code == 422
    assert "parent_id" in problem_fields(response)
    assert not Account.objects.filter(name="Child").exists()


def test_patch_null_on_required_field_is_refused(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Keep")

    response = api.patch(f"/api/v1/accounts/{account.pk}", {"name": None})

    assert response.status_code == 422
    assert "name" in problem_fields(response)
    account.refresh_from_db()
    assert account.name == "Keep"


# --- optimistic locking --------------------------------------------------------------------------------------
def test_if_match_stale_version_is_409_and_nothing_changes(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Original")
    api.patch(f"/api/v1/accounts/{account.pk}", {"description": "someone else"})  # version 1 → 2

    response = api.patch(f"/api/v1/accounts/{account.pk}", {"name": "Mine"}, **{"If-Match": '"1"'})

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    account.refresh_from_db()
    assert (account.name, account.version) == ("Original", 2)


def test_version_in_body_works_like_if_match(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Original")

    stale = api.patch(f"/api/v1/accounts/{account.pk}", {"name": "A", "version": 7})
    fresh = api.patch(f"/api/v1/accounts/{account.pk}", {"name": "B"}, **{"If-Match": "1"})

    assert stale.status_code == 409
    assert fresh.status_code == 200
    assert fresh["ETag"] == '"2"'
    bad = api.patch(f"/api/v1/accounts/{account.pk}", {"name": "C"}, **{"If-Match": "banana"})
    assert bad.status_code == 400
    assert "If-Match" in problem_fields(bad)


# --- lists --------------------------------------------------------------------------------------------------
def test_list_filters_sorts_and_pages_with_cursors(api: ApiClient, rep: Any) -> None:
    for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"]:
        AccountFactory(owner=rep, name=name, status="active")
    AccountFactory(owner=rep, name="Zulu inactive", status="inactive")

    first = api.get("/api/v1/accounts", {"status": "active", "sort": "-name", "limit": 2})
    assert first.status_code == 200, first.content
    body = first.json()
    assert [a["name"] for a in body["items"]] == ["Echo", "Delta"]
    assert body["limit"] == 2
    assert body["next_cursor"]

    names = [a["name"] for a in body["items"]]
    cursor = body["next_cursor"]
    while cursor:
        page = api.get(
            "/api/v1/accounts", {"status": "active", "sort": "-name", "limit": 2, "cursor": cursor}
        ).json()
        names += [a["name"] for a in page["items"]]
        cursor = page["next_cursor"]
    assert names == ["Echo", "Delta", "Charlie", "Bravo", "Alpha"]


def test_list_search_and_owner_me(api: ApiClient, rep: Any, team: Any) -> None:
    AccountFactory(owner=rep, name="Acme Iberia")
    AccountFactory(owner=user_with_role("sales_rep", team=team), name="Acme Colleague")

    mine = api.get("/api/v1/accounts", {"q": "acme", "owner": "me"}).json()

    assert [a["name"] for a in mine["items"]] == ["Acme Iberia"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"sort": "shoe_size"}, "sort"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": "1000"}, "limit"),
        ({"status": "sleepy"}, "status"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(
    api: ApiClient, params: dict[str, str], field: str
) -> None:
    response = api.get("/api/v1/accounts", params)

    assert response.status_code == 400
    assert field in problem_fields(response)
    assert field in response.json()["title"]


def test_account_list_query_count_does_not_depend_on_page_size(
    api: ApiClient, rep: Any, django_assert_max_num_queries: Any
) -> None:
    parent = AccountFactory(owner=rep)
    for i in range(50):
        AccountFactory(owner=rep, parent=parent, tags=[f"t{i % 3}"])

    def count(limit: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/accounts", {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(ctx.captured_queries)

    count(5)  # warm-up: the token's first use of the minute records last_used_at
    assert count(5) == count(50)
    with django_assert_max_num_queries(8):
        api.get("/api/v1/accounts", {"limit": 50, "status": "active"})


def test_contact_list_query_count_does_not_depend_on_page_size(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep)
    for _i in range(50):
        ContactFactory(owner=rep, primary_account=account, tags=["x"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    api.get("/api/v1/contacts", {"limit": 1})  # warm-up: the token's first use records last_used_at
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert len(api.get("/api/v1/contacts", {"limit": limit}).json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_contact_list_items_are_exactly_what_the_detail_endpoint_says(api: ApiClient, rep: Any) -> None:
    """The list answers from plain rows (no schema per row): each item must still be the detail's body
    without `memberships` — same keys in the same order, same values, same date formats."""
    import datetime as dt

    from crm.contacts.schemas import ContactOut

    account = AccountFactory(owner=rep, name="Ñandú & Co")
    ContactFactory(
        owner=rep,
        primary_account=account,
        tags=["zeta", "Alfa"],
        birthday=dt.date(1990, 2, 28),
        other_emails=["b@x.es"],
        custom={"nivel": 3},
        description='<b>"quoted"</b>',
    )
    ContactFactory(owner=rep, primary_account=None, email_consent="granted")

    body = api.get("/api/v1/contacts", {"sort": "name"}).json()

    assert set(body) == {"items", "next_cursor", "limit"}
    assert len(body["items"]) == 2
    for item in body["items"]:
        detail = api.get(f"/api/v1/contacts/{item['id']}").json()
        detail.pop("memberships")
        assert list(item) == list(ContactOut.model_fields)
        assert item == detail
    assert body["items"][0]["tags"] == ["Alfa", "zeta"]
    assert body["items"][0]["primary_account"] == {"id": account.pk, "name": "Ñandú & Co"}
    assert body["items"][1]["primary_account"] is None


# --- authentication and permissions -----------------------------------------------------------------------
def test_without_token_is_401_problem() -> None:
    response = Client().get("/api/v1/accounts")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_or_revoked_token_is_401(rep: Any) -> None:
    response = Client().get("/api/v1/accounts", headers={"Authorization": "Bearer crm_nope"})

    assert response.status_code == 401


def test_read_only_token_cannot_write(rep: Any) -> None:
    reader = ApiClient(rep, scopes=["read"])

    assert reader.get("/api/v1/accounts").status_code == 200
    response = reader.post("/api/v1/accounts", {"name": "Nope"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Account.objects.filter(name="Nope").exists()


def test_rep_cannot_read_or_change_another_teams_account(api: ApiClient) -> None:
    other = AccountFactory(owner=user_with_role("sales_rep", team=TeamFactory(name="South")), name="Theirs")

    assert api.get(f"/api/v1/accounts/{other.pk}").status_code == 404
    assert api.patch(f"/api/v1/accounts/{other.pk}", {"name": "Mine now"}).status_code == 404
    assert api.delete(f"/api/v1/accounts/{other.pk}").status_code == 404
    assert api.post(f"/api/v1/accounts/{other.pk}/owner", {"owner_id": api.user.pk}).status_code == 404
    assert api.get(f"/api/v1/accounts/{other.pk}/history").status_code == 404
    listed = api.get("/api/v1/accounts").json()["items"]
    assert other.pk not in [a["id"] for a in listed]
    other.refresh_from_db()
    assert (other.name, other.deleted_at, other.version) == ("Theirs", None, 1)


def test_rep_may_see_but_not_change_a_teammates_account(api: ApiClient, team: Any) -> None:
    theirs = AccountFactory(owner=user_with_role("sales_rep", team=team), name="Teammate's")

    assert api.get(f"/api/v1/accounts/{theirs.pk}").status_code == 200
    response = api.patch(f"/api/v1/accounts/{theirs.pk}", {"name": "Mine"})

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.name == "Teammate's"


def test_session_auth_needs_csrf_for_writes(rep: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)

    assert client.get("/api/v1/accounts").status_code == 200
    response = client.post(
        "/api/v1/accounts", data=json.dumps({"name": "Csrf"}), content_type="application/json"
    )

    assert response.status_code == 403
    assert not Account.objects.filter(name="Csrf").exists()


# --- idempotency ----------------------------------------------------------------------------------------------
def test_idempotent_post_replays_and_creates_once(api: ApiClient) -> None:
    first = api.post("/api/v1/accounts", {"name": "Once"}, **{"Idempotency-Key": "k-1"})
    second = api.post("/api/v1/accounts", {"name": "Once"}, **{"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert second.json() == first.json()
    assert Account.objects.filter(name="Once").count() == 1


def test_idempotency_key_with_another_body_is_422(api: ApiClient) -> None:
    api.post("/api/v1/accounts", {"name": "First"}, **{"Idempotency-Key": "k-2"})

    response = api.post("/api/v1/accounts", {"name": "Second"}, **{"Idempotency-Key": "k-2"})

    assert response.status_code == 422
    assert "Idempotency-Key" in problem_fields(response)
    assert not Account.objects.filter(name="Second").exists()


def test_idempotency_keys_are_per_user(api: ApiClient, team: Any) -> None:
    other = ApiClient(user_with_role("sales_rep", team=team))

    api.post("/api/v1/accounts", {"name": "Same"}, **{"Idempotency-Key": "shared"})
    # the same name twice is a likely duplicate: the second one is saved on purpose
    response = other.post(
        "/api/v1/accounts?allow_duplicate=true", {"name": "Same"}, **{"Idempotency-Key": "shared"}
    )

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Account.objects.filter(name="Same").count() == 2


def test_failed_validation_is_replayed_too_and_nothing_is_stored(api: ApiClient) -> None:
    first = api.post("/api/v1/accounts", {"name": ""}, **{"Idempotency-Key": "k-3"})
    second = api.post("/api/v1/accounts", {"name": ""}, **{"Idempotency-Key": "k-3"})

    assert first.status_code == second.status_code == 422
    assert second["Idempotent-Replayed"] == "true"
    assert Account.all_objects.count() == 0


# --- bodies -------------------------------------------------------------------------------------------------
def test_malformed_json_is_400_problem(api: ApiClient) -> None:
    response = api.post("/api/v1/accounts", '{"name": "broken",')

    assert response.status_code == 400
    assert "body" in problem_fields(response)
    assert Account.all_objects.count() == 0


def test_oversized_body_is_413_and_nothing_stored(api: ApiClient, settings: Any) -> None:
    settings.CRM_API_MAX_BODY_BYTES = 1000

    response = api.post("/api/v1/accounts", {"name": "Big", "description": "x" * 2000})

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert not Account.objects.filter(name="Big").exists()


def test_errors_follow_accept_language(api: ApiClient) -> None:
    response = api.get("/api/v1/accounts", {"colour": "red"}, **{"Accept-Language": "es"})

    assert response.status_code == 400
    assert response["Content-Language"] == "es"


# --- owner, history, recycle bin ---------------------------------------------------------------------------
def test_owner_change_records_reason_in_history(rep: Any, team: Any) -> None:
    manager = user_with_role("sales_manager", team=team)
    rep.manager = manager
    rep.save(update_fields=["manager"])
    colleague = user_with_role("sales_rep", team=team, manager=manager)
    account = AccountFactory(owner=rep)
    api = ApiClient(manager)

    response = api.post(
        f"/api/v1/accounts/{account.pk}/owner", {"owner_id": colleague.pk, "reason": "Territory split"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["owner"]["id"] == colleague.pk
    history = api.get(f"/api/v1/accounts/{account.pk}/history").json()
    latest = history["items"][0]
    assert latest["reason"] == "Territory split"
    assert latest["source"] == "api"
    assert latest["actor"]["id"] == manager.pk
    assert any(c["field"] == "owner" for c in latest["changes"])


def test_owner_change_to_unknown_user_is_field_error(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep)

    response = api.post(f"/api/v1/accounts/{account.pk}/owner", {"owner_id": 999999})

    assert response.status_code == 422
    assert "owner_id" in problem_fields(response)
    account.refresh_from_db()
    assert account.owner_id == rep.pk


def test_history_pages_with_cursor(api: ApiClient, rep: Any) -> None:
    account = api.post("/api/v1/accounts", {"name": "H"}).json()
    for i in range(3):
        api.patch(f"/api/v1/accounts/{account['id']}", {"description": f"v{i}"})

    page = api.get(f"/api/v1/accounts/{account['id']}/history", {"limit": 2}).json()
    rest = api.get(
        f"/api/v1/accounts/{account['id']}/history", {"limit": 2, "cursor": page["next_cursor"]}
    ).json()

    actions = [e["action"] for e in page["items"] + rest["items"]]
    assert actions == ["update", "update", "update", "create"]
    assert rest["next_cursor"] is None


def test_deleted_account_restores_from_the_recycle_bin(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep, name="Back")
    api.delete(f"/api/v1/accounts/{account.pk}")

    listed = api.get("/api/v1/recycle-bin").json()
    assert [(i["object_type"], i["id"]) for i in listed] == [("contacts.account", account.pk)]
    response = api.post(f"/api/v1/recycle-bin/contacts.account/{account.pk}/restore")

    assert response.status_code == 200, response.content
    assert response.json() == {"object_type": "contacts.account", "id": account.pk, "label": "Back"}
    assert api.get(f"/api/v1/accounts/{account.pk}").status_code == 200
    assert api.post(f"/api/v1/recycle-bin/contacts.account/{account.pk}/restore").status_code == 404


# --- contacts -------------------------------------------------------------------------------------------------
def test_contact_crud_with_account_membership(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep)

    created = api.post(
        "/api/v1/contacts",
        {
            "first_name": "Ana",
            "last_name": "García",
            "email": "ana@example.com",
            "account_id": account.pk,
            "account_role": "decision_maker",
            "birthday": "1990-05-01",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["full_name"] == "Ana García"
    assert body["primary_account"]["id"] == account.pk
    assert body["memberships"][0]["role"] == "decision_maker"

    patched = api.patch(f"/api/v1/contacts/{body['id']}", {"job_title": "CTO", "birthday": None})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["job_title"], patched.json()["birthday"]) == ("CTO", None)

    members = api.get(f"/api/v1/accounts/{account.pk}/contacts").json()
    assert [m["contact"]["id"] for m in members] == [body["id"]]

    assert api.delete(f"/api/v1/contacts/{body['id']}").status_code == 204
    assert api.get(f"/api/v1/contacts/{body['id']}").status_code == 404


def test_contact_needs_a_name_or_email(api: ApiClient) -> None:
    response = api.post("/api/v1/contacts", {"job_title": "Ghost"})

    assert response.status_code == 422
    assert "last_name" in problem_fields(response)
    assert Contact.all_objects.count() == 0


def test_link_and_unlink_account(api: ApiClient, rep: Any) -> None:
    contact = ContactFactory(owner=rep)
    first, second = AccountFactory(owner=rep), AccountFactory(owner=rep)

    linked = api.post(f"/api/v1/contacts/{contact.pk}/accounts", {"account_id": first.pk, "role": "billing"})
    api.post(f"/api/v1/contacts/{contact.pk}/accounts", {"account_id": second.pk, "is_primary": True})

    assert linked.status_code == 201, linked.content
    memberships = api.get(f"/api/v1/contacts/{contact.pk}/accounts").json()
    assert memberships[0]["account"]["id"] == second.pk and memberships[0]["is_primary"]
    assert api.delete(f"/api/v1/contacts/{contact.pk}/accounts/{second.pk}").status_code == 204
    contact.refresh_from_db()
    assert contact.primary_account_id == first.pk
    assert ContactAccount.objects.filter(contact=contact).count() == 1


def test_link_to_invisible_account_is_field_error(api: ApiClient, rep: Any) -> None:
    contact = ContactFactory(owner=rep)
    hidden = AccountFactory(owner=user_with_role("sales_rep", team=TeamFactory(name="South")))

    response = api.post(f"/api/v1/contacts/{contact.pk}/accounts", {"account_id": hidden.pk})

    assert response.status_code == 422
    assert "account_id" in problem_fields(response)
    assert not ContactAccount.objects.filter(contact=contact).exists()


def test_contact_stale_version_conflicts(api: ApiClient, rep: Any) -> None:
    contact = ContactFactory(owner=rep, job_title="Before")

    response = api.patch(f"/api/v1/contacts/{contact.pk}", {"job_title": "After", "version": 5})

    assert response.status_code == 409
    contact.refresh_from_db()
    assert contact.job_title == "Before"


def test_contact_history_and_owner_change(rep: Any, team: Any) -> None:
    manager = user_with_role("sales_manager", team=team)
    rep.manager = manager
    rep.save(update_fields=["manager"])
    contact = ContactFactory(owner=rep)
    api = ApiClient(manager)

    changed = api.post(
        f"/api/v1/contacts/{contact.pk}/owner", {"owner_id": manager.pk, "reason": "Escalation"}
    )
    history = api.get(f"/api/v1/contacts/{contact.pk}/history").json()

    assert changed.status_code == 200
    assert history["items"][0]["reason"] == "Escalation"


# --- addresses ----------------------------------------------------------------------------------------------
def test_addresses_add_change_remove(api: ApiClient, rep: Any) -> None:
    account = AccountFactory(owner=rep)

    added = api.post(f"/api/v1/accounts/{account.pk}/addresses", {"street": "Gran Vía 1", "country": "es"})
    assert added.status_code == 201, added.content
    address_id = added.json()["id"]
    assert added.json()["country"] == "ES"

    changed = api.patch(f"/api/v1/addresses/{address_id}", {"city": "Madrid", "is_primary": True})
    assert changed.status_code == 200
    assert [a["city"] for a in api.get(f"/api/v1/accounts/{account.pk}/addresses").json()] == ["Madrid"]

    assert api.delete(f"/api/v1/addresses/{address_id}").status_code == 204
    assert not Address.objects.filter(pk=address_id).exists()


def test_bad_address_is_422_and_nothing_stored(api: ApiClient, rep: Any) -> None:
    contact = ContactFactory(owner=rep)

    response = api.post(f"/api/v1/contacts/{contact.pk}/addresses", {"country": "Spain"})

    assert response.status_code == 422
    assert "country" in problem_fields(response)
    assert not Address.objects.filter(contact=contact).exists()


def test_address_of_another_teams_account_is_404(api: ApiClient) -> None:
    address = AddressFactory(
        account=AccountFactory(owner=user_with_role("sales_rep", team=TeamFactory(name="S")))
    )

    response = api.patch(f"/api/v1/addresses/{address.pk}", {"city": "Elsewhere"})

    assert response.status_code == 404
    address.refresh_from_db()
    assert address.city == "Madrid"


def test_membership_factory_rows_are_listed(api: ApiClient, rep: Any) -> None:
    membership = ContactAccountFactory(contact=ContactFactory(owner=rep), account=AccountFactory(owner=rep))

    members = api.get(f"/api/v1/accounts/{membership.account_id}/contacts").json()

    assert [m["contact"]["id"] for m in members] == [membership.contact_id]
