from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from crm.contacts.tests.factories import AccountFactory, ContactFactory
from crm.core.search import registry

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture
def as_admin(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def test_results_page_groups_hits_by_type_with_more_links(as_admin, admin):
    for i in range(12):
        ContactFactory(
            owner=admin, first_name="Nuria", last_name=f"Vidal{i}", full_name=f"Nuria Vidal {i:02d}"
        )
    AccountFactory(owner=admin, name="Nuria Consulting")

    body = as_admin.get(URL, {"q": "nuria"}).content.decode()

    assert 'data-search-group="contacts.account"' in body and "Nuria Consulting" in body
    assert body.count('class="list__item"') == 11  # the account + ten contacts
    assert f"{URL}?q=nuria&amp;types=contacts.contact" in body  # "More contacts"
    assert "types=contacts.account" not in body


def test_more_shows_one_type_only(as_admin, admin):
    for i in range(12):
        ContactFactory(
            owner=admin, first_name="Nuria", last_name=f"Vidal{i}", full_name=f"Nuria Vidal {i:02d}"
        )
    AccountFactory(owner=admin, name="Nuria Consulting")

    body = as_admin.get(URL, {"q": "nuria", "types": "contacts.contact"}).content.decode()

    assert "Nuria Consulting" not in body
    assert body.count('class="list__item"') == 12


def test_popover_is_a_fragment_with_keyboard_targets(as_admin, admin):
    contact = ContactFactory(owner=admin, first_name="Íñigo", last_name="Ortega", full_name="Íñigo Ortega")

    response = as_admin.get(URL, {"q": "inigo", "popover": "1"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert f'href="{contact.get_absolute_url()}" data-qf-item' in body
    assert "See all results" in body


def test_bad_query_shows_the_reason_on_the_page(as_admin):
    body = as_admin.get(URL, {"q": "x" * 150}).content.decode()

    assert "Search for at most 100 characters." in body


def test_unknown_type_shows_the_reason(as_admin):
    body = as_admin.get(URL, {"q": "ana", "types": "nope.nope"}).content.decode()

    assert "Unknown type: nope.nope." in body


def test_empty_page_invites_to_search_and_popover_stays_empty(as_admin):
    assert "Search everything you can see" in as_admin.get(URL).content.decode()
    fragment = as_admin.get(URL, {"q": "a", "popover": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "qf-pop" not in fragment


def test_a_failing_search_type_is_left_out(as_admin, admin, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "_TYPES", dict(registry._TYPES))
    registry.search_type_register(key="contacts.account", label="Broken", provider=broken)
    ContactFactory(owner=admin, first_name="Still", last_name="Here", full_name="Still Here")

    body = as_admin.get(URL, {"q": "still"}).content.decode()

    assert "Still Here" in body and "Broken" not in body


def test_anonymous_users_are_sent_to_sign_in():
    response = Client().get(URL, {"q": "ana"})
    assert response.status_code == 302


def test_top_bar_box_searches_here(as_admin):
    body = as_admin.get(reverse("ui:home")).content.decode()
    assert f'hx-get="{URL}"' in body


def test_popover_query_count_does_not_grow_with_the_hits(as_admin, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def keystroke_queries(q: str) -> int:
        as_admin.get(URL, {"q": q, "popover": "1"}, headers={"HX-Request": "true"})  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            as_admin.get(URL, {"q": q, "popover": "1"}, headers={"HX-Request": "true"})
        return len(ctx.captured_queries)

    # both fill the popover (5 per type), so both skip the typo pass: only the number of hits differs
    for i in range(6):
        ContactFactory(
            owner=admin, first_name="Olivia", last_name=f"Sanz{i}", full_name=f"Olivia Sanz {i:02d}"
        )
    for i in range(40):
        ContactFactory(owner=admin, first_name="Pilar", last_name=f"Vega{i}", full_name=f"Pilar Vega {i:02d}")

    assert keystroke_queries("pilar") == keystroke_queries("olivia")


def test_one_letter_asks_for_one_more(as_admin):
    body = as_admin.get(URL, {"q": "a"}).content.decode()

    assert "Type at least 2 letters or digits." in body


def test_popover_escapes_names_subtitles_and_the_query(as_admin, admin):
    account = AccountFactory(owner=admin, name="<b>Xylo & Co</b>")
    ContactFactory(
        owner=admin,
        first_name="Xyla",
        last_name="O'Hara",
        full_name="Xyla <i>O'Hara</i>",
        job_title='Head of "R&D"',
        primary_account=account,
    )

    body = as_admin.get(URL, {"q": "xyl <", "popover": "1"}, headers={"HX-Request": "true"}).content.decode()

    assert "<b>" not in body and "<i>" not in body
    assert "&lt;b&gt;Xylo &amp; Co&lt;/b&gt;" in body  # the account, and the contact's subtitle
    assert "Xyla &lt;i&gt;O&#x27;Hara&lt;/i&gt;" in body
    assert "Head of &quot;R&amp;D&quot;" in body
    assert f'href="{URL}?q=xyl%20%3C" data-qf-item>' in body
    assert "“xyl &lt;”" in body
