"""Infix search: a fragment of 3+ characters inside a word ("rcía" → García, "mail" → gmail, "4567" → the end of a
phone number, "12345" → inside a tax id), through the trigram index over each table's vocabulary (FTS5 trigram on
SQLite, pg_trgm on PostgreSQL). Ranked after prefix and typo matches, permission-scoped, kept by the database."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.contacts.models import Contact
from crm.contacts.search import ACCOUNT_SEARCH, CONTACT_SEARCH
from crm.contacts.services import contact_create, contact_delete, contact_update
from crm.contacts.tests.factories import AccountFactory
from crm.core.api.tests.client import ApiClient
from crm.core.audit.services import record_restore
from crm.core.search.engine import infix_candidates
from crm.core.search.indexes import search_index_ensure, search_words_rebuild
from crm.core.search.models import SearchWord
from crm.core.search.selectors import search_run
from crm.core.search.terms import code_index_words, search_query_parse

pytestmark = pytest.mark.django_db


def hits(user: Any, q: str, kind: str = "contacts.contact", limit: int = 10) -> dict[str, str]:
    """Title → how it matched, best first."""
    for group in search_run(user=user, q=q, types=[kind], limit=limit):
        return {h.title: h.match for h in group.hits}
    return {}


def titles(user: Any, q: str, kind: str = "contacts.contact", limit: int = 10) -> list[str]:
    return list(hits(user, q, kind, limit))


def test_a_fragment_inside_a_name_finds_it_with_or_without_accents(admin):
    contact_create(actor=admin, first_name="Lucía", last_name="García")

    for q in ("rcía", "rcia", "RCIA", "arcí", "ucía garcía", "lucia rcia"):
        assert titles(admin, q) == ["Lucía García"], q
    assert hits(admin, "rcia") == {"Lucía García": "infix"}


def test_a_fragment_inside_an_email_finds_it(admin):
    contact_create(actor=admin, first_name="Pedro", last_name="Ruiz", email="pruiz@gmail.com")
    AccountFactory(owner=admin, name="Acme Iberia", email="ventas@hotmail.es")

    assert hits(admin, "mail") == {"Pedro Ruiz": "infix"}
    assert titles(admin, "ruiz@gm") == ["Pedro Ruiz"]  # a prefix, as before
    assert titles(admin, "otmai", "contacts.account") == ["Acme Iberia"]


def test_the_tail_and_the_middle_of_a_phone_number_find_it(admin):
    contact_create(actor=admin, first_name="Phone", last_name="Person", phone="+34 612 34 4567")
    contact_create(actor=admin, first_name="Mobile", last_name="Person", mobile="+34 699 88 7766")
    contact_create(actor=admin, first_name="Other", last_name="Phones", other_phones=["+44 20 7946 0958"])

    for q in ("4567", "344567", "34 4567", "2344", "612 34 45"):
        assert titles(admin, q) == ["Phone Person"], q
    assert hits(admin, "4567") == {"Phone Person": "infix"}
    assert titles(admin, "887766") == ["Mobile Person"]
    assert titles(admin, "460958") == ["Other Phones"]


def test_a_number_that_matches_from_its_start_is_not_looked_up_inside_numbers(admin):
    """Typing a phone number digit by digit: once it matches a number's start, no infix lookup (the long digit
    strings would read most of the trigram index); a fragment matching no number's start still gets one."""
    contact_create(actor=admin, first_name="Starts", last_name="With", phone="+34 612 00 0000")
    contact_create(actor=admin, first_name="Ends", last_name="With", phone="+34 633 33 6120")

    with CaptureQueriesContext(connection) as queries:
        assert titles(admin, "612 00") == ["Starts With"]
    assert not [q for q in queries.captured_queries if "infix" in q["sql"] or "search_word" in q["sql"]]
    assert titles(admin, "336120") == ["Ends With"]


def test_a_fragment_of_a_tax_id_finds_the_account(admin):
    AccountFactory(owner=admin, name="Acme Iberia", tax_id="B-12.345.678")
    AccountFactory(owner=admin, name="Other Co", tax_id="A-99.999.999")

    for q in ("12345", "2345678", "345.67", "34567"):
        assert titles(admin, q, "contacts.account") == ["Acme Iberia"], q
    assert hits(admin, "2345678", "contacts.account") == {"Acme Iberia": "infix"}


def test_fragments_of_one_or_two_characters_are_not_looked_up_inside_words(admin):
    contact_create(actor=admin, first_name="Lucía", last_name="García", phone="+34 612 34 4567")

    assert search_query_parse("rc").infix_words == ()
    assert search_query_parse("67").infix_codes == ()
    assert infix_candidates(search_query_parse("rc"), index=CONTACT_SEARCH, using="default") == {}
    with CaptureQueriesContext(connection) as queries:
        assert titles(admin, "rc") == []
        assert titles(admin, "67") == []
    assert not [q for q in queries.captured_queries if "infix" in q["sql"] or "search_word" in q["sql"]]
    assert titles(admin, "rci") == ["Lucía García"]  # three are


def test_infix_candidates_are_the_vocabulary_words_containing_the_fragment_not_starting_with_it(admin):
    contact_create(actor=admin, first_name="Garcilaso", last_name="García", phone="+34 612 34 4567")
    AccountFactory(owner=admin, name="Marcial Hermanos")

    query = search_query_parse("arci")
    assert infix_candidates(query, index=CONTACT_SEARCH, using="default") == {"arci": ["garcia", "garcilaso"]}
    assert infix_candidates(query, index=ACCOUNT_SEARCH, using="default") == {"arci": ["marcial"]}
    assert infix_candidates(search_query_parse("garc"), index=CONTACT_SEARCH, using="default") == {}
    assert infix_candidates(search_query_parse("34 4567"), index=CONTACT_SEARCH, using="default") == {
        "344567": ["12344567"],  # the digits typed; a long number is kept without its first 3 digits (a
        "4567": ["12344567"],  # fragment starting there is a prefix in the full-text index); and words of 3+
    }


def test_prefix_and_typo_matches_rank_before_infix_matches(admin):
    contact_create(actor=admin, first_name="Lucía", last_name="García")
    contact_create(actor=admin, first_name="Arcimboldo", last_name="Pintor")
    contact_create(actor=admin, first_name="Marta", last_name="Arcos")
    assert hits(admin, "arci") == {"Arcimboldo Pintor": "name_prefix", "Lucía García": "infix"}

    contact_create(actor=admin, first_name="Ana", last_name="Hernández")
    contact_create(actor=admin, first_name="Luis", last_name="Nandes")
    contact_create(actor=admin, first_name="Nandez", last_name="Ruiz")
    assert hits(admin, "nandez") == {
        "Nandez Ruiz": "name_prefix",
        "Luis Nandes": "typo",
        "Ana Hernández": "infix",
    }


def test_infix_hits_fill_only_the_places_prefix_hits_leave(admin):
    for first in ("Ana", "Bea", "Carla", "Dora", "Eva", "Fina"):
        contact_create(actor=admin, first_name=first, last_name="Ribera")
    contact_create(actor=admin, first_name="Alberto", last_name="Caribe")

    with CaptureQueriesContext(connection) as queries:
        assert "Alberto Caribe" not in titles(admin, "ribe", limit=5)  # asked for 6, 6 prefix hits
    assert not [q for q in queries.captured_queries if "infix" in q["sql"] or "search_word" in q["sql"]]
    assert titles(admin, "ribe", limit=10)[-1] == "Alberto Caribe"


def test_a_rep_does_not_find_other_teams_records_by_a_fragment(admin, rep, outsider):
    contact_create(
        actor=admin, first_name="Outsider", last_name="Fernández", phone="+34 600 11 2233", owner=outsider
    )
    contact_create(actor=admin, first_name="Reps", last_name="Hernández", phone="+34 600 99 8877", owner=rep)
    AccountFactory(owner=outsider, name="Hidden Co", tax_id="B-55.555.555")

    assert titles(rep, "rnández") == ["Reps Hernández"]
    assert titles(rep, "112233") == []
    assert titles(rep, "55555", "contacts.account") == []
    assert titles(outsider, "112233") == ["Outsider Fernández"]
    assert titles(outsider, "55555", "contacts.account") == ["Hidden Co"]
    assert sorted(titles(admin, "rnandez")) == ["Outsider Fernández", "Reps Hernández"]


def test_deleted_records_are_not_found_by_a_fragment_and_restored_ones_are_again(admin):
    contact = contact_create(actor=admin, first_name="Ottoline", last_name="Morrell", phone="+34 611 22 3344")

    contact_delete(actor=admin, contact=contact)
    assert titles(admin, "orrell") == [] and titles(admin, "223344") == []

    record_restore(object_type="contacts.contact", object_id=contact.pk, actor=admin)
    assert titles(admin, "orrell") == ["Ottoline Morrell"]
    assert titles(admin, "223344") == ["Ottoline Morrell"]


def test_a_changed_phone_is_found_by_its_new_digits_and_no_longer_by_the_old_ones(admin):
    contact = contact_create(
        actor=admin, first_name="Rosalind", last_name="Franklin", phone="+34 611 00 1122"
    )

    contact_update(actor=admin, contact=contact, phone="+34 622 00 9988")

    assert titles(admin, "009988") == ["Rosalind Franklin"]
    assert titles(admin, "001122") == []  # the old digits stay in the vocabulary but find no row


def test_bulk_and_plain_sql_writes_feed_the_infix_vocabulary(admin):
    Contact.objects.bulk_create(
        [Contact(owner=admin, first_name="Bulk", full_name="Wilhelmina Bulkloaded", phone="+34 633 12 7788")]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contact._meta.db_table} SET mobile = %s WHERE full_name = %s",  # noqa: S608
            ["+34 644 55 6677", "Wilhelmina Bulkloaded"],
        )

    assert SearchWord.objects.filter(source="contacts_contact", key="33127788", word="33127788").exists()
    assert titles(admin, "127788") == ["Wilhelmina Bulkloaded"]
    assert titles(admin, "556677") == ["Wilhelmina Bulkloaded"]
    assert titles(admin, "kloaded") == ["Wilhelmina Bulkloaded"]


def test_digit_strings_stay_out_of_typo_lookups(admin):
    contact_create(actor=admin, first_name="Digits", last_name="Only", phone="+34 612 34 4567")

    assert SearchWord.objects.filter(word="12344567").exists()
    assert not SearchWord.objects.filter(word="12344567").exclude(key="12344567").exists()
    assert code_index_words(
        phones=["+34 (612) 34-45.67", "12"],
        codes=["B-12.345.678", "ABCD", "ñ-1234"],
        phone_chars=" ()+./-",
        code_chars=" ./-",
    ) == ["12344567", "b12345678"]


def test_the_api_labels_infix_hits(admin):
    contact_create(actor=admin, first_name="Lucía", last_name="García")

    body = ApiClient(admin, scopes=["read"]).get("/api/v1/search", {"q": "rcia"}).json()

    assert [(i["title"], i["match"]) for g in body["groups"] for i in g["items"]] == [
        ("Lucía García", "infix")
    ]


def test_rebuild_keeps_phone_digits_and_drops_words_no_record_uses(admin):
    contact = contact_create(actor=admin, first_name="Temporary", last_name="Person", phone="+34 655 00 1111")
    contact_update(actor=admin, contact=contact, phone="+34 655 00 2222")

    search_words_rebuild([ACCOUNT_SEARCH, CONTACT_SEARCH], connection=connection)

    assert not SearchWord.objects.filter(word="55001111").exists()
    assert titles(admin, "002222") == ["Temporary Person"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only: table rebuilds drop triggers there")
def test_infix_triggers_dropped_by_a_table_rebuild_are_put_back_after_migrate(admin):
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{CONTACT_SEARCH.fts}_infix_ai"')
    contact_create(actor=admin, first_name="Written", last_name="Meanwhile", phone="+34 677 12 3456")
    assert titles(admin, "123456") == []

    assert search_index_ensure(CONTACT_SEARCH, connection=connection) is True

    assert titles(admin, "123456") == ["Written Meanwhile"]
    contact_create(actor=admin, first_name="Written", last_name="Afterwards", phone="+34 677 65 4321")
    assert titles(admin, "654321") == ["Written Afterwards"]


def _infix_objects() -> dict[str, bool]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%\\_infix%' ESCAPE '\\'")
            names = {row[0] for row in cursor.fetchall()}
            return {
                "index": CONTACT_SEARCH.infix_table in names and ACCOUNT_SEARCH.infix_table in names,
                "triggers": f"{CONTACT_SEARCH.fts}_infix_ai" in names,
            }
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s", ["%\\_search\\_infix\\_idx"])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%\\_search\\_infix\\_%"])
        triggers = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return {
            "index": {CONTACT_SEARCH.infix_index, ACCOUNT_SEARCH.infix_index} <= indexes,
            "triggers": "contacts_contact_search_infix_ai" in triggers,
            "extension": cursor.fetchone() is not None,
        }


@pytest.mark.django_db(transaction=True)
def test_migrations_go_backwards_and_forwards_and_fill_from_existing_rows(admin):
    contact_create(actor=admin, first_name="Lucía", last_name="García", phone="+34 612 34 4567")
    assert all(_infix_objects().values())

    call_command("migrate", "search", "0001", verbosity=0)  # unapplies contacts 0012 first

    assert not any(_infix_objects().values())
    assert not SearchWord.objects.filter(word="12344567").exists()
    assert SearchWord.objects.filter(key="garcia", word="garcia").exists()  # the typo index stays

    contact_create(actor=admin, first_name="Written", last_name="Meanwhile", phone="+34 699 11 2233")
    call_command("migrate", verbosity=0)

    assert all(_infix_objects().values())
    assert titles(admin, "rcia") == ["Lucía García"]
    assert titles(admin, "4567") == ["Lucía García"]
    assert titles(admin, "112233") == ["Written Meanwhile"]
    assert titles(admin, "anwhil") == ["Written Meanwhile"]
