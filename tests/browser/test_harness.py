"""The browser harness itself: Debian's Chromium drives the live server, signed in by cookie or by form."""

from __future__ import annotations

import pytest

from crm.core.identity import selectors, services

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def admin():
    return services.user_create(
        actor=None,
        email="root@example.com",
        full_name="Root Admin",
        password=PASSWORD,
        role=selectors.role_get_by_key(key="administrator"),
        is_superuser=True,
    )


def test_cookie_login_reaches_a_page_that_needs_a_session(page, login, admin):
    login(admin)

    response = page.goto("/support-admin/")

    assert response is not None and response.status == 200
    assert page.locator("body").inner_text().strip() != ""
    assert "/login/" not in page.url


def test_form_login_signs_in_through_the_support_admin(page, admin):
    page.goto("/support-admin/login/")
    page.locator("input[name=username]").fill(admin.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("[type=submit]").click()

    page.wait_for_url(lambda url: "/login/" not in url)
    assert page.url.rstrip("/").endswith("/support-admin")
