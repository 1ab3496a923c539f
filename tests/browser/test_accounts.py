"""Accounts and contacts in the browser: create through the forms, edit inline, filter and sort the list,
read the history, and a form that refuses bad input without storing anything."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from crm.contacts import selectors
from crm.contacts import services as contact_services


def _no_reload_marker(page: Page) -> None:
    """Plant a flag in the page's JavaScript state; a full page load would wipe it."""
    page.evaluate("window.__sameDocument = true")


def _still_same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_create_an_account_then_a_contact_linked_to_it_through_the_forms(page, login, rep, shots):
    login(rep)
    page.goto(reverse("contacts:account_list"))
    shots.take("accounts-empty")

    # When Rita fills in the new-account form
    page.get_by_role("link", name="New account").first.click()
    expect(page.get_by_role("heading", name="New account", level=1)).to_be_visible()
    shots.take("account-new")
    page.get_by_role("textbox", name="Name", exact=True).fill("Acme Ibérica")
    page.get_by_role("combobox", name="Type", exact=True).select_option(label="Customer")
    page.get_by_role("textbox", name="Email", exact=True).fill("info@acme.example")
    page.get_by_role("button", name="Create account").click()

    # Then she lands on the new account's page
    expect(page.get_by_role("heading", name="Acme Ibérica", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/\d+/$"))
    account_pk = int(re.search(r"/accounts/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    account = selectors.account_get(user=rep, pk=account_pk)
    assert (account.name, account.account_type, account.email, account.owner_id) == (
        "Acme Ibérica",
        "customer",
        "info@acme.example",
        rep.pk,
    )

    # When she adds a contact from the account page: the account is already chosen
    page.get_by_role("main").get_by_role("link", name="New contact").first.click()
    expect(page.get_by_role("heading", name="New contact", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="Account", exact=True)).to_have_value("Acme Ibérica")
    shots.take("contact-new")
    page.get_by_role("textbox", name="First name").fill("Lucía")
    page.get_by_role("textbox", name="Last name").fill("Martín")
    page.get_by_role("textbox", name="Email", exact=True).fill("lucia@acme.example")
    page.get_by_role("combobox", name="Role at the account").select_option(label="Decision maker")
    page.get_by_role("button", name="Create contact").click()

    # Then she is back on the account, whose People panel lists the new contact with her role …
    expect(page.get_by_role("heading", name="Acme Ibérica", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Lucía Martín")).to_be_visible()  # the "created" toast
    people = page.get_by_role("region", name="People")
    expect(people.get_by_role("link", name="Lucía Martín")).to_be_visible()
    expect(people).to_contain_text("Decision maker")
    memberships = selectors.account_contacts(user=rep, account=account)
    assert [(m.contact.full_name, m.contact.email, m.role, m.is_primary) for m in memberships] == [
        ("Lucía Martín", "lucia@acme.example", "decision_maker", True)
    ]

    # … and the contact's own page links back to the account
    people.get_by_role("link", name="Lucía Martín").click()
    expect(page.get_by_role("heading", name="Lucía Martín", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Acme Ibérica").first).to_be_visible()
    shots.take("contact-detail")


def test_inline_edit_on_the_account_page_shows_the_new_value_without_a_reload(page, login, rep, rep_account):
    login(rep)
    page.goto(rep_account.get_absolute_url())
    _no_reload_marker(page)
    details = page.get_by_role("complementary", name="Summary")

    # When Rita edits the Type in place and saves
    details.get_by_role("button", name="Edit Type").click()
    details.get_by_role("combobox", name="Type").select_option(label="Customer")
    details.get_by_role("button", name="Save").click()

    # Then the field shows the new value, in the same document (no page load)
    type_value = details.get_by_role("definition").filter(has=page.get_by_role("button", name="Edit Type"))
    expect(type_value).to_contain_text("Customer")
    expect(details.get_by_role("combobox", name="Type")).to_have_count(0)
    assert _still_same_document(page)
    rep_account.refresh_from_db()
    assert rep_account.account_type == "customer"


def test_inline_edit_with_a_bad_value_shows_the_error_in_place_and_keeps_the_stored_value(
    page, login, rep, rep_account
):
    login(rep)
    page.goto(rep_account.get_absolute_url())
    _no_reload_marker(page)
    details = page.get_by_role("complementary", name="Summary")

    details.get_by_role("button", name="Edit Email").click()
    email = details.get_by_role("textbox", name="Email")
    email.fill("ana@example")  # passes the browser's own check, not the server's (no top-level domain)
    email.press("Enter")

    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("valid email", re.IGNORECASE))
    assert _still_same_document(page)
    rep_account.refresh_from_db()
    assert rep_account.email == "hello@northwind.example"


@pytest.fixture
def four_accounts(rep):
    for name, account_type in [
        ("Charlie Energy", "customer"),
        ("Alpha Foods", "customer"),
        ("Delta Partners", "partner"),
        ("Bravo Logistics", "prospect"),
    ]:
        contact_services.account_create(actor=rep, name=name, account_type=account_type)


FOUR_NAMES = re.compile(r"^(Alpha Foods|Bravo Logistics|Charlie Energy|Delta Partners)$")


def _names_in_table(page: Page):
    """The account-name links of the table's rows, in the order shown."""
    return page.get_by_role("table").get_by_role("link", name=FOUR_NAMES)


def test_account_list_filters_by_type_and_search_and_sorts_by_name(page, login, rep, four_accounts, shots):
    login(rep)
    page.goto(reverse("contacts:account_list"))
    names = _names_in_table(page)
    expect(names).to_have_count(4)
    shots.take("accounts-list")

    # Filter by type: only the customers, and the URL can be shared
    page.get_by_role("combobox", name="Type").select_option(label="Type: Customer")
    expect(names).to_have_text(["Alpha Foods", "Charlie Energy"])
    expect(page).to_have_url(re.compile(r"account_type=customer"))
    expect(page.get_by_text("2 accounts")).to_be_visible()

    # Search within the filter: nothing matches a prospect's name
    page.get_by_role("searchbox", name="Search").fill("Bravo")
    expect(page.get_by_text("Nothing matches these filters")).to_be_visible()
    expect(names).to_have_count(0)
    shots.take("accounts-no-match")

    # Search alone finds it
    page.get_by_role("combobox", name="Type").select_option(label="Type: Any")
    expect(names).to_have_text(["Bravo Logistics"])

    # Sort by name, descending then ascending, by clicking the column header
    page.goto(reverse("contacts:account_list"))
    expect(names).to_have_count(4)
    page.get_by_role("columnheader", name="Name").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "descending")
    expect(names).to_have_text(["Delta Partners", "Charlie Energy", "Bravo Logistics", "Alpha Foods"])
    page.get_by_role("columnheader", name="Name").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    expect(names).to_have_text(["Alpha Foods", "Bravo Logistics", "Charlie Energy", "Delta Partners"])

    # Sort by type
    page.get_by_role("columnheader", name="Type").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Type")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("table").get_by_role("row").nth(1)).to_contain_text("Customer")
    expect(page.get_by_role("table").get_by_role("row").nth(4)).to_contain_text("Prospect")


def test_history_tab_shows_who_changed_which_field_from_what_to_what(page, login, rep, rep_account, shots):
    login(rep)
    page.goto(rep_account.get_absolute_url())

    # When Rita changes the status with the edit form
    page.get_by_role("main").get_by_role("link", name="Edit", exact=True).click()
    page.get_by_role("combobox", name="Status", exact=True).select_option(label="On hold")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Northwind Trading", level=1)).to_be_visible()

    # Then the History tab names her, the field, the old and the new value
    page.get_by_role("tab", name="History").click()
    change = page.get_by_role("tabpanel").get_by_role("listitem").filter(has=page.get_by_role("insertion"))
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Rita Reyes")
    expect(change.get_by_role("term")).to_have_text("Status")
    expect(change.get_by_role("deletion")).to_have_text("Active")
    expect(change.get_by_role("insertion")).to_have_text("On hold")
    shots.take("account-history")


def test_new_account_with_an_invalid_email_shows_the_error_at_the_field_and_creates_nothing(
    page, login, rep, shots
):
    login(rep)
    page.goto(reverse("contacts:account_create"))
    page.get_by_role("textbox", name="Name", exact=True).fill("Bad Email Ltd")
    page.get_by_role("textbox", name="Email", exact=True).fill("not-an-email")
    page.get_by_role("button", name="Create account").click()

    email = page.get_by_role("textbox", name="Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("valid email", re.IGNORECASE))
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_visible()  # the summary at the top of the form
    # what was typed is kept
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Bad Email Ltd")
    shots.take("account-new-invalid")

    assert selectors.account_count(user=rep, params={}) == (0, False)
    page.goto(reverse("contacts:account_list"))
    expect(page.get_by_text("No accounts yet")).to_be_visible()
    expect(page.get_by_role("link", name="Bad Email Ltd")).to_have_count(0)
