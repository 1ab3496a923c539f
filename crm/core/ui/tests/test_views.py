"""The shell pages: home with registered panels, quick find with registered providers, language switch."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import Client

from crm.core.identity.models import User
from crm.core.ui import panels
from crm.core.ui.toasts import toast


@pytest.fixture
def user(db: None) -> User:
    return User.objects.create_superuser("ui-test@example.com", "pw-ui-12345", full_name="Ana López")


@pytest.fixture
def client_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_home_requires_login(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 302


def test_home_greets_and_renders_each_registered_panel_lazily(
    client_in: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(panels, "_HOME_PANELS", {})
    panels.home_panel_register(key="t.one", title="Panel one", url_name="ui:styleguide", order=2)
    panels.home_panel_register(key="t.zero", title="Panel zero", url_name="ui:styleguide", order=1)
    panels.home_panel_register(key="t.broken", title="Broken", url_name="nope:missing", order=3)
    body = client_in.get("/").content.decode()
    assert ", Ana</h1>" in body
    assert body.index("Panel zero") < body.index("Panel one")
    assert 'hx-get="/styleguide/" hx-trigger="load"' in body
    assert "Broken" not in body


def test_home_without_panels_shows_an_empty_state(client_in: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(panels, "_HOME_PANELS", {})
    body = client_in.get("/").content.decode()
    assert 'class="empty"' in body


def test_shell_has_navigation_csrf_meta_and_no_inline_script_or_style(client_in: Client) -> None:
    response = client_in.get("/styleguide/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="csrf-token"' in body
    assert "Administration" in body
    assert 'href="#main"' in body
    assert "style=" not in body
    assert "<script>" not in body and " on" + "click=" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_language_switch_remembers_the_choice_on_the_user(client_in: Client, user: User) -> None:
    response = client_in.post("/language/", {"language": "es", "next": "/styleguide/"})
    assert response.status_code == 302
    assert response["Location"] == "/styleguide/"
    user.refresh_from_db()
    assert user.language == "es"
    body = client_in.get("/styleguide/").content.decode()
    assert '<html lang="es">' in body


def test_language_switch_works_signed_out(client: Client, db: None) -> None:
    response = client.post("/language/", {"language": "es", "next": "/login/"})
    assert response.status_code == 302
    assert response.cookies["crm_language"].value == "es"


def test_toast_header_merges_messages() -> None:
    response = toast(HttpResponse(), "Saved.")
    toast(response, "Also this.", level="warning")
    payload = json.loads(response["HX-Trigger"])
    assert payload == {
        "showToast": {
            "messages": [
                {"message": "Saved.", "level": "success"},
                {"message": "Also this.", "level": "warning"},
            ]
        }
    }


def test_styleguide_inline_edit_round_trip(client_in: Client) -> None:
    htmx = {"HX-Request": "true"}
    form = client_in.get("/styleguide/inline/phone/?edit=1", headers=htmx).content.decode()
    assert "hx-post" in form
    bad = client_in.post("/styleguide/inline/phone/", {"value": "12"}, headers=htmx).content.decode()
    assert "field__error" in bad
    ok = client_in.post("/styleguide/inline/phone/", {"value": "+34 600 111 222"}, headers=htmx)
    assert "+34 600 111 222" in ok.content.decode()
    assert "showToast" in ok["HX-Trigger"]


def test_signed_in_users_language_applies_from_the_first_request(client, django_user_model):
    user = django_user_model.objects.create_user(
        "es-user@example.com", "pw-123456-x", full_name="Usuaria", language="es"
    )
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert 'lang="es"' in response.content.decode()
