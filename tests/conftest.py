"""Fixtures for the cross-app tests in `tests/`, including the real-browser tests in `tests/browser/`.

A browser test takes `page` (a fresh Playwright page whose base URL is the live server) and, to act as a
user, `login` (fast: hands the browser a session cookie) or `login_with_form` (types into the sign-in form):

    def test_home_shows_my_name(page, login, admin_user_factory):
        login(user)
        page.goto("/")
        expect(page.get_by_text(user.full_name)).to_be_visible()

The live server runs against the test database in a thread; tests using it are transactional (Django empties
the tables after each; the root conftest re-seeds the built-in roles before each).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.smtp import smtp_server  # noqa: F401 - a fixture: a real local SMTP server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or CRM_CHROMIUM); the root conftest skips or fails browser tests without it."""
    path = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / "var" / "test-reports" / "screenshots"
DEFAULT_TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the item, so `page` can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not found (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django's ORM refuses to run where a loop
    # is running unless told that it is safe (it is: the loop is idle while the test's code runs).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        yield pw
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the tests of one worker."""
    chromium = playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test, pointed at the live server."""
    ctx = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh context; on failure a screenshot lands in var/test-reports/screenshots/."""
    pg = context.new_page()
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = request.node.nodeid.replace("/", "_").replace("::", "__")[:180]
        try:
            pg.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the failure itself is what matters
            print(f"could not save a screenshot: {exc}")


@pytest.fixture
def login(context: BrowserContext, live_server: Any) -> Callable[[Any], Any]:
    """`login(user)`: the browser is signed in as `user` (a session cookie, no form round trip)."""
    from django.conf import settings
    from django.test import Client

    def _login(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _login


@pytest.fixture
def login_with_form(page: Page) -> Callable[[str, str], Page]:
    """`login_with_form(email, password)`: signs in through the sign-in page, as a person would."""
    from django.conf import settings
    from django.shortcuts import resolve_url

    def _login(email: str, password: str) -> Page:
        login_url = str(resolve_url(settings.LOGIN_URL))
        page.goto(login_url)
        page.locator("input[name=username], input[name=email]").first.fill(email)
        page.locator("input[name=password]").fill(password)
        page.locator("form [type=submit]").first.click()
        page.wait_for_url(lambda url: login_url not in url)
        return page

    return _login
