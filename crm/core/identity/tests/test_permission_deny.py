"""An explicit "none" on one object type's row denies an action there, whatever the "*" (all objects) row grants.

The example administrators asked for: marketing may view all accounts and contacts, but not activities.
Core code never imports the domain apps; these tests reach them through `importlib` to prove the effect on the
real lists and the API.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from crm.core.errors import InvalidInput, RecordNotFound
from crm.core.identity.enums import Scope
from crm.core.identity.models import Role, RolePermission, User
from crm.core.identity.permissions import owner_in_scope, scope_q, user_can, user_scope, widest
from crm.core.identity.services import role_save
from crm.core.records import record_authorize

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456-x"
ACTIVITY = "activities.activity"
ACCOUNT = "contacts.account"


def _user(email: str, role: Role | None) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title(), role=role)


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request: nothing cached


def _grants(role: Role) -> set[tuple[str, str, str]]:
    return set(RolePermission.objects.filter(role=role).values_list("object_type", "action", "scope"))


@pytest.fixture
def marketing_like() -> Role:
    """Views everything, creates and changes its own — but activities are not for it."""
    return role_save(
        actor=None,
        role=None,
        name="Campaigns",
        grants={
            ("*", "view"): Scope.ALL,
            ("*", "create"): Scope.OWN,
            ("*", "change"): Scope.OWN,
            (ACTIVITY, "view"): Scope.NONE,
        },
    )


@pytest.fixture
def marketer(marketing_like: Role) -> User:
    return _user("marketer@example.com", marketing_like)


@pytest.fixture
def records(marketer: User) -> dict[str, Any]:
    """A colleague's account with an activity logged on it, an unlinked activity, and one the marketer owns."""
    colleague = _user("colleague@example.com", Role.objects.get(key="sales_rep"))
    account_model = apps.get_model("contacts", "Account")
    activity_model = apps.get_model("activities", "Activity")
    account = account_model.objects.create(name="Acme", owner=colleague)
    return {
        "account": account,
        "linked": activity_model.objects.create(
            kind="note", subject="Linked", owner=colleague, account=account
        ),
        "unlinked": activity_model.objects.create(kind="note", subject="Loose", owner=colleague),
        "own": activity_model.objects.create(kind="note", subject="Mine", owner=marketer),
    }


# --- the engine ------------------------------------------------------------------------------------------


def test_none_on_an_object_type_denies_what_all_objects_grants(marketer):
    user = _fresh(marketer)
    assert user_scope(user, ACTIVITY, "view") is None
    assert not user_can(user, ACTIVITY, "view")
    assert scope_q(user, ACTIVITY, "view") is None
    assert not owner_in_scope(user, user.pk, ACTIVITY, "view")  # not even their own
    # the other object types still follow "*"
    assert user_scope(user, ACCOUNT, "view") == Scope.ALL
    assert user_scope(user, "contacts.contact", "view") == Scope.ALL


def test_none_denies_one_action_only(marketer):
    user = _fresh(marketer)
    assert user_scope(user, ACTIVITY, "create") == Scope.OWN
    assert owner_in_scope(user, user.pk, ACTIVITY, "change")


def test_none_on_the_all_objects_row_grants_nothing_but_a_type_row_still_does():
    role = Role.objects.create(key="odd", name="Odd")
    # role_save never stores "none" on "*", but a row written another way must not grant anything
    RolePermission.objects.create(role=role, object_type="*", action="view", scope=Scope.NONE)
    RolePermission.objects.create(role=role, object_type=ACCOUNT, action="view", scope=Scope.TEAM)
    user = _fresh(_user("odd@example.com", role))
    assert user_scope(user, ACTIVITY, "view") is None
    assert user_scope(user, ACCOUNT, "view") == Scope.TEAM


def test_superuser_is_not_denied():
    role = role_save(actor=None, role=None, name="Denied", grants={(ACTIVITY, "view"): Scope.NONE})
    boss = User.objects.create_superuser("root@example.com", PASSWORD, role=role)
    assert user_scope(_fresh(boss), ACTIVITY, "view") == Scope.ALL


def test_widest_ignores_none():
    assert widest([Scope.NONE, Scope.OWN, Scope.TEAM]) == Scope.TEAM
    assert widest([Scope.ALL, Scope.NONE]) == Scope.ALL
    assert widest([Scope.NONE]) is None
    assert widest([]) is None


# --- what the user sees ------------------------------------------------------------------------------------


def test_denied_user_lists_accounts_but_no_activities(marketer, records):
    account_list = importlib.import_module("crm.contacts.selectors").account_list
    activity_list = importlib.import_module("crm.activities.selectors").activity_list
    user = _fresh(marketer)

    assert [a.name for a in account_list(user=user, params={}).items] == ["Acme"]
    assert activity_list(user=user, params={}).items == []
    assert activity_list(user=user, params={"account": str(records["account"].pk)}).items == []
    activity_model = apps.get_model("activities", "Activity")
    assert activity_model.objects.count() == 3
    assert not activity_model.objects.visible_to(user).exists()


def test_denied_user_may_not_open_an_activity(marketer, records):
    user = _fresh(marketer)
    for key in ("unlinked", "own"):
        with pytest.raises(RecordNotFound):
            record_authorize(actor=user, record=records[key], action="view")


def test_removing_the_deny_gives_the_activities_back(marketing_like, marketer, records):
    activity_list = importlib.import_module("crm.activities.selectors").activity_list
    role_save(
        actor=None,
        role=marketing_like,
        name=marketing_like.name,
        grants={(ACTIVITY, "view"): None},
    )
    subjects = sorted(a.subject for a in activity_list(user=_fresh(marketer), params={}).items)
    assert subjects == ["Linked", "Loose", "Mine"]


# --- the service -------------------------------------------------------------------------------------------


def test_role_save_stores_none_on_a_type_row_and_no_row_for_none_on_all_objects(marketing_like):
    role_save(
        actor=None,
        role=marketing_like,
        name=marketing_like.name,
        grants={("*", "export"): Scope.NONE, (ACCOUNT, "export"): Scope.NONE},
    )
    grants = _grants(marketing_like)
    assert (ACTIVITY, "view", "none") in grants
    assert (ACCOUNT, "export", "none") in grants
    assert not any(object_type == "*" and action == "export" for object_type, action, _ in grants)


def test_role_save_with_an_unknown_scope_is_refused_and_nothing_changes(marketing_like):
    before = _grants(marketing_like)
    with pytest.raises(InvalidInput) as caught:
        role_save(
            actor=None,
            role=marketing_like,
            name=marketing_like.name,
            grants={(ACCOUNT, "view"): Scope.OWN, (ACTIVITY, "view"): "nothing"},
        )
    assert caught.value.field_errors["permissions"]
    assert _grants(marketing_like) == before


# --- the role editor ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Any) -> Any:
    client.force_login(_user("admin@example.com", Role.objects.get(key="administrator")))
    return client


def _editor_data(role: Role, **changes: str) -> dict[str, str]:
    """What the editor posts when nothing is touched, with `changes` ({"perm:…": scope}) on top."""
    data = {"name": role.name, "description": role.description}
    for object_type, action, scope in _grants(role):
        data[f"perm:{object_type}:{action}"] = scope
    data.update(changes)
    return data


def test_editor_offers_none_on_type_rows_and_shows_what_a_blank_cell_inherits(admin_client, marketing_like):
    response = admin_client.get(reverse("identity:role_edit", args=[marketing_like.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    type_choices = [value for value, _label in form.fields[f"perm:{ACCOUNT}:view"].choices]
    all_choices = [value for value, _label in form.fields["perm:*:view"].choices]
    assert type_choices == ["", "none", "own", "team", "hierarchy", "all"]
    assert all_choices == ["", "own", "team", "hierarchy", "all"]
    assert form[f"perm:{ACTIVITY}:view"].value() == "none"

    cells = {
        (row["key"], cell["field"].name.rsplit(":", 1)[1]): cell["inherited"]
        for row in form.matrix()
        for cell in row["cells"]
    }
    assert str(cells[(ACCOUNT, "view")]) == "All records"  # follows "*"
    assert str(cells[(ACCOUNT, "delete")]) == "None"  # "*" grants no delete
    assert cells[(ACTIVITY, "view")] is None  # set on its own row
    assert cells[("*", "view")] is None
    html = response.content.decode()
    assert f'id="id_perm:{ACCOUNT}:view-hint">(All records)</p>' in html
    assert f'aria-describedby="id_perm:{ACCOUNT}:view-hint"' in html
    assert f'id="id_perm:{ACTIVITY}:view-hint"' not in html


def test_editor_round_trip_stores_none_and_the_blank_choice_deletes_the_row(admin_client, marketing_like):
    url = reverse("identity:role_edit", args=[marketing_like.pk])

    response = admin_client.post(url, _editor_data(marketing_like, **{f"perm:{ACCOUNT}:change": "none"}))

    assert response.status_code == 302
    assert (ACCOUNT, "change", "none") in _grants(marketing_like)
    form = admin_client.get(url).context["form"]
    assert form[f"perm:{ACCOUNT}:change"].value() == "none"

    response = admin_client.post(url, _editor_data(marketing_like, **{f"perm:{ACTIVITY}:view": ""}))

    assert response.status_code == 302
    grants = _grants(marketing_like)
    assert not any(t == ACTIVITY and a == "view" for t, a, _ in grants)
    assert (ACCOUNT, "change", "none") in grants  # untouched cells keep their rows
    assert ("*", "view", "all") in grants


def test_editor_refuses_none_on_the_all_objects_row_and_nothing_changes(admin_client, marketing_like):
    before = _grants(marketing_like)

    response = admin_client.post(
        reverse("identity:role_edit", args=[marketing_like.pk]),
        _editor_data(marketing_like, **{"perm:*:view": "none"}),
    )

    assert response.status_code == 422
    assert response.context["form"].errors["perm:*:view"]
    assert _grants(marketing_like) == before


def test_editor_hint_follows_the_all_objects_row_as_posted(admin_client, marketing_like):
    # a refused form shows what the blank cells would inherit from the "*" row as the administrator left it
    response = admin_client.post(
        reverse("identity:role_edit", args=[marketing_like.pk]),
        _editor_data(marketing_like, **{"perm:*:view": "team", "name": ""}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_perm:{ACCOUNT}:view-hint">(Team&#x27;s records)</p>' in html


# --- the API -----------------------------------------------------------------------------------------------


@pytest.fixture
def api(marketer: User) -> Client:
    client = Client()
    client.force_login(marketer)
    return client


def test_api_lists_no_activities_for_the_denied_type(api, records):
    accounts = api.get("/api/v1/accounts")
    activities = api.get("/api/v1/activities")

    assert accounts.status_code == 200
    assert [a["name"] for a in accounts.json()["items"]] == ["Acme"]
    assert activities.status_code == 200
    assert activities.json()["items"] == []


@pytest.mark.parametrize("key", ["unlinked", "own"])
def test_api_answers_404_for_an_activity_of_the_denied_type(api, records, key):
    response = api.get(f"/api/v1/activities/{records[key].pk}")
    assert response.status_code == 404


def test_api_answers_404_for_a_denied_activity_linked_to_a_visible_account(api, records):
    response = api.get(f"/api/v1/activities/{records['linked'].pk}")
    assert response.status_code == 404
