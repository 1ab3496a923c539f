"""The typo index (crm.core.search `search_word`, SymSpell) behind one-typo matches: kept by the database on every
write path, on SQLite and PostgreSQL, and only a candidate list — results stay permission-scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from crm.contacts.models import Contact
from crm.contacts.search import ACCOUNT_SEARCH, CONTACT_SEARCH
from crm.contacts.services import contact_create, contact_delete, contact_update
from crm.contacts.services.merge import records_merge
from crm.contacts.tests.factories import AccountFactory
from crm.core.search.engine import typo_candidates
from crm.core.search.indexes import search_words_rebuild
from crm.core.search.models import SearchWord
from crm.core.search.selectors import search_run
from crm.core.search.terms import search_query_parse, typo_index_words, typo_keys

pytestmark = pytest.mark.django_db


def titles(user: Any, q: str, kind: str = "contacts.contact") -> list[str]:
    for group in search_run(user=user, q=q, limit=10):
        if group.key == kind:
            return [h.title for h in group.hits]
    return []


def indexed(word: str) -> bool:
    return SearchWord.objects.filter(key=word, word=word).exists()  # from either table


def test_typo_keys_are_the_word_and_each_one_letter_deletion():
    assert typo_keys("anna") == ["anna", "ana", "ann", "nna"]
    assert typo_index_words("José Muñoz-Pérez c123 Li jm@acme.es") == ["acme", "jose", "munoz", "perez"]


def test_a_created_contact_is_found_with_one_typo_in_each_long_word(admin):
    contact_create(actor=admin, first_name="Anabel", last_name="Quiñones", email="anabel@ejemplo.es")

    assert indexed("anabel") and indexed("quinones") and indexed("ejemplo")
    for typo in ("quinonez", "qiunones", "quinnones", "quinons", "anabell quinonez", "ejempla"):
        assert titles(admin, typo) == ["Anabel Quiñones"], typo
    query = search_query_parse("quinonez")
    assert typo_candidates(query, index=CONTACT_SEARCH, using="default") == {"quinonez": ["quinones"]}
    assert typo_candidates(query, index=ACCOUNT_SEARCH, using="default") == {}


def test_words_next_to_punctuation_and_line_breaks_are_indexed(admin):
    Contact.objects.bulk_create(
        [
            Contact(owner=admin, first_name="S", full_name="Siobhan O'Donoghue (Galway)+Tralee"),
            Contact(owner=admin, first_name="T", full_name='Tabbed\tName\nNewlined\\Backslashed "Quoted"'),
        ]
    )

    for word in ("siobhan", "donoghue", "galway", "tralee", "tabbed", "newlined", "backslashed", "quoted"):
        assert indexed(word), word
    assert titles(admin, "galwya") == ["Siobhan O'Donoghue (Galway)+Tralee"]
    assert titles(admin, "donohgue") == ["Siobhan O'Donoghue (Galway)+Tralee"]


def test_an_update_is_found_by_its_new_words_with_a_typo_and_no_longer_by_the_old_ones(admin):
    contact = contact_create(actor=admin, first_name="Rosalind", last_name="Franklin")

    contact_update(actor=admin, contact=contact, first_name="Rosalind", last_name="Meitner")

    assert indexed("meitner")
    assert titles(admin, "meitnar") == ["Rosalind Meitner"]
    assert titles(admin, "franklyn") == []  # the old word stays a candidate (append-only) but finds no row


def test_deleted_records_are_not_found_with_a_typo_and_restored_ones_are_again(admin):
    from crm.core.audit.services import record_restore

    contact = contact_create(actor=admin, first_name="Ottoline", last_name="Morrell")
    contact_delete(actor=admin, contact=contact)
    assert titles(admin, "morrel") == [] and titles(admin, "morrelx") == []

    SearchWord.objects.all().delete()  # a rebuild while it was deleted left its words out
    record_restore(object_type="contacts.contact", object_id=contact.pk, actor=admin)

    assert titles(admin, "morrelx") == ["Ottoline Morrell"]


def test_a_merged_away_record_is_not_found_with_a_typo_the_survivor_is(admin):
    survivor = contact_create(actor=admin, first_name="Hildegard", last_name="Bingen", email="h@abbey.de")
    twin = contact_create(actor=admin, first_name="Hildegarde", last_name="Bingen", email="hb@rupertsberg.de")

    records_merge(actor=admin, object_type="contacts", survivor_id=survivor.pk, merged_ids=[twin.pk])

    for typo in ("hildegart", "bingne"):
        groups = search_run(user=admin, q=typo, types=["contacts.contact"], limit=10)
        assert [h.id for g in groups for h in g.hits] == [survivor.pk], typo


def test_bulk_and_plain_sql_writes_feed_the_typo_index(admin):
    Contact.objects.bulk_create([Contact(owner=admin, first_name="Bulk", full_name="Wilhelmina Bulkloaded")])
    Contact.objects.filter(full_name="Wilhelmina Bulkloaded").update(full_name="Wilhelmina Setbased")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contact._meta.db_table} SET email = %s WHERE full_name = %s",  # noqa: S608
            ["w@plainsqlmail.org", "Wilhelmina Setbased"],
        )

    assert indexed("bulkloaded") and indexed("setbased") and indexed("plainsqlmail")
    assert titles(admin, "setbsed") == ["Wilhelmina Setbased"]
    assert titles(admin, "plainsqlmial") == ["Wilhelmina Setbased"]


def test_account_names_and_emails_feed_the_typo_index_too(admin):
    AccountFactory(
        owner=admin, name="Bodegas Ribera", email="info@viñedos.es", legal_name="Bodegas Ribera SL"
    )

    assert titles(admin, "bodgeas", "contacts.account") == ["Bodegas Ribera"]
    assert titles(admin, "vinedso", "contacts.account") == ["Bodegas Ribera"]


def test_typo_matches_stay_permission_scoped(admin, rep, outsider):
    """The shared typo index knows every word, but the rows come from the user's scoped query."""
    contact_create(actor=admin, first_name="Genoveva", last_name="Outsiders", owner=outsider)
    contact_create(actor=admin, first_name="Genoveva", last_name="Repsown", owner=rep)

    assert titles(rep, "genovena") == ["Genoveva Repsown"]
    assert titles(rep, "outsidres") == []
    assert titles(outsider, "genovena") == ["Genoveva Outsiders"]
    assert sorted(titles(admin, "genovena")) == ["Genoveva Outsiders", "Genoveva Repsown"]


def test_rebuild_starts_the_typo_index_afresh_from_alive_rows(admin):
    contact = contact_create(actor=admin, first_name="Temporary", last_name="Wordsmith")
    contact_update(actor=admin, contact=contact, first_name="Permanent", last_name="Wordsmith")
    assert indexed("temporary")

    search_words_rebuild([ACCOUNT_SEARCH, CONTACT_SEARCH], connection=connection)

    assert not indexed("temporary")
    assert indexed("permanent") and indexed("wordsmith")
    assert titles(admin, "wordsmiht") == ["Permanent Wordsmith"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: table rebuilds drop triggers there")
def test_typo_triggers_dropped_by_a_table_rebuild_are_put_back_after_migrate(admin):
    from crm.core.search.indexes import search_index_ensure

    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{CONTACT_SEARCH.fts}_typo_ai"')
    contact_create(actor=admin, first_name="Written", last_name="Meanwhilst")
    assert not indexed("meanwhilst")

    assert search_index_ensure(CONTACT_SEARCH, connection=connection) is True

    assert indexed("meanwhilst")
    contact_create(actor=admin, first_name="Written", last_name="Afterwards")
    assert indexed("afterwards")
