"""Record visibility in the browser: a sales rep of another team can neither find, open nor change an account."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from crm.contacts import services as contact_services


def test_rep_of_another_team_cannot_see_open_or_change_the_account(page, login, rep_account, other_rep):
    own = contact_services.account_create(actor=other_rep, name="Southern Cross Ltd")
    before = (rep_account.name, rep_account.owner_id, rep_account.account_type, rep_account.version)
    login(other_rep)

    # The list shows Sam his own account, not Rita's; searching for it finds nothing
    page.goto(reverse("contacts:account_list"))
    expect(page.get_by_role("link", name="Southern Cross Ltd")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Trading")).to_have_count(0)
    page.get_by_role("searchbox", name="Search").fill("Northwind")
    expect(page.get_by_text("Nothing matches these filters")).to_be_visible()

    # Opening its URL answers "not found", and the page gives nothing of it away
    for url in (
        rep_account.get_absolute_url(),
        reverse("contacts:account_update", args=[rep_account.pk]),
        reverse("contacts:account_field", args=[rep_account.pk, "name"]),
        reverse("audit:history", args=["contacts.account", rep_account.pk]),
        reverse("activities:timeline", args=["contacts.account", rep_account.pk]),
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.locator("body")).not_to_contain_text("Northwind")

    # Changing it, even with a hand-made request carrying his valid session and CSRF token, is refused
    page.goto(own.get_absolute_url())  # any page of his: the browser now holds a CSRF cookie
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    headers = {"X-CSRFToken": csrf, "HX-Request": "true", "Referer": page.url}
    attempts = [
        (
            reverse("contacts:account_field", args=[rep_account.pk, "name"]),
            {"name": "Hijacked", "version": "1"},
        ),
        (
            reverse("contacts:account_update", args=[rep_account.pk]),
            {"name": "Hijacked", "account_type": "customer"},
        ),
        (reverse("contacts:account_owner", args=[rep_account.pk]), {"owner": str(other_rep.pk)}),
        (reverse("contacts:account_delete", args=[rep_account.pk]), {}),
    ]
    for url, form in attempts:
        response = page.request.post(url, form=form, headers=headers, max_redirects=0)
        assert response.status == 404, (url, response.status)

    rep_account.refresh_from_db()
    assert (rep_account.name, rep_account.owner_id, rep_account.account_type, rep_account.version) == before
    assert not rep_account.is_deleted
