"""Saved list views: what is stored, who sees them, who may delete them."""

from __future__ import annotations

import pytest

from crm.core.errors import InvalidInput, PermissionDenied, RecordNotFound
from crm.core.identity.models import Role, User
from crm.core.identity.services import roles_ensure_defaults
from crm.core.savedviews.models import SavedView
from crm.core.savedviews.selectors import saved_view_get, saved_view_list
from crm.core.savedviews.services import saved_view_create, saved_view_delete, saved_view_query_clean

pytestmark = pytest.mark.django_db


def _user(email: str, role_key: str = "sales_rep") -> User:
    roles_ensure_defaults()
    return User.objects.create_user(
        email, "pass-1234-word", full_name=email.split("@")[0], role=Role.objects.get(key=role_key)
    )


def test_query_drops_transient_and_empty_parameters():
    assert saved_view_query_clean("?status=active&cursor=abc&view=3&q=&format=csv&sort=-name") == (
        "status=active&sort=-name"
    )


def test_saving_twice_with_the_same_name_replaces_the_view():
    owner = _user("a@example.com")
    first = saved_view_create(actor=owner, object_type="contacts.account", name="Mine", query="status=active")
    second = saved_view_create(
        actor=owner, object_type="contacts.account", name=" Mine ", query="status=inactive"
    )

    assert first.pk == second.pk
    assert SavedView.objects.get().query == "status=inactive"


def test_a_view_needs_a_name_and_nothing_is_stored_otherwise():
    owner = _user("a@example.com")
    with pytest.raises(InvalidInput) as exc:
        saved_view_create(actor=owner, object_type="contacts.account", name="   ", query="status=active")
    assert "name" in exc.value.field_errors
    assert not SavedView.objects.exists()


def test_personal_views_are_private_and_shared_ones_visible_to_all():
    owner, other = _user("a@example.com"), _user("b@example.com")
    private = saved_view_create(actor=owner, object_type="contacts.account", name="Private", query="")
    shared = saved_view_create(
        actor=owner, object_type="contacts.account", name="Shared", query="", is_shared=True
    )

    assert saved_view_list(user=owner, object_type="contacts.account") == [private, shared]
    assert saved_view_list(user=other, object_type="contacts.account") == [shared]
    assert saved_view_list(user=other, object_type="contacts.contact") == []
    with pytest.raises(RecordNotFound):
        saved_view_get(user=other, pk=private.pk)


def test_only_the_owner_or_an_administrator_deletes_a_shared_view():
    owner, other, admin = (
        _user("a@example.com"),
        _user("b@example.com"),
        _user("c@example.com", "administrator"),
    )
    shared = saved_view_create(
        actor=owner, object_type="contacts.account", name="Shared", query="", is_shared=True
    )
    private = saved_view_create(actor=owner, object_type="contacts.account", name="Private", query="")

    with pytest.raises(PermissionDenied):
        saved_view_delete(actor=other, pk=shared.pk)
    with pytest.raises(RecordNotFound):
        saved_view_delete(actor=admin, pk=private.pk)
    assert SavedView.objects.count() == 2

    saved_view_delete(actor=admin, pk=shared.pk)
    saved_view_delete(actor=owner, pk=private.pk)
    assert not SavedView.objects.exists()
