"""Search-as-you-type in the top bar: results appear while typing, arrow keys move through them, Enter opens
the record; the full results page groups them by type."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from crm.contacts import services


def test_type_in_the_top_bar_then_arrow_keys_and_enter_open_the_record(page: Page, login, rep, shots):
    services.account_create(actor=rep, name="Muñoz Consultores", tax_id="B-12.345.678")
    contact = services.contact_create(
        actor=rep, first_name="José", last_name="Muñoz", phone="+34 600 123 456"
    )
    services.contact_create(actor=rep, first_name="Ana", last_name="Ortega")
    login(rep)
    page.goto("/")

    # When Rita types "munoz" (no accent) into the top bar, one key at a time
    box = page.get_by_role("searchbox", name="Quick find")
    box.press_sequentially("munoz", delay=40)

    # Then the account and the contact appear in the popover, grouped by type
    popover = page.locator("#quickfind-popover")
    expect(popover.get_by_role("option", name=re.compile("Muñoz Consultores"))).to_be_visible()
    expect(popover.get_by_role("option", name=re.compile("José Muñoz"))).to_be_visible()
    expect(popover.get_by_text("Ana Ortega")).to_have_count(0)
    shots.take("search-popover")

    # When she moves down to the contact with the arrow keys and presses Enter
    box.press("ArrowDown")
    expect(popover.get_by_role("option", name=re.compile("Muñoz Consultores"))).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(popover.get_by_role("option", name=re.compile("José Muñoz"))).to_be_focused()
    page.keyboard.press("Enter")

    # Then the contact's page opens
    expect(page).to_have_url(re.compile(rf"/contacts/{contact.pk}/$"))
    expect(page.get_by_role("heading", name="José Muñoz", level=1)).to_be_visible()

    # And a phone number typed in another format finds the contact too; Enter on the box opens all results
    box = page.get_by_role("searchbox", name="Quick find")
    box.press_sequentially("600 123", delay=30)
    expect(popover.get_by_role("option", name=re.compile("José Muñoz"))).to_be_visible()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=600\+123$"))
    expect(page.get_by_role("heading", name=re.compile("Contacts"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("José Muñoz"))).to_be_visible()
    shots.take("search-results")


def test_part_of_a_name_a_phone_or_a_tax_id_finds_the_record_while_typing(page: Page, login, rep, shots):
    services.account_create(actor=rep, name="Muñoz Consultores", tax_id="B-12.345.678")
    services.contact_create(actor=rep, first_name="Lucía", last_name="García", phone="+34 612 34 4567")
    login(rep)
    page.goto("/")
    box = page.get_by_role("searchbox", name="Quick find")
    popover = page.locator("#quickfind-popover")

    # When Rita types the middle of a surname, the end of a phone number, then part of a tax id
    box.press_sequentially("rcía", delay=40)
    expect(popover.get_by_role("option", name=re.compile("Lucía García"))).to_be_visible()
    shots.take("search-infix")
    box.fill("")
    box.press_sequentially("4567", delay=40)
    expect(popover.get_by_role("option", name=re.compile("Lucía García"))).to_be_visible()
    box.fill("")
    box.press_sequentially("2345", delay=40)

    # Then each finds its record, and only it
    expect(popover.get_by_role("option", name=re.compile("Muñoz Consultores"))).to_be_visible()
    expect(popover.get_by_text("Lucía García")).to_have_count(0)
