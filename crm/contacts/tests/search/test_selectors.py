"""Accounts and contacts in the global search (crm.core.search), on the real index (FTS5 on SQLite, GIN on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from crm.contacts.models import Contact
from crm.contacts.services import contact_delete, contact_update
from crm.contacts.tests.factories import AccountFactory, ContactFactory
from crm.core.audit.services import record_restore
from crm.core.errors import InvalidInput
from crm.core.search.engine import WINDOW
from crm.core.search.selectors import search_run

pytestmark = pytest.mark.django_db


def person(owner: Any, name: str, **fields: Any) -> Contact:
    first, _, last = name.partition(" ")
    contact: Contact = ContactFactory(owner=owner, first_name=first, last_name=last, full_name=name, **fields)
    return contact


def titles(user: Any, q: str, kind: str = "contacts.contact", limit: int = 10) -> list[str]:
    for group in search_run(user=user, q=q, limit=limit):
        if group.key == kind:
            return [h.title for h in group.hits]
    return []


def matches(user: Any, q: str) -> dict[str, str]:
    groups = search_run(user=user, q=q, types=["contacts.contact"], limit=20)
    return {h.title: h.match for g in groups for h in g.hits}


def test_ranks_exact_then_name_prefix_then_word_prefix_then_other_fields(admin):
    person(admin, "Luisa Anaya")
    person(admin, "Pedro Ruiz", email="ana@example.com")
    person(admin, "Ana García")
    person(admin, "Ana")

    assert titles(admin, "ana") == ["Ana", "Ana García", "Luisa Anaya", "Pedro Ruiz"]
    assert matches(admin, "ana") == {
        "Ana": "exact",
        "Ana García": "name_prefix",
        "Luisa Anaya": "word_prefix",
        "Pedro Ruiz": "other_field",
    }


def test_accents_and_case_do_not_matter(admin):
    person(admin, "María Muñoz")
    person(admin, "José Pérez")

    assert titles(admin, "munoz") == ["María Muñoz"]
    assert titles(admin, "MUÑOZ") == ["María Muñoz"]
    assert titles(admin, "jose") == ["José Pérez"]
    assert titles(admin, "maria mu") == ["María Muñoz"]


def test_one_typo_in_a_long_word_still_finds_it_below_exact_matches(admin):
    person(admin, "Luis González")
    person(admin, "Gonzales Pérez")

    assert titles(admin, "gonzales") == ["Gonzales Pérez", "Luis González"]
    assert matches(admin, "gonzales")["Luis González"] == "typo"
    for typo in ("gonzlaez", "gonzaez", "gonzaalez", "gonzalz"):
        assert titles(admin, typo) == ["Luis González"], typo
    assert titles(admin, "luis gonzales") == ["Luis González"]


def test_short_words_need_their_exact_prefix(admin):
    person(admin, "Pedro Ruiz")

    assert titles(admin, "ruis") == []
    assert titles(admin, "rui") == ["Pedro Ruiz"]


def test_phones_are_found_by_their_digits_in_any_format(admin):
    person(admin, "Phone Person", phone="+34 600 123 456")
    person(admin, "Mobile Person", mobile="(91) 555-0199")
    person(admin, "Other Phone", other_phones=["+44 20 7946 0958"])

    for q in ("600 123 456", "+34600123456", "600123", "34 600 12", "600-123"):
        assert titles(admin, q) == ["Phone Person"], q
    assert titles(admin, "915550199") == ["Mobile Person"]
    assert titles(admin, "2079 4609") == ["Other Phone"]
    assert matches(admin, "600123") == {"Phone Person": "other_field"}


def test_emails_are_found_by_the_start_of_the_local_part_or_the_domain(admin):
    person(admin, "Mail Person", email="jose.munoz@acme-iberia.es", other_emails=["j.m@private.org"])

    for q in ("jose.mu", "jose.munoz@acme", "acme-iberia.es", "iberia", "private.org"):
        assert titles(admin, q) == ["Mail Person"], q


def test_accounts_are_found_by_name_legal_name_and_tax_id_without_punctuation(admin):
    AccountFactory(
        owner=admin, name="Acme Iberia", legal_name="Acme Iberia Sociedad Limitada", tax_id="B-12.345.678"
    )

    for q in ("acme", "sociedad limit", "B12345678", "b-1234", "B 123"):
        assert titles(admin, q, "contacts.account") == ["Acme Iberia"], q


def test_a_rep_finds_their_own_records_even_when_most_matches_are_someone_elses(admin, rep, outsider):
    """The visibility filter is inside the query: the rep's one match is older than the window of others'."""
    mine = person(rep, "Zelda Mine")
    Contact.objects.bulk_create(
        Contact(owner=outsider, first_name="Zelda", last_name=f"Other{i}", full_name=f"Zelda Other{i}")
        for i in range(WINDOW + 20)
    )

    assert titles(rep, "zelda") == ["Zelda Mine"]
    assert titles(outsider, "zelda mine") == []
    assert len(titles(admin, "zelda", limit=50)) == 50
    assert mine.full_name in titles(admin, "zelda mine")


def test_a_user_without_view_permission_gets_no_group(admin, rep, outsider):
    from crm.contacts.tests.factories import user_with_role

    person(admin, "Hidden Person")
    nobody = user_with_role("sales_rep")
    nobody.role = None
    nobody.save()

    assert search_run(user=nobody, q="hidden") == []


def test_index_follows_update_delete_and_restore(admin):
    contact = person(admin, "Old Name")

    contact_update(actor=admin, contact=contact, first_name="Newer", last_name="Name")
    assert titles(admin, "old name") == []
    assert titles(admin, "newer") == ["Newer Name"]

    contact_delete(actor=admin, contact=contact)
    assert titles(admin, "newer") == []

    record_restore(object_type="contacts.contact", object_id=contact.pk, actor=admin)
    assert titles(admin, "newer") == ["Newer Name"]


def test_index_follows_owner_changes(admin, rep, outsider):
    contact = person(rep, "Moving Person")
    assert titles(rep, "moving") == ["Moving Person"]

    contact_update(actor=admin, contact=contact, owner=outsider)

    assert titles(rep, "moving") == []
    assert titles(outsider, "moving") == ["Moving Person"]


def test_index_follows_writes_that_bypass_the_services(admin):
    """Bulk inserts and set-based updates (importers, the bench loader) keep the index right: it is kept by the
    database, not by Python code."""
    Contact.objects.bulk_create(
        [Contact(owner=admin, first_name="Bulk", full_name="Bulk Loaded", phone="600 999 111")]
    )
    assert titles(admin, "bulk") == ["Bulk Loaded"]
    assert titles(admin, "600999") == ["Bulk Loaded"]

    Contact.objects.filter(full_name="Bulk Loaded").update(full_name="Set Based")
    assert titles(admin, "bulk") == []
    assert titles(admin, "set based") == ["Set Based"]

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contact._meta.db_table} SET deleted_at = CURRENT_TIMESTAMP WHERE full_name = %s",  # noqa: S608
            ["Set Based"],
        )
    assert titles(admin, "set based") == []

    Contact.all_objects.filter(full_name="Set Based").delete()
    assert titles(admin, "set based") == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "  a "}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "ana", "types": ["contacts.nope"]}, "types"),
        ({"q": "ana", "limit": 0}, "limit"),
        ({"q": "ana", "limit": 51}, "limit"),
    ],
)
def test_bad_requests_name_the_parameter(admin, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        search_run(user=admin, **kwargs)
    assert list(exc.value.field_errors) == [field]


def test_types_narrow_the_groups_and_has_more_tells_when_there_is_more(admin):
    for i in range(4):
        person(admin, f"Many Person{i}")
    AccountFactory(owner=admin, name="Many Co")

    groups = search_run(user=admin, q="many", types=["contacts.contact"], limit=3)

    assert [g.key for g in groups] == ["contacts.contact"]
    assert len(groups[0].hits) == 3 and groups[0].has_more


def test_rebuild_refills_the_index_after_a_load_that_bypassed_it(admin):
    """What an import does after loading with the triggers dropped: one refill, and every row is found."""
    from crm.contacts.search import CONTACT_SEARCH
    from crm.core.search.indexes import search_index_rebuild

    person(admin, "Refilled Person", phone="+34 611 222 333")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{CONTACT_SEARCH.fts}" ("{CONTACT_SEARCH.fts}") VALUES (\'delete-all\')'  # noqa: S608
            )
        assert titles(admin, "refilled") == []

    search_index_rebuild(CONTACT_SEARCH, connection=connection)

    assert titles(admin, "refilled") == ["Refilled Person"]
    assert titles(admin, "611 222") == ["Refilled Person"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: PostgreSQL's index is a column")
def test_triggers_dropped_by_a_table_rebuild_are_put_back_after_migrate(admin):
    """Django rebuilds a SQLite table to alter a column, which drops its triggers; `migrate` then runs
    search_index_ensure, which puts them back and refills what was written meanwhile."""
    from crm.contacts.search import CONTACT_SEARCH
    from crm.core.search.indexes import search_index_ensure

    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{CONTACT_SEARCH.fts}_ai"')
    person(admin, "Written Meanwhile")
    assert titles(admin, "meanwhile") == []

    assert search_index_ensure(CONTACT_SEARCH, connection=connection) is True

    assert titles(admin, "meanwhile") == ["Written Meanwhile"]
    person(admin, "Written After")
    assert titles(admin, "written after") == ["Written After"]
    assert search_index_ensure(CONTACT_SEARCH, connection=connection) is False
