"""Identity services the web UI relies on: users, teams (members), roles, reset links, tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity import services
from crm.core.identity.models import AccessToken, Role, RolePermission, Team, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return User.objects.create_user(
        "admin@example.com", "pw-123456-x", full_name="Admin", role=Role.objects.get(key="administrator")
    )


@pytest.fixture
def rep() -> User:
    return User.objects.create_user(
        "rep@example.com", "pw-123456-x", full_name="Rep", role=Role.objects.get(key="sales_rep")
    )


def test_user_create_by_non_admin_is_refused(rep):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=rep, email="x@example.com", full_name="X")
    assert not User.objects.filter(email="x@example.com").exists()


def test_user_update_self_may_change_only_personal_fields(rep):
    services.user_update(actor=rep, user=rep, full_name="Rep Two", language="es")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=rep, user=rep, role=Role.objects.get(key="administrator"))
    rep.refresh_from_db()
    assert (rep.full_name, rep.language, rep.role.key) == ("Rep Two", "es", "sales_rep")


def test_manager_cycle_is_refused(admin):
    a = services.user_create(actor=admin, email="a@example.com", full_name="A")
    b = services.user_create(actor=admin, email="b@example.com", full_name="B", manager=a)
    c = services.user_create(actor=admin, email="c@example.com", full_name="C", manager=b)
    with pytest.raises(InvalidInput) as exc:
        services.user_update(actor=admin, user=a, manager=c)
    assert "manager" in exc.value.field_errors
    a.refresh_from_db()
    assert a.manager is None
    with pytest.raises(InvalidInput):
        services.user_update(actor=admin, user=a, manager=a)


def test_team_members_are_set_exactly(admin, rep):
    other = User.objects.create_user("o@example.com", "pw-123456-x", full_name="O")
    old = Team.objects.create(name="Old")
    other.team = old
    other.save()
    team = services.team_create(actor=admin, name="North", members=[rep, other])
    assert set(team.members.all()) == {rep, other}
    assert not old.members.exists()  # moved, a user is in one team
    services.team_update(actor=admin, team=team, name="North", members=[other])
    assert list(team.members.all()) == [other]
    services.team_update(actor=admin, team=team, name="North 2")  # members untouched when not given
    assert list(team.members.all()) == [other]


def test_team_services_need_an_admin(rep):
    with pytest.raises(PermissionDenied):
        services.team_create(actor=rep, name="Mine", members=[rep])
    assert not Team.objects.exists()


def test_password_reset_link_is_sent_after_commit(admin, rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_password_reset_send(actor=admin, user=rep, domain="crm.example.com")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == [rep.email]
    assert "https://crm.example.com/password-reset/" in mail.outbox[0].body


def test_password_reset_link_in_the_users_language(admin, rep, django_capture_on_commit_callbacks):
    rep.language = "es"
    rep.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_password_reset_send(actor=admin, user=rep, domain="crm.example.com", use_https=False)
    assert "http://crm.example.com/password-reset/" in mail.outbox[0].body


def test_password_reset_link_refused_for_others_and_inactive(admin, rep, django_capture_on_commit_callbacks):
    other = User.objects.create_user("o@example.com", "pw-123456-x", full_name="O")
    with pytest.raises(PermissionDenied):
        services.user_password_reset_send(actor=rep, user=other, domain="x")
    other.is_active = False
    other.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        services.user_password_reset_send(actor=admin, user=other, domain="x")
    assert mail.outbox == []


def test_role_save_creates_unique_keys_and_grants(admin):
    first = services.role_save(actor=admin, role=None, name="Field sales", grants={("*", "view"): "team"})
    second = services.role_save(actor=admin, role=None, name="Field sales", grants={})
    assert (first.key, second.key) == ("field_sales", "field_sales_2")
    assert list(RolePermission.objects.filter(role=first).values_list("action", "scope")) == [
        ("view", "team")
    ]
    services.role_save(actor=admin, role=first, name="Field sales", grants={("*", "view"): None})
    assert not RolePermission.objects.filter(role=first).exists()


def test_role_save_refuses_bad_scopes_and_non_admins(admin, rep):
    with pytest.raises(InvalidInput):
        services.role_save(actor=admin, role=None, name="Bad", grants={("*", "view"): "galaxy"})
    with pytest.raises(PermissionDenied):
        services.role_save(actor=rep, role=None, name="Mine", grants={("*", "view"): "all"})
    assert not Role.objects.filter(name__in=["Bad", "Mine"]).exists()


def test_token_expired_or_revoked_does_not_authenticate(rep):
    _token, secret = services.token_create(
        actor=rep, user=rep, name="t", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.token_authenticate(secret=secret) is None
    token2, secret2 = services.token_create(actor=rep, user=rep, name="t2")
    assert services.token_authenticate(secret=secret2) is not None
    services.token_revoke(actor=rep, token_id=token2.pk)
    assert services.token_authenticate(secret=secret2) is None
    with pytest.raises(RecordNotFound):
        services.token_revoke(actor=rep, token_id=token2.pk)


def test_token_with_unknown_scope_is_refused(rep):
    with pytest.raises(InvalidInput):
        services.token_create(actor=rep, user=rep, name="t", scopes=["admin"])
    assert not AccessToken.objects.exists()
