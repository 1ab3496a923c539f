"""The registry and the search selector, with stand-in search types (no domain app needed)."""

from __future__ import annotations

from typing import Any

import pytest

from crm.core.errors import InvalidInput
from crm.core.identity.models import Role, User
from crm.core.identity.permissions import object_type_register
from crm.core.search import registry
from crm.core.search.registry import SearchHit, search_type_register
from crm.core.search.selectors import search_run
from crm.core.search.terms import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_test_types(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_TYPES", {})
    object_type_register(key="test.widget", label="Widgets")
    object_type_register(key="test.gadget", label="Gadgets")


@pytest.fixture
def admin() -> User:
    return User.objects.create_user(
        "root@example.com", "pw-123456-x", full_name="Root", role=Role.objects.get(key="administrator")
    )


def widgets(*, user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    return [
        SearchHit(id=i, title=f"{query.folded} {i}", subtitle="", url=f"/w/{i}/", match="exact")
        for i in range(3)
    ][:limit]


def broken(**kwargs: Any) -> list[SearchHit]:
    raise RuntimeError("boom")


def test_groups_follow_the_registered_order_and_say_when_there_is_more(admin: User) -> None:
    search_type_register(key="test.gadget", label="Gadgets", provider=widgets, order=20)
    search_type_register(key="test.widget", label="Widgets", provider=widgets, order=10)

    groups = search_run(user=admin, q="Ñu", limit=2)

    assert [(g.key, [h.title for h in g.hits], g.has_more) for g in groups] == [
        ("test.widget", ["nu 0", "nu 1"], True),
        ("test.gadget", ["nu 0", "nu 1"], True),
    ]


def test_registering_a_key_again_replaces_it(admin: User) -> None:
    search_type_register(key="test.widget", label="Old", provider=broken)
    search_type_register(key="test.widget", label="Widgets", provider=widgets)

    assert [str(g.label) for g in search_run(user=admin, q="ab")] == ["Widgets"]


def test_a_failing_type_is_logged_and_left_out(admin: User, caplog: pytest.LogCaptureFixture) -> None:
    search_type_register(key="test.widget", label="Widgets", provider=widgets)
    search_type_register(key="test.gadget", label="Gadgets", provider=broken)

    assert [g.key for g in search_run(user=admin, q="ab")] == ["test.widget"]
    assert "test.gadget failed" in caplog.text


def test_types_the_user_may_not_view_are_not_asked(admin: User) -> None:
    search_type_register(key="test.widget", label="Widgets", provider=widgets)
    nobody = User.objects.create_user("nobody@example.com", "pw-123456-x", full_name="No Role")

    assert search_run(user=nobody, q="ab") == []


def test_unknown_types_are_refused_naming_the_known_ones(admin: User) -> None:
    search_type_register(key="test.widget", label="Widgets", provider=widgets)

    with pytest.raises(InvalidInput) as exc:
        search_run(user=admin, q="ab", types=["test.nope"])

    assert exc.value.field_errors["types"] == ["Unknown type: test.nope. Choose from: test.widget."]
