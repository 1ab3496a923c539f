"""The search statements compiled once per permission scope (crm.core.search.statements): a cached statement
never shows a user more, or less, than their scope today, and records load as the ORM would load them."""

from __future__ import annotations

from typing import Any

import pytest

from crm.contacts.models import Account, Contact
from crm.contacts.search import CONTACT_SEARCH, _contacts
from crm.contacts.tests.factories import AccountFactory, ContactFactory, TeamFactory, role, user_with_role
from crm.core.identity.models import Role, RolePermission, User
from crm.core.search.engine import search_ranked
from crm.core.search.selectors import search_run
from crm.core.search.statements import search_statements
from crm.core.search.terms import search_query_parse

pytestmark = pytest.mark.django_db


def titles(user: Any, q: str) -> list[str]:
    fresh = User.objects.get(pk=user.pk)  # a new request: nothing cached on the user object
    groups = search_run(user=fresh, q=q, types=["contacts.contact"], limit=20)
    return sorted(h.title for g in groups for h in g.hits)


def person(owner: Any, name: str, **fields: Any) -> Contact:
    first, _, last = name.partition(" ")
    contact: Contact = ContactFactory(owner=owner, first_name=first, last_name=last, full_name=name, **fields)
    return contact


def test_a_rep_sees_a_new_teammates_records_at_once_and_loses_them_when_the_teammate_leaves():
    team, other = TeamFactory(name="North"), TeamFactory(name="South")
    rep = user_with_role("sales_rep", team=team)
    mate = user_with_role("sales_rep", team=other)
    person(rep, "Quentin Mine")
    person(mate, "Quentin Theirs")
    assert titles(rep, "quentin") == ["Quentin Mine"]

    mate.team = team
    mate.save()
    assert titles(rep, "quentin") == ["Quentin Mine", "Quentin Theirs"]

    mate.team = other
    mate.save()
    assert titles(rep, "quentin") == ["Quentin Mine"]


def test_a_role_change_applies_to_the_next_search():
    rep = user_with_role("sales_rep", team=TeamFactory(name="North"))
    stranger = user_with_role("sales_rep", team=TeamFactory(name="South"))
    person(rep, "Ulrike Mine")
    person(stranger, "Ulrike Theirs")
    assert titles(rep, "ulrike") == ["Ulrike Mine"]

    rep.role = role("administrator")
    rep.save()
    assert titles(rep, "ulrike") == ["Ulrike Mine", "Ulrike Theirs"]

    rep.role = role("sales_rep")
    rep.save()
    assert titles(rep, "ulrike") == ["Ulrike Mine"]


def test_users_with_an_own_records_role_each_see_only_their_own():
    own = Role.objects.create(key="own_only_test", name="Own records only")
    RolePermission.objects.create(role=own, object_type="*", action="view", scope="own")
    team = TeamFactory(name="North")
    first = user_with_role("sales_rep", team=team)
    second = user_with_role("sales_rep", team=team)
    for user in (first, second):
        user.role = own
        user.save()
    person(first, "Wanda First")
    person(second, "Wanda Second")

    assert titles(first, "wanda") == ["Wanda First"]
    assert titles(second, "wanda") == ["Wanda Second"]

    RolePermission.objects.filter(role=own).update(scope="team")
    assert titles(first, "wanda") == ["Wanda First", "Wanda Second"]


def test_records_load_as_the_orm_loads_them_with_select_related_and_deferred_fields(
    django_assert_num_queries,
):
    admin = user_with_role("administrator")
    account = AccountFactory(owner=admin, name="Acme Ibérica")
    contact = person(
        admin, "Xenia Loaded", primary_account=account, job_title="Buyer", email="x@acme.example"
    )
    person(admin, "Xenia Alone")

    statements = search_statements(_contacts, user=admin, index=CONTACT_SEARCH, model=Contact)
    assert statements is not None
    loaded = statements.objects.load([contact.pk])
    expected = _contacts(admin).in_bulk([contact.pk])
    assert list(loaded) == list(expected) == [contact.pk]
    got, want = loaded[contact.pk], expected[contact.pk]
    assert isinstance(got, Contact)
    assert got.get_deferred_fields() == want.get_deferred_fields()
    with django_assert_num_queries(0):  # loaded with the contact, as select_related does
        assert got.primary_account.name == want.primary_account.name == "Acme Ibérica"
        assert (got.full_name, got.job_title, got.email) == ("Xenia Loaded", "Buyer", "x@acme.example")
    assert isinstance(got.primary_account, Account)

    alone = [
        r.obj
        for r in search_ranked(
            _contacts,
            model=Contact,
            index=CONTACT_SEARCH,
            query=search_query_parse("xenia alone"),
            user=admin,
            limit=5,
        )
    ]
    assert [c.full_name for c in alone] == ["Xenia Alone"]
    assert alone[0].primary_account is None


def test_a_plain_queryset_is_searched_too_and_a_sliced_one_is_refused():
    admin = user_with_role("administrator")
    person(admin, "Yannick Plain")
    query = search_query_parse("yannick")

    ranked = search_ranked(
        Contact.objects.visible_to(admin), index=CONTACT_SEARCH, query=query, user=admin, limit=5
    )
    assert [r.obj.full_name for r in ranked] == ["Yannick Plain"]
    assert search_ranked(Contact.objects.none(), index=CONTACT_SEARCH, query=query, user=admin, limit=5) == []
    with pytest.raises(ValueError):
        search_ranked(Contact.objects.all()[:10], index=CONTACT_SEARCH, query=query, user=admin, limit=5)
