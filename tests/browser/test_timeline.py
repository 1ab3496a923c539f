"""Logging a note on an account from the composer puts it on the record's timeline at once."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.activities import selectors as activity_selectors


def test_note_logged_from_the_composer_appears_on_the_timeline(page, login, rep, rep_account, shots):
    login(rep)
    page.goto(rep_account.get_absolute_url())
    page.evaluate("window.__sameDocument = true")
    activity = page.get_by_role("region", name="Activity")
    timeline = activity.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text("Rita Reyes created this account")

    # When Rita writes a note and saves it
    note = activity.get_by_role("textbox", name="Note")
    note.fill("Called Marta: they want the renewal quote by Friday.")
    activity.get_by_role("button", name="Save").click()

    # Then it is on the timeline, newest first, with her name; the composer is empty again; no page load
    entry = timeline.get_by_role("listitem").filter(has_text="they want the renewal quote by Friday")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("Rita Reyes")
    expect(timeline.get_by_role("listitem").first).to_contain_text("they want the renewal quote by Friday")
    expect(activity.get_by_role("textbox", name="Note")).to_have_value("")
    assert page.evaluate("window.__sameDocument === true")
    shots.take("account-detail")

    # And it was stored once, on this account, by her
    stored = activity_selectors.activity_for_record_query(
        object_type="contacts.account", object_id=rep_account.pk
    )
    assert [(a.kind, a.owner_id) for a in stored] == [("note", rep.pk)]
    assert "they want the renewal quote by Friday." in stored[0].body  # kept as sanitised HTML
