"""The administrators' screens: users, teams, roles (permission matrix). Everyone else gets 403."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from crm.core.identity.models import Role, RolePermission, Team, User

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456-x"


def _user(email: str, role_key: str | None = "sales_rep", **extra: Any) -> User:
    role = Role.objects.get(key=role_key) if role_key else None
    return User.objects.create_user(
        email, PASSWORD, full_name=extra.pop("full_name", email.split("@")[0].title()), role=role, **extra
    )


@pytest.fixture
def admin() -> User:
    return _user("admin@example.com", "administrator", full_name="Ada Admin")


@pytest.fixture
def rep() -> User:
    return _user("rep@example.com", "sales_rep", full_name="Rita Rep")


@pytest.fixture
def admin_client(client: Any, admin: User) -> Any:
    client.force_login(admin)
    return client


def _snapshot() -> dict[str, Any]:
    return {
        "users": sorted(
            User.objects.values_list("email", "full_name", "role_id", "team_id", "manager_id", "is_active")
        ),
        "teams": sorted(Team.objects.values_list("name", "description")),
        "roles": sorted(Role.objects.values_list("key", "name", "is_admin")),
        "grants": sorted(RolePermission.objects.values_list("role_id", "object_type", "action", "scope")),
    }


# --- who may enter ---------------------------------------------------------------------------------------


def _admin_urls(rep: User) -> list[tuple[str, dict[str, Any]]]:
    team = Team.objects.create(name="Victims")
    role = Role.objects.create(key="custom", name="Custom")
    sales_rep = Role.objects.get(key="sales_rep")
    return [
        (reverse("identity:user_list"), {}),
        (
            reverse("identity:user_create"),
            {"email": "x@example.com", "full_name": "X", "password1": "", "password2": ""},
        ),
        (
            reverse("identity:user_edit", args=[rep.pk]),
            {"email": rep.email, "full_name": "Hacked", "role": Role.objects.get(key="administrator").pk},
        ),
        (
            reverse("identity:user_password", args=[rep.pk]),
            {"password1": "Brand-new-pass-42", "password2": "Brand-new-pass-42"},
        ),
        (reverse("identity:user_reset_link", args=[rep.pk]), {}),
        (reverse("identity:team_list"), {}),
        (reverse("identity:team_create"), {"name": "Mine"}),
        (reverse("identity:team_edit", args=[team.pk]), {"name": "Renamed"}),
        (reverse("identity:team_delete", args=[team.pk]), {}),
        (reverse("identity:role_list"), {}),
        (reverse("identity:role_create"), {"name": "Sneaky", "perm:*:view": "all"}),
        (
            reverse("identity:role_edit", args=[sales_rep.pk]),
            {"name": "x", "perm:*:view": "all", "perm:*:delete": "all"},
        ),
        (reverse("identity:role_delete", args=[role.pk]), {}),
        (reverse("customfields:field_list"), {}),
        (
            reverse("customfields:field_create"),
            {
                "object_type": "contacts.account",
                "key": "k",
                "label": "K",
                "field_type": "text",
                "position": "0",
            },
        ),
    ]


def test_non_admin_gets_403_everywhere_and_nothing_changes(client, rep):
    urls = _admin_urls(rep)
    client.force_login(rep)
    before = _snapshot()
    for url, data in urls:
        assert client.get(url).status_code in (403, 405), url
        assert client.post(url, data).status_code == 403, url
    assert _snapshot() == before
    assert mail.outbox == []
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


def test_anonymous_visitor_is_sent_to_sign_in(client, rep):
    for url, _data in _admin_urls(rep):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("identity:login")), url


def test_superuser_without_role_is_an_administrator(client):
    root = User.objects.create_superuser("root@example.com", PASSWORD, full_name="Root")
    client.force_login(root)
    assert client.get(reverse("identity:user_list")).status_code == 200


# --- users -----------------------------------------------------------------------------------------------------


def test_user_list_shows_users_with_translated_role_names(admin_client, rep):
    html = admin_client.get(reverse("identity:user_list")).content.decode()
    assert "Rita Rep" in html and "Sales rep" in html
    admin_client.cookies["crm_language"] = "es"
    # the role column follows the viewer's language (built-in roles only)
    assert admin_client.get(reverse("identity:user_list")).status_code == 200


def test_user_list_searches_and_filters(admin_client, rep):
    north = Team.objects.create(name="North")
    _user("north@example.com", full_name="Nora North", team=north)
    _user("gone@example.com", full_name="Gone Person", is_active=False)
    html = admin_client.get(reverse("identity:user_list"), {"q": "nora"}).content.decode()
    assert "Nora North" in html and "Rita Rep" not in html
    html = admin_client.get(reverse("identity:user_list"), {"status": "inactive"}).content.decode()
    assert "Gone Person" in html and "Rita Rep" not in html
    html = admin_client.get(reverse("identity:user_list"), {"team": north.pk}).content.decode()
    assert "Nora North" in html and "Rita Rep" not in html


def test_user_list_pages_with_a_cursor_and_constant_queries(admin_client, django_assert_max_num_queries):
    team = Team.objects.create(name="Big")
    boss = _user("boss@example.com", "sales_manager", team=team)
    for n in range(60):
        _user(f"u{n:02d}@example.com", full_name=f"Person {n:02d}", team=team, manager=boss)
    with django_assert_max_num_queries(7):
        first = admin_client.get(reverse("identity:user_list"))
    page = first.context["page"]
    assert len(page.items) == 50 and page.next_cursor
    with django_assert_max_num_queries(7):
        second = admin_client.get(reverse("identity:user_list"), {"cursor": page.next_cursor})
    names = [u.full_name for u in second.context["page"].items]
    assert names and not set(names) & {u.full_name for u in page.items}
    assert admin_client.get(reverse("identity:user_list"), {"cursor": "garbage"}).status_code == 200


def test_admin_creates_a_user_with_role_team_and_manager(admin_client, django_capture_on_commit_callbacks):
    team = Team.objects.create(name="North")
    boss = _user("boss@example.com", "sales_manager", team=team)
    role = Role.objects.get(key="sales_rep")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("identity:user_create"),
            {
                "email": "New.Person@Example.com",
                "full_name": "New Person",
                "role": role.pk,
                "team": team.pk,
                "manager": boss.pk,
                "language": "es",
                "password1": "",
                "password2": "",
                "send_reset_link": "on",
            },
        )
    user = User.objects.get(email="new.person@example.com")
    assert response.status_code == 302 and response["Location"] == reverse(
        "identity:user_edit", args=[user.pk]
    )
    assert (user.role, user.team, user.manager, user.language) == (role, team, boss, "es")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@example.com"]
    assert "/password-reset/" in mail.outbox[0].body


def test_admin_creates_a_user_with_a_password(admin_client):
    response = admin_client.post(
        reverse("identity:user_create"),
        {
            "email": "pw@example.com",
            "full_name": "Pat",
            "password1": "Brand-new-pass-42",
            "password2": "Brand-new-pass-42",
            "send_reset_link": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="pw@example.com").check_password("Brand-new-pass-42")
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "rep@example.com", "full_name": "Dup"}, "email", "A user with this email already exists."),
        ({"email": "not-an-email", "full_name": "X"}, "email", "Enter a valid email address."),
        ({"email": "ok@example.com", "full_name": ""}, "full_name", "This field is required."),
        (
            {"email": "ok@example.com", "full_name": "X", "password1": "123", "password2": "123"},
            "password1",
            "too short",
        ),
        (
            {
                "email": "ok@example.com",
                "full_name": "X",
                "password1": "Brand-new-pass-42",
                "password2": "nope",
            },
            "password2",
            "do not match",
        ),
    ],
)
def test_user_create_bad_input_shows_inline_error_and_stores_nothing(admin_client, rep, data, field, message):
    before = _snapshot()
    response = admin_client.post(reverse("identity:user_create"), {"password1": "", "password2": "", **data})
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in e for e in form.errors.get(field, [])), form.errors
    assert _snapshot() == before


def test_admin_edits_a_user(admin_client, rep):
    team = Team.objects.create(name="South")
    response = admin_client.post(
        reverse("identity:user_edit", args=[rep.pk]),
        {
            "email": rep.email,
            "full_name": "Rita Renamed",
            "role": Role.objects.get(key="sales_manager").pk,
            "team": team.pk,
            "language": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert (rep.full_name, rep.role.key, rep.team, rep.is_active) == (
        "Rita Renamed",
        "sales_manager",
        team,
        False,
    )


def test_manager_cycle_is_rejected_and_nothing_changes(admin_client):
    top = _user("top@example.com", "sales_manager")
    middle = _user("middle@example.com", manager=top)
    bottom = _user("bottom@example.com", manager=middle)
    before = _snapshot()
    response = admin_client.post(
        reverse("identity:user_edit", args=[top.pk]),
        {
            "email": top.email,
            "full_name": "Top Renamed",
            "role": top.role_id,
            "manager": bottom.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 422
    assert "cannot report to someone who reports to them" in " ".join(
        response.context["form"].errors["manager"]
    )
    assert _snapshot() == before


def test_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(
        reverse("identity:user_edit", args=[admin.pk]),
        {"email": admin.email, "full_name": admin.full_name, "role": admin.role_id, "is_active": ""},
    )
    assert response.status_code == 422
    admin.refresh_from_db()
    assert admin.is_active


def test_admin_sets_a_password_and_sends_a_reset_link(admin_client, rep, django_capture_on_commit_callbacks):
    url = reverse("identity:user_password", args=[rep.pk])
    bad = admin_client.post(url, {"password1": "123", "password2": "123"})
    assert bad.status_code == 422
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
    assert (
        admin_client.post(
            url, {"password1": "Brand-new-pass-42", "password2": "Brand-new-pass-42"}
        ).status_code
        == 302
    )
    rep.refresh_from_db()
    assert rep.check_password("Brand-new-pass-42")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("identity:user_reset_link", args=[rep.pk]))
    assert [m.to for m in mail.outbox] == [[rep.email]]


def test_user_edit_of_unknown_user_is_404(admin_client):
    assert admin_client.get(reverse("identity:user_edit", args=[999999])).status_code == 404


# --- teams -------------------------------------------------------------------------------------------------


def test_team_create_edit_members_and_delete(admin_client, rep):
    other = _user("other@example.com")
    response = admin_client.post(
        reverse("identity:team_create"), {"name": "North", "description": "", "members": [rep.pk]}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="North")
    assert list(team.members.all()) == [rep]
    html = admin_client.get(reverse("identity:team_list")).content.decode()
    assert "North" in html
    admin_client.post(
        reverse("identity:team_edit", args=[team.pk]), {"name": "North-East", "members": [other.pk]}
    )
    team.refresh_from_db()
    assert team.name == "North-East"
    assert list(team.members.all()) == [other]
    rep.refresh_from_db()
    assert rep.team is None
    admin_client.post(reverse("identity:team_delete", args=[team.pk]))
    assert not Team.objects.filter(pk=team.pk).exists()
    other.refresh_from_db()
    assert other.team is None and other.is_active


def test_team_duplicate_name_is_refused(admin_client):
    Team.objects.create(name="North")
    response = admin_client.post(reverse("identity:team_create"), {"name": "north"})
    assert response.status_code == 422
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    assert Team.objects.count() == 1


# --- roles ---------------------------------------------------------------------------------------------------


def test_role_list_shows_built_in_roles_in_the_viewers_language(admin_client):
    html = admin_client.get(reverse("identity:role_list")).content.decode()
    for label in ("Administrator", "Sales manager", "Sales rep", "Read-only"):
        assert label in html


def test_role_editor_shows_the_matrix(admin_client):
    role = Role.objects.get(key="sales_rep")
    response = admin_client.get(reverse("identity:role_edit", args=[role.pk]))
    html = response.content.decode()
    assert 'name="perm:*:view"' in html and 'name="perm:contacts.account:delete"' in html
    form = response.context["form"]
    assert form["perm:*:view"].value() == "team"
    assert form.fields["name"].disabled


def _account_names(user: User) -> list[str]:
    # core code never imports contacts; a test may, to prove the effect on a real list
    account_list = importlib.import_module("crm.contacts.selectors").account_list
    fresh = User.objects.get(pk=user.pk)
    return sorted(a.name for a in account_list(user=fresh, params={}).items)


def test_role_matrix_edit_changes_what_users_see(admin_client):
    team = Team.objects.create(name="North")
    rep = _user("r1@example.com", team=team)
    teammate = _user("r2@example.com", team=team)
    account = apps.get_model("contacts", "Account")
    account.objects.create(name="Mine", owner=rep)
    account.objects.create(name="Teammate's", owner=teammate)
    assert _account_names(rep) == ["Mine", "Teammate's"]
    role = Role.objects.get(key="sales_rep")
    data = {
        f"perm:*:{a}": s
        for a, s in {
            "view": "own",
            "create": "own",
            "change": "own",
            "delete": "own",
            "export": "own",
        }.items()
    }
    response = admin_client.post(reverse("identity:role_edit", args=[role.pk]), {"description": "", **data})
    assert response.status_code == 302
    assert _account_names(rep) == ["Mine"]
    # a row for one object type wins over "All objects"
    admin_client.post(
        reverse("identity:role_edit", args=[role.pk]), {**data, "perm:contacts.account:view": "team"}
    )
    assert _account_names(rep) == ["Mine", "Teammate's"]
    role.refresh_from_db()
    assert role.name == "Sales rep"  # built-in names stay


def test_role_create_and_delete(admin_client):
    response = admin_client.post(
        reverse("identity:role_create"), {"name": "Auditor", "perm:*:view": "all", "perm:*:export": "all"}
    )
    assert response.status_code == 302
    role = Role.objects.get(name="Auditor")
    assert set(role.permissions.values_list("action", "scope")) == {("view", "all"), ("export", "all")}
    admin_client.post(reverse("identity:role_delete", args=[role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()


def test_role_with_a_bad_scope_is_refused_and_nothing_changes(admin_client):
    role = Role.objects.get(key="sales_rep")
    before = _snapshot()
    response = admin_client.post(reverse("identity:role_edit", args=[role.pk]), {"perm:*:view": "galaxy"})
    assert response.status_code == 422
    assert response.context["form"].errors["perm:*:view"]
    assert _snapshot() == before


def test_built_in_role_cannot_be_deleted(admin_client):
    role = Role.objects.get(key="read_only")
    response = admin_client.post(reverse("identity:role_delete", args=[role.pk]), follow=True)
    assert "Built-in roles cannot be deleted." in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_role_in_use_cannot_be_deleted(admin_client):
    role = Role.objects.create(key="temp", name="Temp")
    _user("temp@example.com", role_key="temp")
    admin_client.post(reverse("identity:role_delete", args=[role.pk]))
    assert Role.objects.filter(pk=role.pk).exists()


def test_administrator_role_must_keep_administering(admin_client):
    role = Role.objects.get(key="administrator")
    response = admin_client.post(reverse("identity:role_edit", args=[role.pk]), {"perm:*:view": "all"})
    assert response.status_code == 422
    role.refresh_from_db()
    assert role.is_admin
