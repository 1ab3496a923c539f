"""The list selectors' query shape at scale (see BENCHMARKS.md): keyset bounds, owner loading, the row page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.selectors import account_list, contact_list, contact_row_page
from crm.contacts.tests.factories import AccountFactory, ContactFactory, UserFactory
from crm.core.errors import InvalidInput
from crm.core.identity.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_rep() -> Any:
    team = Team.objects.create(name="Scale")
    rep = UserFactory(team=team)
    UserFactory(team=team)  # a colleague: the rep's scope is `owner_id IN (rep, colleague)`
    return rep


def _all_pages(fn: Any, user: Any, sort: str, limit: int = 3) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        page = fn(user=user, params={}, sort=sort, cursor=cursor, limit=limit)
        ids += [getattr(o, "pk", None) or o["id"] for o in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return ids


@pytest.mark.parametrize("sort", ["name", "-name", "created_at", "-updated_at", "email"])
def test_keyset_pages_with_the_sort_bound_visit_every_row_once_in_order(team_rep: Any, sort: str) -> None:
    colleague = team_rep.__class__.objects.filter(team=team_rep.team).exclude(pk=team_rep.pk).get()
    for i in range(4):  # duplicate names: the id tie-break must still page through all of them
        ContactFactory(owner=team_rep, first_name="Same", last_name="Name", email=f"s{i}@x.org")
        ContactFactory(owner=colleague, first_name=f"B{i}", last_name="Other", email=f"o{i}@x.org")
    ContactFactory()  # someone else's: not visible

    paged = _all_pages(contact_list, team_rep, sort)
    at_once = [c.pk for c in contact_list(user=team_rep, params={}, sort=sort, limit=200).items]

    assert paged == at_once
    assert len(paged) == 8


def test_account_pages_with_the_sort_bound_visit_every_row_once(team_rep: Any) -> None:
    for i in range(5):
        AccountFactory(owner=team_rep, name=f"Acme {i % 2}")

    assert _all_pages(account_list, team_rep, "-name", limit=2) == [
        a.pk for a in account_list(user=team_rep, params={}, sort="-name", limit=200).items
    ]


def test_a_bad_cursor_is_still_a_clear_error(team_rep: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        contact_list(user=team_rep, params={}, sort="name", cursor="not-a-cursor")

    assert "cursor" in exc.value.field_errors


def test_list_loads_owners_without_joining_the_users_table(team_rep: Any) -> None:
    ContactFactory(owner=team_rep)

    with CaptureQueriesContext(connection) as ctx:
        page = contact_list(user=team_rep, params={}, sort="name")
        owners = [c.owner.full_name for c in page.items]

    page_sql = next(q["sql"] for q in ctx.captured_queries if 'FROM "contacts_contact"' in q["sql"])
    assert "identity_user" not in page_sql  # an INNER JOIN here makes SQLite sort the whole team's rows
    assert owners == [team_rep.full_name]


def test_row_page_matches_contact_list_and_the_api_shape(team_rep: Any) -> None:
    account: Any = AccountFactory(owner=team_rep, name="Globex")
    ContactFactory(owner=team_rep, primary_account=account, tags=["vip", "beta"], first_name="Ana")
    ContactFactory(owner=team_rep, first_name="Bea")

    rows = contact_row_page(user=team_rep, params={}, sort="name").items
    objects = contact_list(user=team_rep, params={}, sort="name").items

    assert [r["id"] for r in rows] == [c.pk for c in objects]
    assert rows[0]["primary_account"] == {"id": account.pk, "name": "Globex"}
    assert rows[0]["owner"] == {"id": team_rep.pk, "full_name": team_rep.full_name, "email": team_rep.email}
    assert rows[0]["tags"] == ["beta", "vip"]
    assert rows[1]["primary_account"] is None and rows[1]["tags"] == []


def test_row_page_query_count_does_not_grow_with_the_page(team_rep: Any) -> None:
    for i in range(30):
        ContactFactory(owner=team_rep, tags=[f"t{i % 4}"])

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            contact_row_page(user=team_rep, params={"email_consent": "unknown"}, sort="name", limit=limit)
        return len(ctx.captured_queries)

    count(1)  # warm the permission cache of this user object
    assert count(2) == count(30)
