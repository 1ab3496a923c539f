"""Test harness shared by every app's tests and the cross-app tests in `tests/`.

- Passwords hash with MD5 in tests (fast); set CRM_FAST_PASSWORD_HASHER=0 to test the real hasher.
- With PostgreSQL configured (DATABASE_URL) the server must answer, or the run stops at once with a clear message.
- Browser tests (marker `browser`, everything under `tests/browser/`) need Chromium at CRM_CHROMIUM
  (default /usr/bin/chromium); without it they are skipped, or the run fails when CRM_REQUIRE_BROWSER=1.
- Transactional tests (`transactional_db`, `live_server`) start with the reference data the migrations seed
  (the built-in roles), because Django empties every table after each of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
BROWSER_DIR = ROOT / "tests" / "browser"


def _is_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_path() -> str | None:
    """The Chromium the browser tests drive, or None when it is not installed."""
    path = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def _check_postgres() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    where = f"{db.get('USER') or 'postgres'}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        hint = (
            "Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`) or unset DATABASE_URL."
            if not _is_true("CRM_REQUIRE_POSTGRES")
            else "CRM_REQUIRE_POSTGRES=1: the PostgreSQL pass cannot be skipped."
        )
        raise pytest.UsageError(f"PostgreSQL at {where} is not reachable: {exc}\n{hint}") from None


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("help", False) or config.getoption("version", 0):
        return
    from django.conf import settings

    if os.environ.get("CRM_FAST_PASSWORD_HASHER", "1") not in {"0", "false", "no"}:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    if not hasattr(config, "workerinput"):  # once, in the controller (xdist) or the only process
        _check_postgres()


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item: pytest.Item) -> None:
    """Everything under tests/browser/ is a browser test (marked before `-m` selects)."""
    if BROWSER_DIR in Path(str(item.path)).parents and item.get_closest_marker("browser") is None:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After `-m`/`-k` selection: browser tests need Chromium (skip, or fail with CRM_REQUIRE_BROWSER=1)."""
    browser_items = [item for item in items if _is_browser_test(item)]
    if not browser_items or chromium_path() is not None:
        return
    where = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
    if _is_true("CRM_REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"CRM_REQUIRE_BROWSER=1 but Chromium is not installed at {where} "
            f"({len(browser_items)} browser tests selected). Install it: apt-get install -y chromium"
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {where} (apt-get install -y chromium)")
    for item in browser_items:
        item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = db["ENGINE"].rsplit(".", 1)[-1]
    where = f" {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}" if name == "postgresql" else ""
    return [f"crm: database {name}{where}; chromium {chromium_path() or 'missing'}"]


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Re-seed what migrations create, for tests that run outside a rolled-back transaction."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None and not transactional:
        transactional = bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if not transactional:
        return
    request.getfixturevalue("_django_db_helper")
    from crm.core.identity.services import roles_ensure_defaults

    roles_ensure_defaults()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language; a request or test that switches it cannot leak into the next."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
