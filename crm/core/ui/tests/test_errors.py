"""Error pages: 400, 403, 404, 500 and the expired-session (CSRF) page — status, helpful text, no traceback."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.views import defaults

from crm.core.identity.models import User

pytestmark = pytest.mark.urls("crm.core.ui.tests.urls_errors")

LEAKS = ("Traceback", "secret-internal", "Exception Value", "technical_500", "settings.py", "DEBUG = True")


def assert_no_leak(body: str) -> None:
    for marker in LEAKS:
        assert marker not in body, marker


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_superuser("errors@example.com", "pw-err-12345", full_name="Eva Error")


@pytest.fixture
def client_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@override_settings(DEBUG=False)
def test_404_signed_in_is_on_the_app_shell_with_search_and_home(client_in: Client) -> None:
    response = client_in.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'class="sidebar"' in body and "data-quickfind" in body  # the shell
    assert 'action="/search/"' in body and "Go back" in body and "Go to the home page" in body
    assert_no_leak(body)


@override_settings(DEBUG=False)
def test_404_signed_out_is_the_bare_card_without_the_shell(db: None) -> None:
    response = Client().get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body
    assert 'class="sidebar"' not in body
    assert_no_leak(body)


@override_settings(DEBUG=False)
def test_404_is_translated(client_in: Client) -> None:
    client_in.cookies["crm_language"] = "es"
    with translation.override("es"):
        body = client_in.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in body
    assert "Page not found" not in body


@override_settings(DEBUG=False)
def test_403_from_permission_denied_renders_the_page_without_the_reason(client_in: Client) -> None:
    response = client_in.get("/__test__/denied/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to do this" in body
    assert 'class="sidebar"' in body
    assert_no_leak(body)


@override_settings(DEBUG=False)
def test_403_signed_out_offers_to_sign_in(db: None) -> None:
    response = Client().get("/__test__/denied/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "Sign in again" in body
    assert_no_leak(body)


@override_settings(DEBUG=False)
def test_400_renders_self_contained(db: None) -> None:
    response = Client(raise_request_exception=False).get("/__test__/suspicious/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bad request" in body and "Go back" in body
    assert_no_leak(body)


@override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"])
def test_400_for_a_disallowed_host(db: None) -> None:
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_signed_in_shows_the_friendly_page_and_no_traceback(client_in: Client) -> None:
    response = client_in.get("/__test__/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body
    assert "Go back" in body
    assert "csrf" not in body.lower()  # self-contained: no request context went into it
    assert_no_leak(body)


@override_settings(DEBUG=False)
def test_500_uncaught_domain_error_does_not_leak(client_in: Client) -> None:
    response = client_in.get("/__test__/domain-denied/")
    assert response.status_code in (403, 500)
    assert_no_leak(response.content.decode())


def test_500_renders_without_database_or_request_context() -> None:
    """No `db` fixture: any query would fail the test. Django renders 500.html with no request context."""
    request = RequestFactory().get("/")
    with translation.override("es"):
        response = defaults.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert (
        'lang="es"' in body
    )  # rendered in the request's language (the catalogue is checked by test_translations)
    assert 'class="error-page"' in body and "<title>" in body


@override_settings(DEBUG=False)
def test_csrf_failure_explains_the_expired_session(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/language/", {"language": "es"})
    body = response.content.decode()
    assert response.status_code == 403
    assert response["X-CRM-Error"] == "csrf"
    assert "Your session expired" in body and "Nothing was saved" in body
    assert "CSRF" not in body and "Referer" not in body
    user.refresh_from_db()
    assert user.language != "es"


@override_settings(DEBUG=False)
def test_csrf_failure_signed_out_offers_to_sign_in(db: None) -> None:
    response = Client(enforce_csrf_checks=True).post("/language/", {"language": "es"})
    assert response.status_code == 403
    assert "Sign in again" in response.content.decode()


@override_settings(DEBUG=False)
def test_no_error_page_has_inline_script_or_style(client_in: Client) -> None:
    for url in ("/no/such/page/", "/__test__/denied/", "/__test__/boom/", "/__test__/suspicious/"):
        body = client_in.get(url).content.decode()
        assert "style=" not in body and "<script>" not in body and " onclick=" not in body, url
