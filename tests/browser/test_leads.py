"""Leads in the browser: a visitor fills in the public web form, the lead shows in the list, its owner
converts it through the convert dialog and lands on the new account."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from crm.contacts import selectors as contact_selectors
from crm.leads import selectors as lead_selectors


def test_web_form_lead_is_listed_converted_and_lands_on_the_account(page, login, admin, shots):
    # Given a visitor on the public form (no login)
    page.goto(reverse("leads:web_lead_form"))
    shots.take("lead-web-form")
    page.get_by_role("textbox", name="First name").fill("Lucía")
    page.get_by_role("textbox", name="Last name").fill("Martín")
    page.get_by_role("textbox", name="Email").fill("lucia@nubes.example")
    page.get_by_role("textbox", name="Company").fill("Nubes Ibéricas S.L.")
    page.get_by_role("textbox", name="How can we help?").fill("A CRM for our sales team")
    # When she sends it without consent, the form says so and nothing is stored
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Tick the box to agree to be contacted.").first).to_be_visible()
    assert lead_selectors.lead_count(user=admin, params={}) == (0, False)
    page.get_by_role("checkbox", name=re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # Then the administrator (the owner when no rule matches) sees it in the list
    login(admin)
    page.goto(reverse("leads:lead_list"))
    row = page.get_by_role("row").filter(has_text="Lucía Martín")
    expect(row).to_contain_text("Nubes Ibéricas S.L.")
    expect(row).to_contain_text("Web form")
    shots.take("lead-list")

    # When she opens it and converts it through the dialog
    row.get_by_role("link", name="Lucía Martín").click()
    expect(page.get_by_role("heading", name="Lucía Martín", level=1)).to_be_visible()
    shots.take("lead-record")
    page.get_by_text("Convert", exact=True).click()
    dialog = page.locator("[data-convert-form]")
    expect(dialog).to_contain_text("No matching account")
    dialog.get_by_role("button", name="Convert lead").click()

    # Then she lands on the new account, which has the person
    expect(page).to_have_url(re.compile(r"/accounts/\d+/$"))
    expect(page.get_by_role("heading", name="Nubes Ibéricas S.L.", level=1)).to_be_visible()
    account_pk = int(re.search(r"/accounts/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    people = contact_selectors.account_contacts(
        user=admin, account=contact_selectors.account_get(user=admin, pk=account_pk)
    )
    assert [m.contact.email for m in people] == ["lucia@nubes.example"]
    lead = lead_selectors.lead_list(user=admin, params={}).items[0]
    assert lead.status == "converted" and lead.converted_account_id == account_pk
