"""The permission engine: own / team / hierarchy / all scopes, overrides per object type, and who gets nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from crm.core.identity.enums import Scope
from crm.core.identity.models import Role, Team, User
from crm.core.identity.permissions import owner_in_scope, scope_q, user_can, user_is_admin, user_scope
from crm.core.identity.services import role_save

pytestmark = pytest.mark.django_db


def _role(name: str, grants: dict[tuple[str, str], str | None]) -> Role:
    return role_save(actor=None, role=None, name=name, grants=grants)


def _user(
    email: str, *, role: Role | None, team: Team | None = None, manager: User | None = None, **extra: Any
) -> User:
    return User.objects.create_user(
        email,
        "pw-123456-x",
        full_name=email.split("@")[0].title(),
        role=role,
        team=team,
        manager=manager,
        **extra,
    )


def _visible_names(user: User) -> list[str]:
    account = apps.get_model("contacts", "Account")
    fresh = User.objects.get(pk=user.pk)  # a new request: nothing cached
    return sorted(account.objects.visible_to(fresh).values_list("name", flat=True))


@pytest.fixture
def org() -> dict[str, Any]:
    """director → manager → rep (north); peer in north reports to nobody; outsider in south.
    Each owns one account named after them."""
    north, south = Team.objects.create(name="North"), Team.objects.create(name="South")
    placeholder = _role("Placeholder", {})
    director = _user("director@example.com", role=placeholder, team=south)
    manager = _user("manager@example.com", role=placeholder, team=north, manager=director)
    rep = _user("rep@example.com", role=placeholder, team=north, manager=manager)
    peer = _user("peer@example.com", role=placeholder, team=north)
    outsider = _user("outsider@example.com", role=placeholder, team=south)
    account = apps.get_model("contacts", "Account")
    people = {"director": director, "manager": manager, "rep": rep, "peer": peer, "outsider": outsider}
    for name, person in people.items():
        account.objects.create(name=name, owner=person)
    return people


def _give(user: User, scope: str) -> User:
    user.role = _role(f"View {scope} for {user.pk}", {("*", "view"): scope})
    user.save(update_fields=["role"])
    return user


def test_own_scope_sees_only_own_records(org):
    assert _visible_names(_give(org["rep"], Scope.OWN)) == ["rep"]


def test_team_scope_sees_the_whole_team(org):
    assert _visible_names(_give(org["rep"], Scope.TEAM)) == ["manager", "peer", "rep"]


def test_hierarchy_scope_reaches_every_level_below(org):
    assert _visible_names(_give(org["director"], Scope.HIERARCHY)) == ["director", "manager", "rep"]
    assert _visible_names(_give(org["manager"], Scope.HIERARCHY)) == ["manager", "rep"]
    assert _visible_names(_give(org["rep"], Scope.HIERARCHY)) == ["rep"]


def test_all_scope_sees_everything(org):
    assert _visible_names(_give(org["outsider"], Scope.ALL)) == [
        "director",
        "manager",
        "outsider",
        "peer",
        "rep",
    ]


def test_object_type_row_overrides_all_objects_row(org):
    rep = org["rep"]
    rep.role = _role("Mixed", {("*", "view"): Scope.ALL, ("contacts.account", "view"): Scope.OWN})
    rep.save(update_fields=["role"])
    assert _visible_names(rep) == ["rep"]
    assert user_scope(User.objects.get(pk=rep.pk), "contacts.contact", "view") == Scope.ALL


def test_action_without_grant_is_denied(org):
    rep = _give(org["rep"], Scope.ALL)
    fresh = User.objects.get(pk=rep.pk)
    assert user_can(fresh, "contacts.account", "view")
    assert not user_can(fresh, "contacts.account", "delete")
    assert scope_q(fresh, "contacts.account", "delete") is None
    assert not owner_in_scope(fresh, rep.pk, "contacts.account", "delete")


def test_superuser_sees_everything_without_a_role(org):
    boss = _user("root@example.com", role=None, is_superuser=True)
    assert _visible_names(boss) == ["director", "manager", "outsider", "peer", "rep"]
    assert user_is_admin(boss)


def test_inactive_user_sees_nothing(org):
    rep = _give(org["rep"], Scope.ALL)
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert _visible_names(rep) == []
    assert not user_can(User.objects.get(pk=rep.pk), "contacts.account", "view")


def test_user_without_role_sees_nothing(org):
    nobody = _user("nobody@example.com", role=None)
    assert _visible_names(nobody) == []
    assert not user_is_admin(nobody)


def test_anonymous_visitor_sees_nothing(org):
    account = apps.get_model("contacts", "Account")
    assert list(account.objects.visible_to(AnonymousUser())) == []
    assert not user_is_admin(AnonymousUser())


def test_owner_in_scope_matches_the_query(org):
    manager = User.objects.get(pk=_give(org["manager"], Scope.HIERARCHY).pk)
    assert owner_in_scope(manager, org["rep"].pk, "contacts.account", "view")
    assert not owner_in_scope(manager, org["peer"].pk, "contacts.account", "view")
    assert not owner_in_scope(manager, None, "contacts.account", "view")


def test_administrator_role_is_admin(org):
    admin = _user("admin@example.com", role=Role.objects.get(key="administrator"))
    assert user_is_admin(admin)
    assert not user_is_admin(User.objects.get(pk=org["rep"].pk))


def test_shared_records_are_read_with_any_scope_and_written_with_hierarchy_or_all() -> None:
    """Tables without owners (the catalog): `owner_field=None`."""
    from django.db.models import Q

    from crm.core.identity.permissions import shared_in_scope

    role = _role(
        "Shared",
        {
            ("*", "view"): Scope.OWN,
            ("*", "create"): Scope.TEAM,
            ("*", "change"): Scope.HIERARCHY,
            ("*", "delete"): Scope.ALL,
        },
    )
    user = _user("shared@example.com", role=role)

    assert scope_q(user, "catalog.product", "view", None) == Q()
    assert scope_q(user, "catalog.product", "create", None) is None
    assert scope_q(user, "catalog.product", "change", None) == Q()
    assert [
        shared_in_scope(user, "catalog.product", a) for a in ("view", "create", "change", "delete", "export")
    ] == [
        True,
        False,
        True,
        True,
        False,
    ]
