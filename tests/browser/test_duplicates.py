"""Duplicates in the browser: the warning while typing a new contact, then a merge from the review queue
(choosing a field's value), and undoing it."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from crm.activities.services import activity_create
from crm.contacts import services as contact_services
from crm.contacts.models import Contact, Merge
from crm.contacts.services.duplicates import duplicate_scan


def test_warning_while_typing_then_merge_from_the_queue_and_undo(page: Page, login, admin, shots):
    lucia = contact_services.contact_create(
        actor=admin, first_name="Lucía", last_name="Martínez", email="lucia@acme.example", job_title="CFO"
    )
    twin = contact_services.contact_create(
        actor=admin, first_name="Lucia", last_name="Martinez", email="lucia@acme.example", phone="911 222 333"
    )
    activity_create(actor=admin, kind="note", body="Asked for the renewal quote", contact_id=twin.pk)
    login(admin)

    # While Ada types a new contact that already exists, the panel under the form lists it
    page.goto(reverse("contacts:contact_create"))
    page.get_by_role("textbox", name="First name").fill("lucia")
    page.get_by_role("textbox", name="Last name").fill("martinez")
    page.get_by_role("textbox", name="Email", exact=True).fill("Lucia@Acme.example")
    warning = page.locator("#duplicate-warning")
    expect(warning.get_by_role("link", name="Lucía Martínez")).to_be_visible()
    shots.take("duplicates-warning")

    # The scan fills the review queue; Ada opens the pair and compares the records side by side
    duplicate_scan(object_type="contacts")
    page.goto(reverse("contacts:duplicate_queue"))
    expect(page.get_by_role("heading", name="Possible duplicates", level=1)).to_be_visible()
    shots.take("duplicates-queue")
    page.get_by_role("link", name="Compare and merge").first.click()
    expect(page.get_by_role("heading", name="Merge records", level=1)).to_be_visible()
    shots.take("duplicates-merge")

    # She keeps Lucía's record, takes the other record's spelling of the first name, and merges
    page.locator(f'input[name="survivor"][value="{lucia.pk}"]').check()
    page.locator(f'input[name="field_first_name"][value="{twin.pk}"]').check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.get_by_role("heading", name="Records merged", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/duplicates/merges/\d+/$"))
    shots.take("duplicates-merged")
    lucia.refresh_from_db()
    assert (lucia.first_name, lucia.job_title, lucia.phone) == ("Lucia", "CFO", "+34911222333")
    assert not Contact.objects.filter(pk=twin.pk).exists()

    # The note moved to the record that stays: it is on its timeline
    page.get_by_role("link", name="Open the record").click()
    expect(page.get_by_text("Asked for the renewal quote")).to_be_visible()

    # Undo puts everything back
    page.go_back()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo merge").click()
    expect(page.get_by_role("heading", name="Merge undone", level=1)).to_be_visible()
    lucia.refresh_from_db()
    assert lucia.first_name == "Lucía" and lucia.phone == ""
    assert Contact.objects.filter(pk=twin.pk).exists()
    assert Merge.objects.get().is_undone
