"""The accounts and contacts web pages: lists, forms, record pages, inline edits, bulk actions, CSV, access."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.contacts.models import Account, Address, Contact, ContactAccount
from crm.contacts.tests.factories import (
    AccountFactory,
    ContactAccountFactory,
    ContactFactory,
    TeamFactory,
    UserFactory,
    role,
    user_with_role,
)
from crm.core.audit.selectors import audit_entry_list
from crm.core.customfields.services import custom_field_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="North")


@pytest.fixture
def admin(team):
    return user_with_role("administrator", team=team, full_name="Ada Admin")


@pytest.fixture
def rep(team):
    return user_with_role("sales_rep", team=team, full_name="Rita Rep")


@pytest.fixture
def outsider():
    return user_with_role("sales_rep", team=TeamFactory(name="South"), full_name="Otto Outsider")


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def as_rep(client, rep):
    client.force_login(rep)
    return client


def content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


# --- lists ---------------------------------------------------------------------------------------------------


def test_lists_require_login(client):
    for name in ("contacts:account_list", "contacts:contact_list", "contacts:account_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_account_list_filters_searches_and_shows_badges(as_admin, admin):
    AccountFactory(name="Acme Iberia", owner=admin, status="active", account_type="customer")
    AccountFactory(name="Acme Holdings", owner=admin, status="inactive")
    AccountFactory(name="Zeta Foods", owner=admin, status="active")

    body = content(as_admin.get(reverse("contacts:account_list"), {"q": "acme", "status": "active"}))

    assert "Acme Iberia" in body
    assert "Acme Holdings" not in body
    assert "Zeta Foods" not in body
    assert "badge--success" in body  # the status badge
    assert "1 accounts" in body or "1 account" in body


def test_account_list_sorts_both_ways(as_admin, admin):
    for name in ("Bravo", "Alpha", "Charlie"):
        AccountFactory(name=name, owner=admin)

    up = content(as_admin.get(reverse("contacts:account_list"), {"sort": "name"}))
    down = content(as_admin.get(reverse("contacts:account_list"), {"sort": "-name"}))

    assert up.index("Alpha") < up.index("Bravo") < up.index("Charlie")
    assert down.index("Charlie") < down.index("Bravo") < down.index("Alpha")
    assert 'aria-sort="descending"' in down


def test_account_list_pages_with_a_keyset_cursor(as_admin, admin):
    names = [f"Company {i:02d}" for i in range(5)]
    for name in names:
        AccountFactory(name=name, owner=admin)
    url = reverse("contacts:account_list")

    first = as_admin.get(url, {"page_size": "25", "sort": "name"})
    assert first.status_code == 200
    page1 = as_admin.get(url, {"sort": "name", "page_size": 2})
    cursor = page1.context["page"].next_cursor
    assert cursor
    with CaptureQueriesContext(connection) as ctx:
        page2 = as_admin.get(url, {"sort": "name", "page_size": 2, "cursor": cursor})

    shown1 = [a.name for a in page1.context["page"].items]
    shown2 = [a.name for a in page2.context["page"].items]
    assert shown1 == names[:2]
    assert shown2 == names[2:4]
    assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)  # keyset, never OFFSET
    assert "First" in content(page2)


def test_list_query_count_does_not_grow_with_page_size(as_admin, admin):
    custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="segment",
        label="Segment",
        field_type="choice",
        choices=[{"value": "smb", "label": "SMB"}],
    )
    parent = AccountFactory(owner=admin)
    for i in range(30):
        AccountFactory(owner=UserFactory(), parent=parent, tags=[f"t{i % 3}"], custom={"segment": "smb"})
    url = reverse("contacts:account_list")
    columns = "account_type,status,owner,tags,parent,custom.segment,updated_at"

    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = as_admin.get(url, {"page_size": size, "columns": columns})
        assert response.status_code == 200
        assert len(response.context["rows"]) == size
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]
    assert counts[1] <= 20


def test_contact_list_query_count_does_not_grow_with_page_size(
    as_admin, admin, django_assert_max_num_queries
):
    account = AccountFactory(owner=admin)
    for _ in range(30):
        contact = ContactFactory(owner=UserFactory(), primary_account=account, tags=["vip"])
        ContactAccountFactory(contact=contact, account=account)
    url = reverse("contacts:contact_list")
    with CaptureQueriesContext(connection) as small:
        as_admin.get(url, {"page_size": 5})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = as_admin.get(url, {"page_size": 25})
    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "bogus"}, "is not one of the choices"),
        ({"created_at__gte": "yesterday-ish"}, "YYYY-MM-DD"),
        ({"colour": "red"}, "Unknown filter"),
        ({"sort": "shoe_size"}, "Cannot sort by"),
        ({"cursor": "%%%"}, "cursor is not valid"),
    ],
)
def test_bad_list_parameters_show_a_clear_error_not_a_crash(as_admin, admin, params, message):
    AccountFactory(name="Visible Co", owner=admin)

    response = as_admin.get(reverse("contacts:account_list"), params)

    assert response.status_code == 400
    body = content(response)
    assert message in body.replace("&quot;", '"').replace("&#x27;", "'")
    assert "These filters cannot be applied" in body
    assert "Visible Co" not in body


def test_htmx_request_renders_only_the_results(as_admin, admin):
    AccountFactory(name="Partial Co", owner=admin)

    response = as_admin.get(reverse("contacts:account_list"), {"q": "partial"}, **HTMX)

    body = content(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="list-results"' in body
    assert "Partial Co" in body
    assert 'hx-swap-oob="true"' in body  # sort input, export link and saved views follow the new filters


def test_count_reads_capped_when_there_are_too_many(monkeypatch, as_admin, admin):
    from crm.contacts.views import accounts as account_views

    AccountFactory(owner=admin)
    capped = dataclasses.replace(account_views.ACCOUNTS, count_fn=lambda **kwargs: (10_000, True))
    monkeypatch.setattr(account_views, "ACCOUNTS", capped)

    body = content(as_admin.get(reverse("contacts:account_list")))

    assert "10,000+ accounts" in body


def test_custom_field_filter_and_column(as_admin, admin):
    custom_field_create(
        actor=admin,
        object_type="contacts.account",
        key="segment",
        label="Segment",
        field_type="choice",
        choices=[{"value": "smb", "label": "SMB"}, {"value": "ent", "label": "Enterprise"}],
    )
    AccountFactory(name="Small One", owner=admin, custom={"segment": "smb"})
    AccountFactory(name="Big One", owner=admin, custom={"segment": "ent"})

    response = as_admin.get(
        reverse("contacts:account_list"), {"custom.segment": "ent", "columns": "custom.segment"}
    )

    body = content(response)
    assert "Big One" in body and "Small One" not in body
    assert "Enterprise" in body  # the column shows the choice label
    assert 'name="custom.segment"' in body  # the filter control


def test_empty_list_says_what_to_do_next(as_admin):
    body = content(as_admin.get(reverse("contacts:account_list")))
    assert "No accounts yet" in body
    assert reverse("contacts:account_create") in body


# --- create and edit -----------------------------------------------------------------------------------------


def test_create_account_with_invalid_email_shows_inline_error_and_creates_nothing(as_admin, admin):
    response = as_admin.post(
        reverse("contacts:account_create"),
        {
            "name": "Broken Email Co",
            "account_type": "customer",
            "status": "active",
            "owner": admin.pk,
            "email": "not-an-email",
        },
    )

    assert response.status_code == 422
    assert response.context["form"].errors["email"]
    assert "field__error" in content(response)
    assert not Account.all_objects.filter(name="Broken Email Co").exists()


def test_service_errors_are_shown_on_their_field_and_nothing_is_created(as_admin, admin):
    response = as_admin.post(
        reverse("contacts:account_create"),
        {
            "name": "Bad Phone Co",
            "account_type": "customer",
            "status": "active",
            "owner": admin.pk,
            "phone": "call me maybe",
        },
    )

    assert response.status_code == 422
    assert "valid phone number" in str(response.context["form"].errors["phone"])
    assert not Account.all_objects.filter(name="Bad Phone Co").exists()


def test_custom_field_errors_map_to_the_custom_input():
    from crm.contacts.forms import AccountForm, apply_domain_errors
    from crm.core.errors import InvalidInput

    class Definition:
        key, field_type, is_required, help_text, choices = "budget", "number", False, "", []

        def label_for(self, language):
            return "Budget"

    form = AccountForm({"name": "x"}, custom_definitions=[Definition()], users=[(1, "A")])
    form.is_valid()
    apply_domain_errors(
        form, InvalidInput(field_errors={"custom.budget": ["Enter a number."], "mystery": ["Bad."]})
    )

    assert form.errors["custom__budget"] == ["Enter a number."]
    assert "mystery: Bad." in form.non_field_errors()


def test_create_account_with_custom_fields_tags_and_lists(as_admin, admin):
    custom_field_create(
        actor=admin, object_type="contacts.account", key="revenue", label="Revenue", field_type="money"
    )
    custom_field_create(
        actor=admin, object_type="contacts.account", key="is_ref", label="Reference", field_type="boolean"
    )

    response = as_admin.post(
        reverse("contacts:account_create"),
        {
            "name": "Full Co",
            "account_type": "customer",
            "status": "active",
            "owner": admin.pk,
            "tags": "VIP, Partner",
            "other_emails": "a@x.com\nb@x.com",
            "custom__revenue": "1234.5",
            "custom__is_ref": "true",
        },
    )

    account = Account.objects.get(name="Full Co")
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    assert sorted(t.name for t in account.tags.all()) == ["Partner", "VIP"]
    assert account.other_emails == ["a@x.com", "b@x.com"]
    assert account.custom == {"revenue": 1234.5, "is_ref": True}


def test_create_contact_from_an_account_page_links_it(as_admin, admin):
    account = AccountFactory(owner=admin, name="Home Co")
    url = reverse("contacts:contact_create") + f"?account={account.pk}"

    form_page = as_admin.get(url)
    assert form_page.context["form"].initial["account"] == account.pk

    response = as_admin.post(
        url,
        {
            "first_name": "Ana",
            "last_name": "López",
            "owner": admin.pk,
            "account": account.pk,
            "account_role": "billing",
            "email_consent": "unknown",
            "next": account.get_absolute_url(),
        },
    )

    contact = Contact.objects.get(full_name="Ana López")
    assert response["Location"] == account.get_absolute_url()
    assert contact.primary_account_id == account.pk
    assert ContactAccount.objects.get(contact=contact, account=account).role == "billing"


def test_create_contact_without_name_or_email_is_refused(as_admin, admin):
    response = as_admin.post(
        reverse("contacts:contact_create"), {"owner": admin.pk, "email_consent": "unknown"}
    )

    assert response.status_code == 422
    assert response.context["form"].errors["last_name"]
    assert Contact.all_objects.count() == 0


def test_full_edit_page_saves_with_version(as_admin, admin):
    account = AccountFactory(owner=admin, name="Old Name")
    url = reverse("contacts:account_update", args=[account.pk])
    assert as_admin.get(url).status_code == 200

    response = as_admin.post(
        url,
        {
            "name": "New Name",
            "account_type": "partner",
            "status": "active",
            "owner": admin.pk,
            "version": account.version,
        },
    )

    account.refresh_from_db()
    assert response.status_code == 302
    assert account.name == "New Name"
    assert account.account_type == "partner"


# --- record pages and inline edits ---------------------------------------------------------------------------


def test_account_detail_shows_fields_people_and_guarded_panels(as_admin, admin):
    account = AccountFactory(owner=admin, name="Detail Co", email="hi@detail.co")
    contact = ContactFactory(owner=admin, first_name="Pat", last_name="Lee", full_name="Pat Lee")
    ContactAccountFactory(contact=contact, account=account, role="technical")

    response = as_admin.get(account.get_absolute_url())

    body = content(response)
    assert response.status_code == 200
    assert "Detail Co" in body and "hi@detail.co" in body
    assert "Pat Lee" in body and "Technical" in body
    assert reverse("contacts:account_field", args=[account.pk, "email"]) in body
    assert "Move to recycle bin" in body


def test_contact_detail_shows_accounts_and_consent(as_admin, admin):
    account = AccountFactory(owner=admin, name="Employer Co")
    contact = ContactFactory(owner=admin, primary_account=account, do_not_call=True)
    ContactAccountFactory(contact=contact, account=account, role="decision_maker", is_primary=True)

    body = content(as_admin.get(contact.get_absolute_url()))

    assert "Employer Co" in body and "Decision maker" in body
    assert "Do not call" in body and "Consent" in body


def test_inline_edit_saves_and_writes_an_audit_entry(as_admin, admin):
    account = AccountFactory(owner=admin, phone="")
    url = reverse("contacts:account_field", args=[account.pk, "phone"])

    form = as_admin.get(url, HTTP_HX_REQUEST="true")
    assert 'name="version"' in content(form)
    response = as_admin.post(
        url, {"phone": "+34 912 345 678", "version": account.version}, HTTP_HX_REQUEST="true"
    )

    account.refresh_from_db()
    assert response.status_code == 200
    assert account.phone == "+34912345678"
    assert "+34912345678" in content(response)
    assert "showToast" in response["HX-Trigger"]
    entries = audit_entry_list(object_type="contacts.account", object_id=account.pk)
    assert any(c["field"] == "phone" and c["new"] == "+34912345678" for e in entries for c in e.changes)


def test_inline_edit_of_a_custom_field(as_admin, admin):
    custom_field_create(
        actor=admin, object_type="contacts.account", key="renewal", label="Renewal", field_type="date"
    )
    account = AccountFactory(owner=admin)
    url = reverse("contacts:account_field", args=[account.pk, "custom.renewal"])

    response = as_admin.post(url, {"custom__renewal": "2025-09-30", "version": account.version})

    account.refresh_from_db()
    assert response.status_code == 200
    assert account.custom == {"renewal": "2025-09-30"}


def test_inline_edit_with_invalid_value_shows_the_error_and_changes_nothing(as_admin, admin):
    account = AccountFactory(owner=admin, email="keep@x.com")
    url = reverse("contacts:account_field", args=[account.pk, "email"])

    response = as_admin.post(url, {"email": "nope", "version": account.version}, HTTP_HX_REQUEST="true")

    account.refresh_from_db()
    assert response.status_code == 200  # htmx swaps the form back with its error
    assert "field__error" in content(response)
    assert account.email == "keep@x.com"


def test_stale_inline_edit_is_refused_and_changes_nothing(as_admin, admin):
    account = AccountFactory(owner=admin, name="Original")
    stale_version = account.version
    Account.objects.filter(pk=account.pk).update(version=stale_version + 1, website="https://other.example")
    url = reverse("contacts:account_field", args=[account.pk, "name"])

    response = as_admin.post(url, {"name": "Mine", "version": stale_version}, HTTP_HX_REQUEST="true")

    account.refresh_from_db()
    body = content(response)
    assert "Someone else changed this record" in body
    assert "Reload the page" in body
    assert account.name == "Original"
    assert account.version == stale_version + 1


def test_inline_edit_form_names_its_field_once_and_leaves_validation_to_us(as_admin, admin):
    account = AccountFactory(owner=admin)
    url = reverse("contacts:account_field", args=[account.pk, "account_type"])

    body = content(as_admin.get(url, HTTP_HX_REQUEST="true"))

    assert body.count("<label") == 1  # the field's own (visually hidden) label; the <dt> is aria-hidden
    assert '<dt class="inline-field__label" aria-hidden="true">' in body
    assert "novalidate" in body


def test_inline_save_refreshes_the_page_header_and_the_timeline(as_admin, admin):
    account = AccountFactory(owner=admin, status="active")
    url = reverse("contacts:account_field", args=[account.pk, "status"])

    response = as_admin.post(url, {"status": "on_hold", "version": account.version}, HTTP_HX_REQUEST="true")

    body = content(response)
    assert response.status_code == 200
    header = body[body.index('id="record-subtitle"') - 60 :]
    assert 'hx-swap-oob="true"' in header and "On hold" in header and "Updated" in header
    assert "timelineChanged" in response["HX-Trigger"] and "showToast" in response["HX-Trigger"]


def test_contact_inline_save_refreshes_the_job_title_in_the_header(as_admin, admin):
    contact = ContactFactory(owner=admin, job_title="")
    url = reverse("contacts:contact_field", args=[contact.pk, "job_title"])

    response = as_admin.post(url, {"job_title": "CFO", "version": contact.version}, HTTP_HX_REQUEST="true")

    body = content(response)
    assert 'id="record-subtitle" hx-swap-oob="true">CFO' in body


def test_record_page_opens_the_tab_named_in_the_query_string(as_admin, admin):
    account = AccountFactory(owner=admin)
    history = reverse("audit:history", args=["contacts.account", account.pk])
    timeline = reverse("activities:timeline", args=["contacts.account", account.pk])

    default = content(as_admin.get(account.get_absolute_url()))
    chosen = content(as_admin.get(account.get_absolute_url() + "?tab=history"))
    unknown = content(as_admin.get(account.get_absolute_url() + "?tab=nope"))

    assert f'hx-get="{timeline}" hx-trigger="load"' in default
    assert f'hx-get="{history}" hx-trigger="load"' not in default
    assert f'hx-get="{history}" hx-trigger="load"' in chosen
    assert 'id="record-tab-tab-history"' in chosen
    assert chosen.split('id="record-tab-tab-history"')[1].split(">")[0].count('aria-selected="true"') == 1
    assert f'hx-get="{timeline}" hx-trigger="load"' in unknown  # an unknown tab falls back to the first


def test_phones_show_in_international_format_and_dial_in_e164(as_admin, admin):
    account = AccountFactory(owner=admin, phone="+34912345678")
    contact = ContactFactory(owner=admin, mobile="+34612345678", other_phones=["+442071838750"])

    account_page = content(as_admin.get(account.get_absolute_url()))
    contact_page = content(as_admin.get(contact.get_absolute_url()))
    listing = content(as_admin.get(reverse("contacts:account_list") + "?columns=phone"))

    assert 'href="tel:+34912345678"' in account_page and "+34 912 34 56 78" in account_page
    assert 'href="tel:+34612345678"' in contact_page and "+34 612 34 56 78" in contact_page
    assert 'href="tel:+442071838750"' in contact_page and "+44 20 7183 8750" in contact_page
    assert "+34 912 34 56 78" in listing


def test_unknown_inline_field_is_404(as_admin, admin):
    account = AccountFactory(owner=admin)
    response = as_admin.get(reverse("contacts:account_field", args=[account.pk, "owner_id"]))
    assert response.status_code == 404


def test_change_owner_records_the_reason(as_admin, admin):
    account = AccountFactory(owner=admin)
    new_owner = UserFactory(full_name="Nina New")

    response = as_admin.post(
        reverse("contacts:account_owner", args=[account.pk]),
        {"owner": new_owner.pk, "reason": "territory change"},
    )

    account.refresh_from_db()
    assert response.status_code == 302
    assert account.owner == new_owner
    entries = audit_entry_list(object_type="contacts.account", object_id=account.pk)
    assert entries[0].reason == "territory change"


def test_move_to_recycle_bin_redirects_to_the_list_with_a_message(as_admin, admin):
    account = AccountFactory(owner=admin, name="Doomed Co")

    response = as_admin.post(reverse("contacts:account_delete", args=[account.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("contacts:account_list")
    assert "moved to the recycle bin" in content(response)
    assert Account.all_objects.get(pk=account.pk).deleted_at is not None
    assert as_admin.get(account.get_absolute_url()).status_code == 404


def test_delete_requires_post(as_admin, admin):
    account = AccountFactory(owner=admin)
    assert as_admin.get(reverse("contacts:account_delete", args=[account.pk])).status_code == 405
    assert Account.objects.filter(pk=account.pk).exists()


def test_addresses_can_be_added_edited_and_removed(as_admin, admin):
    account = AccountFactory(owner=admin)

    as_admin.post(
        reverse("contacts:account_address_add", args=[account.pk]),
        {"new-kind": "billing", "new-street": "Gran Vía 1", "new-city": "Madrid", "new-country": "es"},
    )
    address = Address.objects.get(account=account)
    assert address.country == "ES"

    as_admin.post(
        reverse("contacts:address_update", args=[address.pk]),
        {f"a{address.pk}-kind": "office", f"a{address.pk}-city": "Sevilla"},
    )
    address.refresh_from_db()
    assert address.city == "Sevilla"

    as_admin.post(reverse("contacts:address_remove", args=[address.pk]))
    assert not Address.objects.filter(pk=address.pk).exists()


def test_bad_address_shows_an_error_and_stores_nothing(as_admin, admin):
    account = AccountFactory(owner=admin)

    response = as_admin.post(
        reverse("contacts:account_address_add", args=[account.pk]),
        {"new-kind": "billing", "new-country": "Spain"},
        follow=True,
    )

    assert "Country" in content(response)
    assert not Address.objects.filter(account=account).exists()


def test_link_and_unlink_a_contact(as_admin, admin):
    account = AccountFactory(owner=admin)
    contact = ContactFactory(owner=admin, first_name="Lia", last_name="Ng", full_name="Lia Ng")

    picker = as_admin.get(reverse("contacts:account_contact_picker", args=[account.pk]), {"q": "Lia"})
    assert "Lia Ng" in content(picker)
    as_admin.post(
        reverse("contacts:account_contact_link", args=[account.pk]), {"other": contact.pk, "role": "user"}
    )
    assert ContactAccount.objects.filter(contact=contact, account=account, role="user").exists()

    as_admin.post(reverse("contacts:membership_remove", args=[contact.pk, account.pk]))
    assert not ContactAccount.objects.filter(contact=contact, account=account).exists()


# --- bulk actions ----------------------------------------------------------------------------------------------


def test_bulk_assign_owner_asks_for_owner_and_reason_then_records_the_reason(as_admin, admin):
    accounts = [AccountFactory(owner=admin) for _ in range(3)]
    new_owner = UserFactory()
    url = reverse("contacts:account_bulk")
    ids = [a.pk for a in accounts[:2]]

    ask = as_admin.post(url, {"action": "assign_owner", "ids": ids})
    assert ask.status_code == 200
    assert "Assign an owner" in content(ask)

    response = as_admin.post(
        url,
        {
            "action": "assign_owner",
            "step": "confirm",
            "ids": [*ids, 999999],
            "owner": new_owner.pk,
            "reason": "rebalancing",
            "next": "/accounts/?q=x",
        },
        follow=True,
    )

    assert "2 changed, 1 skipped" in content(response)
    assert response.redirect_chain[-1][0] == "/accounts/?q=x"
    for account in accounts[:2]:
        account.refresh_from_db()
        assert account.owner == new_owner
        assert (
            audit_entry_list(object_type="contacts.account", object_id=account.pk)[0].reason == "rebalancing"
        )
    accounts[2].refresh_from_db()
    assert accounts[2].owner == admin


def test_bulk_assign_owner_without_reason_changes_nothing(as_admin, admin):
    account = AccountFactory(owner=admin)
    new_owner = UserFactory()

    response = as_admin.post(
        reverse("contacts:account_bulk"),
        {
            "action": "assign_owner",
            "step": "confirm",
            "ids": [account.pk],
            "owner": new_owner.pk,
            "reason": "",
        },
    )

    account.refresh_from_db()
    assert response.status_code == 422
    assert "Say why" in content(response)
    assert account.owner == admin


def test_bulk_tag_and_bulk_delete_report_changed_and_skipped(as_admin, admin, outsider):
    mine = AccountFactory(owner=admin)
    contact = ContactFactory(owner=admin)
    url = reverse("contacts:contact_bulk")

    tagged = as_admin.post(
        url, {"action": "tag", "step": "confirm", "ids": [contact.pk], "tags": "Hot"}, follow=True
    )
    assert "1 changed" in content(tagged)
    assert [t.name for t in contact.tags.all()] == ["Hot"]

    deleted = as_admin.post(
        reverse("contacts:account_bulk"), {"action": "delete", "ids": [mine.pk]}, follow=True
    )
    assert "1 changed" in content(deleted)
    assert not Account.objects.filter(pk=mine.pk).exists()


def test_bulk_without_selection_explains(as_admin):
    response = as_admin.post(reverse("contacts:account_bulk"), {"action": "delete"}, follow=True)
    assert "Select at least one row" in content(response)


def test_rep_bulk_changes_skip_records_of_others(client, rep, outsider):
    teammate = UserFactory(team=rep.team)
    own = AccountFactory(owner=rep)
    teammates = AccountFactory(owner=teammate)
    foreign = AccountFactory(owner=outsider)
    client.force_login(rep)

    response = client.post(
        reverse("contacts:account_bulk"),
        {"action": "delete", "ids": [own.pk, teammates.pk, foreign.pk]},
        follow=True,
    )

    assert "1 changed, 2 skipped" in content(response)
    assert Account.objects.filter(pk__in=[teammates.pk, foreign.pk]).count() == 2


# --- CSV export ---------------------------------------------------------------------------------------------


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content(response))))


def test_csv_export_escapes_formulas_respects_filters_and_includes_custom_fields(as_admin, admin):
    custom_field_create(
        actor=admin, object_type="contacts.account", key="note", label="Note", field_type="text"
    )
    AccountFactory(
        name='=HYPERLINK("http://evil")', owner=admin, status="active", custom={"note": "@SUM(A1)"}
    )
    AccountFactory(name="+cmd", owner=admin, status="active", legal_name="-2+3")
    AccountFactory(name="Filtered Out", owner=admin, status="inactive")

    response = as_admin.get(reverse("contacts:account_list"), {"format": "csv", "status": "active"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert "Note" in header
    names = {r[header.index("Name")] for r in body}
    assert names == {'\'=HYPERLINK("http://evil")', "'+cmd"}
    assert "'@SUM(A1)" in {r[header.index("Note")] for r in body}
    assert "'-2+3" in {r[header.index("Legal name")] for r in body}


def test_csv_export_streams_many_rows_in_batches(as_admin, admin):
    for i in range(450):
        AccountFactory(owner=admin, name=f"Bulk {i:04d}")

    rows = _csv_rows(as_admin.get(reverse("contacts:account_list"), {"format": "csv"}))

    assert len(rows) == 451


def test_csv_export_needs_the_export_permission(client):
    reader = user_with_role("read_only")
    AccountFactory()
    client.force_login(reader)

    assert client.get(reverse("contacts:account_list"), {"format": "csv"}).status_code == 403
    list_page = client.get(reverse("contacts:account_list"))
    assert "format=csv" not in content(list_page)


def test_csv_export_of_a_rep_holds_only_what_they_may_export(client, rep):
    teammate = UserFactory(team=rep.team)
    AccountFactory(owner=rep, name="Mine")
    AccountFactory(owner=teammate, name="Teammate's")
    client.force_login(rep)

    rows = _csv_rows(client.get(reverse("contacts:account_list"), {"format": "csv"}))

    assert [r[1] for r in rows[1:]] == ["Mine"]  # sales reps see their team but export only their own


def test_csv_export_with_bad_filter_is_a_clear_400(as_admin):
    response = as_admin.get(reverse("contacts:contact_list"), {"format": "csv", "email_consent": "maybe"})
    assert response.status_code == 400
    assert "is not one of the choices" in content(response)


def test_contact_csv_export(as_admin, admin):
    account = AccountFactory(owner=admin, name="Employer")
    ContactFactory(
        owner=admin,
        first_name="Eva",
        last_name="Ruiz",
        full_name="Eva Ruiz",
        primary_account=account,
        phone="+34600111222",
    )

    rows = _csv_rows(as_admin.get(reverse("contacts:contact_list"), {"format": "csv"}))

    header = rows[0]
    row = rows[1]
    assert row[header.index("Name")] == "Eva Ruiz"
    assert row[header.index("Account")] == "Employer"
    assert row[header.index("Phone")] == "'+34600111222"


# --- saved views --------------------------------------------------------------------------------------------


def test_saved_view_create_apply_and_delete(client, admin, rep):
    client.force_login(admin)
    AccountFactory(owner=admin, name="Active One", status="active")
    AccountFactory(owner=admin, name="Inactive One", status="inactive")

    saved = client.post(
        reverse("savedviews:saved_view_create"),
        {
            "object_type": "contacts.account",
            "name": "Active only",
            "is_shared": "on",
            "query": "status=active&sort=-name&columns=status&cursor=abc",
            "next": "/accounts/",
        },
    )
    from crm.core.savedviews.selectors import saved_view_list

    view = saved_view_list(user=admin, object_type="contacts.account")[0]
    assert view.query == "status=active&sort=-name&columns=status"
    assert saved["Location"] == f"/accounts/?{view.query}&view={view.pk}"

    applied = client.get(saved["Location"])
    body = content(applied)
    assert "Active One" in body and "Inactive One" not in body
    assert applied.context["current_view"] == view

    client.force_login(rep)
    assert saved_view_list(user=rep, object_type="contacts.account") == [view]  # shared
    assert client.post(reverse("savedviews:saved_view_delete", args=[view.pk])).status_code == 403

    client.force_login(admin)
    client.post(reverse("savedviews:saved_view_delete", args=[view.pk]), {"next": "/accounts/"})
    assert saved_view_list(user=admin, object_type="contacts.account") == []


def test_personal_saved_views_are_private(client, admin, rep):
    from crm.core.savedviews.services import saved_view_create

    view = saved_view_create(actor=admin, object_type="contacts.account", name="Mine", query="status=active")
    client.force_login(rep)

    assert client.post(reverse("savedviews:saved_view_delete", args=[view.pk])).status_code == 404
    assert "Mine" not in content(client.get(reverse("contacts:account_list")))


def test_saved_view_without_a_name_is_refused(as_admin):
    response = as_admin.post(
        reverse("savedviews:saved_view_create"),
        {"object_type": "contacts.account", "name": "  ", "next": "/accounts/"},
        follow=True,
    )
    assert "Give the view a name" in content(response)


# --- access ---------------------------------------------------------------------------------------------------


def test_sales_rep_neither_sees_nor_changes_another_teams_records(client, rep, outsider):
    foreign = AccountFactory(owner=outsider, name="Foreign Co", phone="")
    foreign_contact = ContactFactory(owner=outsider, first_name="Far", last_name="Away", full_name="Far Away")
    AccountFactory(owner=rep, name="Own Co")
    client.force_login(rep)

    listing = content(client.get(reverse("contacts:account_list")))
    assert "Own Co" in listing and "Foreign Co" not in listing
    assert "Far Away" not in content(client.get(reverse("contacts:contact_list")))
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(foreign_contact.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("contacts:account_update", args=[foreign.pk]),
            {"name": "Hacked", "account_type": "customer", "status": "active", "owner": rep.pk},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("contacts:account_field", args=[foreign.pk, "phone"]),
            {"phone": "+34911111111", "version": foreign.version},
        ).status_code
        == 404
    )
    assert client.post(reverse("contacts:account_delete", args=[foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("contacts:account_owner", args=[foreign.pk]), {"owner": rep.pk, "reason": "mine now"}
        ).status_code
        == 404
    )

    foreign.refresh_from_db()
    assert (foreign.name, foreign.phone, foreign.owner_id, foreign.deleted_at) == (
        "Foreign Co",
        "",
        outsider.pk,
        None,
    )


def test_sales_rep_sees_teammates_records_read_only(client, rep):
    teammate = UserFactory(team=rep.team)
    account = AccountFactory(owner=teammate, name="Team Co", phone="")
    client.force_login(rep)

    page = client.get(account.get_absolute_url())
    body = content(page)
    assert page.status_code == 200
    assert reverse("contacts:account_update", args=[account.pk]) not in body
    assert "inline-field__edit" not in body
    assert "Move to recycle bin" not in body

    response = client.post(
        reverse("contacts:account_field", args=[account.pk, "phone"]),
        {"phone": "+34911111111", "version": account.version},
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.phone == ""


def test_read_only_user_gets_no_create_button_and_403_on_create(client):
    reader = user_with_role("read_only")
    client.force_login(reader)

    body = content(client.get(reverse("contacts:account_list")))
    assert reverse("contacts:account_create") not in body
    response = client.post(
        reverse("contacts:account_create"),
        {"name": "Nope", "account_type": "customer", "status": "active", "owner": reader.pk},
    )
    assert response.status_code == 403
    assert not Account.all_objects.filter(name="Nope").exists()


def test_a_refused_action_renders_the_403_page_on_the_shell(client):
    reader = user_with_role("read_only")
    client.force_login(reader)

    response = client.post(
        reverse("contacts:account_create"),
        {"name": "Nope", "account_type": "customer", "status": "active", "owner": reader.pk},
    )

    body = content(response)
    assert response.status_code == 403
    assert "You do not have permission to do this" in body and 'class="sidebar"' in body
    assert "Traceback" not in body


# --- home panel and quick find ---------------------------------------------------------------------------------


def test_home_panel_lists_recently_updated_visible_accounts(client, rep, outsider):
    AccountFactory(owner=rep, name="Recent Mine")
    AccountFactory(owner=outsider, name="Recent Foreign")
    client.force_login(rep)

    body = content(client.get(reverse("contacts:home_recent_accounts")))

    assert "Recent Mine" in body and "Recent Foreign" not in body


def test_quick_find_providers_are_registered_and_scoped(rep, outsider):
    from crm.core.search.selectors import search_run

    AccountFactory(owner=rep, name="Findable Co")
    AccountFactory(owner=outsider, name="Findable Foreign")
    ContactFactory(owner=rep, first_name="Findable", last_name="Person", full_name="Findable Person")

    groups = {str(g.label): [h.title for h in g.hits] for g in search_run(user=rep, q="findable")}

    assert groups["Accounts"] == ["Findable Co"]
    assert groups["Contacts"] == ["Findable Person"]


def test_quick_find_popover_query_count_does_not_grow_with_matches(
    client, rep, django_assert_max_num_queries
):
    """One query per provider (accounts, contacts, with the contact's account joined), five hits each."""
    client.force_login(rep)
    url, params = reverse("search:search"), {"q": "zeta", "popover": "1"}
    account = AccountFactory(owner=rep, name="Zeta 0")
    ContactFactory(owner=rep, first_name="Zeta", last_name="0", full_name="Zeta 0", primary_account=account)
    client.get(url, params, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as few:
        client.get(url, params, HTTP_HX_REQUEST="true")
    for i in range(1, 12):
        account = AccountFactory(owner=rep, name=f"Zeta {i}")
        ContactFactory(
            owner=rep, first_name="Zeta", last_name=str(i), full_name=f"Zeta {i}", primary_account=account
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        body = content(client.get(url, params, HTTP_HX_REQUEST="true"))

    assert body.count('class="qf-pop__item"') == 10  # 5 accounts + 5 contacts


def test_role_helper_returns_builtin_roles():
    assert role("sales_rep").key == "sales_rep"


def test_inline_edit_of_tags_and_parent_and_a_refused_cycle(as_admin, admin):
    parent = AccountFactory(owner=admin, name="Parent Co")
    child = AccountFactory(owner=admin, name="Child Co", parent=parent)

    as_admin.post(
        reverse("contacts:account_field", args=[child.pk, "tags"]), {"tags": "A, b", "version": child.version}
    )
    child.refresh_from_db()
    assert sorted(t.name for t in child.tags.all()) == ["A", "b"]

    response = as_admin.post(
        reverse("contacts:account_field", args=[parent.pk, "parent"]),
        {"parent": child.pk, "version": parent.version},
    )
    parent.refresh_from_db()
    assert "cannot be its own parent" in content(response)
    assert parent.parent_id is None
