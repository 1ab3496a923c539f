"""People and records the end-to-end browser tests share, and two guards that run with every browser test.

- Every page a test opens is watched: an uncaught JavaScript error or a Content-Security-Policy violation fails
  the test (the strict CSP forbids inline scripts and styles; a violation means something silently broke).
- `shots.take(name)` saves the current page at 1280 px and 390 px into /tmp/crm-shots/ when CRM_SCREENSHOTS=1,
  and does nothing otherwise.

The harness itself (Chromium, the live server, `page`, `login`) lives in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from crm.contacts import services as contact_services
from crm.contacts.tests.factories import TeamFactory, user_with_role

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Error, Page

PASSWORD = "correct-horse-battery-staple"
SHOTS_DIR = Path(os.environ.get("CRM_SHOTS_DIR", "/tmp/crm-shots"))  # noqa: S108 - outside the repo, on purpose
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}  # width x height of the viewport


# --- people -------------------------------------------------------------------------------------------------------


@pytest.fixture
def north(transactional_db: Any) -> Any:
    return TeamFactory(name="North")


@pytest.fixture
def south(transactional_db: Any) -> Any:
    return TeamFactory(name="South")


@pytest.fixture
def rep(north: Any) -> Any:
    """Rita, a sales rep in team North: sees her team's records, changes only her own."""
    return user_with_role(
        "sales_rep", email="rita@example.com", full_name="Rita Reyes", team=north, password=PASSWORD
    )


@pytest.fixture
def other_rep(south: Any) -> Any:
    """Sam, a sales rep in another team (South)."""
    return user_with_role(
        "sales_rep", email="sam@example.com", full_name="Sam Soto", team=south, password=PASSWORD
    )


@pytest.fixture
def admin(north: Any) -> Any:
    return user_with_role(
        "administrator",
        email="ada@example.com",
        full_name="Ada Admin",
        team=north,
        password=PASSWORD,
        is_superuser=True,
    )


@pytest.fixture
def rep_account(rep: Any) -> Any:
    """An account Rita owns, created through the service (so it is audited like a real one)."""
    return contact_services.account_create(
        actor=rep, name="Northwind Trading", account_type="prospect", email="hello@northwind.example"
    )


# --- guards -------------------------------------------------------------------------------------------------------

CSP_VIOLATION = re.compile(r"Content Security Policy|Content-Security-Policy", re.IGNORECASE)


@dataclass
class PageProblems:
    """JavaScript errors and CSP violations seen on a page while a test drove it."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and CSP_VIOLATION.search(message.text):
            self.errors.append(f"CSP violation at {message.location.get('url', '?')}: {message.text}")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"uncaught JavaScript error: {error.message}")


IDLE = "() => !document.querySelector('.htmx-request, [aria-busy=true]')"


def _settle(page: Page) -> None:
    """Let htmx requests still in flight finish before the test's data is wiped: a request the live server is
    still answering while Django empties the tables would fail there (and log a server error)."""
    with contextlib.suppress(Exception):  # a closed or crashed page has nothing in flight
        page.wait_for_function(IDLE, timeout=5_000)


@pytest.fixture(autouse=True)
def _page_problems(request: pytest.FixtureRequest) -> Iterator[PageProblems | None]:
    if "page" not in request.fixturenames:
        yield None
        return
    page: Page = request.getfixturevalue("page")
    problems = PageProblems()
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    yield problems
    _settle(page)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:  # a failing test reports its own problem first
        assert not problems.errors, "the page reported problems:\n" + "\n".join(problems.errors)


# --- screenshots --------------------------------------------------------------------------------------------------


@dataclass
class Shots:
    """Full-page screenshots, only when CRM_SCREENSHOTS=1: `take(name)` at both widths, `save(name)` at the
    current one. Files: /tmp/crm-shots/<name>-<width>.png (CRM_SHOTS_DIR to change)."""

    page: Page
    enabled: bool
    directory: Path
    taken: list[Path] = field(default_factory=list)

    def save(self, name: str) -> None:
        if not self.enabled:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        width = (self.page.viewport_size or {"width": 0})["width"]
        path = self.directory / f"{name}-{width}.png"
        # caret="initial": Playwright's default caret hiding leaves `style=""` on every input, which htmx then
        # copies while swapping, and the strict CSP reports that as an inline style.
        self.page.screenshot(path=str(path), full_page=True, animations="disabled", caret="initial")
        self.taken.append(path)

    def take(self, name: str) -> None:
        if not self.enabled:
            return
        original = self.page.viewport_size or {"width": 1280, "height": 800}
        for width, height in WIDTHS.values():
            self.page.set_viewport_size({"width": width, "height": height})
            self.save(name)
        self.page.set_viewport_size(original)


@pytest.fixture
def shots(page: Page) -> Shots:
    enabled = os.environ.get("CRM_SCREENSHOTS", "").strip().lower() in {"1", "true", "yes", "on"}
    return Shots(page=page, enabled=enabled, directory=SHOTS_DIR)
