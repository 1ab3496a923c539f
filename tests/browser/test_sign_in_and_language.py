"""Signing in through the sign-in page, and switching the interface to Spanish."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

SPANISH_WEEKDAY = re.compile(r"\b(lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b", re.IGNORECASE)
SPANISH_CATALOGUE = settings.BASE_DIR / "crm" / "locale" / "es" / "LC_MESSAGES" / "django.mo"


def test_sign_in_form_rejects_a_wrong_password_then_lands_on_the_page_asked_for(page, rep, shots):
    # Given a signed-out visitor who opens the accounts list: the sign-in page is shown instead
    page.goto(reverse("contacts:account_list"))
    expect(page).to_have_url(re.compile(re.escape(reverse("identity:login")) + r"\?next="))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    shots.take("login")

    # When the password is wrong: a clear error, still on the sign-in page, the email kept
    page.get_by_label("Email").fill(rep.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(reverse("identity:login"))))
    expect(page.get_by_label("Email")).to_have_value(rep.email)
    shots.take("login-error")

    # When the right password is typed: signed in, on the page first asked for
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("contacts:account_list")) + "$"))
    expect(page.get_by_role("heading", name="Accounts", level=1)).to_be_visible()
    expect(page.get_by_label("Account menu")).to_contain_text(rep.full_name)


def test_language_switch_shows_the_interface_in_spanish_and_back(page, login, rep):
    login(rep)
    page.goto(reverse("ui:home"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # When Rita opens the menu under her name and picks "Español"
    page.get_by_role("banner").get_by_text(rep.full_name).first.click()
    page.get_by_role("button", name="Español").click()

    # Then the page comes back in Spanish, and her choice is remembered on her user
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Español", include_hidden=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    # Django's own Spanish (weekday names) in the date under the greeting
    expect(page.get_by_role("main").get_by_text(SPANISH_WEEKDAY).first).to_be_visible()
    if SPANISH_CATALOGUE.exists():  # our own catalogue (crm/locale/es): the main navigation
        expect(page.get_by_role("link", name="Cuentas", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Contactos", exact=True)).to_be_visible()
    rep.refresh_from_db()
    assert rep.language == "es"

    # And switching back gives English again
    page.get_by_role("banner").get_by_text(rep.full_name).first.click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Accounts", exact=True)).to_be_visible()
