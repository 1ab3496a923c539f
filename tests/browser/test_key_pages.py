"""Every key page opens at desktop (1280 px) and phone (390 px) width: the right status, a page heading,
everything lazy-loaded arrived, every link, button and field has an accessible name, the page does not scroll
sideways, and no JavaScript error or CSP violation (see conftest). The record page stacks into one column on a
phone. With CRM_SCREENSHOTS=1 each page is saved as /tmp/crm-shots/<page>-<width>.png to look at."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from crm.activities.services import activity_create
from crm.contacts import services as contact_services
from crm.contacts.tests.factories import user_with_role
from tests.browser.conftest import WIDTHS


@pytest.fixture
def demo(admin: Any, rep: Any) -> dict[str, Any]:
    """A small, realistic data set so that pages are not all empty states."""
    acme = contact_services.account_create(
        actor=admin,
        owner=rep,
        name="Acme Ibérica S.L.",
        account_type="customer",
        industry="manufacturing",
        email="info@acme.example",
        phone="+34 912 345 678",
        website="https://acme.example",
        tax_id="B12345678",
        tags=["key account", "madrid"],
    )
    for name, account_type in [
        ("Globex Corporation", "prospect"),
        ("Initech", "partner"),
        ("Umbrella", "supplier"),
    ]:
        contact_services.account_create(actor=admin, name=name, account_type=account_type)
    old = contact_services.account_create(actor=admin, name="Old Trading Co")
    contact_services.account_delete(actor=admin, account=old)
    contact_services.account_update(
        actor=rep, account=acme, status="on_hold", description="Renewal due in Q3."
    )
    lucia = contact_services.contact_create(
        actor=rep,
        account=acme,
        account_role="decision_maker",
        first_name="Lucía",
        last_name="Martín",
        email="lucia@acme.example",
        job_title="Head of Purchasing",
        phone="+34 600 111 222",
    )
    contact_services.contact_create(
        actor=admin, first_name="John", last_name="Smith", email="john@globex.example"
    )
    note = activity_create(
        actor=rep,
        kind="note",
        account_id=acme.pk,
        contact_id=lucia.pk,
        body="Lucía confirmed the budget for the second plant.",
    )
    activity_create(
        actor=admin,
        kind="task",
        account_id=acme.pk,
        subject="Send the renewal quote",
        due_at=timezone.now() + dt.timedelta(days=1),
    )
    activity_create(
        actor=rep,
        kind="call",
        account_id=acme.pk,
        subject="Intro call",
        direction="outbound",
        outcome="connected",
        duration_seconds=900,
    )
    user_with_role("read_only", email="viewer@example.com", full_name="Vera Viewer")
    return {"acme": acme, "lucia": lucia, "note": note}


def _key_pages(demo: dict[str, Any], group: str) -> list[tuple[str, str, int]]:
    """(screenshot name, URL, expected status) of one group of pages (two groups: two workers share them)."""
    acme, lucia, note = demo["acme"], demo["lucia"], demo["note"]
    if group == "records":
        return [
            ("home", reverse("ui:home"), 200),
            ("accounts-list", reverse("contacts:account_list"), 200),
            ("account-detail-full", acme.get_absolute_url(), 200),
            ("account-edit", reverse("contacts:account_update", args=[acme.pk]), 200),
            ("contacts-list", reverse("contacts:contact_list"), 200),
            ("contact-detail-full", lucia.get_absolute_url(), 200),
            ("activities-list", reverse("activities:activity_list"), 200),
            ("activity-detail", reverse("activities:activity_detail", args=[note.pk]), 200),
        ]
    return [
        ("contact-new-empty", reverse("contacts:contact_create"), 200),
        ("profile", reverse("identity:profile"), 200),
        ("recycle-bin", reverse("audit:recycle_bin"), 200),
        ("users", reverse("identity:user_list"), 200),
        ("teams", reverse("identity:team_list"), 200),
        ("roles", reverse("identity:role_list"), 200),
        ("custom-fields", reverse("customfields:field_list"), 200),
        ("not-found-page", "/accounts/999999/", 404),
    ]


# A control the accessibility tree shows without a name: `- link:` / `- button` with nothing after the role.
NAMELESS_CONTROL = re.compile(
    r"^\s*- (link|button|textbox|searchbox|combobox|checkbox|radio|tab)( \[[^\]]*\])?:?$", re.MULTILINE
)


def _nameless_controls(page: Page) -> list[str]:
    """Links, buttons and inputs a screen reader would announce without a name, with what follows them."""
    lines = page.locator("body").aria_snapshot().splitlines()
    found = []
    for i, line in enumerate(lines):
        if NAMELESS_CONTROL.match(line):
            after = lines[i + 1].strip() if i + 1 < len(lines) else ""
            found.append(f"{line.strip()} {after}".strip())
    return found


def _horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def _problems_here(page: Page, where: str) -> list[str]:
    problems = [f"{where}: no accessible name: {control}" for control in _nameless_controls(page)]
    if (extra := _horizontal_overflow(page)) > 0:
        problems.append(f"{where}: {extra} px wider than the screen, the page scrolls sideways")
    return problems


@pytest.mark.parametrize("group", ["records", "settings"])
def test_key_pages_open_at_desktop_and_phone_width(page, login, admin, demo, shots, group):
    login(admin)
    problems: list[str] = []
    for name, url, status in _key_pages(demo, group):
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["desktop"], strict=True)))
        response = page.goto(url)
        assert response is not None and response.status == status, (name, url, response and response.status)
        expect(page.locator("[aria-busy=true]")).to_have_count(0)  # lazy panels (htmx) have arrived
        # the same document at each width: the layout follows the viewport, no reload needed
        for width, height in WIDTHS.values():
            page.set_viewport_size({"width": width, "height": height})
            if status == 200:
                expect(page.get_by_role("heading", level=1).first).to_be_visible()
            problems.extend(_problems_here(page, f"{name} ({url}) at {width} px"))
            shots.save(name)
    assert not problems, "key pages have problems:\n" + "\n".join(problems)


def test_record_page_stacks_its_columns_on_a_phone(page, login, admin, demo):
    login(admin)
    page.set_viewport_size({"width": WIDTHS["phone"][0], "height": WIDTHS["phone"][1]})
    page.goto(demo["acme"].get_absolute_url())
    expect(page.locator("[aria-busy=true]")).to_have_count(0)  # measured once the timeline is in
    summary = page.get_by_role("complementary", name="Summary").bounding_box()
    activity = page.get_by_role("region", name="Activity").bounding_box()
    related = page.get_by_role("complementary", name="Related").bounding_box()
    assert summary and activity and related
    # one column: each block starts below the previous one and uses the width of the screen
    assert summary["y"] + summary["height"] <= activity["y"] + 1
    assert activity["y"] + activity["height"] <= related["y"] + 1
    for box in (summary, activity, related):
        assert box["width"] > WIDTHS["phone"][0] * 0.8
    # and the navigation hides behind the menu button
    expect(page.get_by_role("button", name=re.compile("^Menu$"))).to_be_visible()
